"""Self-service sign-up: a new account without a rep, its customer user, logged in."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from recur.clock import FixedClock
from recur.db.engine import Database
from recur.db.models import Account, AuditEntry, User
from recur.settings import Settings
from tests.conftest import GraphQL
from tests.graphql.test_login_throttle import serving

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


async def _sign_up(client: httpx.AsyncClient, form: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": SIGN_UP, "variables": {"input": form}})
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["signUp"]
    payload["retry-after header"] = response.headers.get("retry-after")
    return payload


async def test_an_address_may_sign_up_only_so_often_and_typos_do_not_count(
    settings: Settings, db: Database, clock: FixedClock
) -> None:
    limited = {"signups_per_address": "2 per hour"}
    async with serving(settings, db, clock, **limited) as client:
        typo = await _sign_up(client, {**FORM, "email": "not-an-email"})
        first = await _sign_up(client, {**FORM, "email": "one@hooli.example"})
        second = await _sign_up(client, {**FORM, "email": "two@hooli.example"})
        refused = await _sign_up(client, {**FORM, "email": "three@hooli.example"})
    async with serving(settings, db, clock, address="10.0.0.2", **limited) as elsewhere:
        other = await _sign_up(elsewhere, {**FORM, "email": "three@hooli.example"})

    assert [e["field"] for e in typo["userErrors"]] == [["input", "email"]]
    assert first["token"] and second["token"] and other["token"]
    assert [e["code"] for e in refused["userErrors"]] == ["TOO_MANY_ATTEMPTS"]
    assert refused["token"] is None
    assert 3000 < int(refused["retry-after header"]) <= 3600
    async with db.session() as session:
        emails = set(await session.scalars(select(User.email).where(User.email.like("%@hooli%"))))
    assert emails == {"one@hooli.example", "two@hooli.example", "three@hooli.example"}


async def test_one_request_holds_one_sign_up(gql: GraphQL, db: Database) -> None:
    aliases = " ".join(
        f's{n}: signUp(input: {{companyName: "Co {n}", name: "N", '
        f'email: "n{n}@co.example", password: "a-long-password", currency: "USD", '
        f'country: "US"}}) {{ token userErrors {{ code }} }}'
        for n in range(3)
    )
    body = await gql(f"mutation {{ {aliases} }}")

    answers = [body["data"][f"s{n}"] for n in range(3)]
    assert answers[0]["token"] and answers[0]["userErrors"] == []
    assert [a["userErrors"] for a in answers[1:]] == [[{"code": "ONE_PASSWORD_PER_REQUEST"}]] * 2
    async with db.session() as session:
        made = await session.scalars(select(User.email).where(User.email.like("%@co.example")))
        emails = list(made)
    assert emails == ["n0@co.example"]
