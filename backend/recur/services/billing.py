"""Invoices from charge schedules, and the billing run.

An invoice copies scheduled charges; it never prices anything again. The billing run
compares the charges due by a date with what has been invoiced and invoices the
difference, one invoice per account, each account in its own transaction (Kill Bill's
approach): missed periods are caught up, a second run with the same date finds nothing, a
crash loses only the account in progress, and the unique key on ``invoice_lines.charge_id``
makes billing a charge twice impossible even for two runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.catalog import BillingPeriod
from recur.core.invoices import due_date, invoice_totals
from recur.core.lifecycle import InvoiceStatus
from recur.core.money import Money
from recur.db.engine import Database
from recur.db.models import Account, Charge, Invoice, InvoiceLine, Order, Product, Quote
from recur.services.numbering import Sequence as NumberSequence
from recur.services.numbering import next_number
from recur.services.payments import apply_credit
from recur.services.renewals import renew_or_expire, subscriptions_at_term_end

log = logging.getLogger("recur.billing")

PERIOD_WORDS = {BillingPeriod.MONTH: "monthly", BillingPeriod.YEAR: "yearly"}


# ---- invoices -----------------------------------------------------------------------------


async def issue_invoice(
    session: AsyncSession,
    account: Account,
    charges: Sequence[Charge],
    *,
    issue_date: date,
    now: datetime,
) -> Invoice:
    """An invoice billing ``charges`` exactly as scheduled, tax on the subtotal once."""
    product_ids = {c.product_id for c in charges}
    products = {
        p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    order_ids = {c.order_id for c in charges}
    orders = {o.id: o for o in await session.scalars(select(Order).where(Order.id.in_(order_ids)))}
    quote_ids = {o.quote_id for o in orders.values()}
    quotes = {q.id: q for q in await session.scalars(select(Quote).where(Quote.id.in_(quote_ids)))}
    totals = invoice_totals([c.amount for c in charges], account.tax_rate_percent, account.currency)
    invoice = Invoice(
        number=await next_number(session, NumberSequence.INVOICE),
        account_id=account.id,
        order_id=next(iter(orders)) if len(orders) == 1 else None,
        status=InvoiceStatus.OPEN if totals.total > 0 else InvoiceStatus.PAID,
        currency=account.currency,
        issue_date=issue_date,
        due_date=due_date(issue_date, account.payment_terms_days),
        tax_rate_percent=account.tax_rate_percent,
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        amount_paid=Decimal(0),
        created_at=now,
    )
    session.add(invoice)
    await session.flush()
    ordered = sorted(charges, key=lambda c: (c.period_start, c.order_id, c.quote_line_id))
    session.add_all(
        InvoiceLine(
            invoice_id=invoice.id,
            position=position,
            charge_id=charge.id,
            subscription_item_id=charge.subscription_item_id,
            description=_description(products[charge.product_id], charge),
            period_start=charge.period_start,
            period_end=charge.period_end,
            quantity=charge.quantity,
            unit_amount=None,
            amount=charge.amount,
            explanation=explain(
                charge,
                products[charge.product_id],
                quotes[orders[charge.order_id].quote_id],
                orders[charge.order_id],
            ),
        )
        for position, charge in enumerate(ordered, start=1)
    )
    await session.flush()
    # Account credit (an earlier overpayment) pays the new invoice at once.
    await apply_credit(session, account.id, now=now)
    return invoice


def _description(product: Product, charge: Charge) -> str:
    if charge.period_end is None:
        return product.name
    return f"{product.name} ({PERIOD_WORDS.get(charge.billing_period, '')})"


def explain(charge: Charge, product: Product, quote: Quote, order: Order) -> str:
    """Where an invoice line's amount comes from, in words and numbers."""
    currency = order.currency
    listed = Money(charge.list_amount, currency).format()
    net = Money(charge.amount, currency).format()
    period = (
        f"for {charge.period_start.isoformat()} through "
        f"{(charge.period_end - timedelta(days=1)).isoformat()} (period {charge.period_index + 1})"
        if charge.period_end
        else f"once, on {charge.period_start.isoformat()}"
    )
    discount = (
        f", less {charge.discount_percent.normalize():f} % discount = {net}"
        if charge.discount_percent
        else ""
    )
    return (
        f"{product.name}, quantity {charge.quantity}: list {listed}{discount}, {period}. "
        f"From quote {quote.number}, order {order.number}; amounts rounded once to the cent."
    )


