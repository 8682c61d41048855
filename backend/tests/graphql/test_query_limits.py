"""Queries built to exhaust the server are refused before validation, by what they cost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    get_introspection_query,
    parse,
)

from recur.graphql.core import document_cache
from recur.graphql.core.query_cost import (
    ASSUMED_LIST_SIZE,
    ITEM_COSTS,
    MAX_COST,
    MAX_NODES,
    MAX_REPEATS,
    MAX_SELECTIONS,
    measure,
    over_budget,
)
from recur.graphql.schema import MAX_DEPTH, schema
from recur.settings import Settings

SPA = Path(__file__).parents[3] / "frontend" / "assets" / "js"
_CONSTANT = re.compile(
    r"(?:export\s+)?const\s+([A-Z_][A-Z0-9_]*)\s*=\s*(`(?:[^`\\]|\\.)*`|\"(?:[^\"\\]|\\.)*\")", re.S
)
_TEMPLATE = re.compile(r"`((?:[^`\\]|\\.)*)`", re.S)
_INTERPOLATED = re.compile(r"\$\{\s*([A-Z_][A-Z0-9_]*)\s*\}")

CATALOG = """{ products(first: 100) { edges { node { id sku name kind prices {
  id currency billingPeriod model unitAmount tiers { upTo unitAmount flatAmount } } } } } }"""
PAGE = "products(first: {n}) {{ edges {{ node {{ prices {{ id }} }} }} }}"


def _refusal(query: str, variables: dict | None = None, max_nodes: int = MAX_NODES) -> str | None:
    error = over_budget(
        schema._schema, parse(query), variables, max_depth=MAX_DEPTH, max_nodes=max_nodes
    )
    return None if error is None else error.message


def _cost_refusal(query: str, variables: dict | None = None) -> str | None:
    """Refused for its cost in fields, whatever the node limit."""
    return _refusal(query, variables, max_nodes=10**9)


def _repeated(piece: str, times: int) -> str:
    return "{ " + " ".join([piece] * times) + " }"


async def test_a_query_of_many_repeated_fields_is_refused_before_validation(gql) -> None:
    # The same fields again and again (185 times took validation seconds), within the
    # token limit (80 times: 880 tokens).
    hostile = _repeated("products { edges { node { sku notAField } } }", 80)
    body = await gql(hostile)
    assert body["data"] is None
    [error] = body["errors"]  # the budget speaks; validation (the unknown field) never ran
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert f"more than {MAX_REPEATS} times" in error["message"]


async def test_aliased_staff_reports_count_against_the_budget(gql, login) -> None:
    token = await login("maria@recur.example")
    report = "renewals(withinDays: 366, first: 100) { entries { renewalStatus subscription { "
    report += "number items { quantity price { unitAmount } } } } }"
    one = await gql("{ " + report + " }", token=token)
    assert "errors" not in one, one
    aliased = "{ " + " ".join(f"r{i}: {report}" for i in range(30)) + " }"
    body = await gql(aliased, token=token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert f"costs more than {MAX_COST}" in body["errors"][0]["message"]
    # Few fields, but every entry reads a subscription, its items, prices and quote.
    small = "renewals(withinDays: 366, first: 100) { entries { subscription { number } } }"
    fits = MAX_COST // (100 * (1 + ITEM_COSTS[("Query", "renewals")]))
    assert _refusal("{ " + " ".join(f"r{i}: {small}" for i in range(fits)) + " }") is None
    many = "{ " + " ".join(f"r{i}: {small}" for i in range(fits + 1)) + " }"
    assert "costs more" in (_refusal(many) or "")


async def test_the_apps_queries_and_graphiqls_introspection_are_within_budget(gql) -> None:
    catalog = await gql(CATALOG)
    assert "errors" not in catalog and catalog["data"]["products"]["edges"]
    graphiql = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    introspection = await gql(graphiql)
    assert "errors" not in introspection and introspection["data"]["__schema"]["types"]


def test_a_field_costs_one_for_each_item_of_the_lists_around_it() -> None:
    # products(first: n): 1 (products) + 1 (edges) + n (node) + n (prices) + the prices'
    # ids, ASSUMED_LIST_SIZE a node.
    def cost(n: int) -> int:
        return 2 + n + n + n * ASSUMED_LIST_SIZE

    query = "query($n: Int) { products(first: $n) { edges { node { prices { id } } } } }"
    largest = max(n for n in range(101) if cost(n) <= MAX_COST)
    per_alias = cost(largest)
    aliases = MAX_COST // per_alias
    within = "{ " + " ".join(f"a{i}: " + PAGE.format(n=largest) for i in range(aliases)) + " }"
    assert _cost_refusal(within) is None
    beyond = within[:-1] + "b: " + PAGE.format(n=largest) + " }"
    assert "costs more" in (_cost_refusal(beyond) or "")
    # A variable's value counts as the literal does; beyond 100 counts as 100 (refused later).
    literal = query.replace("first: $n", "first: 100")
    assert _cost_refusal(query, {"n": 100}) == _cost_refusal(literal)
    assert _cost_refusal(query, {"n": 10**9}) == _cost_refusal(literal)
    many = "{ " + " ".join(f"a{i}: " + PAGE.format(n="$n") for i in range(aliases + 1)) + " }"
    assert _cost_refusal("query($n: Int)" + many, {"n": largest}) is not None
    assert _cost_refusal("query($n: Int)" + many, {"n": 1}) is None


def test_selections_and_repeats_are_counted_through_fragments() -> None:
    fragment = "fragment F on Product { sku }"
    # The first spread asks for sku, each other asks for it again.
    spreads = "{ products { edges { node { " + "...F " * (MAX_REPEATS + 2) + "} } } } "
    assert "times" in (_refusal(spreads + fragment) or "")
    many = " ".join(f"...F{i}" for i in range(MAX_SELECTIONS))
    fragments = " ".join(f"fragment F{i} on Product {{ f{i}: sku }}" for i in range(MAX_SELECTIONS))
    query = '{ product(sku: "x") { ' + many + " } } " + fragments
    assert "selections" in (_refusal(query) or "")


@pytest.mark.parametrize(
    "query",
    [
        "{ products { edges { node { ...A } } } } fragment A on Product { upgradesTo { ...A } }",
        "{ products { edges { node { ...A } } } } fragment A on Product { ...B } "
        "fragment B on Product { ...A sku }",
        "{ nothing { at { all } } } fragment U on Unknown { x { y } }",
    ],
)
async def test_cycles_and_unknown_names_are_left_to_validation(gql, query: str) -> None:
    assert _refusal(query) is None
    body = await gql(query)
    assert body["data"] is None
    codes = [error.get("extensions", {}).get("code") for error in body["errors"]]
    assert codes and "QUERY_TOO_COSTLY" not in codes


async def test_parsed_documents_are_kept_within_a_bound_of_query_text() -> None:
    document_cache._documents.clear()
    padding = "#" + "x" * 2000 + "\n"
    for n in range(100):
        result = await schema.execute(f"# {n}\n{padding}{{ __typename }}")
        assert result.errors is None
        assert document_cache._documents.currsize <= document_cache.MAX_QUERY_TEXT
    assert 0 < len(document_cache._documents) < 100
    # The same text again is not parsed again.
    query = "{ __typename }"
    await schema.execute(query)
    [kept] = [c for (text, _), c in document_cache._documents.items() if text == query]
    await schema.execute(query)
    assert [c for (text, _), c in document_cache._documents.items() if text == query] == [kept]
    # A document over budget is never kept.
    refused = _repeated("products { edges { node { sku } } }", 100)
    assert (await schema.execute(refused)).errors
    assert all(text != refused for text, _ in document_cache._documents)


def app_queries() -> list[tuple[str, str]]:
    """Every query and mutation the app's scripts write out, with the constants they
    interpolate (``${MONEY}``, ``${FIELDS}``) put in: (file, text). Those built from
    variables at run time (a mutation named by a parameter) are left out."""
    files = sorted(SPA.rglob("*.js"))
    constants = {
        name: literal[1:-1]
        for path in files
        for name, literal in _CONSTANT.findall(path.read_text())
    }
    found = []
    for path in files:
        for literal in _TEMPLATE.findall(path.read_text()):
            text = literal.strip()
            if not re.match(r"^(query|mutation)\b|^\{ ", text):
                continue
            for _ in range(5):
                text = _INTERPOLATED.sub(lambda m: constants.get(m.group(1), "${?}"), text)
            if "${" not in text:
                found.append((path.name, text))
    return found


def _at_full_pages(text: str) -> dict[str, int]:
    """Every Int variable at 100, the largest page: the most the query could ask for."""
    variables = {}
    for definition in parse(text).definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                kind = variable.type
                kind = kind.type if isinstance(kind, NonNullTypeNode) else kind
                if isinstance(kind, NamedTypeNode) and kind.name.value == "Int":
                    variables[variable.variable.name.value] = 100
    return variables


def test_the_apps_own_queries_stay_well_within_the_node_limit_and_the_minute() -> None:
    queries = app_queries()
    assert len(queries) > 80  # every screen's queries, not a handful
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    nodes = {}
    for name, text in queries:
        measured = measure(schema._schema, parse(text), _at_full_pages(text), max_depth=MAX_DEPTH)
        assert measured.error is None, (name, text)
        nodes[(name, text[:60])] = measured.nodes
    heaviest = max(nodes.values())
    # The heaviest screens (an add-on picker of 100 products with prices and tiers) ask for
    # about 3,600 nodes: a third of what one query may, a thirtieth of the minute's share.
    assert defaults["query_max_nodes"] == MAX_NODES
    assert 3_000 <= heaviest <= MAX_NODES // 2
    assert heaviest * 25 <= defaults["query_cost_per_minute"]
