"""``POST /api/usage``: usage records in bulk, one JSON object a line (NDJSON), for systems
and partner clients (docs/usage.md, "The bulk endpoint").

Authenticated like ``/graphql``: a bearer token (a user's, or a partner client's with
``usage:write``), or the session cookie with its CSRF header. Each line is
``{"subscriptionItemId", "quantity", "occurredAt", "idempotencyKey"}``, checked as
``recordUsage`` checks it; the lines refused are answered by number (from 1) with the field
and the reason, the others recorded. A key already recorded for its item records nothing
(``duplicates``), so a request may be sent again after a timeout. The body is bounded by
``RECUR_MAX_BODY_BYTES`` like every request: about 8,000 records in the default 1 MiB.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recur.graphql.core.ids import pk_of
from recur.services import usage
from recur.services.common import Forbidden, NotAuthenticated
from recur.web.authentication import app_actor

NO_STORE = {"cache-control": "no-store"}
#: Records written per transaction: a long body does not hold the write lock for long.
CHUNK = 5000


def _line_error(line: int, field: str | None, message: str, code: str) -> dict[str, Any]:
    return {"line": line, "field": field, "message": message, "code": code}


def _parse(number: int, text: str) -> usage.NewUsage | dict[str, Any]:
    """One line as a record, or its error."""
    try:
        value = json.loads(text)
    except ValueError:
        return _line_error(number, None, "Not a JSON object.", "INVALID_JSON")
    if not isinstance(value, dict):
        return _line_error(number, None, "Not a JSON object.", "INVALID_JSON")
    item = value.get("subscriptionItemId")
    item_id = pk_of(item, "SubscriptionItem") if isinstance(item, str) else None
    if item_id is None:
        message = "Give the SubscriptionItem's id."
        return _line_error(number, "subscriptionItemId", message, "UNKNOWN_ITEM")
    quantity = value.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        message = "quantity must be a whole number."
        return _line_error(number, "quantity", message, "INVALID_QUANTITY")
    occurred = value.get("occurredAt")
    try:
        occurred_at = datetime.fromisoformat(occurred) if isinstance(occurred, str) else None
    except ValueError:
        occurred_at = None
    if occurred_at is None:
        message = "Give occurredAt as an ISO 8601 time with its offset."
        return _line_error(number, "occurredAt", message, "INVALID_TIME")
    key = value.get("idempotencyKey")
    if not isinstance(key, str):
        message = "Give an idempotencyKey of 1 to 100 characters."
        return _line_error(number, "idempotencyKey", message, "INVALID_KEY")
    return usage.NewUsage(item_id, quantity, occurred_at, key)


async def usage_ndjson(request: Request) -> Response:
    state = request.app.state
    actor = await app_actor(request, require_csrf=True)
    try:
        usage.require_recorder(actor)
    except NotAuthenticated as error:
        return JSONResponse(
            {"message": error.message, "code": error.code},
            status_code=401,
            headers={**NO_STORE, "www-authenticate": "Bearer"},
        )
    except Forbidden as error:
        return JSONResponse(
            {"message": error.message, "code": error.code}, status_code=403, headers=NO_STORE
        )
    body = await request.body()
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return JSONResponse(
            {"message": "The body must be UTF-8 text.", "code": "INVALID_BODY"},
            status_code=400,
            headers=NO_STORE,
        )
    errors: list[dict[str, Any]] = []
    records: list[usage.NewUsage] = []
    numbers: list[int] = []  # the line of each record
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parsed = _parse(number, line)
        if isinstance(parsed, dict):
            errors.append(parsed)
        else:
            records.append(parsed)
            numbers.append(number)
    if not records and not errors:
        return JSONResponse(
            {"message": "Send one usage record a line.", "code": "EMPTY_BODY"},
            status_code=400,
            headers=NO_STORE,
        )
    recorded = duplicates = 0
    for start in range(0, len(records), CHUNK):
        outcome = await usage.record_usage(
            state.db, actor, records[start : start + CHUNK], now=state.clock.now()
        )
        recorded += outcome.recorded
        duplicates += outcome.duplicates
        errors += [
            _line_error(numbers[start + p.index], p.field, p.message, p.code)
            for p in outcome.problems or []
        ]
    errors.sort(key=lambda error: error["line"])
    return JSONResponse(
        {"recorded": recorded, "duplicates": duplicates, "errors": errors}, headers=NO_STORE
    )
