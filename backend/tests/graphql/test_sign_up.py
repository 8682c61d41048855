"""Self-service sign-up: a new account without a rep, its customer user, logged in."""

from __future__ import annotations

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, AuditEntry
from tests.conftest import GraphQL

SIGN_UP = """
mutation($input: SignUpInput!) {
  signUp(input: $input) {
    token viewer { email role account { name currency owner { name }
                                        billingEmail billingAddress { country } } }
    userErrors { field message code }
  }
}"""
FORM = {
    "companyName": "Hooli Inc.",
    "name": "Gavin",
    "email": "Gavin@Hooli.example",
    "password": "a-long-password",
    "currency": "usd",
    "country": "us",
}


async def test_a_buyer_signs_up_and_is_logged_in(gql: GraphQL, db: Database) -> None:
    body = await gql(SIGN_UP, {"input": FORM})

    payload = body["data"]["signUp"]
    assert payload["userErrors"] == []
    assert payload["viewer"] == {
        "email": "gavin@hooli.example",
        "role": "CUSTOMER",
        "account": {
            "name": "Hooli Inc.",
            "currency": "USD",
            "owner": None,
            "billingEmail": "gavin@hooli.example",
            "billingAddress": {"country": "US"},
        },
    }
    viewer = await gql("{ viewer { account { name } } }", token=payload["token"])
    assert viewer["data"]["viewer"]["account"] == {"name": "Hooli Inc."}
    async with db.session() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "account.sign_up")
        )
    assert entry is not None and entry.actor_label == "Gavin"


async def test_a_sign_up_names_every_bad_field_and_writes_nothing(
    gql: GraphQL, db: Database
) -> None:
    bad = {
        **FORM,
        "companyName": "",
        "email": "x",
        "password": "short",
        "currency": "ABC",
        "country": "ZZ",
    }
    body = await gql(SIGN_UP, {"input": bad})

    payload = body["data"]["signUp"]
    assert payload["token"] is None
    assert sorted(error["field"][1] for error in payload["userErrors"]) == [
        "companyName",
        "country",
        "currency",
        "email",
        "password",
    ]
    async with db.session() as session:
        assert await session.scalar(select(Account).where(Account.name == "")) is None


async def test_an_email_in_use_signs_up_no_second_time(gql: GraphQL) -> None:
    body = await gql(SIGN_UP, {"input": {**FORM, "email": "alice@acme.example"}})
    [error] = body["data"]["signUp"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "email"], "TAKEN")
