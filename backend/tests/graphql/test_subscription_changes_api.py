"""Subscription changes over GraphQL: the preview is the invoice, bad input is userErrors,
another account's subscription is unknown, and the history records every change."""

from __future__ import annotations

from datetime import date, timedelta

SUBSCRIPTIONS = """{ subscriptions(first: 10) { edges { node { id number autoRenew
  renewalUpliftPercent currentTermEnd termEndsOn account { name }
  items { id quantity product { sku } } } } } }"""
PREVIEW = """query($input: SubscriptionChangeInput!) { previewSubscriptionChange(input: $input) {
  effectiveDate amountDueNow { amount currency } newMonthlyRecurringRevenue { amount }
  monthlyRecurringRevenueBefore { amount } summary
  lines { description amount { amount } explanation }
  userErrors { field message code } } }"""
CHANGE = """mutation($input: SubscriptionChangeInput!) { changeSubscription(input: $input) {
  subscription { monthlyRecurringRevenue { amount } items { quantity product { sku } }
    events { action summary actorName amountNow { amount } before after } }
  quote { kind status } order { number } amountDueNow { amount }
  invoice { number total { amount } lines { amount { amount } explanation } }
  creditNote { number } userErrors { field message code } } }"""
CANCEL = """mutation($input: CancelSubscriptionInput!) { cancelSubscription(input: $input) {
  subscription { status autoRenew canceledOn } creditNote { number total { amount } }
  userErrors { code } } }"""
AUTO = """mutation($id: ID!, $on: Boolean!) { setAutoRenew(input: {subscriptionId: $id,
  autoRenew: $on}) { subscription { autoRenew events { action summary } } userErrors { code } } }"""


async def _acme(gql, token: str) -> dict:
    body = await gql(SUBSCRIPTIONS, token=token)
    return next(
        e["node"]
        for e in body["data"]["subscriptions"]["edges"]
        if e["node"]["account"]["name"] == "Acme Corp"
    )


def _seats(subscription: dict, quantity: int) -> dict:
    item = next(i for i in subscription["items"] if i["product"]["sku"] == "SEAT-STD")
    return {
        "subscriptionId": subscription["id"],
        "changes": [{"itemId": item["id"], "quantity": quantity}],
    }


async def test_the_customer_previews_then_adds_seats_and_pays_exactly_the_preview(
    gql, login
) -> None:
    alice = await login("alice@acme.example")
    subscription = await _acme(gql, alice)
    change = _seats(subscription, 30)

    preview = (await gql(PREVIEW, {"input": change}, token=alice))["data"][
        "previewSubscriptionChange"
    ]
    done = (await gql(CHANGE, {"input": change}, token=alice))["data"]["changeSubscription"]

    assert preview["userErrors"] == [] and done["userErrors"] == []
    assert preview["amountDueNow"] == {"amount": "27.06", "currency": "USD"}
    assert done["invoice"]["total"]["amount"] == preview["amountDueNow"]["amount"]
    assert [line["amount"] for line in done["invoice"]["lines"]] == [
        line["amount"] for line in preview["lines"]
    ]
    assert preview["newMonthlyRecurringRevenue"]["amount"] == "1240.00"
    assert preview["monthlyRecurringRevenueBefore"]["amount"] == "1115.00"
    assert done["subscription"]["monthlyRecurringRevenue"]["amount"] == "1240.00"
    assert done["quote"] == {"kind": "AMENDMENT", "status": "ACCEPTED"}
    [event] = done["subscription"]["events"]
    assert event == {
        "action": "CHANGE",
        "summary": "Standard Seats 25 → 30.",
        "actorName": "Alice Moreau",
        "amountNow": {"amount": "27.06"},
        "before": "Standard Seats (monthly) × 25",
        "after": "Standard Seats (monthly) × 30",
    }


async def test_bad_changes_and_other_accounts_are_user_errors(gql, login) -> None:
    alice = await login("alice@acme.example")
    subscription = await _acme(gql, alice)
    bad = await gql(PREVIEW, {"input": _seats(subscription, -2)}, token=alice)
    assert bad["data"]["previewSubscriptionChange"]["userErrors"] == [
        {
            "field": ["input", "changes", "0", "quantity"],
            "message": "The quantity is a whole number from 0 (remove) to 1,000,000.",
            "code": "INVALID_QUANTITY",
        }
    ]
    backdated = {**_seats(subscription, 26), "effectiveDate": "2026-11-01"}
    body = await gql(CHANGE, {"input": backdated}, token=alice)
    assert body["data"]["changeSubscription"]["userErrors"][0]["code"] == "BACKDATED"

    carol = await login("carol@initech.example")
    theirs = await gql(CHANGE, {"input": _seats(subscription, 26)}, token=carol)
    assert theirs["data"]["changeSubscription"]["userErrors"][0]["code"] == "UNKNOWN_SUBSCRIPTION"


