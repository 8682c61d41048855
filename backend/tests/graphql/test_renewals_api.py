"""The renewals view over GraphQL: a rep sees their accounts' renewals due and what is at
stake, the renewal quote is a Quote, outsiders are refused, and a long list costs no more
queries than a short one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recur.core.lifecycle import QuoteStatus
from tests.graphql.test_statement_count import counting_statements
from tests.services.test_upcoming_renewals import (
    PILOT,
    STORAGE,
    TODAY,
    add_quote,
    set_subscription,
)

RENEWALS = """query($withinDays: Int) { renewals(withinDays: $withinDays) {
  asOf withinDays through
  entries { renewalStatus
    subscription { number autoRenew currentTermEnd account { name }
                   monthlyRecurringRevenue { amount currency } }
    renewalQuote { number kind status startDate termMonths
                   lines { quantity product { sku } } monthlyRecurringTotal { amount } } }
  totals { currency count monthlyRecurringRevenue { amount currency } } } }"""


async def test_a_rep_sees_the_renewals_due_on_their_accounts(gql, login) -> None:
    rita = await login("rita@recur.example")

    body = await gql(RENEWALS, token=rita)

    assert "errors" not in body, body
    renewals = body["data"]["renewals"]
    assert (renewals["asOf"], renewals["withinDays"], renewals["through"]) == (
        "2026-11-24",
        90,
        "2027-02-22",
    )
    globex = {"name": "Globex GmbH"}
    assert renewals["entries"] == [
        {
            "renewalStatus": "AUTO_RENEWS",
            "subscription": {
                "number": STORAGE,
                "autoRenew": True,
                "currentTermEnd": "2027-01-10",
                "account": globex,
                "monthlyRecurringRevenue": {"amount": "160.00", "currency": "EUR"},
            },
            "renewalQuote": None,
        },
        {
            "renewalStatus": "EXPIRES",
            "subscription": {
                "number": PILOT,
                "autoRenew": False,
                "currentTermEnd": "2027-02-04",
                "account": globex,
                "monthlyRecurringRevenue": {"amount": "230.00", "currency": "EUR"},
            },
            "renewalQuote": None,
        },
    ]
    assert renewals["totals"] == [
        {
            "currency": "EUR",
            "count": 2,
            "monthlyRecurringRevenue": {"amount": "390.00", "currency": "EUR"},
        }
    ]

    sixty = (await gql(RENEWALS, {"withinDays": 60}, token=rita))["data"]["renewals"]
    assert [e["subscription"]["number"] for e in sixty["entries"]] == [STORAGE]
    assert sixty["totals"][0]["monthlyRecurringRevenue"]["amount"] == "160.00"
    sam = await login("sam@recur.example")
    nothing = (await gql(RENEWALS, token=sam))["data"]["renewals"]
    assert (nothing["entries"], nothing["totals"]) == ([], [])


async def test_the_renewal_quote_is_the_quote_with_its_lines(gql, login, db) -> None:
    number = await add_quote(db, PILOT, QuoteStatus.SENT, expires_on=TODAY + timedelta(days=30))
    maria = await login("maria@recur.example")

    body = await gql(RENEWALS, token=maria)

    pilot = body["data"]["renewals"]["entries"][1]
    assert pilot["renewalStatus"] == "QUOTED"
    assert pilot["renewalQuote"] == {
        "number": number,
        "kind": "RENEWAL",
        "status": "SENT",
        "startDate": "2027-02-04",
        "termMonths": 3,
        "lines": [{"quantity": 20_000, "product": {"sku": "SMS"}}],
        "monthlyRecurringTotal": {"amount": "230.00"},
    }


@pytest.mark.parametrize("email", ["alice@acme.example", "bob@globex.example"])
async def test_customers_are_refused(gql, login, email: str) -> None:
    body = await gql(RENEWALS, token=await login(email))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None


async def test_anonymous_callers_are_asked_to_log_in(gql) -> None:
    body = await gql(RENEWALS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("days", [0, 367])
async def test_a_window_out_of_range_is_an_error_naming_within_days(gql, login, days) -> None:
    body = await gql(RENEWALS, {"withinDays": days}, token=await login("fiona@recur.example"))

    [error] = body["errors"]
    assert error["message"] == "withinDays must be between 1 and 366 (days ahead)."
    assert error["extensions"]["code"] == "INVALID"
    assert body["data"] is None


async def test_many_renewals_cost_the_same_statements_as_one(gql, login, db) -> None:
    query = """query($withinDays: Int) { renewals(withinDays: $withinDays) {
      entries { renewalStatus
        subscription { number currentTermEnd autoRenew account { name }
                       monthlyRecurringRevenue { amount } items { quantity } }
        renewalQuote { number status lines { quantity } totalContractValue { amount } } }
      totals { count monthlyRecurringRevenue { amount } } } }"""
    maria = await login("maria@recur.example")
    await add_quote(db, STORAGE, QuoteStatus.DRAFT)
    # Within 60 days: storage alone.
    with counting_statements(db) as one:
        few = await gql(query, {"withinDays": 60}, token=maria)
    # Every demo subscription due, each with a renewal quote.
    for number in ("SUB-000001", "SUB-000002", "SUB-000003"):
        await set_subscription(db, number, current_term_end=TODAY + timedelta(days=30))
    for number in ("SUB-000001", "SUB-000002", "SUB-000003", PILOT):
        await add_quote(db, number, QuoteStatus.DRAFT)
    with counting_statements(db) as five:
        many = await gql(query, token=maria)

    assert len(few["data"]["renewals"]["entries"]) == 1
    entries = many["data"]["renewals"]["entries"]
    assert len(entries) == 5 and all(e["renewalStatus"] == "QUOTED" for e in entries)
    assert len(five) == len(one), five
    # the session; subscriptions, renewal quotes, their lines, items, prices, tiers; accounts;
    # the business settings (the approval threshold pricing the quotes reads, once).
    # Items, monthly revenue and the quotes' prices come from the loaders the query primed.
    assert len(five) == 9, five
