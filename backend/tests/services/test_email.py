"""Which changes queue which email, to whom, in the change's own transaction
(docs/email.md): invoices with their PDF, quotes sent, approvals asked and answered,
receipts, failed payments, invitations and password resets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Account, Event, Invoice, MailMessage, Price, Product, User
from recur.mail import Brand, render_bodies
from recur.services import accounts, payments, quotes, workflow
from recur.services.common import Actor, invoice_data, record_event

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
THRESHOLD = Decimal(20)
BRAND = Brand("Recur, Inc.", "https://app.recur.example", "billing@recur.example")


async def actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=user.role, account_id=user.account_id)


async def price_id(db: Database, sku: str, currency: str, period: str) -> int:
    async with db.session() as session:
        found = await session.scalar(
            select(Price.id)
            .join(Product)
            .where(Product.sku == sku, Price.currency == currency, Price.billing_period == period)
        )
    assert found is not None
    return found


async def messages_since(db: Database, last_id: int, kind: str | None = None) -> list[MailMessage]:
    async with db.session() as session:
        statement = select(MailMessage).where(MailMessage.id > last_id).order_by(MailMessage.id)
        if kind is not None:
            statement = statement.where(MailMessage.kind == kind)
        return list(await session.scalars(statement))


async def last_message_id(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.max(MailMessage.id))) or 0


async def set_billing_email(db: Database, name: str, email: str) -> int:
    async with db.transaction() as session:
        account = await session.scalar(select(Account).where(Account.name == name))
        assert account is not None
        account.billing_email = email
        return account.id


async def test_every_invoice_of_the_demo_was_queued_with_its_pdf_for_its_customers(
    db: Database,
) -> None:
    async with db.session() as session:
        issued = (
            await session.execute(
                select(Event.id, Event.data).where(Event.type == "invoice.issued")
            )
        ).all()
        mails = {
            m.event_id: m
            for m in await session.scalars(
                select(MailMessage).where(MailMessage.kind == "invoice_issued")
            )
        }
        acme_customers = list(
            await session.scalars(
                select(User.email)
                .join(Account, Account.id == User.account_id)
                .where(Account.name == "Acme Corp")
            )
        )
    assert issued and len(mails) == len(issued)
    for event_id, data in issued:
        mail = mails[event_id]
        number = data["invoice"]["number"]
        assert mail.attachment == f"invoice:{number}"
        assert mail.subject.startswith(f"Invoice {number} for ")
        assert mail.status == "KEPT" and mail.recipients  # the demo's history is not sent
    acme = [m for m in mails.values() if m.context["account"]["name"] == "Acme Corp"]
    assert acme and all(m.recipients == acme_customers for m in acme)


async def test_a_checkout_emails_its_invoice_to_the_billing_email(db: Database) -> None:
    await set_billing_email(db, "Acme Corp", "ap@acme.example")
    alice = await actor(db, "alice@acme.example")
    seats = await price_id(db, "SEAT-STD", "USD", "MONTH")
    cart = await quotes.add_to_cart(db, alice, price_id=seats, quantity=3, today=TODAY, now=NOW)
    before = await last_message_id(db)
    order = await workflow.checkout(
        db,
        alice,
        quote_id=cart.id,
        start_date=TODAY,
        term_months=12,
        threshold=THRESHOLD,
        today=TODAY,
        now=NOW,
    )
    async with db.session() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert invoice is not None
    [mail] = await messages_since(db, before, "invoice_issued")
    assert mail.recipients == ["ap@acme.example"]
    assert mail.attachment == f"invoice:{invoice.number}"
    assert mail.created_at == NOW and mail.next_attempt_at == NOW
    body = render_bodies(mail.kind, mail.context, BRAND)
    total = invoice.total.quantize(Decimal("0.01"))
    assert f"Your invoice {invoice.number} for USD {total:,}" in body.text
    assert "https://app.recur.example/invoices/" in body.text
    assert "Hello Acme Corp" in body.html and "View invoice" in body.html


async def test_mail_rolls_back_with_the_change_that_queued_it(db: Database) -> None:
    before = await last_message_id(db)
    async with db.session() as session:
        invoice = await session.scalar(select(Invoice).limit(1))
    assert invoice is not None
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await record_event(
                session,
                "payment.failed",
                invoice.account_id,
                {**invoice_data(invoice), "reason": "Card declined."},
                now=NOW,
            )
            assert len(list(await session.scalars(select(MailMessage.id)))) > 0
            raise RuntimeError("the change fails")
    assert await messages_since(db, before) == []


async def test_a_declined_card_and_a_payment_each_tell_the_billing_contact(db: Database) -> None:
    acme = await set_billing_email(db, "Acme Corp", "ap@acme.example")
    async with db.session() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.account_id == acme).limit(1))
    assert invoice is not None
    before = await last_message_id(db)
    async with db.transaction() as session:
        data = {**invoice_data(invoice), "reason": "Your card was declined."}
        await record_event(session, "payment.failed", acme, data, now=NOW)
    fiona = await actor(db, "fiona@recur.example")
    await payments.record_payment(
        db,
        fiona,
        account_id=acme,
        amount=Decimal("125.50"),
        currency="USD",
        received_on=TODAY,
        reference="Wire 7781",
        now=NOW,
    )
    failed, receipt = await messages_since(db, before)
    assert (failed.kind, failed.recipients) == ("payment_failed", ["ap@acme.example"])
    assert failed.subject == f"Payment for invoice {invoice.number} failed"
    assert "Your card was declined." in render_bodies(failed.kind, failed.context, BRAND).text
    assert (receipt.kind, receipt.recipients) == ("payment_receipt", ["ap@acme.example"])
    assert receipt.subject == "Receipt for your payment of USD 125.50"
    assert "Reference: Wire 7781" in render_bodies(receipt.kind, receipt.context, BRAND).text


async def _discounted_quote(db: Database, rita: Actor) -> int:
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
    assert acme is not None
    quote = await quotes.create_quote(
        db, rita, account_id=acme, start_date=None, term_months=12, today=TODAY, now=NOW
    )
    quote = await quotes.add_quote_line(
        db,
        rita,
        quote_id=quote.id,
        price_id=await price_id(db, "SEAT-PRO", "USD", "YEAR"),
        quantity=20,
        discount=Decimal("30"),
        expected_version=quote.version,
        now=NOW,
    )
    return quote.id


async def test_managers_hear_of_approval_requests_and_the_rep_of_the_answer(db: Database) -> None:
    rita, maria = await actor(db, "rita@recur.example"), await actor(db, "maria@recur.example")
    quote_id = await _discounted_quote(db, rita)
    before = await last_message_id(db)
    await workflow.submit_for_approval(db, rita, quote_id=quote_id, threshold=THRESHOLD, now=NOW)
    await workflow.reject_quote(db, maria, quote_id=quote_id, reason="25 % at most.", now=NOW)
    await workflow.submit_for_approval(db, rita, quote_id=quote_id, threshold=THRESHOLD, now=NOW)
    await workflow.approve_quote(db, maria, quote_id=quote_id, now=NOW)
    sent = await workflow.send_quote(
        db, rita, quote_id=quote_id, threshold=THRESHOLD, today=TODAY, now=NOW
    )
    async with db.session() as session:
        managers = list(await session.scalars(select(User.email).where(User.role == Role.MANAGER)))
        acme_customers = list(
            await session.scalars(select(User.email).where(User.account_id == sent.account_id))
        )
    mails = await messages_since(db, before)
    assert [(m.kind, m.recipients) for m in mails] == [
        ("quote_approval_requested", managers),
        ("quote_rejected", ["rita@recur.example"]),
        ("quote_approval_requested", managers),
        ("quote_approved", ["rita@recur.example"]),
        ("quote_sent", acme_customers),
    ]
    requested, rejected = mails[0], mails[1]
    assert requested.subject == f"Approval requested: quote {sent.number} for Acme Corp"
    assert "Rita" in render_bodies(requested.kind, requested.context, BRAND).text
    assert rejected.subject == f"Quote {sent.number} needs changes"
    rejection = render_bodies(rejected.kind, rejected.context, BRAND)
    assert "Reason: 25 % at most." in rejection.text
    assert "Maria" in rejection.text
    # A quote's approval is internal: no event tells customers or partners of it.
    async with db.session() as session:
        types = set(await session.scalars(select(Event.type).where(Event.id > 0)))
    assert not any("approv" in t or "reject" in t for t in types)


async def test_nobody_is_told_of_their_own_step(db: Database) -> None:
    """A manager who approves their own request gets no email about it."""
    maria = await actor(db, "maria@recur.example")
    quote_id = await _discounted_quote(db, maria)
    before = await last_message_id(db)
    await workflow.submit_for_approval(db, maria, quote_id=quote_id, threshold=THRESHOLD, now=NOW)
    await workflow.approve_quote(db, maria, quote_id=quote_id, now=NOW)
    mails = await messages_since(db, before)
    assert all("maria@recur.example" not in m.recipients for m in mails)


async def test_invitations_and_password_resets_are_emailed_with_their_link(db: Database) -> None:
    adam = await actor(db, "adam@recur.example")
    async with db.session() as session:
        acme = await session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
    before = await last_message_id(db)
    invitation = await accounts.invite_user(
        db,
        adam,
        email="dora@acme.example",
        name="Dora Diaz",
        role=Role.CUSTOMER,
        account_id=acme,
        now=NOW,
    )
    carol = await actor(db, "carol@initech.example")
    reset = await accounts.create_password_reset(db, adam, carol.user_id or 0, now=NOW)
    invite_mail, reset_mail = await messages_since(db, before)
    assert (invite_mail.kind, invite_mail.recipients) == ("user_invite", ["dora@acme.example"])
    assert invite_mail.account_id == acme
    text = render_bodies(invite_mail.kind, invite_mail.context, BRAND).text
    assert f"https://app.recur.example/invite/{invitation.token}" in text
    assert "invoices of Acme Corp." in text and "expires in 7 days" in text
    assert (reset_mail.kind, reset_mail.recipients) == ("password_reset", ["carol@initech.example"])
    text = render_bodies(reset_mail.kind, reset_mail.context, BRAND).text
    assert f"https://app.recur.example/reset/{reset}" in text and "24 hours" in text


async def test_an_account_with_nobody_to_write_to_gets_no_message(db: Database) -> None:
    async with db.transaction() as session:
        account = Account(name="Nobody Ltd", currency="USD", created_at=NOW)
        session.add(account)
        await session.flush()
        account_id = account.id
    before = await last_message_id(db)
    async with db.transaction() as session:
        await session.execute(update(Account).where(Account.id == account_id).values(notes=""))
        await record_event(
            session,
            "payment.received",
            account_id,
            {
                "payment": {
                    "id": "x",
                    "number": "PAY-1",
                    "currency": "USD",
                    "amount": "1.00",
                    "receivedOn": date(2026, 11, 24),
                    "reference": "",
                    "accountId": "y",
                }
            },
            now=NOW,
        )
    assert await messages_since(db, before) == []


async def test_a_template_that_cannot_be_written_does_not_undo_the_change(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Mail is told of what happened; a broken template never stops it from happening."""
    acme = await set_billing_email(db, "Acme Corp", "ap@acme.example")
    before = await last_message_id(db)
    async with db.transaction() as session:
        # An event's data lacking what its template reads (here, the invoice).
        await record_event(session, "payment.failed", acme, {"reason": "Declined."}, now=NOW)
    [mail] = await messages_since(db, before)
    assert (mail.kind, mail.subject, mail.status) == (
        "payment_failed",
        "(payment_failed)",
        "PENDING",
    )
    assert "could not be written" in caplog.text
