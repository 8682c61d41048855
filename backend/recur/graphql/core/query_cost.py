"""What a query may cost, measured on the parsed document before it is validated.

Validation compares the fields of a selection that share a name pair by pair
(graphql-core's ``OverlappingFieldsCanBeMergedRule``), so its time grows with the square of
the fields asked under one name: a few kilobytes of repeated fields took seconds. Execution
grows with the fields times the lists they sit in: thirty aliases of a long list took
minutes. Both are bounded here, in one walk of the document with a stack of its own (no
recursion), fragments expanded where they are spread, before any of that work starts:

- at most :data:`MAX_SELECTIONS` selections (fields, fragment spreads, inline fragments),
  counting a fragment each time it is spread;
- at most :data:`MAX_REPEATS` fields asked where a field of the same name already is;
- a cost of at most :data:`MAX_COST`: every field costs 1 for each item of the lists around
  it. A list's size is the ``first`` of the field it belongs to (a connection's ``edges``
  take their connection's ``first``: 20 when not given, at most 100), else
  :data:`ASSUMED_LIST_SIZE`. A page whose items read far more than their fields say costs
  more for each (:data:`ITEM_COSTS`).

Aliased fields count like any other. The same walk counts the **nodes** the query may
return, as GitHub's API counts them: every list of objects (a connection's ``edges``, a
product's prices) counts its items — its page, or :data:`ASSUMED_LIST_SIZE` — times the
items of the lists around it. At most ``max_nodes`` (``RECUR_QUERY_MAX_NODES``) in one query;
the nodes are also what a query costs against the minute's allowance (``cost_limit``). The
limits are documented in ``docs/api.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)

from recur.services.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

#: Far more than any screen of the app asks (64 at most), enough for GraphiQL's
#: introspection query (about 240).
MAX_SELECTIONS = 300
#: A full page of 100 products with their prices and tiers costs about 11,000.
MAX_COST = 25_000
#: Fields asked again where the same name is already asked (twice in a selection, or by a
#: fragment too): validation compares each such pair, and their selections pair by pair, so
#: its time grows with their square. Within these limits it takes a few milliseconds.
MAX_REPEATS = 50
#: The most nodes one query may ask for, unless ``RECUR_QUERY_MAX_NODES`` says otherwise:
#: a page of 100 products with their prices and tiers asks for 3,100.
MAX_NODES = 10_000
#: The size assumed for a list without ``first``: a product's prices, a price's tiers, a
#: quote's lines are a handful.
ASSUMED_LIST_SIZE = 5
#: What each item of a page costs on top of its fields, for the fields whose items read far
#: more than a row: a renewal entry reads its subscription, items, prices and renewal quote
#: with its lines (measured: about 25 times a product of the catalog with its prices).
ITEM_COSTS = {("Query", "renewals"): 25}


@dataclass
class _Place:
    """A place in the result, where the selection sets that land there merge (fragments, the
    selections of fields asked twice): its fields by response name, and their places."""

    fields: dict[str, _Place] = field(default_factory=dict)


@dataclass(frozen=True)
class _Pending:
    """A selection set still to measure, and what surrounds it."""

    selection_set: SelectionSetNode
    #: The type its fields belong to; ``None`` when unknown (validation will say why).
    parent: GraphQLNamedType | None
    #: How many times it is asked: the product of the sizes of the lists around it.
    multiplier: int
    #: The ``first`` of the field it belongs to: the size of the lists directly in it.
    page: int | None
    #: The fragments being expanded around it, so that a cycle ends.
    fragments: frozenset[str]
    #: Where in the result its fields go.
    place: _Place
    #: How deep its fields are: 0 for the operation's own, as the depth limiter counts;
    #: ``None`` within introspection (``__schema``, ``__type``), which it does not count.
    depth: int | None = 0


@dataclass(frozen=True)
class Measure:
    """What a document asks for: the nodes it may return, and why it is refused, if it is."""

    nodes: int
    error: GraphQLError | None = None


def over_budget(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_depth: int,
    max_nodes: int = MAX_NODES,
) -> GraphQLError | None:
    """Why ``document`` is refused before validation, or ``None`` if it is within budget."""
    measured = measure(schema, document, variables, max_depth=max_depth)
    return measured.error or too_many_nodes(measured.nodes, max_nodes)


def too_many_nodes(nodes: int, max_nodes: int) -> GraphQLError | None:
    """The refusal of a query asking for more than ``max_nodes`` nodes, if it does."""
    if nodes <= max_nodes:
        return None
    return _refusal(
        f"The query asks for up to {nodes:,} nodes, more than the {max_nodes:,} one query "
        "may (each list counts its page, or 5, times the items of the lists around it); ask "
        "for smaller pages or fewer nested lists.",
        nodes=nodes,
        maxNodes=max_nodes,
    )


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_depth: int,
) -> Measure:
    """The nodes ``document`` asks for with ``variables``, and why it is refused before
    validation, if it is (all but the node limit, which is the server's to set:
    :func:`too_many_nodes`).

    Fields deeper than ``max_depth`` are refused here too (the depth limiter would refuse
    them in validation), so that a query's depth cannot multiply what it is measured to cost
    before its depth is looked at."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    values = variables or {}
    cost = repeats = nodes = 0
    selected = _selections(schema, document, fragments, values)
    for selections, (pending, selection, repeated) in enumerate(selected, start=1):
        if selections > MAX_SELECTIONS:
            return Measure(
                nodes,
                _refusal(
                    f"The query has more than {MAX_SELECTIONS} selections (fields and "
                    "fragments, each fragment counted wherever it is spread)."
                ),
            )
        repeats += repeated
        if repeats > MAX_REPEATS:
            return Measure(
                nodes,
                _refusal(
                    f"The query asks for the same fields more than {MAX_REPEATS} times over; "
                    "ask for each field once (an alias for each field asked differently)."
                ),
            )
        if pending.depth is not None and pending.depth > max_depth:
            return Measure(
                nodes, _refusal(f"The query exceeds the maximum depth of {max_depth} levels.")
            )
        if isinstance(selection, FieldNode):
            cost += pending.multiplier * (1 + _item_costs(pending, selection, values))
            nodes += _nodes(pending, selection)
    # Measured to the end (at most MAX_SELECTIONS steps): a deep query hears of its depth.
    if cost > MAX_COST:
        return Measure(
            nodes,
            _refusal(
                f"The query costs more than {MAX_COST} (each field counts once for every item "
                "of the lists around it); ask for fewer fields or smaller pages."
            ),
        )
    return Measure(nodes)


