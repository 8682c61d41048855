"""The app under real use: what is on screen is what is bought, a double click makes one
draft, drafts are deleted and sent quotes recalled, the phone's menu, visible keyboard focus,
and errors in words instead of the API's own."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, Request, expect

from e2e.people import log_in, person, shot, watch_console
from e2e.test_quote_to_order import add_to_cart, assert_fits, line_row, nav, quote_number


def _saves_of_quantities(page: Page) -> list[Request]:
    """The cart quantity saves the page sends, as it sends them."""
    saves: list[Request] = []
    page.on(
        "request",
        lambda r: saves.append(r) if "updateCartLine" in (r.post_data or "") else None,
    )
    return saves


def _drafts_amending(page: Page, server_url: str, subscription: str) -> int:
    page.goto(f"{server_url}/quotes?status=DRAFT")
    none = page.get_by_role("heading", name="No quotes match these filters")
    table = page.get_by_role("table", name="Quotes").or_(none)
    expect(table).to_be_visible()
    return page.get_by_role("row").filter(has_text=f"Changes {subscription}").count()


def _open_subscription(page: Page, server_url: str, number: str) -> None:
    page.goto(f"{server_url}/subscriptions")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Subscription {number}")


def _status(page: Page):
    return page.get_by_role("complementary", name="Status and actions")


# ---- the cart -----------------------------------------------------------------------------


def test_a_zero_typed_mid_edit_keeps_the_line_and_checkout_buys_what_is_shown(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "carol@initech.example")
    add_to_cart(page, server_url, "SEAT-STD", "5")
    nav(page, "Cart").click()
    summary = page.get_by_role("complementary", name="Summary")
    summary.get_by_role("radio", name=re.compile("^Start a new subscription")).check()
    saves = _saves_of_quantities(page)
    seats = page.get_by_label("Quantity of Standard Seats")

    # On the way from 5 to 7 the field reads 0 for a while: a message, never a deletion.
    seats.fill("0")
    alert = line_row(page, "Standard Seats").get_by_role("alert")
    expect(alert).to_contain_text("Enter a whole number from 1 to 1,000,000")
    page.wait_for_timeout(1000)  # well past the pause after which a quantity is saved
    assert saves == []

    # An invalid quantity on screen blocks the checkout, with its message.
    page.get_by_role("button", name="Check out").click()
    summary_alert = summary.get_by_role("alert")
    expect(summary_alert).to_contain_text("Fix the quantity of Standard Seats first")
    expect(seats).to_be_focused()
    expect(page).to_have_url(re.compile(r"/cart$"))
    screenshot("cart-invalid-quantity")

    # Fixed, the messages go; checked out at once, the order has what the screen showed.
    seats.fill("7")
    expect(alert).to_be_hidden()
    expect(summary_alert).to_be_hidden()
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"confirmed$"))).to_be_visible()
    expect(page.get_by_role("region", name="Subscription")).to_contain_text("$175.00 / month")
    assert errors == []


# ---- drafts -------------------------------------------------------------------------------


def test_a_double_click_on_prepare_amendment_makes_one_draft_which_can_be_deleted(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    before = _drafts_amending(page, server_url, "SUB-000002")

    _open_subscription(page, server_url, "SUB-000002")
    page.get_by_role("button", name="Prepare amendment quote").dblclick()
    number = quote_number(page)
    expect(page.get_by_role("status")).to_contain_text(f"{number} amends SUB-000002")
    page.wait_for_timeout(500)  # a second draft, had one been made, would be listed by now
    assert _drafts_amending(page, server_url, "SUB-000002") == before + 1

    page.get_by_role("link", name=number).click()
    quote_number(page)
    screenshot("quote-draft-actions")
    page.get_by_role("button", name="Delete draft").click()
    dialog = page.get_by_role("dialog", name=f"Delete {number}?")
    expect(dialog).to_contain_text("deleted for good")
    dialog.get_by_role("button", name="Delete draft").click()

    expect(page).to_have_url(re.compile(r"/quotes$"))
    expect(page.get_by_role("status")).to_contain_text(f"{number} is deleted.")
    expect(page.get_by_role("table", name="Quotes")).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_have_count(0)
    assert errors == []


def test_a_rep_recalls_a_quote_sent_for_approval(page: Page, server_url: str, screenshot) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    nav(page, "Quotes").click()
    page.get_by_role("button", name="New quote").click()
    dialog = page.get_by_role("dialog", name="New quote")
    dialog.get_by_label("Account").select_option(label="Acme Corp (USD)")
    dialog.get_by_role("button", name="Create quote").click()
    number = quote_number(page)
    add = page.get_by_role("region", name="Add a product")
    add.get_by_label("Product").select_option(label="Standard Seats")
    add.get_by_label("Quantity").fill("5")
    add.get_by_label("Discount %").fill("30")
    add.get_by_role("button", name="Add line").click()
    expect(line_row(page, "Standard Seats")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(_status(page)).to_contain_text("Waiting for a manager's approval.")

    page.get_by_role("button", name="Recall to draft").click()
    dialog = page.get_by_role("dialog", name=f"Recall {number}?")
    dialog.get_by_label("Reason (optional)").fill("The customer wants ten seats.")
    dialog.get_by_role("button", name="Recall to draft").click()

    expect(page.get_by_role("status")).to_contain_text(f"{number} is back in draft.")
    expect(_status(page).get_by_text("Draft", exact=True)).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Rita Reyes recalled it to draft")
    expect(history).to_contain_text("The customer wants ten seats.")
    expect(page.get_by_label("Quantity of Standard Seats")).to_be_editable()
    screenshot("quote-recalled")
    assert errors == []


# ---- the phone and the keyboard -------------------------------------------------------------


def test_the_phone_navigation_folds_into_a_menu(browser: Browser, server_url: str) -> None:
    with person(browser, server_url, "alice@acme.example", width=390) as phone:
        errors = watch_console(phone)
        phone.goto(f"{server_url}/products")
        menu = phone.get_by_role("button", name="Menu")
        links = phone.get_by_role("navigation", name="Main")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(links).to_be_hidden()
        expect(phone.get_by_role("button", name="Log out")).to_be_hidden()

        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(links.get_by_role("link", name="Invoices")).to_be_visible()
        expect(phone.get_by_role("button", name="Log out")).to_be_visible()
        assert_fits(phone)
        shot(phone, "phone-menu")

        phone.keyboard.press("Escape")
        expect(links).to_be_hidden()
        expect(menu).to_be_focused()

        menu.click()
        links.get_by_role("link", name="Subscriptions").click()
        expect(phone.get_by_role("heading", level=1, name="Subscriptions")).to_be_visible()
        expect(links).to_be_hidden()  # a new page starts with the menu folded
        assert errors == []


# Fields show focus by their border and ring; every other control by a solid outline, which
# (unlike a shadow) nothing around it can clip.
FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  if (element === document.body) return null;
  const style = getComputedStyle(element);
  const field = ["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName);
  const outlined = style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2;
  return [element.outerHTML.slice(0, 80), field ? style.boxShadow !== "none" : outlined];
}"""


