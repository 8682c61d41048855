"""Who may read revenue metrics and the dashboards, and whose accounts they count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.graphql.test_access import (
    ACTORS,
    ANONYMOUS,
    STAFF,
    VISIBLE,
    TokenFor,
    account_ids,
    error_codes,
    token_for,
    user_ids,
)

__all__ = ["account_ids", "token_for", "user_ids"]

METRICS = """query($currency: String!, $from: Date!, $to: Date!, $ownerId: ID, $accountId: ID) {
  revenueMetrics(currency: $currency, from: $from, to: $to, ownerId: $ownerId,
                 accountId: $accountId) {
    month mrr { amount currency } arr { amount } newMrr { amount } expansionMrr { amount }
    contractionMrr { amount } churnedMrr { amount } reactivationMrr { amount }
    activeAccounts } }"""
SALES = "{ salesDashboard { approvalsWaiting pipeline { status count } } }"
FINANCE = "{ receivablesSummary { currency open { amount } } }"
WINDOW = {"from": "2025-01-01", "to": "2027-06-30"}

#: Who may ask for what (``None``: refused with that code).
ALLOWED = {
    "revenueMetrics": set(STAFF),
    "salesDashboard": {
        "rita@recur.example",
        "sam@recur.example",
        "maria@recur.example",
        "adam@recur.example",
    },
    "receivablesSummary": {"maria@recur.example", "fiona@recur.example", "adam@recur.example"},
}
QUERIES = {
    "revenueMetrics": (METRICS, {"currency": "USD", **WINDOW}),
    "salesDashboard": (SALES, {}),
    "receivablesSummary": (FINANCE, {}),
}


@pytest.mark.parametrize("field", list(QUERIES))
@pytest.mark.parametrize("actor", ACTORS)
async def test_each_query_answers_only_the_roles_it_is_for(
    gql: GraphQL, token_for: TokenFor, actor: str, field: str
) -> None:
    query, variables = QUERIES[field]
    body = await gql(query, variables, token=await token_for(actor))
    if actor in ALLOWED[field]:
        assert "errors" not in body, body
        assert isinstance(body["data"][field], list | dict)
    else:
        # A partner client is known (FORBIDDEN, like a customer); anonymous callers log in.
        expected = "UNAUTHENTICATED" if actor == ANONYMOUS else "FORBIDDEN"
        assert error_codes(body) == [expected]


def amounts(months: list[dict[str, Any]], key: str) -> list[Decimal]:
    return [Decimal(month[key]["amount"]) for month in months]


@pytest.mark.parametrize("currency", ["USD", "EUR"])
@pytest.mark.parametrize("staff", STAFF)
async def test_staff_count_exactly_the_accounts_they_see(
    gql: GraphQL, token_for: TokenFor, account_ids: dict[str, str], staff: str, currency: str
) -> None:
    admin = await token_for("adam@recur.example")
    per_account = {}
    for name, account_id in account_ids.items():
        body = await gql(
            METRICS, {"currency": currency, **WINDOW, "accountId": account_id}, token=admin
        )
        per_account[name] = body["data"]["revenueMetrics"]
    body = await gql(METRICS, {"currency": currency, **WINDOW}, token=await token_for(staff))
    mine = body["data"]["revenueMetrics"]
    visible = VISIBLE[staff] or []
    for key in ("mrr", "newMrr", "expansionMrr", "contractionMrr", "churnedMrr"):
        expected = [
            sum(column, Decimal(0))
            for column in zip(*(amounts(per_account[name], key) for name in visible), strict=True)
        ]
        assert amounts(mine, key) == expected, key
    assert len(mine) == 30
    assert any(amount > 0 for amount in amounts(mine, "mrr")) == any(
        amount > 0 for name in visible for amount in amounts(per_account[name], "mrr")
    )


async def test_a_manager_narrows_the_metrics_to_one_reps_book(
    gql: GraphQL, token_for: TokenFor, user_ids: dict[str, str]
) -> None:
    maria, rita = await token_for("maria@recur.example"), await token_for("rita@recur.example")
    variables = {"currency": "USD", **WINDOW}
    ritas_own = await gql(METRICS, variables, token=rita)
    narrowed = await gql(
        METRICS, {**variables, "ownerId": user_ids["rita@recur.example"]}, token=maria
    )
    assert narrowed["data"] == ritas_own["data"]
    everyone = await gql(METRICS, variables, token=maria)
    assert everyone["data"] != ritas_own["data"]
    # A rep asking for another rep's book gets nothing of it.
    sams = await gql(METRICS, {**variables, "ownerId": user_ids["sam@recur.example"]}, token=rita)
    assert all(amount == 0 for amount in amounts(sams["data"]["revenueMetrics"], "mrr"))


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"currency": "ZZZ", **WINDOW}, "currency"),
        ({"currency": "USD", "from": "2026-05-01", "to": "2026-04-30"}, "to"),
        ({"currency": "USD", "from": "2000-01-01", "to": "2026-04-30"}, "to"),
        ({"currency": "USD", **WINDOW, "ownerId": "nonsense"}, "ownerId"),
        ({"currency": "USD", **WINDOW, "accountId": "bm9wZTox"}, "accountId"),
    ],
)
async def test_bad_arguments_are_refused_naming_them(
    gql: GraphQL, token_for: TokenFor, variables: dict[str, str], field: str
) -> None:
    body = await gql(METRICS, variables, token=await token_for("maria@recur.example"))
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert field in error["message"]
