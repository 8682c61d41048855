"""The access matrix of docs/domain.md ("Who may do what"), asked through the API.

Every demo user, an anonymous visitor and the Northwind partner client read the three demo
accounts: each sees exactly what its role allows, and an account it may not see answers
exactly as an account that does not exist.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from recur.clock import FixedClock
from recur.db.engine import Database
from recur.db.models import Account, User
from tests.conftest import GraphQL

ACME, GLOBEX, INITECH = "Acme Corp", "Globex GmbH", "Initech"
ALL_ACCOUNTS = [ACME, GLOBEX, INITECH]
ANONYMOUS = "anonymous"
PARTNER = "northwind"

#: Who sees which accounts (docs/domain.md); ``None``: not logged in, refused.
VISIBLE: dict[str, list[str] | None] = {
    ANONYMOUS: None,
    "alice@acme.example": [ACME],
    "bob@globex.example": [GLOBEX],
    "carol@initech.example": [INITECH],
    "rita@recur.example": [ACME, GLOBEX],
    "sam@recur.example": [INITECH],
    "maria@recur.example": ALL_ACCOUNTS,
    "fiona@recur.example": ALL_ACCOUNTS,
    "adam@recur.example": ALL_ACCOUNTS,
    PARTNER: [GLOBEX],
}
ACTORS = list(VISIBLE)
USERS = [actor for actor in ACTORS if "@" in actor]
CUSTOMERS = {
    "alice@acme.example": ACME,
    "bob@globex.example": GLOBEX,
    "carol@initech.example": INITECH,
}
STAFF = {
    "rita@recur.example": "REP",
    "sam@recur.example": "REP",
    "maria@recur.example": "MANAGER",
    "fiona@recur.example": "FINANCE",
    "adam@recur.example": "ADMIN",
}

ACCOUNTS = "{ accounts { edges { node { name } } totalCount } }"
ACCOUNT = "query($id: ID!) { account(id: $id) { id name currency } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Account { name } ... on User { email } } }"
VIEWER = "{ viewer { email role account { name } } }"
NOTES = "{ accounts { edges { node { name notes } } } }"
LOGOUT = "mutation { logout { userErrors { message code } } }"

Login = Callable[[str], Awaitable[str]]
TokenFor = Callable[[str], Awaitable[str | None]]


def global_id(type_name: str, pk: int | str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def partner_token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("northwind", "northwind-demo-secret"),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
def token_for(client: httpx.AsyncClient, login: Login) -> TokenFor:
    """The bearer token an actor of the matrix presents (``None`` for anonymous)."""

    async def run(actor: str) -> str | None:
        if actor == ANONYMOUS:
            return None
        if actor == PARTNER:
            return await partner_token(client)
        return await login(actor)

    return run


@pytest.fixture
async def account_ids(db: Database) -> dict[str, str]:
    """Global ids of the demo accounts, by name."""
    async with db.session() as session:
        rows = (await session.execute(select(Account.name, Account.id))).all()
    return {name: global_id("Account", pk) for name, pk in rows}


@pytest.fixture
async def user_ids(db: Database) -> dict[str, str]:
    """Global ids of the demo users, by email."""
    async with db.session() as session:
        rows = (await session.execute(select(User.email, User.id))).all()
    return {email: global_id("User", pk) for email, pk in rows}


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


# --- accounts ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
async def test_accounts_lists_exactly_what_the_actor_may_see(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    body = await gql(ACCOUNTS, token=await token_for(actor))

    expected = VISIBLE[actor]
    if expected is None:
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert (body["data"] or {}).get("accounts") is None
        return
    assert "errors" not in body, body
    assert names(body["data"]["accounts"]) == expected
    assert body["data"]["accounts"]["totalCount"] == len(expected)


@pytest.mark.parametrize("account", ALL_ACCOUNTS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_account_by_id_answers_as_if_an_invisible_account_did_not_exist(
    gql: GraphQL, token_for: TokenFor, account_ids: dict[str, str], actor: str, account: str
) -> None:
    token = await token_for(actor)

    body = await gql(ACCOUNT, {"id": account_ids[account]}, token=token)
    missing = await gql(ACCOUNT, {"id": global_id("Account", 999999)}, token=token)

    visible = VISIBLE[actor]
    if visible is None:
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert body == missing
    elif account in visible:
        assert "errors" not in body, body
        assert body["data"]["account"]["name"] == account
        assert body["data"]["account"]["id"] == account_ids[account]
    else:
        assert body == {"data": {"account": None}}
        assert body == missing


@pytest.mark.parametrize("account", ALL_ACCOUNTS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_node_answers_as_if_an_invisible_account_did_not_exist(
    gql: GraphQL, token_for: TokenFor, account_ids: dict[str, str], actor: str, account: str
) -> None:
    token = await token_for(actor)

    body = await gql(NODE, {"id": account_ids[account]}, token=token)
    missing = await gql(NODE, {"id": global_id("Account", 999999)}, token=token)

    if account in (VISIBLE[actor] or []):
        assert body == {"data": {"node": {"id": account_ids[account], "name": account}}}
    else:
        assert body == {"data": {"node": None}}
        assert body == missing


@pytest.mark.parametrize("actor", ACTORS)
async def test_node_on_a_product_works_for_everyone(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    listed = await gql("{ products(first: 1) { edges { node { id sku } } } }")
    product = listed["data"]["products"]["edges"][0]["node"]

    body = await gql(
        "query($id: ID!) { node(id: $id) { id ... on Product { sku } } }",
        {"id": product["id"]},
        token=await token_for(actor),
    )

    assert body == {"data": {"node": product}}


MALFORMED_IDS = {
    "not-base64": "not-an-id",
    "percent-signs": "%%%",
    "empty": "",
    "letters-for-pk": global_id("Account", "abc"),
    "negative-pk": global_id("Account", "-1"),
    "no-pk": global_id("Account", ""),
    "superscript-digit-pk": global_id("Account", "\u00b2"),  # isdigit() yet not an int
    "pk-beyond-any-row": global_id("Account", "99999999999"),
    "unknown-type": global_id("Nothing", 1),
    "not-utf8": base64.b64encode(b"\xff\xfe:1").decode(),
}


@pytest.mark.parametrize("malformed", MALFORMED_IDS.values(), ids=MALFORMED_IDS.keys())
async def test_a_malformed_id_answers_null_without_an_error(
    gql: GraphQL, login: Login, malformed: str
) -> None:
    token = await login("maria@recur.example")  # sees every account: null means "no such id"

    for query in (NODE, ACCOUNT):
        body = await gql(query, {"id": malformed}, token=token)
        assert "errors" not in body, (query, body)
        assert list(body["data"].values()) == [None]

    product = await gql("query($id: ID!) { product(id: $id) { sku } }", {"id": malformed})
    assert product == {"data": {"product": None}}


# --- viewer -----------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [ANONYMOUS, PARTNER])
async def test_viewer_is_null_for_anonymous_and_partner(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    body = await gql(VIEWER, token=await token_for(actor))

    assert body == {"data": {"viewer": None}}


@pytest.mark.parametrize("customer", CUSTOMERS)
async def test_viewer_of_a_customer_shows_their_account(
    gql: GraphQL, login: Login, customer: str
) -> None:
    body = await gql(VIEWER, token=await login(customer))

    assert body["data"]["viewer"] == {
        "email": customer,
        "role": "CUSTOMER",
        "account": {"name": CUSTOMERS[customer]},
    }


@pytest.mark.parametrize("staff", STAFF)
async def test_viewer_of_staff_has_a_role_and_no_account(
    gql: GraphQL, login: Login, staff: str
) -> None:
    body = await gql(VIEWER, token=await login(staff))

    assert body["data"]["viewer"] == {"email": staff, "role": STAFF[staff], "account": None}


# --- internal fields ----------------------------------------------------------------------


@pytest.mark.parametrize("actor", [*CUSTOMERS, PARTNER])
async def test_notes_are_hidden_from_customers_and_partners(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    body = await gql(NOTES, token=await token_for(actor))

    accounts = body["data"]["accounts"]["edges"]
    assert accounts, "the actor should see at least one account"
    assert [edge["node"]["notes"] for edge in accounts] == [None] * len(accounts)


@pytest.mark.parametrize("staff", STAFF)
async def test_staff_read_the_notes_of_the_accounts_they_see(
    gql: GraphQL, login: Login, staff: str
) -> None:
    body = await gql(NOTES, token=await login(staff))

    notes = {
        edge["node"]["name"]: edge["node"]["notes"] for edge in body["data"]["accounts"]["edges"]
    }
    assert sorted(notes) == VISIBLE[staff]
    assert all(isinstance(note, str) and note.strip() for note in notes.values()), notes


async def test_rita_reads_the_notes_on_acme(
    gql: GraphQL, login: Login, account_ids: dict[str, str]
) -> None:
    body = await gql(
        "query($id: ID!) { account(id: $id) { notes } }",
        {"id": account_ids[ACME]},
        token=await login("rita@recur.example"),
    )

    assert body["data"]["account"]["notes"]


# --- users ------------------------------------------------------------------------------


@pytest.mark.parametrize("customer", CUSTOMERS)
async def test_a_customer_reads_only_their_own_user(
    gql: GraphQL, login: Login, user_ids: dict[str, str], customer: str
) -> None:
    token = await login(customer)

    for email, user_id in user_ids.items():
        body = await gql(NODE, {"id": user_id}, token=token)
        expected = {"id": user_id, "email": email} if email == customer else None
        assert body == {"data": {"node": expected}}, email


@pytest.mark.parametrize("rep", ["rita@recur.example", "sam@recur.example"])
async def test_a_rep_cannot_read_customer_users_of_accounts_they_do_not_own(
    gql: GraphQL, login: Login, user_ids: dict[str, str], rep: str
) -> None:
    token = await login(rep)

    for customer, account in CUSTOMERS.items():
        body = await gql(NODE, {"id": user_ids[customer]}, token=token)
        missing = await gql(NODE, {"id": global_id("User", 999999)}, token=token)
        if account in (VISIBLE[rep] or []):
            assert body["data"]["node"] == {"id": user_ids[customer], "email": customer}
        else:
            assert body == missing, f"{rep} reads {customer}, a user of {account}"


# --- sessions -----------------------------------------------------------------------------


async def test_logout_revokes_the_token(gql: GraphQL, login: Login) -> None:
    token = await login("alice@acme.example")
    assert (await gql(VIEWER, token=token))["data"]["viewer"]["email"] == "alice@acme.example"

    logout = await gql(LOGOUT, token=token)

    assert logout == {"data": {"logout": {"userErrors": []}}}
    assert await gql(VIEWER, token=token) == {"data": {"viewer": None}}
    assert error_codes(await gql(ACCOUNTS, token=token)) == ["UNAUTHENTICATED"]


async def test_logout_ends_only_its_own_session(gql: GraphQL, login: Login) -> None:
    laptop = await login("alice@acme.example")
    phone = await login("alice@acme.example")

    await gql(LOGOUT, token=laptop)

    assert (await gql(VIEWER, token=phone))["data"]["viewer"]["email"] == "alice@acme.example"


async def test_a_token_expires_after_its_lifetime(
    gql: GraphQL, login: Login, clock: FixedClock
) -> None:
    token = await login("alice@acme.example")

    clock.advance(timedelta(hours=7, minutes=59))
    assert (await gql(VIEWER, token=token))["data"]["viewer"]["email"] == "alice@acme.example"

    clock.advance(timedelta(hours=1, minutes=1))  # 9 hours after login; tokens last 8
    assert await gql(VIEWER, token=token) == {"data": {"viewer": None}}
    assert error_codes(await gql(ACCOUNTS, token=token)) == ["UNAUTHENTICATED"]


def tamper(token: str) -> str:
    """The token with the first character of its signature changed."""
    header, payload, signature = token.split(".")
    changed = "A" if signature[0] != "A" else "B"
    return ".".join([header, payload, changed + signature[1:]])


async def test_a_tampered_token_is_anonymous(gql: GraphQL, login: Login) -> None:
    token = await login("maria@recur.example")

    body = await gql(VIEWER, token=tamper(token))

    assert body == {"data": {"viewer": None}}
    assert error_codes(await gql(ACCOUNTS, token=tamper(token))) == ["UNAUTHENTICATED"]


async def test_a_token_with_a_forged_payload_is_anonymous(gql: GraphQL, login: Login) -> None:
    alice = await login("alice@acme.example")
    maria = await login("maria@recur.example")
    # maria's claims under alice's signature
    forged = ".".join([*maria.split(".")[:2], alice.split(".")[2]])

    assert await gql(VIEWER, token=forged) == {"data": {"viewer": None}}


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "Bearer", "x" * 5000])
async def test_a_garbage_bearer_token_is_anonymous(client: httpx.AsyncClient, garbage: str) -> None:
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"authorization": f"Bearer {garbage}"}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": None}
    assert "errors" not in response.json()
