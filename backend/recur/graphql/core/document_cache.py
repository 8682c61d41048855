"""Parsed and validated documents, cached by query text and bounded by its bytes, and the
budget every document must be within before it is validated (``query_cost``).

A client sending the same query text again pays for execution only. The cache holds at most
:data:`MAX_QUERY_TEXT` characters of query text: a parsed document weighs a few hundred
times its text (every token is kept for error locations), so the bound in entries it had
let 512 long queries hold over 500 MB, and the collector's full passes over them stalled
every request for seconds. Only documents within budget and valid are kept; the budget is
checked on every request, cached or not, since it depends on the variables (``first: $n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from recur.graphql.core.query_cost import over_budget

#: About 15 MB of documents at most (a 4.5 KB query parses to about 1 MB); the app's queries
#: are a few hundred characters each, GraphiQL's schema query 1,600.
MAX_QUERY_TEXT = 64 * 1024

Key = tuple[str, tuple[type[ASTValidationRule], ...]]


@dataclass(frozen=True)
class _Checked:
    document: DocumentNode
    errors: list[GraphQLError]
    #: The length of its query text, what it counts for in the cache.
    size: int


#: Shared by every request (extensions are made per request).
_documents: LRUCache[Key, _Checked] = LRUCache(
    maxsize=MAX_QUERY_TEXT, getsizeof=lambda checked: checked.size
)


class CheckedDocuments(SchemaExtension):
    """Parse from the cache, check the budget, validate from the cache."""

    def __init__(self, *, max_depth: int) -> None:
        super().__init__()
        self.max_depth = max_depth

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        checked = _documents.get(self._key()) if execution.query else None
        if checked is not None:
            execution.graphql_document = checked.document
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is None:
            yield
            return
        schema = execution.schema._schema
        error = over_budget(schema, document, execution.variables, max_depth=self.max_depth)
        if error is not None:
            execution.pre_execution_errors = [error]
            yield
            return
        key = self._key()
        checked = _documents.get(key)
        if checked is None or checked.document is not document:
            errors = validate_document(schema, document, key[1])
            checked = _Checked(document, errors, len(key[0]))
            if execution.query and not errors and checked.size <= MAX_QUERY_TEXT:
                _documents[key] = checked
        execution.pre_execution_errors = checked.errors
        yield

    def _key(self) -> Key:
        """The query text, and the validation rules it is checked with."""
        execution = self.execution_context
        return execution.query or "", tuple(execution.validation_rules)
