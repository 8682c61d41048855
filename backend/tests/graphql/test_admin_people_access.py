"""Who may administer accounts and users, asked through the API by every actor of the
access matrix (docs/administration.md): the others are refused and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, User
from tests.conftest import GraphQL
from tests.graphql.test_access import (
    ACTORS,
    ANONYMOUS,
    GLOBEX,
    PARTNER,
    STAFF,
    VISIBLE,
    TokenFor,
    account_ids,
    error_codes,
    global_id,
    token_for,
)

__all__ = ["account_ids", "token_for"]  # fixtures shared with the access tests

CREATE_ACCOUNT = """mutation { createAccount(input: {name: "Matrix", currency: "EUR"})
  { account { id } userErrors { code } } }"""
UPDATE_ACCOUNT = """mutation($id: ID!) { updateAccount(input: {accountId: $id, name: "Renamed"})
  { account { name } userErrors { code } } }"""
INVITE = """mutation { inviteUser(input: {email: "m@x.example", name: "M", role: REP})
  { inviteUrl userErrors { code } } }"""
UPDATE_USER = """mutation($id: ID!) { updateUser(input: {userId: $id, active: false})
  { user { active } userErrors { code } } }"""
RESET = """mutation($id: ID!) { createPasswordReset(input: {userId: $id})
  { resetUrl userErrors { code } } }"""
USERS = "{ users { totalCount } }"
OWNERS = "{ accountOwners { name } }"
PARTNER_CHOICES = "{ accountPartners { name } }"
CHANGE = """mutation { changePassword(input: {currentPassword: "recur-demo",
  newPassword: "a-long-new-password"}) { ok userErrors { code } } }"""


def _role(actor: str) -> str | None:
    return STAFF.get(actor)


def _refusal(actor: str, allowed: set[str]) -> str | None:
    """The top-level error code the actor gets, or ``None`` when allowed: anonymous callers
    must log in; a partner client is known, and refused like any other outsider."""
    if actor == ANONYMOUS:
        return "UNAUTHENTICATED"
    if actor == PARTNER:
        return "FORBIDDEN"
    return None if _role(actor) in allowed else "FORBIDDEN"


async def _writes(db: Database) -> tuple[int, int, int]:
    async with db.session() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(Account)) or 0),
            int(await session.scalar(select(func.count()).select_from(User)) or 0),
            int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0),
        )


@pytest.mark.parametrize("actor", ACTORS)
async def test_account_and_user_administration_is_refused_to_the_others(
    gql: GraphQL, token_for: TokenFor, db: Database, actor: str, account_ids: dict[str, str]
) -> None:
    token = await token_for(actor)
    async with db.session() as session:
        rita = await session.scalar(select(User.id).where(User.email == "rita@recur.example"))
    rita_id = global_id("User", int(rita or 0))
    cases = [
        (CREATE_ACCOUNT, {}, {"ADMIN", "MANAGER", "REP"}),
        (UPDATE_ACCOUNT, {"id": account_ids["Globex GmbH"]}, {"ADMIN", "MANAGER"}),
        (INVITE, {}, {"ADMIN"}),
        (UPDATE_USER, {"id": rita_id}, {"ADMIN"}),
        (RESET, {"id": rita_id}, {"ADMIN"}),
        (USERS, {}, {"ADMIN"}),
        (OWNERS, {}, {"ADMIN", "MANAGER"}),
        (PARTNER_CHOICES, {}, {"ADMIN", "MANAGER", "REP"}),
    ]
    for query, variables, allowed in cases:
        refusal = _refusal(actor, allowed)
        if refusal is None:
            continue
        before = await _writes(db)
        body = await gql(query, variables, token=token)
        assert error_codes(body) == [refusal], (actor, query, body)
        assert body["data"] is None or all(value is None for value in body["data"].values())
        assert await _writes(db) == before


@pytest.mark.parametrize("actor", ACTORS)
async def test_changing_a_password_needs_a_logged_in_user(
    gql: GraphQL, token_for: TokenFor, actor: str
) -> None:
    body = await gql(CHANGE, token=await token_for(actor))
    if actor in (ANONYMOUS, PARTNER):  # a partner client has no password
        assert error_codes(body) == ["UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"]
        return
    assert body["data"]["changePassword"] == {"ok": True, "userErrors": []}


@pytest.mark.parametrize("actor", ACTORS)
async def test_an_accounts_partner_link_is_the_sellers_business(
    gql: GraphQL, token_for: TokenFor, actor: str, account_ids: dict[str, str]
) -> None:
    body = await gql(
        "query($id: ID!) { account(id: $id) { partner { name } } }",
        {"id": account_ids["Globex GmbH"]},
        token=await token_for(actor),
    )
    account = body["data"]["account"] if body.get("data") else None
    if GLOBEX not in (VISIBLE[actor] or []):
        assert account is None  # anonymous, or an actor who does not see Globex at all
    elif actor in STAFF or actor == PARTNER:
        assert account == {"partner": {"name": "Northwind"}}, (actor, body)
    else:  # Globex's own customer: the link is the seller's business, not theirs
        assert account == {"partner": None}


async def test_a_customer_sees_users_of_its_own_account_only(
    gql: GraphQL, token_for: TokenFor, account_ids: dict[str, str]
) -> None:
    token = await token_for("alice@acme.example")
    body = await gql(
        "query($id: ID!) { account(id: $id) { owner { name account { name } email } } }",
        {"id": account_ids["Acme Corp"]},
        token=token,
    )
    assert body["data"]["account"]["owner"] == {
        "name": "Rita Reyes",
        "account": None,
        "email": None,
    }
    other = await gql(
        "query($id: ID!) { account(id: $id) { name } }",
        {"id": account_ids["Globex GmbH"]},
        token=token,
    )
    assert other["data"]["account"] is None