# ---- the billing run ----------------------------------------------------------------------


@dataclass(frozen=True)
class FailedAccount:
    account_id: int
    name: str
    error: str


@dataclass
class BillingRunResult:
    as_of: date
    invoices_created: int = 0
    renewed: int = 0
    expired: int = 0
    failed_accounts: list[FailedAccount] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)


def _due_uninvoiced(as_of: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Charges due by ``as_of`` that no invoice line bills yet."""
    billed = select(InvoiceLine.charge_id).where(InvoiceLine.charge_id.is_not(None))
    return Charge.period_start <= as_of, Charge.id.not_in(billed)


async def accounts_to_bill(db: Database, as_of: date) -> list[tuple[int, str]]:
    """Accounts with charges due by ``as_of`` and not invoiced, by id."""
    statement = (
        select(Account.id, Account.name)
        .where(
            Account.id.in_(
                select(Order.account_id)
                .join(Charge, Charge.order_id == Order.id)
                .where(*_due_uninvoiced(as_of))
            )
        )
        .order_by(Account.id)
    )
    async with db.session() as session:
        return [(row.id, row.name) for row in await session.execute(statement)]


async def bill_account(
    db: Database, account_id: int, *, as_of: date, now: datetime
) -> Invoice | None:
    """Invoice everything due for one account, in one transaction; ``None`` if nothing is
    due (or another run holds the account right now)."""
    async with db.transaction() as session:
        lock = select(Account).where(Account.id == account_id).with_for_update(skip_locked=True)
        account = (await session.scalars(lock)).first()
        if account is None:
            return None
        charges = list(
            await session.scalars(
                select(Charge)
                .join(Order, Charge.order_id == Order.id)
                .where(Order.account_id == account_id, *_due_uninvoiced(as_of))
                .order_by(Charge.period_start, Charge.id)
            )
        )
        if not charges:
            return None
        return await issue_invoice(session, account, charges, issue_date=as_of, now=now)


async def _term_ends(db: Database, result: BillingRunResult, *, as_of: date, now: datetime) -> None:
    for due in await subscriptions_at_term_end(db, as_of):
        try:
            renewed, expired = await renew_or_expire(db, due.subscription_id, as_of=as_of, now=now)
        except Exception as error:  # reported with its account; the run goes on
            log.exception("renewing subscription %s failed", due.number)
            result.failed_accounts.append(
                FailedAccount(due.account_id, due.account_name, f"{due.number}: {error}")
            )
        else:
            result.renewed += renewed
            result.expired += expired


async def run_billing(
    db: Database,
    *,
    as_of: date,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> BillingRunResult:
    """Renew or expire subscriptions whose term ended, then invoice every account's charges
    due by ``as_of``; failures are reported, not fatal."""
    result = BillingRunResult(as_of=as_of)
    await _term_ends(db, result, as_of=as_of, now=now)
    accounts = await accounts_to_bill(db, as_of)
    for done, (account_id, name) in enumerate(accounts, start=1):
        try:
            invoice = await bill_account(db, account_id, as_of=as_of, now=now)
        except Exception as error:  # one account's failure must not stop the others
            log.exception("billing account %s (%s) failed", account_id, name)
            result.failed_accounts.append(FailedAccount(account_id, name, str(error)))
        else:
            if invoice is not None:
                result.invoices_created += 1
                result.invoice_numbers.append(invoice.number)
        if progress is not None:
            progress(done, len(accounts))
    log.info(
        "billing run as of %s: %d invoices, %d failed accounts",
        as_of,
        result.invoices_created,
        len(result.failed_accounts),
    )
    return result
