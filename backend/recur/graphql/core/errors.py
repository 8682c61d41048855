"""userErrors in payloads, and which errors reach clients unmasked."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError

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


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything but errors written for clients: validation of the query itself
    (no original error), and ``ServiceError`` (with its ``extensions.code``). Masked errors
    are logged with their stack trace; the client sees only "Unexpected error."."""
    original = error.original_error
    if original is None or isinstance(original, (ServiceError, GraphQLError)):
        return False
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True
