"""Collections write to people: a declined charge tells the billing contact when it is
tried again and where to pay, a refund is confirmed, and the rep hears when dunning gives up
(docs/email.md)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, MailMessage, User
from recur.mail.render import Brand, render_bodies
from recur.services import billing, payments
from tests.services.test_adjustments import NOW as ADJUSTED
from tests.services.test_adjustments import PROVIDER as SANDBOX
from tests.services.test_adjustments import TODAY as ADJUSTED_DAY
from tests.services.test_adjustments import _actor as staff
from tests.services.test_adjustments import _card_paid
from tests.services.test_collections import NEXT_RUN, PROVIDER, _declining_run, at

BRAND = Brand("Recur, Inc.", "https://app.recur.example")


async def messages(db: Database, kind: str) -> list[MailMessage]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(MailMessage).where(MailMessage.kind == kind).order_by(MailMessage.id)
            )
        )


async def test_each_declined_retry_says_when_it_is_tried_again_and_links_to_pay(db) -> None:
    _, invoice = await _declining_run(db)
    [failed] = [m for m in await messages(db, "payment_failed") if invoice.number in m.subject]
    text = render_bodies(failed.kind, failed.context, BRAND).text
    retry = NEXT_RUN + timedelta(days=1)
    assert f"We will try again on {retry:%B} {retry.day}, {retry.year}" in text
    assert f"https://app.recur.example{failed.context['payLink']}" in text

    for day in (1, 3, 5, 7):
        when = NEXT_RUN + timedelta(days=day)
        await billing.collect(db, PROVIDER, today=when, now=at(when))
    [told] = await messages(db, "dunning_exhausted")
    async with db.session() as session:
        account = await session.get(Account, invoice.account_id)
        assert account is not None and account.owner_id is not None
        rep = await session.get(User, account.owner_id)
    assert rep is not None and told.recipients == [rep.email]
    bodies = render_bodies(told.kind, told.context, BRAND)
    assert invoice.number in told.subject and "5 tries" in told.subject
    assert f"Hello {rep.name}," in bodies.text and "The invoice stays open." in bodies.text
    assert "Open the account" in bodies.html


async def test_a_refund_is_confirmed_to_the_billing_contact(db) -> None:
    invoice, payment = await _card_paid(db)
    fiona = await staff(db, "fiona@recur.example")
    await payments.refund_payment(
        db,
        fiona,
        SANDBOX,
        payment_id=payment.id,
        amount=payment.amount / 2,
        reason="Duplicate seats",
        method=None,
        reference="",
        today=ADJUSTED_DAY,
        now=ADJUSTED,
    )
    [refund] = await messages(db, "payment_refunded")
    bodies = render_bodies(refund.kind, refund.context, BRAND)
    assert refund.recipients  # Initech's billing contact
    assert "to your card" in bodies.text and "Duplicate seats" in bodies.text
    assert f"Open again: {invoice.number}" in bodies.text
    assert payment.number in bodies.html


def test_a_refund_of_credit_reads_without_a_payment_or_invoices() -> None:
    refund = {"number": "RF-000002", "amount": "40.00", "currency": "USD", "method": "RECORD"}
    context = {
        "account": {"name": "Initech"},
        "refund": {**refund, "reason": "Closing the account", "refundedOn": "2026-11-24"},
    }
    text = render_bodies("payment_refunded", context, BRAND).text
    assert "We have refunded USD 40.00." in text
    assert "Of payment" not in text and "Open again" not in text
