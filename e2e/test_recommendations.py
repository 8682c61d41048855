"""Next best offers: a rep opens an account, sees three offers with reasons and amounts,
prepares a quote from one and the quote's amount is the offer's; a customer previews an offer
in their portal, takes it, and the invoice is the preview. On a server of their own: taking
an offer changes Acme's subscription."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, person, shot, watch_console
from e2e.server import running_server


@pytest.fixture(scope="module")
def offers_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("offers-server")) as url:
        yield url


def _money(text: str) -> str:
    found = re.search(r"-?\$[\d,]+\.\d\d", text)
    assert found, text
    return found.group(0)


def test_a_rep_sees_three_offers_and_prepares_a_quote_for_exactly_the_offer(
    page: Page, offers_url: str, browser: Browser
) -> None:
    errors = watch_console(page)
    log_in(page, offers_url, "rita@recur.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Acme Corp").click()

    section = page.locator("#account-offers")
    expect(section.get_by_role("heading", name="Next best offers")).to_be_visible()
    offers = section.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3))
    expect(offers).to_have_count(3)
    for index in range(3):
        offer = offers.nth(index)
        expect(offer.locator(".offer__reason")).not_to_be_empty()
        expect(offer).to_contain_text("Due now")
        expect(offer).to_contain_text("New MRR")
        expect(offer.get_by_role("button", name="Prepare quote")).to_be_visible()
    upgrade = offers.filter(has_text="Upgrade to Professional Seats")
    upgrade.get_by_text("Why this offer").click()
    expect(upgrade).to_contain_text(
        "Upgrade path in the catalog: Standard Seats → Professional Seats."
    )
    due = _money(upgrade.locator(".offer__figures dd").first.inner_text())
    section.scroll_into_view_if_needed()
    shot(page, "offers-rep")
    with person(browser, offers_url, "rita@recur.example", width=390) as phone:
        phone.goto(page.url)
        expect(phone.locator("#account-offers .offer")).to_have_count(3)
        phone.locator("#account-offers").scroll_into_view_if_needed()
        shot(phone, "offers-rep-phone")

    upgrade.get_by_role("button", name="Prepare quote").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Quote Q-\d+"), level=1)).to_be_visible()
    acceptance = page.get_by_text("On acceptance").locator("xpath=ancestor::section[1]")
    expect(acceptance).to_contain_text(due)
    expect(
        page.get_by_text("Prepared from the offer “Upgrade to Professional Seats”.")
    ).to_be_visible()
    shot(page, "offers-prepared-quote")
    assert errors == []


def test_a_customer_previews_an_offer_takes_it_and_is_invoiced_the_preview(
    page: Page, offers_url: str, browser: Browser
) -> None:
    errors = watch_console(page)
    log_in(page, offers_url, "alice@acme.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    section = page.locator("#account-offers")
    expect(section.get_by_role("heading", name="Offers for you")).to_be_visible()
    offers = section.locator(".offer")
    expect(offers.first).to_be_visible()
    expect(section).not_to_contain_text("Why this offer")  # no internal evidence
    expect(section).not_to_contain_text("accounts")  # nor other accounts, even counted
    offer = offers.filter(has_text="Upgrade to Professional Seats")
    due = _money(offer.locator(".offer__figures dd").first.inner_text())
    offer.get_by_role("button", name="Preview").click()
    expect(offer.locator(".offer__lines")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot(page, "offers-customer")
    with person(browser, offers_url, "alice@acme.example", width=390) as phone:
        phone.goto(page.url)
        expect(phone.locator("#account-offers .offer").first).to_be_visible()
        phone.locator("#account-offers").scroll_into_view_if_needed()
        shot(phone, "offers-customer-phone")

    offer.get_by_role("button", name="Take offer").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(due)
    dialog.get_by_role("button", name="Take offer").click()
    toast = page.locator(".toast").filter(has_text="invoice")
    expect(toast).to_be_visible()
    number = re.search(r"INV-\d+", toast.inner_text())
    assert number
    page.goto(f"{offers_url}/invoices")
    page.get_by_role("link", name=number.group(0)).click()
    expect(page.get_by_role("heading", name=re.compile(number.group(0)), level=1)).to_be_visible()
    expect(page.get_by_text(due).first).to_be_visible()
    assert errors == []

    # A manager reads how offers fare: the upgrade Alice took counts as accepted.
    with person(browser, offers_url, "maria@recur.example") as maria:
        maria.goto(f"{offers_url}/dashboard")
        offers = "Offers by kind: shown, prepared as quotes, accepted"
        card = maria.get_by_role("table", name=offers)
        upgrade = card.get_by_role("row").filter(has_text="Upgrade")
        expect(upgrade).to_be_visible()
        cells = upgrade.get_by_role("cell")
        assert int(cells.nth(3).inner_text()) >= 1
        expect(cells.nth(4)).to_contain_text("%")
        card.scroll_into_view_if_needed()
        shot(maria, "offers-manager-dashboard")
