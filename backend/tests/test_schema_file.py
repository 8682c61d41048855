"""schema.graphql is the exported schema of the running code."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema

from recur.graphql.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), "schema.graphql is stale: run `make schema`"


def test_the_core_contract_names_are_in_the_schema() -> None:
    schema = sdl()
    for name in (
        "viewer: Viewer",
        "products(",
        "accounts(",
        "account(id: ID!): Account",
        "node(id: ID!): Node",
        "login(input: LoginInput!): LoginPayload!",
        "logout: LogoutPayload!",
        "type Money",
        "enum ProductKind",
        "enum BillingPeriod",
        "enum PricingModel",
        "enum Role",
    ):
        assert name in schema, name


def test_a_product_is_found_by_id_or_by_sku() -> None:
    query = build_schema(sdl()).query_type
    assert query is not None
    product = query.fields["product"]
    assert {name: str(arg.type) for name, arg in product.args.items()} == {
        "id": "ID",
        "sku": "String",
    }
    assert str(product.type) == "Product"
