"""The browser's session: an HttpOnly cookie, honoured only with the CSRF header."""

from __future__ import annotations

import httpx

from recur.auth.cookies import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE

LOGIN = """mutation { login(input: {email: " Alice@ACME.example ", password: "recur-demo"}) {
  csrfToken viewer { email } userErrors { message } } }"""
VIEWER = "{ viewer { email role account { name } } }"


async def _login(client: httpx.AsyncClient) -> tuple[httpx.Response, str]:
    response = await client.post("/graphql", json={"query": LOGIN})
    payload = response.json()["data"]["login"]
    assert payload["userErrors"] == []
    return response, str(payload["csrfToken"])


async def _viewer(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> object:
    response = await client.post("/graphql", json={"query": VIEWER}, headers=headers or {})
    return response.json()["data"]["viewer"]


async def test_login_sets_an_httponly_session_cookie_and_a_readable_csrf_cookie(client) -> None:
    response, csrf = await _login(client)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    assert "HttpOnly" in cookies[SESSION_COOKIE]
    assert "samesite=lax" in cookies[SESSION_COOKIE].lower()
    assert "HttpOnly" not in cookies[CSRF_COOKIE]
    assert client.cookies[CSRF_COOKIE] == csrf
    # As long as the session, counted from the browser's clock (Max-Age), not the server's.
    assert "Max-Age=28800" in cookies[SESSION_COOKIE]
    assert "expires" not in cookies[SESSION_COOKIE].lower()


async def test_the_cookie_with_the_csrf_header_is_a_session(client) -> None:
    _, csrf = await _login(client)
    assert await _viewer(client, {CSRF_HEADER: csrf}) == {
        "email": "alice@acme.example",
        "role": "CUSTOMER",
        "account": {"name": "Acme Corp"},
    }


async def test_the_cookie_alone_or_with_a_forged_header_is_anonymous(client) -> None:
    _, csrf = await _login(client)
    assert await _viewer(client) is None
    assert await _viewer(client, {CSRF_HEADER: csrf[:-2] + "xx"}) is None


async def test_logout_clears_the_cookies_and_ends_the_session(client) -> None:
    _, csrf = await _login(client)
    token = client.cookies[SESSION_COOKIE]
    response = await client.post(
        "/graphql",
        json={"query": "mutation { logout { userErrors { message } } }"},
        headers={CSRF_HEADER: csrf},
    )
    assert response.json()["data"]["logout"] == {"userErrors": []}
    assert SESSION_COOKIE not in client.cookies
    # Even a copy of the old cookie no longer works.
    client.cookies.set(SESSION_COOKIE, token)
    assert await _viewer(client, {CSRF_HEADER: csrf}) is None


async def test_the_login_answer_is_already_the_logged_in_users(gql) -> None:
    body = await gql(
        'mutation { login(input: {email: "bob@globex.example", password: "recur-demo"}) '
        "{ viewer { account { name currency } } } }"
    )
    assert body["data"]["login"]["viewer"]["account"] == {"name": "Globex GmbH", "currency": "EUR"}
