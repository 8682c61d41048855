"""A long-standing account written straight into the tables: five years of monthly
billing, each invoice paid, and a subscription changed every few months. Used by the
account page's statement-count test and by bench/account_page.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from recur.core.catalog import BillingPeriod
from recur.core.lifecycle import InvoiceStatus, QuoteKind, QuoteStatus, SubscriptionStatus
from recur.db.engine import Database
from recur.db.models import (
    Account,
    Charge,
    Invoice,
    Order,
    Payment,
    PaymentApplication,
    Price,
    Quote,
    QuoteEvent,
    QuoteLine,
    Subscription,
    SubscriptionEvent,
    User,
)

MONTHLY = Decimal("500.00")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


async def add_long_history(
    db: Database, *, today: date, months: int = 60, events: int = 176, name: str = "Longtime Ltd"
) -> int:
    """An account (owned by the demo rep Rita) with ``months`` monthly invoices, each paid
    ten days after issue, and ``events`` subscription changes; its id. The timeline has
    ``2 × months + events + 4`` entries (300 with the defaults): three quote steps, the
    order, the invoices, the payments and the changes."""
    start = _add_months(today.replace(day=1), -months)
    async with db.transaction() as session:
        rita = await session.scalar(select(User).where(User.email == "rita@recur.example"))
        price = await session.scalar(
            select(Price).where(
                Price.currency == "USD",
                Price.billing_period == BillingPeriod.MONTH,
                Price.unit_amount.is_not(None),
            )
        )
        if price is None:
            raise LookupError("the demo catalog has no monthly USD price")
        account = Account(name=name, currency="USD", owner_id=rita.id if rita else None)
        session.add(account)
        await session.flush()
        tag = f"L{account.id}"
        quote = Quote(
            number=f"Q-{tag}",
            account_id=account.id,
            kind=QuoteKind.NEW,
            status=QuoteStatus.ACCEPTED,
            currency="USD",
            start_date=start,
            term_months=months,
        )
        session.add(quote)
        await session.flush()
        line = QuoteLine(
            quote_id=quote.id,
            position=1,
            product_id=price.product_id,
            price_id=price.id,
            quantity=1,
        )
        session.add(line)
        for step, status in enumerate((QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED)):
            action = ("CREATE", "SEND", "ACCEPT")[step]
            session.add(
                QuoteEvent(
                    quote_id=quote.id,
                    action=action,
                    to_status=status,
                    created_at=_at(start) - timedelta(days=3 - step),
                )
            )
        subscription = Subscription(
            number=f"S-{tag}",
            account_id=account.id,
            status=SubscriptionStatus.ACTIVE,
            currency="USD",
            start_date=start,
            term_months=months + 12,
            current_term_end=_add_months(start, months + 12) - timedelta(days=1),
        )
        session.add(subscription)
        await session.flush()
        order = Order(
            number=f"O-{tag}",
            quote_id=quote.id,
            account_id=account.id,
            kind=QuoteKind.NEW,
            currency="USD",
            start_date=start,
            term_months=months + 12,
            subscription_id=subscription.id,
            created_at=_at(start),
        )
        session.add(order)
        await session.flush()
        for index in range(months + 12):
            begins = _add_months(start, index)
            session.add(
                Charge(
                    order_id=order.id,
                    quote_line_id=line.id,
                    product_id=price.product_id,
                    price_id=price.id,
                    billing_period=BillingPeriod.MONTH,
                    period_index=index,
                    period_start=begins,
                    period_end=_add_months(begins, 1),
                    quantity=1,
                    list_amount=MONTHLY,
                    discount_percent=Decimal(0),
                    amount=MONTHLY,
                )
            )
        for index in range(months):
            issued = _add_months(start, index)
            invoice = Invoice(
                number=f"I-{tag}-{index:03}",
                account_id=account.id,
                order_id=order.id,
                status=InvoiceStatus.PAID,
                currency="USD",
                issue_date=issued,
                due_date=issued + timedelta(days=30),
                tax_rate_percent=Decimal(0),
                subtotal=MONTHLY,
                tax=Decimal(0),
                total=MONTHLY,
                amount_paid=MONTHLY,
                created_at=_at(issued),
            )
            session.add(invoice)
            await session.flush()
            payment = Payment(
                number=f"P-{tag}-{index:03}",
                account_id=account.id,
                currency="USD",
                amount=MONTHLY,
                received_on=issued + timedelta(days=10),
                reference=f"Transfer {index}",
                unapplied=Decimal(0),
                created_at=_at(issued + timedelta(days=10)),
            )
            session.add(payment)
            await session.flush()
            session.add(
                PaymentApplication(payment_id=payment.id, invoice_id=invoice.id, amount=MONTHLY)
            )
        for index in range(events):
            day = start + timedelta(days=index * max(1, (months * 30) // max(events, 1)))
            session.add(
                SubscriptionEvent(
                    subscription_id=subscription.id,
                    action="AUTO_RENEW_ON" if index % 2 else "AUTO_RENEW_OFF",
                    effective_date=day,
                    occurred_at=_at(day) + timedelta(hours=1),
                    summary="Automatic renewal switched " + ("on" if index % 2 else "off"),
                )
            )
        return account.id
