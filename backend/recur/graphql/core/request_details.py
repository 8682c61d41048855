"""What the logs and metrics learn from GraphQL: the operation's name, and the request id on
a masked error so the person who saw "Unexpected error." can quote it to support
(docs/operations.md, "Logs")."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from recur.observability.logs import current_request

UNEXPECTED = "Unexpected error."


class NameTheOperation(SchemaExtension):
    """Puts the operation's name on the request's log lines and metrics."""

    def on_validate(self) -> Iterator[None]:
        self._name()
        yield

    def on_execute(self) -> Iterator[None]:
        self._name()
        yield

    def _name(self) -> None:
        details = current_request()
        if details is not None and self.execution_context.graphql_document is not None:
            details.operation = self.execution_context.operation_name


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's masking, with ``extensions.code`` ``INTERNAL_SERVER_ERROR`` and the
    request's id in ``extensions.requestId``."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        details = current_request()
        extensions: dict[str, object] = {"code": "INTERNAL_SERVER_ERROR"}
        if details is not None:
            extensions["requestId"] = details.request_id
        return GraphQLError(
            message=UNEXPECTED,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )
