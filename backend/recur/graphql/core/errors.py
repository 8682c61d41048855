"""userErrors in payloads, and which errors reach clients unmasked."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError

from recur.observability import metrics
from recur.observability.logs import current_request
from recur.services.common import Invalid, ServiceError

log = logging.getLogger("recur.graphql")


@strawberry.type
class UserError:
    """Something wrong with a mutation's input or with the business rules; nothing was written."""

    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['input', 'quantity']."
    )
    message: str
    code: str


def user_errors(invalid: Invalid) -> list[UserError]:
    """The userErrors of a refused mutation, fields given as paths from the mutation's input."""
    return [
        UserError(
            field=["input", *problem.field] if problem.field else None,
            message=problem.message,
            code=problem.code,
        )
        for problem in invalid.problems
    ]


def is_expected(error: GraphQLError) -> bool:
    """Errors written for clients: validation of the query itself (no original error), a
    permission's refusal (a ``GraphQLError``) and ``ServiceError`` (with its
    ``extensions.code``). They are the API working as documented, not a fault."""
    original = error.original_error
    return original is None or isinstance(original, (ServiceError, GraphQLError))


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything but expected errors: the client sees only "Unexpected error."."""
    return not is_expected(error)


def log_error(error: GraphQLError) -> None:
    """Expected refusals at INFO on one line, so that they neither page anyone nor bury the
    faults; anything else at ERROR with its stack trace. Both are counted by operation."""
    details = current_request()
    operation = metrics.operation_label(details.operation if details else None)
    expected = is_expected(error)
    metrics.GRAPHQL_ERRORS.labels(operation, "refused" if expected else "unexpected").inc()
    if expected:
        code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        where = f" at {'.'.join(map(str, error.path))}" if error.path else ""
        log.info("refused (%s)%s: %s", code, where, error.message)
    else:
        log.error("unexpected error in %s", error.path, exc_info=error.original_error)
