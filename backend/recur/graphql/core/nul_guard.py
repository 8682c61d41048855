"""Refuse text containing the NUL character before it reaches a resolver.

PostgreSQL cannot hold NUL in text, so such an argument would fail deep in a query as an
unexpected error; SQLite would accept it. Refusing it up front gives one clear answer on
every database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

MESSAGE = "Text must not contain the NUL character (\\u0000)."


class _FindNul(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if "\x00" in node.value:
            self.found = True


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class RejectNulCharacters(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        finder = _FindNul()
        if execution.graphql_document is not None:
            visit(execution.graphql_document, finder)
        if finder.found or _has_nul(execution.variables):
            execution.result = ExecutionResult(
                data=None, errors=[GraphQLError(MESSAGE, extensions={"code": "BAD_USER_INPUT"})]
            )
        yield
