"""``GET /exports/revenue-metrics.csv``: the months of ``revenueMetrics`` as CSV, for whoever
may ask for them through the API (docs/api.md, "Revenue metrics as CSV").

Like the documents, a link from the app is enough: the session cookie authenticates it (no
CSRF header: it changes nothing), scripts send their bearer token. The rows are written as
they are produced, one month at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from recur.graphql.core.ids import pk_of
from recur.services import metrics
from recur.services.common import Forbidden, Invalid, NotAuthenticated
from recur.web.authentication import app_actor

NO_STORE = {"cache-control": "private, no-store"}
COLUMNS = (
    "month",
    "currency",
    "mrr",
    "arr",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "reactivation_mrr",
    "active_accounts",
    "churned_accounts",
    "logo_churn_percent",
    "gross_revenue_retention_percent",
    "net_revenue_retention_percent",
)


def _problem(field: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"message": message, "code": "INVALID", "field": field},
        status_code=status,
        headers=NO_STORE,
    )


async def revenue_metrics_csv(request: Request) -> Response:
    state = request.app.state
    actor = await app_actor(request, require_csrf=False)
    params = request.query_params
    currency = params.get("currency", "")
    days: dict[str, date] = {}
    for name in ("from", "to"):
        try:
            days[name] = date.fromisoformat(params.get(name, ""))
        except ValueError:
            return _problem(name, f"{name} must be a date, e.g. 2026-01-01.")
    ids: dict[str, int | None] = {}
    for name, type_name in (("ownerId", "User"), ("accountId", "Account")):
        value = params.get(name)
        ids[name] = None if not value else pk_of(value, type_name)
        if value and ids[name] is None:
            return _problem(name, f"{name} is not the id of a {type_name}.")
    try:
        months = await metrics.revenue_metrics(
            state.db,
            actor,
            currency=currency,
            start=days["from"],
            end=days["to"],
            book=metrics.MetricsFilter(owner_id=ids["ownerId"], account_id=ids["accountId"]),
        )
    except NotAuthenticated:
        return JSONResponse(
            {"message": "Log in to export revenue metrics.", "code": "NOT_AUTHENTICATED"},
            status_code=401,
            headers={**NO_STORE, "www-authenticate": "Bearer"},
        )
    except Forbidden as refused:
        return JSONResponse(
            {"message": str(refused), "code": "FORBIDDEN"}, status_code=403, headers=NO_STORE
        )
    except Invalid as invalid:
        problem = invalid.problems[0]
        return _problem(".".join(problem.field or ()), problem.message)
    name = f"revenue-metrics-{currency}-{days['from']:%Y-%m}-to-{days['to']:%Y-%m}.csv"
    return StreamingResponse(
        _lines(months, currency),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "content-disposition": f'attachment; filename="{name}"'},
    )


def _lines(months: list[metrics.RevenueMonth], currency: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: tuple[object, ...]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def amount(value: Decimal | None) -> str:
        return "" if value is None else str(value)

    yield line(COLUMNS)
    for month in months:
        yield line(
            (
                month.month.isoformat(),
                currency,
                month.mrr,
                month.arr,
                month.new,
                month.expansion,
                month.contraction,
                month.churned,
                month.reactivation,
                month.active_accounts,
                month.churned_accounts,
                amount(month.logo_churn_percent),
                amount(month.gross_revenue_retention_percent),
                amount(month.net_revenue_retention_percent),
            )
        )
