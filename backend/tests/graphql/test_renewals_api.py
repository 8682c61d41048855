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
                "monthlyRecurringRevenue": {"amount": "190.00", "currency": "EUR"},
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
            "monthlyRecurringRevenue": {"amount": "420.00", "currency": "EUR"},
        }
    ]

    sixty = (await gql(RENEWALS, {"withinDays": 60}, token=rita))["data"]["renewals"]
    assert [e["subscription"]["number"] for e in sixty["entries"]] == [STORAGE]
    assert sixty["totals"][0]["monthlyRecurringRevenue"]["amount"] == "190.00"
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
    # the session; the page's subscriptions, renewal quotes, their lines, items, prices,
    # tiers; the totals' rows; accounts; the business settings (the approval threshold that
    # prices the quotes, read once). Items, monthly revenue and the quotes' prices come from
    # the loaders the query primed.
    assert len(five) == 10, five


PAGE = """query($first: Int, $after: String) {
  renewals(withinDays: 366, first: $first, after: $after) {
    entries { subscription { number } }
    totals { currency count monthlyRecurringRevenue { amount } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def test_renewals_come_a_page_at_a_time_with_the_whole_windows_totals(gql, login) -> None:
    maria = await login("maria@recur.example")
    everything = (await gql(PAGE, token=maria))["data"]["renewals"]
    numbers = [e["subscription"]["number"] for e in everything["entries"]]
    assert len(numbers) >= 3 and not everything["pageInfo"]["hasNextPage"]

    paged, after = [], None
    while True:
        body = await gql(PAGE, {"first": 2, "after": after}, token=maria)
        renewals = body["data"]["renewals"]
        assert renewals["totals"] == everything["totals"]  # every page totals the window
        assert len(renewals["entries"]) <= 2
        assert renewals["pageInfo"]["hasPreviousPage"] is (after is not None)
        paged += [e["subscription"]["number"] for e in renewals["entries"]]
        after = renewals["pageInfo"]["endCursor"]
        if not renewals["pageInfo"]["hasNextPage"]:
            break
    assert paged == numbers


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"first": 101}, "first", "first must be between 0 and 100."),
        ({"first": -1}, "first", "first must be between 0 and 100."),
        ({"after": "bm90IGEgY3Vyc29y"}, "after", "after is not a cursor from this list."),
        ({"after": "WyJub3QtYS1kYXRlIiwgIlNVQi0xIl0="}, "after", "after is not a cursor"),
    ],
)
async def test_a_page_out_of_range_or_a_foreign_cursor_is_an_error_naming_it(
    gql, login, variables, field, message
) -> None:
    body = await gql(PAGE, variables, token=await login("maria@recur.example"))

    [error] = body["errors"]
    assert error["message"].startswith(message) and field in error["message"]
    assert error["extensions"]["code"] == "INVALID"


async def test_the_totals_are_read_only_when_asked_for(gql, login, db) -> None:
    maria = await login("maria@recur.example")
    entries = "renewals(withinDays: 366) { entries { subscription { number } } "
    with counting_statements(db) as without:
        plain = await gql("{ " + entries + "} }", token=maria)
    through_fragment = (
        "{ " + entries + "...T } } fragment T on UpcomingRenewals { totals { count } }"
    )
    with counting_statements(db) as with_totals:
        both = await gql(through_fragment, token=maria)

    assert plain["data"]["renewals"]["entries"] == both["data"]["renewals"]["entries"]
    assert sum(t["count"] for t in both["data"]["renewals"]["totals"]) >= 3
    assert len(with_totals) == len(without) + 1  # the totals' one query
