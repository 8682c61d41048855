"""Collections: saved payment methods, autopay, dunning retries and their outcome
(docs/collections.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from recur.core.lifecycle import InvoiceStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Event,
    Invoice,
    PaymentAttempt,
    Subscription,
    User,
)
from recur.services import billing, payments
from recur.services.common import Actor, Forbidden, Invalid, update_settings

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = NOW.date()
#: The demo is billed up to 2026-11-24; by this day the monthly plans are due again.
NEXT_RUN = date(2026, 12, 31)
PROVIDER = payments.SandboxProvider()


def at(day: date) -> datetime:
    return datetime.combine(day, time(3), tzinfo=UTC)


async def _actor(db: Database, email: str) -> Actor:
    async with db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(user_id=user.id, role=Role(user.role), account_id=user.account_id)


async def _autopay(db: Database, email: str, token: str, timing: str | None = None) -> Actor:
    customer = await _actor(db, email)
    assert customer.account_id is not None
    method = await payments.add_payment_method(
        db,
        customer,
        PROVIDER,
        account_id=customer.account_id,
        token=token,
        make_default=None,
        now=NOW,
    )
    await payments.set_autopay(
        db,
        customer,
        account_id=customer.account_id,
        enabled=True,
        method_id=method.id,
        timing=timing,
        now=NOW,
    )
    return customer


async def _invoices(db: Database, account_id: int) -> list[Invoice]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(Invoice).where(Invoice.account_id == account_id).order_by(Invoice.id)
            )
        )


async def _attempts(db: Database, invoice_id: int) -> list[PaymentAttempt]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(PaymentAttempt)
                .where(PaymentAttempt.invoice_id == invoice_id)
                .order_by(PaymentAttempt.id)
            )
        )


async def _events(db: Database, event_type: str) -> list[Event]:
    async with db.session() as session:
        return list(await session.scalars(select(Event).where(Event.type == event_type)))


async def test_a_saved_card_keeps_only_brand_last4_and_the_first_is_the_default(db) -> None:
    alice = await _actor(db, "alice@acme.example")
    assert alice.account_id is not None
    visa = await payments.add_payment_method(
        db,
        alice,
        PROVIDER,
        account_id=alice.account_id,
        token="sandbox_visa",
        make_default=None,
        now=NOW,
    )
    master = await payments.add_payment_method(
        db,
        alice,
        PROVIDER,
        account_id=alice.account_id,
        token="sandbox_mastercard",
        make_default=None,
        now=NOW,
    )
    assert (visa.brand, visa.last4, visa.is_default) == ("Visa", "4242", True)
    assert (master.brand, master.last4, master.is_default) == ("Mastercard", "4444", False)
    await payments.set_default_payment_method(db, alice, method_id=master.id, now=NOW)
    methods = (await payments.methods_by_account(db, [alice.account_id]))[alice.account_id]
    assert [(m.last4, m.is_default) for m in methods] == [("4444", True), ("4242", False)]
    # Removing the default makes the other one the default.
    await payments.remove_payment_method(db, alice, method_id=master.id, now=NOW)
    methods = (await payments.methods_by_account(db, [alice.account_id]))[alice.account_id]
    assert [(m.last4, m.is_default) for m in methods] == [("4242", True)]


async def test_an_expired_or_unknown_card_is_refused_with_the_reason(db) -> None:
    alice = await _actor(db, "alice@acme.example")
    assert alice.account_id is not None
    for token, words in (("sandbox_expired", "expired"), ("4242424242424242", "not valid")):
        with pytest.raises(Invalid) as refused:
            await payments.add_payment_method(
                db,
                alice,
                PROVIDER,
                account_id=alice.account_id,
                token=token,
                make_default=None,
                now=NOW,
            )
        assert refused.value.problems[0].code == "CARD_REFUSED"
        assert words in refused.value.problems[0].message


async def test_nobody_manages_another_accounts_methods_and_reps_none(db) -> None:
    alice, carol = await _actor(db, "alice@acme.example"), await _actor(db, "carol@initech.example")
    assert carol.account_id is not None
    with pytest.raises(Invalid) as refused:
        await payments.add_payment_method(
            db,
            alice,
            PROVIDER,
            account_id=carol.account_id,
            token="sandbox_visa",
            make_default=None,
            now=NOW,
        )
    assert refused.value.problems[0].code == "UNKNOWN_ACCOUNT"
    rita = await _actor(db, "rita@recur.example")
    with pytest.raises(Forbidden):
        await payments.set_autopay(
            db,
            rita,
            account_id=carol.account_id,
            enabled=True,
            method_id=None,
            timing=None,
            now=NOW,
        )


async def test_autopay_needs_a_payment_method(db) -> None:
    bob = await _actor(db, "bob@globex.example")
    assert bob.account_id is not None
    with pytest.raises(Invalid) as refused:
        await payments.set_autopay(
            db,
            bob,
            account_id=bob.account_id,
            enabled=True,
            method_id=None,
            timing=None,
            now=NOW,
        )
    assert refused.value.problems[0].code == "NO_PAYMENT_METHOD"


async def test_with_autopay_the_next_runs_invoice_is_paid_once_however_often_collected(
    db,
) -> None:
    bob = await _autopay(db, "bob@globex.example", "sandbox_visa")
    assert bob.account_id is not None
    before = {invoice.id for invoice in await _invoices(db, bob.account_id)}
    _, result = await billing.recorded_run(
        db, as_of=NEXT_RUN, now=at(NEXT_RUN), trigger=billing.CLI, provider=PROVIDER
    )
    again = await billing.collect(db, PROVIDER, today=NEXT_RUN, now=at(NEXT_RUN))
    [new] = [i for i in await _invoices(db, bob.account_id) if i.id not in before]
    assert new.status is InvoiceStatus.PAID and new.amount_paid == new.total
    assert result.collections is not None and result.collections.paid >= 1
    assert again.charged == 0
    [attempt] = await _attempts(db, new.id)
    assert (attempt.source, attempt.number, attempt.succeeded) == ("AUTOPAY", 1, True)
    assert attempt.message == "Paid with Visa ending 4242."


async def test_autopay_on_the_due_date_waits_for_it(db) -> None:
    bob = await _autopay(db, "bob@globex.example", "sandbox_visa", timing=payments.ON_DUE_DATE)
    assert bob.account_id is not None
    before = {invoice.id for invoice in await _invoices(db, bob.account_id)}
    await billing.recorded_run(
        db, as_of=NEXT_RUN, now=at(NEXT_RUN), trigger=billing.CLI, provider=PROVIDER
    )
    [new] = [i for i in await _invoices(db, bob.account_id) if i.id not in before]
    assert new.status is InvoiceStatus.OPEN and await _attempts(db, new.id) == []
    await billing.collect(db, PROVIDER, today=new.due_date, now=at(new.due_date))
    [paid] = [i for i in await _invoices(db, bob.account_id) if i.id == new.id]
    assert paid.status is InvoiceStatus.PAID


async def _declining_run(db: Database) -> tuple[Actor, Invoice]:
    bob = await _autopay(db, "bob@globex.example", "sandbox_insufficient_funds")
    assert bob.account_id is not None
    before = {invoice.id for invoice in await _invoices(db, bob.account_id)}
    await billing.recorded_run(
        db, as_of=NEXT_RUN, now=at(NEXT_RUN), trigger=billing.CLI, provider=PROVIDER
    )
    [new] = [i for i in await _invoices(db, bob.account_id) if i.id not in before]
    return bob, new


async def test_a_declined_charge_is_retried_on_the_schedule_and_each_failure_told(db) -> None:
    _bob, invoice = await _declining_run(db)
    [first] = await _attempts(db, invoice.id)
    assert not first.succeeded and "insufficient funds" in first.message
    assert first.next_retry_on == NEXT_RUN + timedelta(days=1)
    # Nothing happens before the retry's day; then one retry per scheduled day.
    await billing.collect(db, PROVIDER, today=NEXT_RUN, now=at(NEXT_RUN))
    for day in (1, 3, 5, 7):
        await billing.collect(
            db,
            PROVIDER,
            today=NEXT_RUN + timedelta(days=day),
            now=at(NEXT_RUN + timedelta(days=day)),
        )
        await billing.collect(
            db,
            PROVIDER,
            today=NEXT_RUN + timedelta(days=day),
            now=at(NEXT_RUN + timedelta(days=day)),
        )
    attempts = await _attempts(db, invoice.id)
    assert [a.number for a in attempts] == [1, 2, 3, 4, 5]
    assert [a.source for a in attempts] == ["AUTOPAY"] + ["RETRY"] * 4
    assert [a.next_retry_on for a in attempts] == [
        NEXT_RUN + timedelta(days=d) for d in (1, 3, 5, 7)
    ] + [None]
    failed = [
        e
        for e in await _events(db, "payment.failed")
        if e.data["invoice"]["number"] == invoice.number
    ]
    assert [e.data["attempt"] for e in failed] == [1, 2, 3, 4, 5]
    assert failed[0].data["nextRetryOn"] == (NEXT_RUN + timedelta(days=1)).isoformat()
    assert failed[-1].data["nextRetryOn"] is None
    assert failed[0].data["payLink"].startswith("/invoices/") and failed[0].data[
        "payLink"
    ].endswith("/pay")
    [exhausted] = await _events(db, "invoice.dunning_exhausted")
    assert exhausted.data["outcome"] == "LEAVE_OPEN" and exhausted.data["attempts"] == 5
    assert exhausted.data["rep"]["name"]
    [still] = [i for i in await _invoices(db, invoice.account_id) if i.id == invoice.id]
    assert still.status is InvoiceStatus.OPEN


@pytest.mark.parametrize("outcome", ["MARK_UNCOLLECTIBLE", "CANCEL_AT_TERM_END"])
async def test_after_the_last_retry_the_configured_outcome_happens(db, outcome: str) -> None:
    adam = await _actor(db, "adam@recur.example")
    await update_settings(
        db,
        adam,
        approval_threshold_percent=None,
        default_renewal_uplift_percent=None,
        default_threshold=Decimal(20),
        now=NOW,
        dunning_retry_days=[2],
        dunning_outcome=outcome,
    )
    bob, invoice = await _declining_run(db)
    assert bob.account_id is not None
    retry = NEXT_RUN + timedelta(days=2)
    await billing.collect(db, PROVIDER, today=retry, now=at(retry))
    assert [a.number for a in await _attempts(db, invoice.id)] == [1, 2]
    [after] = [i for i in await _invoices(db, bob.account_id) if i.id == invoice.id]
    async with db.session() as session:
        renewing = list(
            await session.scalars(
                select(Subscription.auto_renew).where(
                    Subscription.account_id == bob.account_id, Subscription.status == "ACTIVE"
                )
            )
        )
    if outcome == "MARK_UNCOLLECTIBLE":
        assert after.status is InvoiceStatus.UNCOLLECTIBLE
        assert after.written_off == invoice.total
        assert len(await _events(db, "invoice.uncollectible")) == 1
    else:
        assert after.status is InvoiceStatus.OPEN
        assert renewing and not any(renewing)


async def test_paying_every_open_invoice_at_once_settles_them_oldest_first(db) -> None:
    carol = await _actor(db, "carol@initech.example")
    assert carol.account_id is not None
    open_before = [i for i in await _invoices(db, carol.account_id) if i.status == "OPEN"]
    assert len(open_before) >= 1
    payment = await payments.pay_open_invoices(
        db,
        carol,
        PROVIDER,
        account_id=carol.account_id,
        token="sandbox_visa",
        method_id=None,
        attempt="all-1",
        today=TODAY,
        now=NOW,
    )
    again = await payments.pay_open_invoices(
        db,
        carol,
        PROVIDER,
        account_id=carol.account_id,
        token="sandbox_visa",
        method_id=None,
        attempt="all-1",
        today=TODAY,
        now=NOW,
    )
    assert again.id == payment.id
    assert payment.amount == sum(i.balance_due for i in open_before)
    assert all(i.status != "OPEN" for i in await _invoices(db, carol.account_id))


async def test_a_declined_pay_all_applies_nothing_and_records_an_attempt_on_each(db) -> None:
    carol = await _actor(db, "carol@initech.example")
    assert carol.account_id is not None
    open_before = [i for i in await _invoices(db, carol.account_id) if i.status == "OPEN"]
    with pytest.raises(Invalid) as declined:
        await payments.pay_open_invoices(
            db,
            carol,
            PROVIDER,
            account_id=carol.account_id,
            token="sandbox_declined",
            method_id=None,
            attempt="all-2",
            today=TODAY,
            now=NOW,
        )
    assert declined.value.problems[0].code == "PAYMENT_DECLINED"
    for invoice in open_before:
        [attempt] = await _attempts(db, invoice.id)
        assert attempt.source == "CUSTOMER" and not attempt.succeeded
    async with db.session() as session:
        account = await session.get_one(Account, carol.account_id)
    assert account.autopay is False


async def test_the_schedule_follows_the_runs_day_not_the_clock(db) -> None:
    """A run billing ahead (its day later than the wall clock) retries on its own days."""
    bob = await _autopay(db, "bob@globex.example", "sandbox_declined")
    assert bob.account_id is not None
    await billing.recorded_run(db, as_of=NEXT_RUN, now=NOW, trigger=billing.CLI, provider=PROVIDER)
    retry = NEXT_RUN + timedelta(days=1)
    await billing.collect(db, PROVIDER, today=retry, now=NOW)
    newest = (await _invoices(db, bob.account_id))[-1]
    assert [a.next_retry_on for a in await _attempts(db, newest.id)] == [
        NEXT_RUN + timedelta(days=1),
        NEXT_RUN + timedelta(days=3),
    ]
