"""From cart or quote to order: a customer buys her cart; a rep's deep discount is approved,
sent and accepted; two people editing one quote never overwrite each other; a phone fits."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.people import PASSWORD, log_in, person, shot, watch_console

# ---- helpers ----------------------------------------------------------------------------


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation, opening the menu first on a phone."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def add_to_cart(page: Page, server_url: str, sku: str, quantity: str | None = None) -> None:
    page.goto(f"{server_url}/products/{sku}")
    calculator = page.get_by_role("region", name="Price calculator")
    expect(calculator).to_be_visible()
    if quantity is not None:
        calculator.get_by_label("Quantity").fill(quantity)
    calculator.get_by_role("button", name="Add to cart").click()
    expect(calculator.get_by_role("link", name="Go to the cart")).to_be_visible()


def summary(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Summary")


def line_row(page: Page, product: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=product, exact=True))


def assert_fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 390
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def quote_number(page: Page) -> str:
    heading = page.get_by_role("heading", level=1, name=re.compile(r"^Quote Q-\d+$"))
    expect(heading).to_be_visible()
    return heading.inner_text().removeprefix("Quote ")


# ---- a customer checks out her cart -------------------------------------------------------


def test_a_customer_checks_out_her_cart_and_gets_the_first_invoice(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "alice@acme.example")
    page.goto(f"{server_url}/invoices")
    invoice_rows = page.get_by_role("table", name="Invoices").get_by_role("row")
    expect(invoice_rows.first).to_be_visible()
    invoices_before = invoice_rows.count() - 1

    add_to_cart(page, server_url, "SEAT-STD", "10")
    expect(page.get_by_role("status")).to_contain_text("Standard Seats × 10 added to your cart.")
    expect(nav(page, "Cart")).to_contain_text("1")
    screenshot("product-add-to-cart")
    add_to_cart(page, server_url, "ONBOARD")
    expect(nav(page, "Cart")).to_contain_text("2")

    nav(page, "Cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(line_row(page, "Standard Seats")).to_contain_text("$250.00 / month")
    expect(line_row(page, "Onboarding Package")).to_contain_text("$2,500.00 once")
    # Acme's live subscriptions are offered first; this purchase starts a new one.
    expect(
        summary(page).get_by_role("radio", name=re.compile("^Add to SUB-")).first
    ).to_be_checked()
    summary(page).get_by_role("radio", name=re.compile("^Start a new subscription")).check()
    expect(summary(page).get_by_label("Term", exact=True)).to_have_value("12")
    expect(summary(page)).to_contain_text(
        re.compile(
            r"One-time\s*\$2,500\.00\s*Monthly recurring\s*\$250\.00\s*"
            r"Total contract value\s*over 12 months\s*\$5,500\.00"
        )
    )

    # Quantities are saved as they are typed, and the totals follow from the server.
    seats = page.get_by_label("Quantity of Standard Seats")
    seats.fill("12")
    expect(summary(page)).to_contain_text(re.compile(r"Monthly recurring\s*\$300\.00"))
    seats.fill("10")
    expect(summary(page)).to_contain_text(re.compile(r"Monthly recurring\s*\$250\.00"))
    expect(summary(page)).to_contain_text("$5,500.00")
    seats.fill("-1")
    expect(line_row(page, "Standard Seats").get_by_role("alert")).to_contain_text(
        "Enter a whole number"
    )
    seats.fill("10")
    expect(line_row(page, "Standard Seats").get_by_role("alert")).to_be_hidden()
    screenshot("cart")

    # Two clicks make one order: the cart's id makes the checkout safe to repeat.
    page.get_by_role("button", name="Check out").dblclick()
    expect(page).to_have_url(re.compile(r"/orders/[^/]+$"))
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Order ORD-\d+ confirmed$"))
    ).to_be_visible()
    first_invoice = page.get_by_role("region", name="First invoice")
    expect(first_invoice).to_contain_text("$2,976.88")
    expect(first_invoice).to_contain_text(re.compile(r"Due\s*\w+ \d+, \d{4}|Due\s*\d+ \w+ \d{4}"))
    expect(page.get_by_role("region", name="Subscription")).to_contain_text("$250.00 / month")
    expect(page.get_by_role("region", name="Quote")).to_contain_text(re.compile(r"Q-\d+"))
    expect(nav(page, "Cart")).to_have_text("Cart")
    screenshot("order-confirmation")
    order_url = page.url

    first_invoice.get_by_role("link", name=re.compile(r"^View invoice INV-\d+$")).click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Invoice INV-\d+$"))
    ).to_be_visible()
    lines = page.get_by_role("table", name=re.compile(r"^Lines of INV-"))
    seats_line = lines.get_by_role("row").filter(has_text="Standard Seats (monthly)")
    expect(seats_line).to_contain_text("$250.00")
    expect(seats_line).to_contain_text("From quote Q-")  # the line explains itself
    expect(lines.get_by_role("row").filter(has_text="Onboarding Package")).to_contain_text(
        "$2,500.00"
    )
    totals = page.get_by_role("region", name="Lines")
    expect(totals).to_contain_text(
        re.compile(r"Subtotal\s*\$2,750\.00\s*Tax \(8\.25 %\)\s*\$226\.88")
    )
    expect(totals).to_contain_text(
        re.compile(r"Total\s*\$2,976\.88\s*Amount paid\s*\$0\.00\s*Balance due\s*\$2,976\.88")
    )
    screenshot("invoice")

    page.goto(order_url)
    page.get_by_role("link", name=re.compile(r"^View subscription SUB-\d+$")).click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Subscription SUB-\d+$"))
    ).to_be_visible()
    expect(line_row(page, "Standard Seats")).to_contain_text("$250.00 / month")
    expect(page.get_by_role("region", name="Items")).to_contain_text(
        re.compile(r"Monthly recurring revenue\s*\$250\.00")
    )
    expect(page.get_by_role("complementary", name="Terms")).to_contain_text("Next billing")
    screenshot("subscription")

    nav(page, "Invoices").click()
    expect(invoice_rows).to_have_count(invoices_before + 2)
    screenshot("invoices")
    nav(page, "Subscriptions").click()
    expect(page.get_by_role("table", name="Subscriptions")).to_contain_text("$250.00")
    screenshot("subscriptions")

    nav(page, "Cart").click()
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    expect(page.get_by_role("link", name="Browse the catalog")).to_be_visible()
    screenshot("cart-empty")
    assert errors == []


def test_visitors_log_in_to_buy_and_staff_do_not_buy(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/products/SEAT-STD")
    calculator = page.get_by_role("region", name="Price calculator")
    calculator.get_by_role("link", name="Log in to buy").click()
    expect(page).to_have_url(f"{server_url}/login?next=%2Fproducts%2FSEAT-STD")

    page.get_by_label("Email").fill("rita@recur.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page).to_have_url(f"{server_url}/products/SEAT-STD")
    expect(calculator).to_be_visible()
    expect(calculator.get_by_role("button", name="Add to cart")).to_have_count(0)
    expect(calculator.get_by_role("link", name="Log in to buy")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Dashboard", "Catalog", "Accounts", "Orders", "Subscriptions", "Quotes", "Renewals"]
    )


# ---- a rep's discounted quote -------------------------------------------------------------


def test_a_deep_discount_is_approved_sent_accepted_and_invoiced_as_quoted(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    nav(page, "Quotes").click()
    expect(page.get_by_role("heading", name="Quotes", level=1)).to_be_visible()
    screenshot("quotes-rep")
    page.get_by_role("button", name="New quote").click()
    dialog = page.get_by_role("dialog", name="New quote")
    dialog.get_by_role("button", name="Create quote").click()
    # Said under the field, and gone once the field is fixed.
    missing = dialog.get_by_text("Choose the account the quote is for.")
    expect(missing).to_be_visible()
    expect(dialog.get_by_label("Account")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Account").select_option(label="Acme Corp (USD)")
    expect(missing).to_be_hidden()
    dialog.get_by_role("button", name="Create quote").click()
    number = quote_number(page)
    quote_url = page.url
    expect(page.get_by_role("heading", name="No lines yet")).to_be_visible()

    add = page.get_by_role("region", name="Add a product")
    add.get_by_label("Product").select_option(label="Professional Seats")
    add.get_by_label("Price").select_option(label="Monthly · $45.00 per unit / month")
    add.get_by_label("Quantity").fill("10")
    add.get_by_label("Discount %").fill("30")
    add.get_by_role("button", name="Add line").click()
    row = line_row(page, "Professional Seats")
    expect(row).to_contain_text("$450.00")
    expect(row).to_contain_text("$315.00 / month")
    expect(row).to_contain_text("$3,780.00")  # twelve months at the net price
    expect(page.get_by_text("Approval needed", exact=True)).to_be_visible()
    screenshot("quote-editor-approval-needed")

    actions = page.get_by_role("complementary", name="Status and actions")
    actions.get_by_role("button", name="Send to customer").click()
    expect(actions.get_by_role("alert")).to_contain_text("needs a manager's approval")
    actions.get_by_role("button", name="Submit for approval").click()
    expect(actions.get_by_text("Waiting for a manager's approval.")).to_be_visible()
    expect(page.get_by_role("region", name="Add a product")).to_have_count(0)
    expect(page.get_by_label("Quantity of Professional Seats")).to_have_count(0)

    with person(browser, server_url, "maria@recur.example") as maria:
        nav(maria, "Approvals").click()
        pending = maria.get_by_role("row").filter(
            has=maria.get_by_role("link", name=number, exact=True)
        )
        expect(pending).to_contain_text("Acme Corp")
        expect(pending).to_contain_text("30 %")
        expect(pending).to_contain_text("$3,780.00")
        shot(maria, "approvals")
        pending.get_by_role("link", name=f"Review {number}").click()
        maria.get_by_role("button", name="Approve").click()
        expect(maria.get_by_role("complementary", name="Status and actions")).to_contain_text(
            "Approved"
        )
        shot(maria, "quote-approved")
        nav(maria, "Approvals").click()
        expect(maria.get_by_role("link", name=number, exact=True)).to_have_count(0)

    page.goto(quote_url)
    expect(page.get_by_text("Discount approved", exact=True)).to_be_visible()
    actions.get_by_role("button", name="Send to customer").click()
    expect(actions.get_by_text(re.compile(r"^Sent to the customer, valid until"))).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    history = page.get_by_role("list").filter(has_text="submitted it for approval")
    expect(history.get_by_role("listitem")).to_have_count(4)
    expect(history).to_contain_text("Maria Lindqvist approved it")
    screenshot("quote-sent")

    with person(browser, server_url, "alice@acme.example") as alice:
        alice_errors = watch_console(alice)
        nav(alice, "Quotes").click()
        sent = alice.get_by_role("row").filter(
            has=alice.get_by_role("link", name=number, exact=True)
        )
        expect(sent).to_contain_text("Sent")
        expect(sent).to_contain_text("Valid until")
        shot(alice, "quotes-customer")
        sent.get_by_role("link", name=number).click()
        expect(alice.get_by_text("Approval needed", exact=True)).to_have_count(0)
        expect(line_row(alice, "Professional Seats")).to_contain_text("$315.00 / month")
        shot(alice, "quote-customer-sent")
        alice.get_by_role("button", name="Accept quote").click()
        alice.get_by_role("dialog").get_by_role("button", name="Accept and order").click()
        expect(
            alice.get_by_role("heading", level=1, name=re.compile(r"^Order ORD-\d+ confirmed$"))
        ).to_be_visible()
        alice.get_by_role("link", name=re.compile(r"^View invoice INV-\d+$")).click()
        invoice_line = alice.get_by_role("row").filter(has_text="Professional Seats (monthly)")
        expect(invoice_line.get_by_role("cell").last).to_have_text("$315.00")
        expect(invoice_line).to_contain_text(re.compile(r"30(\.00)? ?%"))
        shot(alice, "invoice-from-quote")
        assert alice_errors == []
    assert errors == []


def test_a_customer_declines_a_sent_quote_with_a_reason(
    page: Page, browser: Browser, server_url: str
) -> None:
    log_in(page, server_url, "rita@recur.example")
    nav(page, "Quotes").click()
    page.get_by_role("button", name="New quote").click()
    dialog = page.get_by_role("dialog", name="New quote")
    dialog.get_by_label("Account").select_option(label="Globex GmbH (EUR)")
    dialog.get_by_label("Term", exact=True).select_option("24")
    dialog.get_by_role("button", name="Create quote").click()
    number = quote_number(page)
    add = page.get_by_role("region", name="Add a product")
    add.get_by_label("Product").select_option(label="SSO & SCIM")
    add.get_by_label("Price").select_option(label="Yearly · €1,400.00 / year")
    add.get_by_role("button", name="Add line").click()
    expect(line_row(page, "SSO & SCIM")).to_contain_text("€2,800.00")
    page.get_by_role("button", name="Send to customer").click()
    expect(page.get_by_role("complementary", name="Status and actions")).to_contain_text("Sent")

    with person(browser, server_url, "bob@globex.example") as bob:
        nav(bob, "Quotes").click()
        bob.get_by_role("link", name=number, exact=True).click()
        bob.get_by_role("button", name="Decline").click()
        dialog = bob.get_by_role("dialog", name=f"Decline {number}?")
        dialog.get_by_label("Reason (optional)").fill("We buy yearly only after the budget round.")
        shot(bob, "quote-decline-dialog")
        dialog.get_by_role("button", name="Decline quote").click()
        expect(bob.get_by_role("complementary", name="Status and actions")).to_contain_text(
            "Declined by the customer."
        )
        expect(bob.get_by_role("button", name="Accept quote")).to_have_count(0)
        expect(bob.get_by_text("We buy yearly only after the budget round.")).to_be_visible()


# ---- two editors, one quote -------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_quote_reloaded(
    page: Page, browser: Browser, server_url: str, screenshot
) -> None:
    log_in(page, server_url, "rita@recur.example")
    nav(page, "Quotes").click()
    page.get_by_role("button", name="New quote").click()
    dialog = page.get_by_role("dialog", name="New quote")
    dialog.get_by_label("Account").select_option(label="Globex GmbH (EUR)")
    dialog.get_by_role("button", name="Create quote").click()
    quote_number(page)
    add = page.get_by_role("region", name="Add a product")
    add.get_by_label("Product").select_option(label="Standard Seats")
    add.get_by_label("Price").select_option(label="Monthly · €23.00 per unit / month")
    add.get_by_label("Quantity").fill("5")
    add.get_by_role("button", name="Add line").click()
    expect(line_row(page, "Standard Seats")).to_contain_text("€115.00 / month")
    quote_url = page.url

    with person(browser, server_url, "maria@recur.example") as maria:
        maria.goto(quote_url)
        expect(line_row(maria, "Standard Seats")).to_contain_text("€115.00 / month")

        page.get_by_label("Quantity of Standard Seats").fill("6")
        expect(line_row(page, "Standard Seats")).to_contain_text("€138.00 / month")

        maria.get_by_label("Discount on Standard Seats (%)").fill("10")
        problem = maria.get_by_role("region", name="Lines").get_by_role("alert")
        expect(problem).to_contain_text("was changed by someone else")
        # The quote is reloaded: Rita's quantity shows, and Maria's discount is not applied.
        expect(maria.get_by_label("Quantity of Standard Seats")).to_have_value("6")
        expect(maria.get_by_label("Discount on Standard Seats (%)")).to_have_value("0")
        expect(line_row(maria, "Standard Seats")).to_contain_text("€138.00 / month")
        shot(maria, "quote-stale-edit")

        maria.get_by_label("Discount on Standard Seats (%)").fill("10")
        expect(line_row(maria, "Standard Seats")).to_contain_text("€124.20 / month")
        expect(problem).to_be_hidden()

    page.reload()
    expect(line_row(page, "Standard Seats")).to_contain_text("€124.20 / month")
    expect(page.get_by_label("Discount on Standard Seats (%)")).to_have_value("10")
    screenshot("quote-editor")


# ---- a phone ------------------------------------------------------------------------------


def test_a_customer_on_a_phone_asks_for_a_quote_and_checks_out(
    browser: Browser, server_url: str
) -> None:
    with person(browser, server_url, "bob@globex.example", width=390) as bob:
        errors = watch_console(bob)
        add_to_cart(bob, server_url, "SEAT-PRO", "8")
        nav(bob, "Cart").click()
        expect(line_row(bob, "Professional Seats")).to_contain_text("€336.00 / month")
        assert_fits(bob)
        shot(bob, "phone-cart")

        bob.get_by_label("Note for sales (optional)").fill("We need 40 seats from March.")
        bob.get_by_role("button", name="Ask sales for a quote").click()
        quote_number(bob)
        expect(bob.get_by_role("complementary", name="Status and actions")).to_contain_text(
            "Sales is preparing your quote."
        )
        expect(bob.get_by_text("We need 40 seats from March.")).to_be_visible()
        assert_fits(bob)
        shot(bob, "phone-quote-in-review")

        nav(bob, "Quotes").click()
        expect(bob.get_by_role("table", name="Quotes")).to_contain_text("In review")
        assert_fits(bob)
        shot(bob, "phone-quotes")

        add_to_cart(bob, server_url, "TRAINING", "3")
        nav(bob, "Cart").click()
        bob.get_by_role("button", name="Check out").click()
        expect(bob.get_by_role("heading", level=1, name=re.compile(r"confirmed$"))).to_be_visible()
        expect(bob.get_by_role("region", name="Subscription")).to_contain_text("Nothing recurring")
        # Three attendees at €325.00, plus Globex's 19 % tax.
        expect(bob.get_by_role("region", name="First invoice")).to_contain_text("€1,160.25")
        assert_fits(bob)
        shot(bob, "phone-order")

        bob.get_by_role("link", name=re.compile(r"^View invoice")).click()
        # The line in the customer's words; the full trace one click away.
        expect(bob.get_by_text("Quantity 3, list EUR 975.00")).to_be_visible()
        bob.get_by_text("How it was worked out").first.click()
        expect(bob.get_by_text("Admin Training, quantity 3")).to_be_visible()
        assert_fits(bob)
        shot(bob, "phone-invoice")

        nav(bob, "Invoices").click()
        expect(bob.get_by_role("table", name="Invoices")).to_contain_text("€1,160.25")
        assert_fits(bob)
        shot(bob, "phone-invoices")

        nav(bob, "Subscriptions").click()
        bob.get_by_role("table", name="Subscriptions").get_by_role("link").first.click()
        expect(
            bob.get_by_role("heading", level=1, name=re.compile(r"^Subscription SUB-"))
        ).to_be_visible()
        assert_fits(bob)
        shot(bob, "phone-subscription")
        assert errors == []

    with person(browser, server_url, "rita@recur.example", width=390) as rita:
        nav(rita, "Quotes").click()
        rita.get_by_role("table", name="Quotes").get_by_role("link").filter(
            has_text=re.compile(r"Q-\d+")
        ).first.click()
        quote_number(rita)
        assert_fits(rita)
        shot(rita, "phone-quote-editor")

    with person(browser, server_url, "maria@recur.example", width=390) as maria:
        nav(maria, "Approvals").click()
        expect(maria.get_by_role("table", name="Quotes waiting for approval")).to_be_visible()
        assert_fits(maria)
        shot(maria, "phone-approvals")


def test_a_customer_adds_her_cart_to_her_live_subscription(
    page: Page, server_url: str, screenshot
) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "bob@globex.example")
    number = "SUB-000001"  # Globex's two-year deal (the renewals journey counts on the others)
    add_to_cart(page, server_url, "PLAT-ENT")
    nav(page, "Cart").click()

    # A live subscription is offered first; the customer picks which.
    first = summary(page).get_by_role("radio", name=re.compile("^Add to SUB-")).first
    expect(first).to_be_checked()
    expect(summary(page).get_by_label("Term", exact=True)).to_be_hidden()
    into = summary(page).get_by_role("radio", name=re.compile(f"^Add to {number}"))
    into.check()
    expect(summary(page)).to_contain_text(re.compile(r"Due now, tax included\s*€"))
    screenshot("cart-into-subscription")
    # Switching to a new subscription brings its term back, and back again.
    summary(page).get_by_role("radio", name=re.compile("^Start a new subscription")).check()
    expect(summary(page).get_by_label("Term", exact=True)).to_be_visible()
    into.check()
    expect(summary(page)).to_contain_text("Due now, tax included")

    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"confirmed$"))).to_be_visible()
    screenshot("order-into-subscription")
    expect(page.get_by_role("region", name="Subscription")).to_contain_text(number)
    page.goto(f"{server_url}/subscriptions")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("main")).to_contain_text("Enterprise")
    assert errors == []
