"""``GET /exports/revenue-metrics.csv``: the API's months as CSV, with the API's access."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.conftest import GraphQL

METRICS = """query($from: Date!, $to: Date!) {
  revenueMetrics(currency: "EUR", from: $from, to: $to) {
    month mrr { amount } arr { amount } newMrr { amount } expansionMrr { amount }
    contractionMrr { amount } churnedMrr { amount } reactivationMrr { amount }
    activeAccounts churnedAccounts logoChurnPercent grossRevenueRetentionPercent
    netRevenueRetentionPercent } }"""
WINDOW = {"from": "2025-12-01", "to": "2026-11-30"}
URL = "/exports/revenue-metrics.csv"


async def test_the_csv_has_the_apis_months_row_for_row(
    client: httpx.AsyncClient, gql: GraphQL, login
) -> None:
    token = await login("maria@recur.example")
    months = (await gql(METRICS, WINDOW, token=token))["data"]["revenueMetrics"]
    response = await client.get(
        URL, params={"currency": "EUR", **WINDOW}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        'filename="revenue-metrics-EUR-2025-12-to-2026-11.csv"'
        in response.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 12 == len(months)
    for row, month in zip(rows, months, strict=True):
        assert row["month"] == month["month"]
        assert row["currency"] == "EUR"
        for column, field in [
            ("mrr", "mrr"),
            ("arr", "arr"),
            ("new_mrr", "newMrr"),
            ("expansion_mrr", "expansionMrr"),
            ("contraction_mrr", "contractionMrr"),
            ("churned_mrr", "churnedMrr"),
            ("reactivation_mrr", "reactivationMrr"),
        ]:
            assert row[column] == month[field]["amount"], column
        assert int(row["active_accounts"]) == month["activeAccounts"]
        assert row["net_revenue_retention_percent"] == (month["netRevenueRetentionPercent"] or "")
    assert any(row["mrr"] != "0.00" for row in rows)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("alice@acme.example", 403), ("fiona@recur.example", 200)],
)
async def test_the_csv_answers_whoever_the_api_answers(
    client: httpx.AsyncClient, login, who: str | None, status: int
) -> None:
    headers = {"authorization": f"Bearer {await login(who)}"} if who else {}
    response = await client.get(URL, params={"currency": "EUR", **WINDOW}, headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] in ("NOT_AUTHENTICATED", "FORBIDDEN")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"currency": "EUR", "from": "yesterday", "to": "2026-11-30"}, "from"),
        ({"currency": "EUR", "from": "2026-01-01"}, "to"),
        ({"currency": "NOPE", **WINDOW}, "currency"),
        ({"currency": "EUR", "from": "2026-12-01", "to": "2026-01-01"}, "to"),
        ({"currency": "EUR", **WINDOW, "ownerId": "x"}, "ownerId"),
    ],
)
async def test_bad_parameters_get_a_400_naming_them(
    client: httpx.AsyncClient, login, params: dict[str, str], field: str
) -> None:
    token = await login("maria@recur.example")
    response = await client.get(URL, params=params, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json()["field"] == field
