"""Partner tokens: ``POST /oauth/token`` (OAuth2 client credentials, HTTP Basic)."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from recur.clock import FixedClock
from tests.conftest import GraphQL

CLIENT_ID = "northwind"
SECRET = "northwind-demo-secret"
CLIENT_CREDENTIALS = {"grant_type": "client_credentials"}

Login = Callable[[str], Awaitable[str]]


async def request_token(
    client: httpx.AsyncClient,
    auth: tuple[str, str] | None = (CLIENT_ID, SECRET),
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data=CLIENT_CREDENTIALS if data is None else data,
        auth=auth or httpx.USE_CLIENT_DEFAULT,
        headers=headers,
    )


async def partner_token(client: httpx.AsyncClient) -> str:
    response = await request_token(client)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def basic(raw: bytes) -> dict[str, str]:
    """An Authorization header carrying ``raw`` as HTTP Basic credentials."""
    return {"authorization": "Basic " + base64.b64encode(raw).decode()}


def account_names(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["accounts"]["edges"]]


async def test_valid_client_credentials_get_a_bearer_token(client: httpx.AsyncClient) -> None:
    response = await request_token(client)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    token = response.json()
    assert isinstance(token["access_token"], str) and token["access_token"]
    assert token["token_type"] == "Bearer"
    assert isinstance(token["expires_in"], int) and token["expires_in"] > 0
    assert token["scope"] == "read"


async def test_asking_for_the_read_scope_explicitly_grants_it(client: httpx.AsyncClient) -> None:
    response = await request_token(client, data={**CLIENT_CREDENTIALS, "scope": "read"})

    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read"


async def test_the_token_reads_only_the_partners_accounts(
    client: httpx.AsyncClient, gql: GraphQL
) -> None:
    token = await partner_token(client)

    body = await gql(
        "{ viewer { email } accounts { edges { node { name } } totalCount } }", token=token
    )

    assert "errors" not in body, body
    assert body["data"]["viewer"] is None
    assert account_names(body) == ["Globex GmbH"]
    assert body["data"]["accounts"]["totalCount"] == 1


async def test_a_wrong_secret_is_refused_with_invalid_client(client: httpx.AsyncClient) -> None:
    response = await request_token(client, auth=(CLIENT_ID, "wrong-secret"))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "access_token" not in response.json()
    assert response.headers["www-authenticate"].lower().startswith("basic")
    assert response.headers["cache-control"] == "no-store"


async def test_an_unknown_client_answers_exactly_as_a_wrong_secret(
    client: httpx.AsyncClient,
) -> None:
    wrong_secret = await request_token(client, auth=(CLIENT_ID, "wrong-secret"))
    unknown_client = await request_token(client, auth=("no-such-client", "wrong-secret"))

    assert unknown_client.status_code == wrong_secret.status_code == 401
    assert unknown_client.json() == wrong_secret.json()
    assert unknown_client.headers["www-authenticate"] == wrong_secret.headers["www-authenticate"]


async def test_no_client_authentication_is_refused(client: httpx.AsyncClient) -> None:
    response = await request_token(client, auth=None)

    assert 400 <= response.status_code < 500
    assert response.json()["error"] == "invalid_client"


async def test_credentials_in_the_form_body_are_not_accepted(client: httpx.AsyncClient) -> None:
    form = {**CLIENT_CREDENTIALS, "client_id": CLIENT_ID, "client_secret": SECRET}

    response = await request_token(client, auth=None, data=form)

    assert 400 <= response.status_code < 500
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Basic !!!not-base64!!!"},
        basic(b"no-colon-at-all"),
        basic(b"\xff\xfe:not-utf-8"),
        basic(b"north\x00wind:" + SECRET.encode()),
        basic(b"north%00wind:" + SECRET.encode()),
        basic(b"x" * 5000 + b":" + SECRET.encode()),
    ],
    ids=["not-base64", "no-colon", "not-utf-8", "nul-byte", "percent-encoded-nul", "huge-id"],
)
async def test_malformed_basic_credentials_are_refused_never_a_500(
    app: Starlette, headers: dict[str, str]
) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        response = await request_token(http, auth=None, headers=headers)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"


async def test_an_unsupported_grant_type_is_refused(client: httpx.AsyncClient) -> None:
    form = {"grant_type": "password", "username": "alice@acme.example", "password": "recur-demo"}

    response = await request_token(client, data=form)

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert "access_token" not in response.json()


async def test_a_missing_grant_type_is_refused(client: httpx.AsyncClient) -> None:
    response = await request_token(client, data={"scope": "read"})

    assert response.status_code == 400
    assert "access_token" not in response.json()


@pytest.mark.parametrize("scope", ["write", "read write", "admin"])
async def test_a_scope_the_client_does_not_have_is_refused(
    client: httpx.AsyncClient, scope: str
) -> None:
    response = await request_token(client, data={**CLIENT_CREDENTIALS, "scope": scope})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "access_token" not in response.json()


async def test_get_on_the_token_endpoint_is_method_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.get("/oauth/token", params=CLIENT_CREDENTIALS, auth=(CLIENT_ID, SECRET))

    assert response.status_code == 405


async def test_a_partner_token_cannot_read_other_accounts_by_id(
    client: httpx.AsyncClient, gql: GraphQL, login: Login
) -> None:
    maria = await login("maria@recur.example")
    everyone = await gql("{ accounts { edges { node { id name } } } }", token=maria)
    ids = {
        edge["node"]["name"]: edge["node"]["id"] for edge in everyone["data"]["accounts"]["edges"]
    }
    token = await partner_token(client)

    query = "query($id: ID!) { account(id: $id) { name } node(id: $id) { id } }"
    acme = await gql(query, {"id": ids["Acme Corp"]}, token=token)
    initech = await gql(query, {"id": ids["Initech"]}, token=token)
    globex = await gql(query, {"id": ids["Globex GmbH"]}, token=token)

    assert acme == {"data": {"account": None, "node": None}}
    assert initech == {"data": {"account": None, "node": None}}
    assert globex["data"]["account"] == {"name": "Globex GmbH"}


async def test_a_partner_token_is_not_a_user(client: httpx.AsyncClient, gql: GraphQL) -> None:
    token = await partner_token(client)

    viewer = await gql("{ viewer { email } }", token=token)
    logout = await gql("mutation { logout { userErrors { code } } }", token=token)
    still = await gql("{ accounts { totalCount } }", token=token)

    assert viewer == {"data": {"viewer": None}}
    assert logout["data"]["logout"]["userErrors"] == []
    assert still == {"data": {"accounts": {"totalCount": 1}}}


async def test_the_client_secret_does_not_log_in_as_a_user(gql: GraphQL) -> None:
    body = await gql(
        """mutation($email: String!, $password: String!) {
             login(input: {email: $email, password: $password}) { token userErrors { code } }
           }""",
        {"email": CLIENT_ID, "password": SECRET},
    )

    assert body["data"]["login"] == {"token": None, "userErrors": [{"code": "LOGIN_FAILED"}]}


async def test_a_partner_token_with_a_tampered_signature_is_anonymous(
    client: httpx.AsyncClient, gql: GraphQL
) -> None:
    header, payload, signature = (await partner_token(client)).split(".")
    tampered = ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])

    body = await gql("{ accounts { totalCount } }", token=tampered)

    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]


async def test_a_partner_token_expires(
    client: httpx.AsyncClient, gql: GraphQL, clock: FixedClock
) -> None:
    response = await request_token(client)
    token, lifetime = response.json()["access_token"], response.json()["expires_in"]

    clock.advance(timedelta(seconds=lifetime - 1))
    assert await gql("{ accounts { totalCount } }", token=token) == {
        "data": {"accounts": {"totalCount": 1}}
    }

    clock.advance(timedelta(seconds=1))
    body = await gql("{ accounts { totalCount } }", token=token)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]
