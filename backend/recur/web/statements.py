"""``GET /documents/accounts/{id}/statement.pdf`` and ``.../statement.csv``: an account's
statement for a period (``?from=YYYY-MM-DD&to=YYYY-MM-DD``; by default from the first day of
the year to today), for whoever may see the account (docs/collections.md, "Statement").

Authenticated as the other documents are (``web/documents.py``): the session cookie or a
bearer token, no CSRF header. Another account answers exactly as an unknown one does.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recur.documents import StatementDocument, StatementLine, render_statement
from recur.graphql.core.ids import pk_of
from recur.services.billing import Statement, account_statement, statement_csv_rows
from recur.services.common import Invalid, bill_to, buyer_party
from recur.web.authentication import app_actor
from recur.web.documents import seller
from recur.web.exports import FORMULA_STARTS

NO_STORE = {"cache-control": "private, no-store"}


def _refusal(message: str, code: str, status: int, field: str | None = None) -> Response:
    body: dict[str, object] = {"message": message, "code": code}
    if field is not None:
        body["field"] = field
    headers = {**NO_STORE, "www-authenticate": "Bearer"} if status == 401 else NO_STORE
    return JSONResponse(body, status_code=status, headers=headers)


def _day(request: Request, name: str, default: date) -> date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid.one(name, f"{name} is a date like 2026-12-31.", "INVALID_DATE") from None


async def _statement(request: Request) -> Statement | Response:
    actor = await app_actor(request, require_csrf=False)
    if actor.is_anonymous:
        return _refusal("Log in to see this statement.", "NOT_AUTHENTICATED", 401)
    state = request.app.state
    today = state.clock.today()
    pk = pk_of(request.path_params["id"], "Account")
    try:
        start = _day(request, "from", today.replace(month=1, day=1))
        end = _day(request, "to", today)
        found = (
            None
            if pk is None
            else await account_statement(state.db, actor, account_id=pk, start=start, end=end)
        )
    except Invalid as invalid:
        problem = invalid.problems[0]
        return _refusal(
            problem.message, problem.code, 400, problem.field[-1] if problem.field else None
        )
    if found is None:
        return _refusal("There is no such account.", "NOT_FOUND", 404)
    return found


def _filename(statement: Statement, extension: str) -> str:
    return f"statement-{statement.start.isoformat()}-to-{statement.end.isoformat()}.{extension}"


async def statement_pdf(request: Request) -> Response:
    found = await _statement(request)
    if isinstance(found, Response):
        return found
    state = request.app.state
    account = found.account
    document = StatementDocument(
        seller=seller(state.settings),
        buyer=buyer_party(bill_to(account)),
        currency=account.currency,
        start=found.start,
        end=found.end,
        opening=found.opening,
        closing=found.closing,
        lines=tuple(
            StatementLine(
                row.entry.on, row.entry.number, row.entry.description, row.entry.amount, row.balance
            )
            for row in found.rows
        ),
        generated_at=state.clock.now(),
    )
    content = await run_in_threadpool(render_statement, document)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            **NO_STORE,
            "content-disposition": f'inline; filename="{_filename(found, "pdf")}"',
        },
    )


async def statement_csv(request: Request) -> Response:
    found = await _statement(request)
    if isinstance(found, Response):
        return found
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in statement_csv_rows(found):
        writer.writerow(
            [
                "'" + cell if cell.startswith(FORMULA_STARTS) and i == 3 else cell
                for i, cell in enumerate(row)
            ]
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            **NO_STORE,
            "content-disposition": f'attachment; filename="{_filename(found, "csv")}"',
        },
    )
