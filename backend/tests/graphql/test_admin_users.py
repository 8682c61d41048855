"""Users: invitations and reset links (one-time, expiring, only a hash kept), roles,
deactivation ending access at once, changing one's password, and the list of users."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from recur.clock import FixedClock
from recur.db.engine import Database
from recur.db.models import AuditEntry, User, UserToken
from tests.conftest import GraphQL
from tests.graphql.test_access import Login, account_ids, global_id

__all__ = ["account_ids"]  # a fixture shared with the access tests

INVITE = """
mutation($input: InviteUserInput!) {
  inviteUser(input: $input) { user { id name role active hasPassword email account { name } }
                              inviteUrl userErrors { field message code } }
}"""
ACCEPT = """
mutation($input: SetPasswordInput!) {
  acceptInvite(input: $input) { token viewer { email role } userErrors { field message code } }
}"""
RESET = """
mutation($input: SetPasswordInput!) {
  resetPassword(input: $input) { token viewer { email } userErrors { field message code } }
}"""
CREATE_RESET = """
mutation($input: CreatePasswordResetInput!) {
  createPasswordReset(input: $input) { resetUrl userErrors { field message code } }
}"""
UPDATE_USER = """
mutation($input: UpdateUserInput!) {
  updateUser(input: $input) { user { role active } userErrors { field message code } }
}"""
CHANGE = """
mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { ok userErrors { field message code } }
}"""
VIEWER = "{ viewer { email } }"
NEW_PASSWORD = "a-long-new-password"


async def _invite(gql: GraphQL, token: str, **fields: object) -> dict[str, object]:
    body = await gql(INVITE, {"input": fields}, token=token)
    payload: dict[str, object] = body["data"]["inviteUser"]
    return payload


def _token_of(url: object) -> str:
    return str(url).rsplit("/", 1)[1]


async def _user_pk(db: Database, email: str) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(User.id).where(User.email == email)) or 0)


async def test_an_invited_rep_sets_a_password_once_and_is_logged_in(
    gql: GraphQL, login: Login, db: Database
) -> None:
    admin = await login("adam@recur.example")
    payload = await _invite(gql, admin, email="Nina@Recur.example", name="Nina", role="REP")

    assert payload["userErrors"] == []
    assert payload["user"] == {
        "id": payload["user"]["id"],  # type: ignore[index]
        "name": "Nina",
        "role": "REP",
        "active": True,
        "hasPassword": False,
        "email": "nina@recur.example",
        "account": None,
    }
    url = str(payload["inviteUrl"])
    assert url.startswith("http://127.0.0.1/invite/")
    token = _token_of(url)
    async with db.session() as session:
        stored = list(await session.scalars(select(UserToken.token_hash)))
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored

    short = await gql(ACCEPT, {"input": {"token": token, "password": "short"}})
    [error] = short["data"]["acceptInvite"]["userErrors"]
    assert error["field"] == ["input", "password"]

    body = await gql(ACCEPT, {"input": {"token": token, "password": NEW_PASSWORD}})
    accepted = body["data"]["acceptInvite"]
    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {"email": "nina@recur.example", "role": "REP"}
    assert (await gql(VIEWER, token=accepted["token"]))["data"]["viewer"]["email"]
    assert await login("nina@recur.example", NEW_PASSWORD)

    again = await gql(ACCEPT, {"input": {"token": token, "password": "another-password"}})
    assert again["data"]["acceptInvite"]["userErrors"][0]["code"] == "INVALID_LINK"


async def test_an_invitation_expires(gql: GraphQL, login: Login, clock: FixedClock) -> None:
    payload = await _invite(
        gql,
        await login("adam@recur.example"),
        email="late@recur.example",
        name="Late",
        role="FINANCE",
    )
    clock.advance(timedelta(days=7, seconds=1))
    body = await gql(
        ACCEPT, {"input": {"token": _token_of(payload["inviteUrl"]), "password": NEW_PASSWORD}}
    )
    [error] = body["data"]["acceptInvite"]["userErrors"]
    assert error["field"] == ["input", "token"]
    assert error["code"] == "INVALID_LINK"


async def test_an_invited_user_cannot_log_in_before_setting_a_password(
    gql: GraphQL, login: Login
) -> None:
    await _invite(
        gql,
        await login("adam@recur.example"),
        email="new@recur.example",
        name="New",
        role="MANAGER",
    )
    body = await gql(
        'mutation { login(input: {email: "new@recur.example", password: ""}) '
        "{ token userErrors { code } } }"
    )
    assert body["data"]["login"] == {"token": None, "userErrors": [{"code": "LOGIN_FAILED"}]}


async def test_invitations_are_checked(
    gql: GraphQL, login: Login, account_ids: dict[str, str]
) -> None:
    admin = await login("adam@recur.example")
    taken = await _invite(gql, admin, email="alice@acme.example", name="A", role="REP")
    assert [e["field"] for e in taken["userErrors"]] == [["input", "email"]]  # type: ignore[union-attr]

    customer = await _invite(gql, admin, email="c@x.example", name="C", role="CUSTOMER")
    assert [e["field"] for e in customer["userErrors"]] == [["input", "accountId"]]  # type: ignore[union-attr]

    staff = await _invite(
        gql, admin, email="s@x.example", name="S", role="REP", accountId=account_ids["Initech"]
    )
    assert [e["field"] for e in staff["userErrors"]] == [["input", "accountId"]]  # type: ignore[union-attr]

    buyer = await _invite(
        gql,
        admin,
        email="buyer@initech.example",
        name="Buyer",
        role="CUSTOMER",
        accountId=account_ids["Initech"],
    )
    assert buyer["userErrors"] == []
    assert buyer["user"]["account"] == {"name": "Initech"}  # type: ignore[index]


async def test_deactivating_a_user_ends_their_access_at_once(
    gql: GraphQL, login: Login, db: Database
) -> None:
    rita_token = await login("rita@recur.example")
    rita = global_id("User", await _user_pk(db, "rita@recur.example"))
    admin = await login("adam@recur.example")

    body = await gql(UPDATE_USER, {"input": {"userId": rita, "active": False}}, token=admin)
    assert body["data"]["updateUser"] == {
        "user": {"role": "REP", "active": False},
        "userErrors": [],
    }
    assert (await gql(VIEWER, token=rita_token))["data"]["viewer"] is None
    refused = await gql(
        'mutation { login(input: {email: "rita@recur.example", password: "recur-demo"}) '
        "{ userErrors { code } } }"
    )
    assert refused["data"]["login"]["userErrors"] == [{"code": "LOGIN_FAILED"}]
    async with db.session() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "user.deactivate")
        )
    assert entry is not None
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})

    await gql(UPDATE_USER, {"input": {"userId": rita, "active": True}}, token=admin)
    assert await login("rita@recur.example")


async def test_roles_change_within_staff_and_nobody_demotes_themself(
    gql: GraphQL, login: Login, db: Database
) -> None:
    admin = await login("adam@recur.example")
    sam = global_id("User", await _user_pk(db, "sam@recur.example"))
    body = await gql(UPDATE_USER, {"input": {"userId": sam, "role": "MANAGER"}}, token=admin)
    assert body["data"]["updateUser"]["user"]["role"] == "MANAGER"

    alice = global_id("User", await _user_pk(db, "alice@acme.example"))
    body = await gql(UPDATE_USER, {"input": {"userId": alice, "role": "REP"}}, token=admin)
    assert body["data"]["updateUser"]["userErrors"][0]["field"] == ["input", "role"]

    adam = global_id("User", await _user_pk(db, "adam@recur.example"))
    for change in ({"active": False}, {"role": "REP"}):
        body = await gql(UPDATE_USER, {"input": {"userId": adam, **change}}, token=admin)
        assert body["data"]["updateUser"]["userErrors"][0]["field"] == ["input", "userId"]


async def test_a_reset_link_sets_a_new_password_and_ends_old_sessions(
    gql: GraphQL, login: Login, db: Database
) -> None:
    old_session = await login("bob@globex.example")
    bob = global_id("User", await _user_pk(db, "bob@globex.example"))
    body = await gql(
        CREATE_RESET, {"input": {"userId": bob}}, token=await login("adam@recur.example")
    )
    url = body["data"]["createPasswordReset"]["resetUrl"]
    assert url.startswith("http://127.0.0.1/reset/")

    invite_kind = await gql(ACCEPT, {"input": {"token": _token_of(url), "password": NEW_PASSWORD}})
    assert invite_kind["data"]["acceptInvite"]["userErrors"][0]["code"] == "INVALID_LINK"

    body = await gql(RESET, {"input": {"token": _token_of(url), "password": NEW_PASSWORD}})
    assert body["data"]["resetPassword"]["viewer"] == {"email": "bob@globex.example"}
    assert (await gql(VIEWER, token=old_session))["data"]["viewer"] is None
    assert await login("bob@globex.example", NEW_PASSWORD)


async def test_everyone_changes_their_own_password(gql: GraphQL, login: Login) -> None:
    token = await login("carol@initech.example")
    other = await login("carol@initech.example")
    wrong = await gql(
        CHANGE,
        {"input": {"currentPassword": "nope", "newPassword": NEW_PASSWORD}},
        token=token,
    )
    assert wrong["data"]["changePassword"]["userErrors"][0]["field"] == [
        "input",
        "currentPassword",
    ]
    weak = await gql(
        CHANGE, {"input": {"currentPassword": "recur-demo", "newPassword": "x"}}, token=token
    )
    assert weak["data"]["changePassword"]["userErrors"][0]["field"] == ["input", "newPassword"]

    body = await gql(
        CHANGE,
        {"input": {"currentPassword": "recur-demo", "newPassword": NEW_PASSWORD}},
        token=token,
    )
    assert body["data"]["changePassword"] == {"ok": True, "userErrors": []}
    assert (await gql(VIEWER, token=token))["data"]["viewer"] is not None
    assert (await gql(VIEWER, token=other))["data"]["viewer"] is None
    assert await login("carol@initech.example", NEW_PASSWORD)


async def test_admins_list_users_by_search_and_role(gql: GraphQL, login: Login) -> None:
    admin = await login("adam@recur.example")
    body = await gql(
        "{ users(role: REP) { edges { node { email role } } totalCount } }", token=admin
    )
    users = body["data"]["users"]
    assert users["totalCount"] == 2
    assert {edge["node"]["role"] for edge in users["edges"]} == {"REP"}

    body = await gql('{ users(search: "GLOBEX") { edges { node { email } } } }', token=admin)
    assert [e["node"]["email"] for e in body["data"]["users"]["edges"]] == ["bob@globex.example"]
