"""A rep's quotes against a live subscription: an amendment with a discount whose preview is
the invoice, and the renewal for the next term on new terms, accepted by the customer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, person, shot, watch_console


def _open_acme_subscription(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/subscriptions")
    page.get_by_role("link", name="SUB-000002").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscription SUB-000002")


def _next_term_start(page: Page) -> str:
    """The day after the term shown on the subscription page ends, as the app writes dates."""
    ends = page.get_by_role("complementary", name="Terms").locator("dt:text-is('Term ends') + dd")
    day = datetime.strptime(ends.inner_text().strip(), "%b %d, %Y") + timedelta(days=1)
    return f"{day:%b} {day.day}, {day.year}"


def _send(page: Page) -> str:
    page.get_by_role("button", name="Send to customer").click()
    expect(page.get_by_text(re.compile("^Sent to the customer"))).to_be_visible()
    return page.url


def test_a_reps_renewal_quote_is_accepted_and_replaces_the_automatic_renewal(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Subscriptions").click()
    page.get_by_role("link", name="SUB-000002").click()
    renews_on = _next_term_start(page)
    page.get_by_role("button", name="Prepare renewal quote").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Term (months)").fill("24")
    dialog.get_by_label("Uplift %").fill("5")
    dialog.get_by_role("button", name="Prepare renewal quote").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Quote Q-\d+$"))
    expect(page.get_by_text(re.compile("renews SUB-000002 for 24 months"))).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("Quote ")
    seats = page.get_by_label("Quantity of Standard Seats")
    more = int(seats.input_value()) + 10
    seats.fill(str(more))
    page.get_by_label("Discount on Standard Seats (%)").fill("10")
    page.get_by_label("Discount on Standard Seats (%)").press("Tab")
    # Prices are raised 5 % before the discount: $25 → $26.25 a seat.
    row = page.get_by_role("row").filter(has_text="Standard Seats")
    net = f"${more * 26.25 * 0.9:,.2f}"
    expect(row).to_contain_text(net)
    screenshot("renewal-quote")
    url = _send(page)

    with person(browser, server_url, "alice@acme.example") as alice:
        alice.goto(url)
        expect(alice.get_by_text("Renewal", exact=True)).to_be_visible()
        alice.get_by_role("button", name="Accept quote").click()
        expect(alice.get_by_role("dialog")).to_contain_text("renews on")
        alice.get_by_role("button", name="Accept and order").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text(re.compile("^Order ORD-"))
        expect(alice.get_by_text(re.compile("renewal for 24 months"))).to_be_visible()
        _open_acme_subscription(alice, server_url)
        history = alice.get_by_role("table", name=re.compile("^History of"))
        expect(history).to_contain_text(f"as agreed in {number}")
        terms = alice.get_by_role("complementary", name="Terms")
        expect(terms).to_contain_text(f"Agreed: 24 months from {renews_on}, as quoted in {number}")
        expect(
            terms.get_by_role("button", name="Don't renew after the agreed term")
        ).to_be_visible()
        shot(alice, "renewal-agreed")

    # A second renewal for the same term is refused, and says why.
    _open_acme_subscription(page, server_url)
    page.get_by_role("button", name="Prepare renewal quote").click()
    page.get_by_role("dialog").get_by_role("button", name="Prepare renewal quote").click()
    expect(page.get_by_role("dialog")).to_contain_text("is agreed already")
    assert errors == []


def test_a_reps_amendment_quote_bills_exactly_its_preview(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    _open_acme_subscription(page, server_url)
    page.get_by_role("button", name="Prepare amendment quote").click()
    expect(page.get_by_text(re.compile("changes SUB-000002 from"))).to_be_visible()

    page.get_by_label("Product", exact=True).select_option(label="SSO & SCIM")
    page.get_by_label("Discount %").fill("15")
    page.get_by_role("button", name="Add line").click()
    preview = page.get_by_role("region", name="On acceptance")
    due = preview.locator(".totals__row").filter(has_text="Invoiced on acceptance").locator("dd")
    expect(due).to_have_text(re.compile(r"^\$[\d,]+\.\d{2}$"))
    amount = due.inner_text()
    expect(preview).to_contain_text("SSO & SCIM, quantity 0 → 1 (net of its 15 % discount)")
    value = preview.locator(".totals__row").filter(has_text="Contract value of the term")
    expect(value.locator("dd")).to_have_text(re.compile(r"^\$[\d,.]+ → \$[\d,.]+ \(\+\$[\d,.]+\)$"))
    screenshot("amendment-quote")
    url = _send(page)

    with person(browser, server_url, "alice@acme.example") as alice:
        alice.goto(url)
        expect(alice.get_by_role("region", name="On acceptance")).to_contain_text(amount)
        alice.get_by_role("button", name="Accept quote").click()
        expect(alice.get_by_role("dialog")).to_contain_text(f"{amount} is invoiced now")
        alice.get_by_role("button", name="Accept and order").click()
        invoiced = alice.get_by_role("region", name="Invoiced now")
        expect(invoiced.locator(".figure")).to_have_text(amount)
    assert errors == []


def test_a_rep_sets_the_renewal_uplift_and_the_customer_sees_it(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    _open_acme_subscription(page, server_url)
    page.get_by_role("button", name="Set renewal uplift").click()
    dialog = page.get_by_role("dialog")
    uplift = dialog.get_by_label("Uplift %")
    uplift.fill("150")
    dialog.get_by_role("button", name="Save uplift").click()
    expect(dialog).to_contain_text("Enter an uplift from 0 to 100 %")
    uplift.fill("5")
    expect(dialog).not_to_contain_text("Enter an uplift from 0 to 100 %")
    # With the next term agreed on a quote, the uplift is about the renewals after it.
    expect(dialog).to_contain_text(
        re.compile("after the next automatic renewal|each automatic renewal after it")
    )
    screenshot("renewal-uplift-dialog")
    dialog.get_by_role("button", name="Save uplift").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    terms = page.get_by_role("complementary", name="Terms")
    expect(terms).to_contain_text("5 % at each automatic renewal")
    history = page.get_by_role("table", name=re.compile("^History of"))
    expect(history).to_contain_text("Renewal uplift 0 % → 5 %")

    with person(browser, server_url, "alice@acme.example") as alice:
        _open_acme_subscription(alice, server_url)
        expect(alice.get_by_role("complementary", name="Terms")).to_contain_text(
            "5 % at each automatic renewal"
        )
        expect(alice.get_by_role("button", name="Set renewal uplift")).to_have_count(0)
    assert errors == []


def test_a_reps_deep_mid_term_reduction_is_approved_then_credited(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    _open_acme_subscription(page, server_url)
    page.get_by_role("button", name="Prepare amendment quote").click()
    expect(page.get_by_text(re.compile("changes SUB-000002 from"))).to_be_visible()
    seats = page.get_by_label("Quantity of Standard Seats")
    seats.fill("1")
    seats.press("Tab")
    preview = page.get_by_role("region", name="On acceptance")
    credited = preview.locator(".totals__row").filter(has_text="Credited on acceptance")
    expect(credited).to_be_visible()
    # Most of the seats for the rest of the term: more than a rep takes off alone.
    expect(page.get_by_text(re.compile("takes more than 20 % off the contract"))).to_be_visible()
    screenshot("amendment-reduction-needs-approval")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Waiting for a manager's approval.")).to_be_visible()
    url = page.url

    with person(browser, server_url, "maria@recur.example") as maria:
        maria.goto(url)
        expect(maria.get_by_text(re.compile("^Check the reduction"))).to_be_visible()
        maria.get_by_role("button", name="Approve").click()
        expect(maria.get_by_text(re.compile("^Approved: send it"))).to_be_visible()

    page.reload()
    _send(page)
    with person(browser, server_url, "alice@acme.example") as alice:
        alice.goto(url)
        alice.get_by_role("button", name="Accept quote").click()
        expect(alice.get_by_role("dialog")).to_contain_text("is credited now")
        alice.get_by_role("button", name="Accept and order").click()
        expect(alice.get_by_role("heading", level=1, name=re.compile("confirmed$"))).to_be_visible()
        shot(alice, "amendment-reduction-accepted")
    assert errors == []
