"""Every text argument of every field is checked before anything runs: whatever text a
client sends in any of them, the answer names the argument, never "Unexpected error."."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    build_schema,
    is_required_input_field,
)

from recur.graphql.schema import sdl
from tests.conftest import GraphQL

SCHEMA = build_schema(sdl())
SAMPLES = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Decimal": "1",
    "Date": "2026-11-24",
    "DateTime": "2026-11-24T10:00:00Z",
}
#: Text no column can hold: a lone UTF-16 surrogate, a NUL, far more than any limit.
BAD_TEXT = {"surrogate": "\ud800", "nul": "A\x00", "huge": "x" * 50_000}

Path = tuple[str | int, ...]


def _unwrapped(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def sample(type_: GraphQLInputType) -> Any:
    """A valid value of an input type, with only its required fields."""
    type_ = _unwrapped(type_)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in type_.fields.items()
            if is_required_input_field(field)
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return SAMPLES[type_.name]


def text_paths(type_: GraphQLInputType, path: Path) -> Iterator[Path]:
    """The path of every String or ID inside an input type, required or not."""
    type_ = _unwrapped(type_)
    if isinstance(type_, GraphQLList):
        yield from text_paths(type_.of_type, (*path, 0))
    elif isinstance(type_, GraphQLInputObjectType):
        for name, field in type_.fields.items():
            yield from text_paths(field.type, (*path, name))
    elif isinstance(type_, GraphQLScalarType) and type_.name in ("String", "ID"):
        yield path


def with_text(field: GraphQLField, path: Path, text: str) -> dict[str, Any]:
    """Sample arguments of ``field`` with ``text`` at ``path`` (objects on the way made)."""
    arguments = {name: sample(arg.type) for name, arg in field.args.items()}
    name, *rest = path
    type_: Any = field.args[str(name)].type
    holder: Any = arguments
    key: str | int = name
    for step in rest:
        type_ = _unwrapped(type_)
        if isinstance(holder, dict) and holder.get(key) is None:
            holder[key] = sample(type_)
        holder = holder[key]
        type_ = type_.of_type if isinstance(type_, GraphQLList) else type_.fields[str(step)].type
        key = step
    holder[key] = text
    return arguments


def operation(kind: str, name: str, field: GraphQLField) -> str:
    variables = ", ".join(f"${arg}: {arg_type.type}" for arg, arg_type in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = "" if isinstance(_unwrapped(field.type), GraphQLScalarType) else " { __typename }"
    return f"{kind} Probe({variables}) {{ {name}({arguments}){selection} }}"


def cases() -> Iterator[tuple[str, str, GraphQLField, Path]]:
    for kind, root in (("mutation", SCHEMA.mutation_type), ("query", SCHEMA.query_type)):
        assert root is not None
        for name, field in root.fields.items():
            for arg, definition in field.args.items():
                for path in text_paths(definition.type, (arg,)):
                    yield kind, name, field, path


CASES = list(cases())


def test_the_schema_has_text_arguments_to_try() -> None:
    mutations = {name for kind, name, _, _ in CASES if kind == "mutation"}
    assert {"login", "voidInvoice", "recordPayment", "payInvoice", "rejectQuote"} <= mutations


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
async def test_no_text_argument_lets_bad_text_through(
    client: httpx.AsyncClient, login: Any, text: str
) -> None:
    admin = await login("adam@recur.example")
    for kind, name, field, path in CASES:
        for token in (admin, None):
            request = {
                "query": operation(kind, name, field),
                "variables": with_text(field, path, text),
            }
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = f"Bearer {token}"
            # JSON escapes a lone surrogate as "\ud800", as a client's encoder would.
            response = await client.post("/graphql", content=json.dumps(request), headers=headers)
            where = f"{name} {'.'.join(map(str, path))}"
            assert response.status_code == 200, (where, response.text)
            assert "Unexpected error" not in response.text, where
            [error] = response.json()["errors"]
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": [name, *path]}, where


async def test_text_within_its_limit_goes_through(gql: GraphQL) -> None:
    body = await gql("query($s: String) { products(search: $s) { totalCount } }", {"s": "x" * 200})
    assert body["data"]["products"]["totalCount"] == 0

    longer = await gql(
        "query($s: String) { products(search: $s) { totalCount } }", {"s": "x" * 201}
    )
    [error] = longer["errors"]
    assert error["message"] == "search of products: at most 200 characters, got 201."


VOID = """mutation($invoice: ID!, $reason: String!) {
  voidInvoice(input: {invoiceId: $invoice, reason: $reason}) {
    invoice { voidReason } creditNote { reason } userErrors { field code } } }"""


async def test_a_void_reason_of_the_longest_length_fits_the_credit_note(
    gql: GraphQL, login
) -> None:
    fiona = await login("fiona@recur.example")
    body = await gql("{ invoices(status: OPEN) { edges { node { id } } } }", token=fiona)
    invoice = body["data"]["invoices"]["edges"][0]["node"]["id"]
    reason = "r" * 450

    voided = (await gql(VOID, {"invoice": invoice, "reason": reason}, token=fiona))["data"]
    assert voided["voidInvoice"]["userErrors"] == []
    assert voided["voidInvoice"]["invoice"]["voidReason"] == reason
    assert voided["voidInvoice"]["creditNote"]["reason"].endswith(f": {reason}")
    longer = await gql(VOID, {"invoice": invoice, "reason": reason + "r"}, token=fiona)
    assert longer["errors"][0]["extensions"]["field"] == ["voidInvoice", "input", "reason"]


TERMS = """mutation($account: ID!, $start: Date!) {
  createQuote(input: {accountId: $account, startDate: $start, termMonths: 12}) {
    quote { startDate } userErrors { field code message } } }"""


async def test_a_quote_term_must_end_by_the_last_day_a_date_holds(gql: GraphQL, login) -> None:
    rita = await login("rita@recur.example")
    accounts = await gql("{ accounts { edges { node { id } } } }", token=rita)
    account = accounts["data"]["accounts"]["edges"][0]["node"]["id"]

    late = await gql(TERMS, {"account": account, "start": "9999-06-01"}, token=rita)
    [error] = late["data"]["createQuote"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "startDate"], "TERM_TOO_LATE")
    assert "9999-12-31" in error["message"]
    fits = await gql(TERMS, {"account": account, "start": "9998-12-31"}, token=rita)
    assert fits["data"]["createQuote"]["userErrors"] == []