def _selections(
    schema: GraphQLSchema,
    document: DocumentNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> Iterator[tuple[_Pending, SelectionNode, bool]]:
    """Every selection of the document's operations, fragments expanded, with what surrounds
    it and whether its place already has a field of its name; then those of the fragments no
    operation spreads (validation reads them too)."""
    spread: set[str] = set()
    operations = [
        _Pending(d.selection_set, schema.get_root_type(d.operation), 1, None, frozenset(), _Place())
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    yield from _walk(schema, operations, fragments, variables, spread)
    unspread = [
        _Pending(f.selection_set, _named(schema, f), 1, None, frozenset({name}), _Place())
        for name, f in fragments.items()
        if name not in spread
    ]
    yield from _walk(schema, unspread, fragments, variables, spread)


def _walk(
    schema: GraphQLSchema,
    start: list[_Pending],
    fragments: dict[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    spread: set[str],
) -> Iterator[tuple[_Pending, SelectionNode, bool]]:
    """The selections under ``start``, depth first; adds the fragments spread to ``spread``."""
    stack = list(reversed(start))
    while stack:
        pending = stack.pop()
        inner: list[_Pending] = []
        for selection in pending.selection_set.selections:
            if isinstance(selection, FieldNode):
                name = (selection.alias or selection.name).value
                repeated = name in pending.place.fields
                place = pending.place.fields.setdefault(name, _Place())
                yield pending, selection, repeated
                inner.extend(_inside_field(pending, selection, place, variables))
                continue
            yield pending, selection, False
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                parent = schema.get_type(condition.name.value) if condition else pending.parent
                inner.append(_inside(pending, selection.selection_set, parent))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                spread.add(name)
                fragment = fragments.get(name)
                if fragment is not None and name not in pending.fragments:
                    inside = _inside(pending, fragment.selection_set, _named(schema, fragment))
                    inner.append(replace(inside, fragments=pending.fragments | {name}))
        stack.extend(reversed(inner))


def _inside_field(
    pending: _Pending, field: FieldNode, place: _Place, variables: Mapping[str, Any]
) -> list[_Pending]:
    """The field's own selection set, if it has one, with its type and list sizes."""
    if field.selection_set is None:
        return []
    definition = _field(pending.parent, field.name.value)
    if definition is None:
        return [
            replace(
                pending,
                selection_set=field.selection_set,
                parent=None,
                place=place,
                depth=_depth_inside(pending, field),
            )
        ]
    kind, lists = _unwrapped(definition)
    size = _list_size(pending)
    return [
        _Pending(
            field.selection_set,
            kind,
            pending.multiplier * size**lists,
            _first(field, definition, variables) if "first" in definition.args else None,
            pending.fragments,
            place,
            _depth_inside(pending, field),
        )
    ]


def _unwrapped(definition: GraphQLField) -> tuple[GraphQLNamedType, int]:
    """The named type a field returns, and how many lists wrap it."""
    kind: Any = definition.type
    lists = 0
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        lists += isinstance(kind, GraphQLList)
        kind = kind.of_type
    named: GraphQLNamedType = kind
    return named, lists


def _list_size(pending: _Pending) -> int:
    """The size of the lists directly in ``pending``: its field's page, else assumed."""
    return pending.page if pending.page is not None else ASSUMED_LIST_SIZE


def _nodes(pending: _Pending, field: FieldNode) -> int:
    """The objects a field's lists may hold, times the items of the lists around it: 0 for
    a field that is not a list of objects."""
    if field.selection_set is None:
        return 0
    definition = _field(pending.parent, field.name.value)
    if definition is None:
        return 0
    lists = _unwrapped(definition)[1]
    return pending.multiplier * _list_size(pending) ** lists if lists else 0


def _depth_inside(pending: _Pending, field: FieldNode) -> int | None:
    if pending.depth is None or field.name.value.startswith("__"):
        return None
    return pending.depth + 1


def _item_costs(pending: _Pending, field: FieldNode, variables: Mapping[str, Any]) -> int:
    """What the items of the page a field reads cost beyond their fields (:data:`ITEM_COSTS`)."""
    parent = pending.parent.name if pending.parent else ""
    each = ITEM_COSTS.get((parent, field.name.value), 0)
    definition = _field(pending.parent, field.name.value)
    if not each or definition is None or "first" not in definition.args:
        return 0
    return each * _first(field, definition, variables)


def _inside(
    pending: _Pending, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
) -> _Pending:
    """A fragment's selections: asked as often as those around it, of the same page."""
    return replace(pending, selection_set=selection_set, parent=parent)


def _named(schema: GraphQLSchema, fragment: FragmentDefinitionNode) -> GraphQLNamedType | None:
    return schema.get_type(fragment.type_condition.name.value)


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        field: GraphQLField | None = parent.fields.get(name)
        return field
    return None


def _first(field: FieldNode, definition: GraphQLField, variables: Mapping[str, Any]) -> int:
    """The page a field asks for: its ``first``, literal or variable, else the argument's
    default, else the default page; within 0 to 100 (the services refuse more)."""
    value: Any = definition.args["first"].default_value
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value, value)
    if not isinstance(value, int) or isinstance(value, bool):
        return DEFAULT_PAGE_SIZE
    return min(max(value, 0), MAX_PAGE_SIZE)


def _refusal(message: str, **details: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COSTLY", **details})
