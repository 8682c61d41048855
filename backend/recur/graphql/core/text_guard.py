"""Check every text argument before a resolver runs: valid Unicode, no NUL, within its length.

Text that no column can hold fails deep in a query, as an unexpected error that tells the
caller nothing: PostgreSQL refuses NUL in text, neither database driver can encode a lone
UTF-16 surrogate (JSON lets a client send ``"\\ud800"``), a value longer than its column
fails on PostgreSQL, and SQLite refuses a ``LIKE`` pattern past 50,000 bytes. So before the
operation runs, its arguments are coerced as the executor will coerce them (literals,
variables and their defaults alike), every string in them is checked, and the first one at
fault refuses the request with one error naming the argument (``BAD_USER_INPUT``).

Free-text inputs declare their length with :func:`text_field` or :func:`text_argument`,
which also state it in the schema's description; every other string (ids, cursors, codes)
may have :data:`DEFAULT_MAX_LENGTH` characters. docs/api.md, "Limits", lists them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

#: Characters any string argument may have unless its field declares another length.
DEFAULT_MAX_LENGTH = 1000
_MAX_LENGTH = "recur.max_length"
_DEFINITION = "strawberry-definition"

Path = tuple[str | int, ...]


def _described(max_length: int, description: str) -> str:
    return f"{description} At most {max_length:,} characters.".strip()


def text_field(max_length: int, description: str = "", **kwargs: Any) -> Any:
    """An input field of text holding at most ``max_length`` characters (its column's
    size), said in its description and checked before the resolver runs."""
    return strawberry.field(
        description=_described(max_length, description),
        metadata={_MAX_LENGTH: max_length},
        **kwargs,
    )


def text_argument(max_length: int, description: str = "") -> Any:
    """The same for a field's argument: ``Annotated[str | None, text_argument(200)]``."""
    return strawberry.argument(
        description=_described(max_length, description), metadata={_MAX_LENGTH: max_length}
    )


def text_problem(text: str, max_length: int) -> str | None:
    """What is wrong with ``text`` as an argument, or ``None``."""
    if "\x00" in text:
        return "text must not contain the NUL character (\\u0000)."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text must be valid Unicode: it holds an unpaired UTF-16 surrogate."
    if len(text) > max_length:
        return f"at most {max_length:,} characters, got {len(text):,}."
    return None


def _max_length(definition: GraphQLArgument | GraphQLInputField) -> int:
    strawberry_definition = (definition.extensions or {}).get(_DEFINITION)
    metadata = getattr(strawberry_definition, "metadata", None) or {}
    return int(metadata.get(_MAX_LENGTH, DEFAULT_MAX_LENGTH))


def _problems(
    value: Any, type_: GraphQLInputType, max_length: int, path: Path
) -> Iterator[tuple[Path, str]]:
    """Every string in a coerced argument value that is not acceptable text, with its path."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            yield from _problems(item, type_.of_type, max_length, (*path, index))
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, field in type_.fields.items():
            key = field.out_name or name
            if key in value:
                yield from _problems(value[key], field.type, _max_length(field), (*path, name))
    elif isinstance(value, str):
        problem = text_problem(value, max_length)
        if problem is not None:
            yield path, problem


def _fields_with_arguments(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Iterator[tuple[GraphQLField, FieldNode]]:
    """Each field the operation selects that takes arguments, through fragments too."""
    root = schema.get_root_type(operation.operation)
    pending: list[tuple[GraphQLNamedType | None, SelectionSetNode]] = [
        (root, operation.selection_set)
    ]
    spread: set[str] = set()
    while pending:
        parent, selection_set = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = (
                    parent.fields
                    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
                    else {}
                )
                field = fields.get(selection.name.value)
                if field is None:
                    continue
                if selection.arguments:
                    yield field, selection
                if selection.selection_set:
                    pending.append((get_named_type(field.type), selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                pending.append((inner, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in spread:
                    continue
                spread.add(name)
                inner = schema.get_type(fragment.type_condition.name.value)
                pending.append((inner, fragment.selection_set))


def first_text_problem(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> GraphQLError | None:
    """The error for the first unacceptable string among the operation's arguments.

    Arguments the executor will refuse anyway (a wrong type, an unknown variable) are left
    to it: its error says what is wrong with them.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    if isinstance(coerced, list):
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for field, node in _fields_with_arguments(schema, operation, fragments):
        try:
            arguments = get_argument_values(field, node, coerced)
        except GraphQLError:
            continue
        for name, argument in field.args.items():
            key = argument.out_name or name
            if key not in arguments:
                continue
            for path, problem in _problems(
                arguments[key], argument.type, _max_length(argument), (name,)
            ):
                where = ".".join(str(step) for step in path)
                return GraphQLError(
                    f"{where} of {node.name.value}: {problem}",
                    extensions={"code": "BAD_USER_INPUT", "field": [node.name.value, *path]},
                )
    return None


class CheckTextArguments(SchemaExtension):
    """Refuse an operation whose arguments hold text no column can take (see above)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.graphql_document is not None and execution.result is None:
            error = first_text_problem(
                execution.schema._schema,
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
            )
            if error is not None:
                execution.result = ExecutionResult(data=None, errors=[error])
        yield
