"""What services raise when they refuse: the GraphQL layer turns these into answers.

``NotAuthenticated`` and ``Forbidden`` become top-level errors with ``extensions.code``;
``Invalid`` becomes a payload's ``userErrors`` (nothing was written).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ServiceError(Exception):
    """Base of the errors a client may see verbatim."""

    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code}


class NotAuthenticated(ServiceError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Log in to do this.") -> None:
        super().__init__(message)


class Forbidden(ServiceError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which field, what, and a machine-readable code."""

    field: tuple[str, ...] | None
    message: str
    code: str = "INVALID"


class Invalid(ServiceError):
    """The input or the business rules refuse the operation; nothing was written."""

    code = "INVALID"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)

    @classmethod
    def one(cls, field: str | None, message: str, code: str = "INVALID") -> Invalid:
        return cls([Problem((field,) if field else None, message, code)])
