"""Whatever a client sends, the server answers with a clear error, never a 500 or a trace."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from recur.settings import Settings
from tests.conftest import GraphQL

Login = Callable[[str], Awaitable[str]]
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token csrfToken viewer { email } userErrors { field message code }
  }
}"""
FIRST_PRICE_AMOUNT = """
query($quantity: Int!) {
  products(first: 1) { edges { node { prices { amount(quantity: $quantity) { amount } } } } }
}"""


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sees a crash as the 500 a browser would get, instead of the exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


def assert_clean(response: httpx.Response) -> None:
    """No server error, no stack trace, whatever the answer."""
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


async def post_raw(
    http: httpx.AsyncClient, content: bytes, content_type: str = "application/json"
) -> httpx.Response:
    response = await http.post("/graphql", content=content, headers={"content-type": content_type})
    assert_clean(response)
    return response


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a query that should be refused with errors (status 200 or 400); returns the body."""
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert_clean(response)
    assert response.status_code in (200, 400), response.text
    body: dict[str, Any] = response.json()
    assert body.get("errors"), body
    return body


def messages(body: dict[str, Any]) -> str:
    return " | ".join(error["message"] for error in body["errors"])


def assert_not_masked(body: dict[str, Any]) -> None:
    assert "Unexpected error" not in messages(body), body


def cursor_of(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


# --- the HTTP body -----------------------------------------------------------------------


async def test_malformed_json_is_a_400(http: httpx.AsyncClient) -> None:
    response = await post_raw(http, b'{"query": "{ products { totalCount } }"')

    assert response.status_code == 400


async def test_an_empty_body_is_a_400(http: httpx.AsyncClient) -> None:
    response = await post_raw(http, b"")

    assert response.status_code == 400


async def test_a_body_that_is_not_utf8_is_a_400(http: httpx.AsyncClient) -> None:
    response = await post_raw(http, b"\xff\xfe{}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b"[]", b'"a string"', b"42", b"null", b"true"],
    ids=["list", "empty-list", "string", "number", "null", "true"],
)
async def test_json_that_is_not_an_object_is_refused_not_a_500(
    http: httpx.AsyncClient, content: bytes
) -> None:
    response = await post_raw(http, content)

    if response.status_code == 200:
        assert response.json().get("errors"), response.text
    else:
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "payload",
    [{}, {"variables": {}}, {"query": None}, {"query": ""}],
    ids=["nothing", "variables-only", "null-query", "empty-query"],
)
async def test_a_missing_query_is_a_400(http: httpx.AsyncClient, payload: dict[str, Any]) -> None:
    response = await post_raw(http, json.dumps(payload).encode())

    assert response.status_code == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"query": 42},
        {"query": "{ __typename }", "variables": "x"},
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ __typename }", "operationName": "Nope"},
    ],
    ids=["query-not-a-string", "variables-a-string", "variables-a-list", "unknown-operation"],
)
async def test_a_malformed_request_object_is_a_400(
    http: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    response = await post_raw(http, json.dumps(payload).encode())

    assert response.status_code == 400


async def test_an_unsupported_content_type_is_a_4xx(http: httpx.AsyncClient) -> None:
    response = await post_raw(http, b"query=%7B__typename%7D", "application/x-www-form-urlencoded")

    assert 400 <= response.status_code < 500


# --- the query ----------------------------------------------------------------------------


async def test_a_syntax_error_says_so_without_a_stack_trace(http: httpx.AsyncClient) -> None:
    body = await post(http, "{ products(first: 1 { totalCount } }")

    assert "Syntax Error" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_an_unknown_field_is_an_error(http: httpx.AsyncClient) -> None:
    body = await post(http, "{ products { edges { node { sku priceInBitcoin } } } }")

    assert "priceInBitcoin" in messages(body)
    assert body.get("data") is None


async def test_a_variable_of_the_wrong_type_is_an_error(http: httpx.AsyncClient) -> None:
    body = await post(
        http, "query($first: Int) { products(first: $first) { totalCount } }", {"first": "ten"}
    )

    assert "$first" in messages(body)
    assert body.get("data") is None


async def test_a_missing_required_variable_is_an_error(http: httpx.AsyncClient) -> None:
    body = await post(http, FIRST_PRICE_AMOUNT)

    assert "$quantity" in messages(body)


# --- pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize("first", [101, -1, 1_000_000])
async def test_first_out_of_range_is_an_error_naming_first(
    http: httpx.AsyncClient, first: int
) -> None:
    body = await post(
        http, "query($first: Int) { products(first: $first) { totalCount } }", {"first": first}
    )

    assert "first" in messages(body)
    assert_not_masked(body)
    assert body["data"] is None


async def test_first_100_is_allowed(gql: GraphQL) -> None:
    body = await gql("{ products(first: 100) { edges { cursor } totalCount } }")

    products = body["data"]["products"]
    assert "errors" not in body
    assert len(products["edges"]) == min(100, products["totalCount"]) > 0


async def test_first_0_returns_no_edges(gql: GraphQL) -> None:
    body = await gql("{ products(first: 0) { edges { cursor } totalCount } }")

    assert body["data"]["products"]["edges"] == []
    assert body["data"]["products"]["totalCount"] > 0


BAD_CURSORS = {
    "garbage": "garbage",
    "empty": "",
    "not-json": base64.urlsafe_b64encode(b"not json").decode(),
    "json-object": cursor_of({"name": "x", "id": 1}),
    "wrong-width": cursor_of(["Platform Core"]),
    "wrong-types": cursor_of([{"name": "x"}, "not an id"]),
    "swapped-types": cursor_of([1, "Platform Core"]),
}


@pytest.mark.parametrize("after", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
async def test_a_bad_cursor_is_an_error_naming_after(http: httpx.AsyncClient, after: str) -> None:
    body = await post(
        http, "query($after: String) { products(after: $after) { totalCount } }", {"after": after}
    )

    assert "after" in messages(body)
    assert_not_masked(body)


# --- limits on the query's shape -------------------------------------------------------


def deep_query(depth: int) -> str:
    """products > edges > node > prices > product > prices > … ``depth`` fields deep."""
    fields = ["products", "edges", "node"]
    while len(fields) < depth:
        fields.append("prices" if fields[-1] in ("node", "product") else "product")
    return "{ " + " { ".join(fields) + " { id }" + " }" * len(fields)


async def test_a_query_deeper_than_the_limit_is_refused_without_running(
    http: httpx.AsyncClient,
) -> None:
    body = await post(http, deep_query(20))

    assert "depth" in messages(body)
    assert body.get("data") is None


async def test_a_query_of_ordinary_depth_runs(gql: GraphQL) -> None:
    body = await gql(deep_query(8))

    assert "errors" not in body, body
    assert body["data"]["products"]["edges"]


async def test_an_alias_bomb_is_refused_without_running(http: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{i}: products {{ totalCount }}" for i in range(50))

    body = await post(http, "{ " + aliases + " }")

    assert "aliases" in messages(body)
    assert body.get("data") is None


async def test_a_huge_query_is_refused_by_its_token_count(http: httpx.AsyncClient) -> None:
    body = await post(http, "{ " + " ".join(["__typename"] * 3000) + " }")

    assert "tokens" in messages(body)
    assert body.get("data") is None


# --- arguments ----------------------------------------------------------------------------


async def test_a_product_by_a_garbage_id_is_null(gql: GraphQL) -> None:
    body = await gql('{ product(id: "garbage") { sku } }')

    assert body == {"data": {"product": None}}


async def test_a_product_by_an_unknown_sku_is_null(gql: GraphQL) -> None:
    body = await gql('{ product(sku: "NOPE") { sku } }')

    assert body == {"data": {"product": None}}


async def test_a_product_without_id_or_sku_asks_for_one(http: httpx.AsyncClient) -> None:
    body = await post(http, "{ product { sku } }")

    assert "id or a SKU" in messages(body)
    assert_not_masked(body)
    assert body["data"] == {"product": None}


@pytest.mark.parametrize("quantity", [-1, 1_000_001])
async def test_a_price_amount_for_an_impossible_quantity_names_quantity(
    http: httpx.AsyncClient, quantity: int
) -> None:
    body = await post(http, FIRST_PRICE_AMOUNT, {"quantity": quantity})

    assert "quantity" in messages(body)
    assert_not_masked(body)


async def test_a_price_amount_for_a_sensible_quantity_works(gql: GraphQL) -> None:
    body = await gql(FIRST_PRICE_AMOUNT, {"quantity": 3})

    prices = body["data"]["products"]["edges"][0]["node"]["prices"]
    assert prices and all(price["amount"]["amount"] for price in prices)


@pytest.mark.parametrize(
    "query",
    [
        "query($s: String) { product(sku: $s) { sku } }",
        "query($s: String) { products(search: $s) { totalCount } }",
        "query($s: String) { products(category: $s) { totalCount } }",
    ],
    ids=["product-sku", "products-search", "products-category"],
)
async def test_a_nul_character_in_a_string_is_refused_on_every_database(
    http: httpx.AsyncClient, query: str
) -> None:
    response = await http.post("/graphql", json={"query": query, "variables": {"s": "PLAT\x00"}})

    assert_clean(response)
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "NUL" in body["errors"][0]["message"]


async def test_a_nul_character_written_in_the_query_is_refused_too(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": '{ product(sku: "A\\u0000") { sku } }'})

    assert_clean(response)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


TWO_OPERATIONS = """
query Skus { products(first: 1) { edges { node { sku } } } }
mutation Out { logout { userErrors { code } } }
"""


async def test_several_operations_without_operation_name_are_refused_not_the_first_run(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/graphql", json={"query": TWO_OPERATIONS})

    assert_clean(response)
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "operationName" in body["errors"][0]["message"]


async def test_several_operations_run_the_one_named(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Skus"})

    assert_clean(response)
    body = response.json()
    assert "errors" not in body
    assert len(body["data"]["products"]["edges"]) == 1


# --- login --------------------------------------------------------------------------------


async def test_a_wrong_password_and_an_unknown_email_answer_the_same(gql: GraphQL) -> None:
    wrong_password = await gql(LOGIN, {"email": "alice@acme.example", "password": "nope"})
    unknown_email = await gql(LOGIN, {"email": "nobody@acme.example", "password": "nope"})

    payload = wrong_password["data"]["login"]
    assert payload["token"] is None
    assert payload["viewer"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["LOGIN_FAILED"]
    assert unknown_email == wrong_password


@pytest.mark.parametrize(
    "email",
    ["", "   ", "not-an-email", "a" * 300 + "@acme.example"],
    ids=["empty", "blank", "no-at", "long"],
)
async def test_a_strange_email_is_a_failed_login(gql: GraphQL, email: str) -> None:
    wrong_password = await gql(LOGIN, {"email": "alice@acme.example", "password": "nope"})

    body = await gql(LOGIN, {"email": email, "password": "nope"})

    assert body == wrong_password


async def test_the_email_is_not_case_sensitive(gql: GraphQL) -> None:
    body = await gql(LOGIN, {"email": "  Alice@ACME.example ", "password": "recur-demo"})

    assert body["data"]["login"]["userErrors"] == []
    assert body["data"]["login"]["viewer"] == {"email": "alice@acme.example"}


# --- GET --------------------------------------------------------------------------------


async def test_a_query_by_get_works(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": "{ products(first: 1) { totalCount } }"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["products"]["totalCount"] > 0


async def test_a_mutation_by_get_is_refused_and_not_executed(
    http: httpx.AsyncClient, gql: GraphQL, login: Login
) -> None:
    token = await login("alice@acme.example")

    response = await http.get(
        "/graphql",
        params={"query": "mutation { logout { userErrors { code } } }"},
        headers={"accept": "application/json", "authorization": f"Bearer {token}"},
    )

    assert_clean(response)
    assert 400 <= response.status_code < 500
    viewer = await gql("{ viewer { email } }", token=token)
    assert viewer == {"data": {"viewer": {"email": "alice@acme.example"}}}


async def test_get_with_bad_variables_is_a_4xx(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": "{ products(first: 1) { totalCount } }", "variables": "{not json"},
        headers={"accept": "application/json"},
    )

    assert_clean(response)
    assert 400 <= response.status_code < 500


async def test_a_browser_on_graphql_gets_graphiql(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


# --- paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/graphql/x", "/oauth/unknown", "/oauth/token/x", "/healthz/x", "/assets/nope"]
)
async def test_an_unknown_api_path_is_a_404_not_the_app(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path, headers={"accept": "text/html"})

    assert response.status_code == 404
    assert "<title>Recur</title>" not in response.text


@pytest.mark.parametrize("path", ["/products/PLAT-CORE", "/cart", "/accounts/QWNjb3VudDox"])
async def test_a_client_route_gets_the_app(
    http: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    response = await http.get(path, headers={"accept": "text/html"})

    assert response.status_code == 200
    assert response.text == (settings.frontend_dir / "index.html").read_text()


@pytest.mark.parametrize("path", ["/missing.js", "/nested/missing.css", "/favicon.ico"])
async def test_a_missing_file_is_a_404(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)

    assert response.status_code == 404
