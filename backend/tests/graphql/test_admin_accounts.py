"""createAccount and updateAccount: the fields checked one by one, reps creating accounts
they own, the currency fixed once anything is priced, every edit audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, User
from tests.conftest import GraphQL
from tests.graphql.test_access import Login, account_ids, global_id

__all__ = ["account_ids"]  # a fixture shared with the access tests

ACCOUNT_FIELDS = """
  account { id name currency paymentTermsDays billingEmail taxId owner { name }
            billingAddress { line1 line2 city postalCode region country } }
  userErrors { field message code }
"""
CREATE = (
    "mutation($input: CreateAccountInput!) { createAccount(input: $input) {"
    + ACCOUNT_FIELDS
    + "} }"
)
UPDATE = (
    "mutation($input: UpdateAccountInput!) { updateAccount(input: $input) {"
    + ACCOUNT_FIELDS
    + "} }"
)

ADDRESS = {
    "line1": "Friedrichstraße 1",
    "city": "Berlin",
    "postalCode": "10117",
    "country": "de",
}


async def _user_id(db: Database, email: str) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(User.id).where(User.email == email)) or 0)


async def _entries(db: Database, action: str) -> list[AuditEntry]:
    async with db.session() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def fields_at_fault(payload: dict[str, Any]) -> list[str]:
    return [".".join(error["field"][1:]) for error in payload["userErrors"]]


async def test_an_admin_creates_an_account_with_its_billing_details(
    gql: GraphQL, login: Login, db: Database
) -> None:
    rita = global_id("User", await _user_id(db, "rita@recur.example"))
    body = await gql(
        CREATE,
        {
            "input": {
                "name": "  Umbrella GmbH ",
                "currency": "eur",
                "ownerId": rita,
                "billingEmail": "AP@Umbrella.example",
                "billingAddress": ADDRESS,
                "taxId": "DE136695976",
                "paymentTermsDays": 14,
            }
        },
        token=await login("adam@recur.example"),
    )

    payload = body["data"]["createAccount"]
    assert payload["userErrors"] == []
    account = payload["account"]
    assert account["name"] == "Umbrella GmbH"
    assert account["currency"] == "EUR"
    assert account["billingEmail"] == "ap@umbrella.example"
    assert account["billingAddress"]["country"] == "DE"
    assert account["billingAddress"]["city"] == "Berlin"
    assert account["taxId"] == "DE136695976"
    assert account["paymentTermsDays"] == 14
    assert account["owner"] == {"name": "Rita Reyes"}
    [entry] = await _entries(db, "account.create")
    assert entry.after is not None and entry.after["name"] == "Umbrella GmbH"


async def test_every_bad_field_is_named(gql: GraphQL, login: Login) -> None:
    body = await gql(
        CREATE,
        {
            "input": {
                "name": " ",
                "currency": "XYZ",
                "billingEmail": "not an email",
                "billingAddress": {**ADDRESS, "country": "XX"},
                "taxId": "DE123",
                "paymentTermsDays": 400,
                "ownerId": "bm9wZQ==",
            }
        },
        token=await login("maria@recur.example"),
    )

    payload = body["data"]["createAccount"]
    assert payload["account"] is None
    assert sorted(fields_at_fault(payload)) == ["ownerId"]
    body = await gql(
        CREATE,
        {
            "input": {
                "name": " ",
                "currency": "XYZ",
                "billingEmail": "not an email",
                "billingAddress": {**ADDRESS, "country": "XX"},
                "paymentTermsDays": 400,
            }
        },
        token=await login("maria@recur.example"),
    )
    assert sorted(fields_at_fault(body["data"]["createAccount"])) == [
        "billingAddress.country",
        "billingEmail",
        "currency",
        "name",
        "paymentTermsDays",
    ]


async def test_a_tax_id_is_checked_for_the_country_where_its_format_is_known(
    gql: GraphQL, login: Login
) -> None:
    token = await login("adam@recur.example")
    german = {"name": "Checked", "currency": "EUR", "billingAddress": ADDRESS}
    body = await gql(CREATE, {"input": {**german, "taxId": "DE136695977"}}, token=token)
    [error] = body["data"]["createAccount"]["userErrors"]
    assert error["field"] == ["input", "taxId"]
    assert error["code"] == "INVALID_TAX_ID"

    elsewhere = {**german, "billingAddress": {**ADDRESS, "country": "US"}, "taxId": "12-3456789"}
    body = await gql(CREATE, {"input": elsewhere}, token=token)
    assert body["data"]["createAccount"]["userErrors"] == []


async def test_a_rep_creates_accounts_it_owns_and_no_others(
    gql: GraphQL, login: Login, db: Database
) -> None:
    token = await login("rita@recur.example")
    body = await gql(CREATE, {"input": {"name": "Rita's", "currency": "USD"}}, token=token)
    payload = body["data"]["createAccount"]
    assert payload["userErrors"] == []
    assert payload["account"]["owner"] == {"name": "Rita Reyes"}

    sam = global_id("User", await _user_id(db, "sam@recur.example"))
    body = await gql(
        CREATE, {"input": {"name": "Sam's", "currency": "USD", "ownerId": sam}}, token=token
    )
    assert fields_at_fault(body["data"]["createAccount"]) == ["ownerId"]

    body = await gql(
        UPDATE,
        {"input": {"accountId": payload["account"]["id"], "name": "Renamed"}},
        token=token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_owner_must_be_active_staff(gql: GraphQL, login: Login, db: Database) -> None:
    alice = global_id("User", await _user_id(db, "alice@acme.example"))
    body = await gql(
        CREATE,
        {"input": {"name": "X", "currency": "USD", "ownerId": alice}},
        token=await login("adam@recur.example"),
    )
    assert fields_at_fault(body["data"]["createAccount"]) == ["ownerId"]


async def test_an_edit_changes_only_the_given_fields_and_is_audited(
    gql: GraphQL, login: Login, db: Database, account_ids: dict[str, str]
) -> None:
    token = await login("maria@recur.example")
    body = await gql(
        UPDATE,
        {
            "input": {
                "accountId": account_ids["Initech"],
                "billingEmail": "billing@initech.example",
                "paymentTermsDays": 60,
                "ownerId": None,
            }
        },
        token=token,
    )

    payload = body["data"]["updateAccount"]
    assert payload["userErrors"] == []
    assert payload["account"]["name"] == "Initech"
    assert payload["account"]["billingEmail"] == "billing@initech.example"
    assert payload["account"]["paymentTermsDays"] == 60
    assert payload["account"]["owner"] is None
    [entry] = await _entries(db, "account.update")
    assert entry.before is not None and entry.after is not None
    assert set(entry.after) == {"billingEmail", "paymentTermsDays", "ownerId"}
    assert entry.after["paymentTermsDays"] == 60 and entry.before["paymentTermsDays"] == 45
    assert entry.actor_label == "Maria Lindqvist"


async def test_the_currency_is_fixed_once_anything_is_priced_in_it(
    gql: GraphQL, login: Login, db: Database, account_ids: dict[str, str]
) -> None:
    token = await login("adam@recur.example")
    body = await gql(
        UPDATE, {"input": {"accountId": account_ids["Acme Corp"], "currency": "JPY"}}, token=token
    )
    [error] = body["data"]["updateAccount"]["userErrors"]
    assert error["field"] == ["input", "currency"]
    assert error["code"] == "CURRENCY_FIXED"

    created = await gql(CREATE, {"input": {"name": "Fresh", "currency": "USD"}}, token=token)
    fresh = created["data"]["createAccount"]["account"]["id"]
    body = await gql(UPDATE, {"input": {"accountId": fresh, "currency": "JPY"}}, token=token)
    assert body["data"]["updateAccount"]["account"]["currency"] == "JPY"
    async with db.session() as session:
        currencies = set(await session.scalars(select(Account.currency)))
    assert "JPY" in currencies


async def test_an_unknown_account_is_a_user_error(gql: GraphQL, login: Login) -> None:
    body = await gql(
        UPDATE,
        {"input": {"accountId": global_id("Account", 999999), "name": "Nobody"}},
        token=await login("adam@recur.example"),
    )
    assert fields_at_fault(body["data"]["updateAccount"]) == ["accountId"]


async def test_accounts_without_a_rep_are_listed_for_assignment(gql: GraphQL, login: Login) -> None:
    token = await login("maria@recur.example")
    await gql(CREATE, {"input": {"name": "Orphan Ltd", "currency": "GBP"}}, token=token)
    body = await gql(
        "{ accounts(unassigned: true) { edges { node { name owner { name } } } } }", token=token
    )
    nodes = [edge["node"] for edge in body["data"]["accounts"]["edges"]]
    assert {"name": "Orphan Ltd", "owner": None} in nodes
    assert all(node["owner"] is None for node in nodes)


async def test_accounts_are_assigned_to_active_reps_and_managers(
    gql: GraphQL, login: Login
) -> None:
    body = await gql("{ accountOwners { name role } }", token=await login("maria@recur.example"))
    owners = body["data"]["accountOwners"]
    assert {owner["role"] for owner in owners} == {"REP", "MANAGER"}
    assert [owner["name"] for owner in owners] == sorted(owner["name"] for owner in owners)


async def test_staff_link_an_account_to_a_partner_they_pick_by_name(
    gql: GraphQL, login: Login, db: Database
) -> None:
    token = await login("rita@recur.example")
    choices = (await gql("{ accountPartners { id name } }", token=token))["data"]
    northwind = choices["accountPartners"][0]
    assert northwind["name"] == "Northwind"

    body = await gql(
        CREATE,
        {"input": {"name": "Resold Ltd", "currency": "EUR", "partnerId": northwind["id"]}},
        token=token,
    )
    created = body["data"]["createAccount"]
    assert created["userErrors"] == []
    shown = await gql(
        "query($id: ID!) { account(id: $id) { partner { id name } } }",
        {"id": created["account"]["id"]},
        token=token,
    )
    assert shown["data"]["account"]["partner"] == northwind

    cleared = await gql(
        UPDATE,
        {"input": {"accountId": created["account"]["id"], "partnerId": None}},
        token=await login("maria@recur.example"),
    )
    assert cleared["data"]["updateAccount"]["userErrors"] == []
    async with db.session() as session:
        account = await session.scalar(select(Account).where(Account.name == "Resold Ltd"))
    assert account is not None and account.partner_id is None
