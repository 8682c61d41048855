"""A document with several operations must say which one to run.

The GraphQL specification (GetOperation) makes a request whose document holds more than one
operation and no ``operationName`` an error; left alone, the server would run the first one,
which a client that forgot the name would take for the one it meant.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

MESSAGE = "Must provide operationName when the document contains several operations."


class RequireOperationName(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        # ``operation_name`` falls back to the first operation's name: what the client sent
        # is kept apart (tests/graphql/test_bad_input.py notices if that ever changes).
        sent = getattr(execution, "_provided_operation_name", None)
        if sent is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                execution.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(MESSAGE, extensions={"code": "BAD_USER_INPUT"})],
                )
        yield
