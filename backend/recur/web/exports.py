"""``GET /exports/invoices.csv``, ``/exports/payments.csv``, ``/exports/subscriptions.csv``
and ``/exports/accounts/{id}/timeline.csv``: CSV files streamed as they are read
(docs/api.md, "CSV exports").

They are authenticated as the PDFs are (``web/documents.py``): the session cookie or a
bearer token, no CSRF header (a link cannot send one; nothing changes). Each export lists
what the same caller would see through the API, and takes the same filters: ``accountId``
(a global id), ``status``, and for invoices and subscriptions ``from`` and ``to`` (ISO
dates, inclusive: the issue or start date).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.graphql.core.ids import pk_of
from recur.services import accounts, insights
from recur.services.common import DateRange, Invalid, ServiceError
from recur.web.authentication import app_actor

NO_STORE = {"cache-control": "private, no-store"}
#: A cell a spreadsheet would run as a formula starts with one of these; such text cells
#: get a leading apostrophe (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

E = TypeVar("E", bound=StrEnum)


class BadRequest(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _account_filter(request: Request) -> int | None:
    value = request.query_params.get("accountId")
    if value is None or value == "":
        return None
    pk = pk_of(value, "Account")
    if pk is None:
        raise BadRequest("accountId", "accountId is not an account's id.")
    return pk


def _status_filter(request: Request, kind: type[E]) -> E | None:
    value = request.query_params.get("status")
    if value is None or value == "":
        return None
    if value not in {member.value for member in kind}:
        known = ", ".join(member.value for member in kind)
        raise BadRequest("status", f"status must be one of {known}.")
    return kind(value)


def _date_filter(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != len("2026-11-24"):
        raise BadRequest(name, f"{name} must be a date like 2026-11-24.")
    return day


def _date_range(request: Request) -> DateRange:
    return DateRange(_date_filter(request, "from"), _date_filter(request, "to"))


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


async def _lines(export: insights.Export) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.header)
    async for row in export.rows:
        writer.writerow([_cell(value) for value in row])
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv(export: insights.Export) -> Response:
    return StreamingResponse(
        _lines(export),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "content-disposition": f'attachment; filename="{export.filename}"'},
    )


def _refusal(message: str, code: str, status: int, field: str | None = None) -> Response:
    body: dict[str, object] = {"message": message, "code": code}
    if field is not None:
        body["field"] = field
    headers = {**NO_STORE, "www-authenticate": "Bearer"} if status == 401 else NO_STORE
    return JSONResponse(body, status_code=status, headers=headers)


async def export_csv(request: Request) -> Response:
    """One of the exports, by the name in the path."""
    actor = await app_actor(request, require_csrf=False)
    if actor.is_anonymous:
        return _refusal("Log in to export.", "NOT_AUTHENTICATED", 401)
    db = request.app.state.db
    name = request.path_params["name"]
    try:
        account_id = _account_filter(request)
        if name == "invoices":
            status = _status_filter(request, InvoiceStatus)
            export = insights.invoices_export(
                db, actor, account_id=account_id, status=status, issued=_date_range(request)
            )
        elif name == "payments":
            export = insights.payments_export(db, actor, account_id=account_id)
        elif name == "subscriptions":
            running = _status_filter(request, SubscriptionStatus)
            export = insights.subscriptions_export(
                db,
                actor,
                account_id=account_id,
                status=running,
                starting=_date_range(request),
            )
        else:
            return _refusal("There is no such export.", "NOT_FOUND", 404)
    except BadRequest as error:
        return _refusal(error.message, "INVALID", 400, error.field)
    except Invalid as error:
        [problem] = error.problems[:1]
        field = problem.field[0] if problem.field else None
        return _refusal(problem.message, "INVALID", 400, field)
    except ServiceError as error:
        return _refusal(str(error), error.code, 403)
    return _csv(export)


async def timeline_csv(request: Request) -> Response:
    """The whole timeline of one account the caller may see."""
    actor = await app_actor(request, require_csrf=False)
    if actor.is_anonymous:
        return _refusal("Log in to export.", "NOT_AUTHENTICATED", 401)
    state = request.app.state
    pk = pk_of(request.path_params["id"], "Account")
    account = await accounts.get_account(state.db, actor, pk) if pk is not None else None
    if account is None:
        return _refusal("There is no such account.", "NOT_FOUND", 404)
    return _csv(insights.timeline_export(state.db, actor, account, state.clock.today()))