async def test_auto_renew_and_cancellation_by_role(gql, login) -> None:
    alice = await login("alice@acme.example")
    subscription = await _acme(gql, alice)
    off = await gql(AUTO, {"id": subscription["id"], "on": False}, token=alice)
    assert off["data"]["setAutoRenew"]["subscription"]["autoRenew"] is False
    assert off["data"]["setAutoRenew"]["subscription"]["events"][0]["action"] == "AUTO_RENEW_OFF"

    now = {"subscriptionId": subscription["id"], "mode": "IMMEDIATELY"}
    refused = await gql(CANCEL, {"input": now}, token=alice)
    assert refused["errors"][0]["message"].startswith("Customers cancel at term end")
    assert (refused["data"] or {}).get("cancelSubscription") is None

    rita = await login("rita@recur.example")
    early = (await gql(CANCEL, {"input": now}, token=rita))["data"]["cancelSubscription"]
    assert [e["code"] for e in early["userErrors"]] == ["APPROVAL_REQUIRED"]
    maria = await login("maria@recur.example")
    done = (await gql(CANCEL, {"input": now}, token=maria))["data"]["cancelSubscription"]
    assert done["subscription"] == {
        "status": "CANCELED",
        "autoRenew": False,
        "canceledOn": "2026-11-24",
    }
    assert done["creditNote"]["total"]["amount"] == "241.40"  # 1115 × 6/30 = 223 + 8.25 %


UPLIFT = """mutation($id: ID!, $percent: Decimal!) { setRenewalUplift(input: {subscriptionId: $id,
  upliftPercent: $percent}) { subscription { renewalUpliftPercent events { action summary } }
  userErrors { field code message } } }"""


async def test_sales_set_the_renewal_uplift_and_customers_see_it(gql, login) -> None:
    alice, rita = await login("alice@acme.example"), await login("rita@recur.example")
    subscription = await _acme(gql, alice)

    refused = await gql(UPLIFT, {"id": subscription["id"], "percent": "5"}, token=alice)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    wrong = await gql(UPLIFT, {"id": subscription["id"], "percent": "100.5"}, token=rita)
    assert wrong["data"]["setRenewalUplift"]["userErrors"][0]["field"] == [
        "input",
        "upliftPercent",
    ]

    done = await gql(UPLIFT, {"id": subscription["id"], "percent": "3.5"}, token=rita)
    payload = done["data"]["setRenewalUplift"]
    assert payload["userErrors"] == []
    assert payload["subscription"]["renewalUpliftPercent"] == "3.50"
    assert payload["subscription"]["events"][0]["action"] == "UPLIFT"
    assert payload["subscription"]["events"][0]["summary"].startswith("Renewal uplift 0 % → 3.5 %")
    assert (await _acme(gql, alice))["renewalUpliftPercent"] == "3.50"


async def test_a_term_ends_on_its_last_day_of_service(gql, login) -> None:
    subscription = await _acme(gql, await login("alice@acme.example"))
    first_day_after = date.fromisoformat(subscription["currentTermEnd"])
    assert date.fromisoformat(subscription["termEndsOn"]) == first_day_after - timedelta(days=1)


SCHEDULED = """query($id: ID!) { subscription(id: $id) { items { quantity product { sku } }
  scheduledChanges { id effectiveDate description } } }"""
CALL_OFF = """mutation($input: CancelScheduledChangeInput!) { cancelScheduledChange(input: $input) {
  subscription { scheduledChanges { id } events { action summary } }
  userErrors { field code } } }"""


async def test_a_later_change_is_listed_until_it_is_called_off(gql, login) -> None:
    alice = await login("alice@acme.example")
    subscription = await _acme(gql, alice)
    change = {**_seats(subscription, 30), "effectiveDate": "2026-12-15"}
    done = (await gql(CHANGE, {"input": change}, token=alice))["data"]["changeSubscription"]
    assert done["userErrors"] == [] and done["invoice"] is None
    assert done["amountDueNow"]["amount"] == "0.00"

    seen = (await gql(SCHEDULED, {"id": subscription["id"]}, token=alice))["data"]
    seats = next(i for i in seen["subscription"]["items"] if i["product"]["sku"] == "SEAT-STD")
    assert seats["quantity"] == 25  # until Dec 15
    (waiting,) = seen["subscription"]["scheduledChanges"]
    assert (waiting["effectiveDate"], waiting["description"]) == (
        "2026-12-15",
        "Standard Seats 25 → 30",
    )

    unknown = {"subscriptionId": subscription["id"], "scheduledChangeId": "bm9wZQ=="}
    wrong = (await gql(CALL_OFF, {"input": unknown}, token=alice))["data"]
    assert wrong["cancelScheduledChange"]["userErrors"] == [
        {"field": ["input", "scheduledChangeId"], "code": "UNKNOWN_SCHEDULED_CHANGE"}
    ]
    off = {"subscriptionId": subscription["id"], "scheduledChangeId": waiting["id"]}
    called_off = (await gql(CALL_OFF, {"input": off}, token=alice))["data"]
    payload = called_off["cancelScheduledChange"]
    assert payload["userErrors"] == [] and payload["subscription"]["scheduledChanges"] == []
    assert payload["subscription"]["events"][0]["action"] == "CHANGE_CALLED_OFF"