def test_keyboard_focus_is_visible_on_every_control(page: Page, server_url: str) -> None:
    log_in(page, server_url, "alice@acme.example")
    page.goto(f"{server_url}/products")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS_SHOWN) or ["body", True])
    hidden = [element for element, shown in seen if not shown]
    assert len({element for element, _ in seen}) > 10
    assert hidden == []


# ---- errors in words ------------------------------------------------------------------------

# What a form could let through: a value of the wrong type, and a term out of range.
SLIPPED_PAST = """async () => {
  const { graphql, mutate } = await import("/assets/js/api.js");
  const said = [];
  const keep = (field) => (e) => said.push([e.message, e.fieldMessage(field)]);
  const add = `mutation($quantity: Int!) {
    addToCart(input: { priceId: "x", quantity: $quantity }) { userErrors { field message } } }`;
  await graphql(add, { quantity: 2.5 }).catch(keep("quantity"));
  const { accounts } = await graphql("{ accounts(first: 1) { edges { node { id } } } }");
  const create = `mutation($a: ID!) { createQuote(input: { accountId: $a, termMonths: 999 }) {
    quote { id } userErrors { field message code } } }`;
  const acme = accounts.edges[0].node.id;
  await mutate(create, { a: acme }, "createQuote").catch(keep("termMonths"));
  return said;
}"""
RAW = re.compile(r"Variable '\$|cannot represent|[a-z]+[A-Z][a-z]+ must")


def test_errors_are_worded_not_the_apis_own(page: Page, server_url: str, screenshot) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")

    # The change form checks quantities itself, and clears its message once fixed.
    _open_subscription(page, server_url, "SUB-000002")
    change = page.get_by_role("region", name="Change this subscription")
    seats = change.get_by_label("New quantity of Standard Seats")
    seats.fill("2.5")
    alert = change.get_by_role("alert")
    expect(alert).to_have_text(
        "Enter the new quantity of Standard Seats as a whole number from 0 to 1,000,000."
    )
    expect(change.get_by_role("button", name="Confirm change")).to_be_disabled()
    screenshot("change-worded-error")
    seats.fill("30")
    expect(alert).to_be_hidden()
    expect(change.get_by_role("button", name="Confirm change")).to_be_enabled()

    # Whatever slips past a form still reaches a person in words, naming the field.
    said = page.evaluate(SLIPPED_PAST)
    assert said == [
        ["The quantity is not a value Recur can take: check it and try again."] * 2,
        ["The term must be between 1 and 120, got 999."] * 2,
    ]
    assert not any(RAW.search(message) for pair in said for message in pair)
    assert errors == []
