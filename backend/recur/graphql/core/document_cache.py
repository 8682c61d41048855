"""Parsed and validated documents, cached by query text and bounded by its bytes, and the
budget every document must be within before it is validated (``query_cost``).

A client sending the same query text again pays for execution only. The cache holds at most
:data:`MAX_QUERY_TEXT` characters of query text: a parsed document weighs a few hundred
times its text (every token is kept for error locations), so the bound in entries it had
let 512 long queries hold over 500 MB, and the collector's full passes over them stalled
every request for seconds. Only documents within budget and valid are kept; the budget is
checked on every request, cached or not, since it depends on the variables (``first: $n``):
a cached document keeps its measure for the few sets of page sizes it was sent with (only
whole-number and null variables can change it), so the walk is done once for each.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from recur.graphql.core.context import Context
from recur.graphql.core.query_cost import MAX_NODES, Measure, measure, too_many_nodes

#: About 15 MB of documents at most (a 4.5 KB query parses to about 1 MB); the app's queries
#: are a few hundred characters each, GraphiQL's schema query 1,600.
MAX_QUERY_TEXT = 64 * 1024

#: Measures kept per document, one per set of page sizes (``first: $n``) it was sent with.
MEASURES_PER_DOCUMENT = 8

Key = tuple[str, tuple[type[ASTValidationRule], ...]]
#: The variables that can change what a document costs: whole numbers and nulls.
Shape = tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class _Checked:
    document: DocumentNode
    errors: list[GraphQLError]
    #: The length of its query text, what it counts for in the cache.
    size: int
    #: Its measure for each shape of variables it was sent with.
    measures: dict[Shape, Measure] = field(default_factory=dict)


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
        key = self._key()
        checked = _documents.get(key)
        if checked is not None and checked.document is not document:
            checked = None
        shape = _shape(execution.variables)
        measured = checked.measures.get(shape) if checked is not None else None
        if measured is None:
            measured = measure(schema, document, execution.variables, max_depth=self.max_depth)
        if isinstance(execution.context, Context):
            execution.context.query_nodes = measured.nodes
        refusal = measured.error or too_many_nodes(measured.nodes, _max_nodes(execution.context))
        if refusal is not None:
            execution.pre_execution_errors = [refusal]
            yield
            return
        if checked is None:
            errors = validate_document(schema, document, key[1])
            checked = _Checked(document, errors, len(key[0]))
            if execution.query and not errors and checked.size <= MAX_QUERY_TEXT:
                _documents[key] = checked
        if len(checked.measures) < MEASURES_PER_DOCUMENT:
            checked.measures[shape] = measured
        execution.pre_execution_errors = checked.errors
        yield

    def _key(self) -> Key:
        """The query text, and the validation rules it is checked with."""
        execution = self.execution_context
        return execution.query or "", tuple(execution.validation_rules)


def _shape(variables: Mapping[str, Any] | None) -> Shape:
    """The variables a document's measure depends on: pages are whole numbers (or null)."""
    if not variables:
        return ()
    return tuple(
        sorted(
            (name, value)
            for name, value in variables.items()
            if value is None or (isinstance(value, int) and not isinstance(value, bool))
        )
    )


def _max_nodes(context: object) -> int:
    return context.settings.query_max_nodes if isinstance(context, Context) else MAX_NODES
