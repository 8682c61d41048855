"""Subscription changes through the one pipeline: an AMENDMENT quote, accepted, and its order.

A change — quantities up or down, an add-on (co-terminated), a removal, a swap to another
price of the product or of a product it upgrades to — takes effect on a date in the current
term. Its order's charge schedule holds the deltas of ``recur.core.proration``: the prorated
part of the period the change falls in, then whole periods to the term's end. What falls due
at once is billed at once: an invoice when it adds up to more than zero, a credit note
(applied like billing applies it) when less, nothing when it is worth nothing.

The preview runs exactly the same code in a transaction that is rolled back, so the amount it
shows *is* the invoice or credit note the change makes, to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import QuoteKind, QuoteStatus
from recur.core.proration import Term, amendment_charges
from recur.core.roles import Role
from recur.core.usage import UsageType
from recur.db.engine import Database
from recur.db.models import (
    Account,
    CreditNote,
    Invoice,
    Order,
    Price,
    Quote,
    QuoteEvent,
    QuoteLine,
    Subscription,
    SubscriptionEvent,
)
from recur.services.catalog import load_prices
from recur.services.common import (
    Actor,
    NumberSequence,
    next_number,
    order_created,
)
from recur.services.invoicing import bill_charges, document_lines
from recur.services.quotes import (
    subscription_quote,
)
from recur.services.subscriptions.ending import changed, end_subscription
from recur.services.subscriptions.outcome import ChangeOutcome, charge_row
from recur.services.subscriptions.planning import (
    ItemChangeRequest,
    PlannedChange,
    check_effective_date,
    current_term,
    deferred_to_renewal,
    load_products,
    lock_for_change,
    plan_changes,
    require_active,
    require_changer,
    running_items,
    summarise,
)
from recur.services.subscriptions.previews import rolled_back, unnumbered
from recur.services.subscriptions.reads import (
    contract_value,
    describe_items,
    monthly_recurring,
)
from recur.services.subscriptions.reductions import DEFAULT_THRESHOLD, check_reduction
from recur.services.subscriptions.scheduled import (
    change_items,
    describe_changes,
    items_after,
    refuse_changes_to_scheduled,
    schedule,
)

# ---- entry points ---------------------------------------------------------------------------


async def change_subscription(
    db: Database,
    actor: Actor,
    *,
    subscription_id: int,
    effective_date: date | None,
    changes: Sequence[ItemChangeRequest],
    today: date,
    now: datetime,
    preview: bool = False,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> ChangeOutcome:
    """Change a subscription (or, with ``preview``, show exactly what the change would do and
    write nothing). A rep may not take more than ``threshold`` % off the contract."""
    require_changer(actor)

    async def change(session: AsyncSession) -> ChangeOutcome:
        subscription, account = await lock_for_change(session, actor, subscription_id, today)
        done = await apply_change(
            session,
            actor,
            subscription,
            account,
            effective_date or today,
            changes,
            today=today,
            now=now,
        )
        check_reduction(
            actor,
            done.contract_value_change,
            done.contract_value_before,
            done.subscription.currency,
            threshold,
        )
        return done

    if preview:
        outcome = await rolled_back(db, change)
        unnumbered(outcome.lines, order=outcome.order.number, quote=outcome.quote.number)
        return outcome
    async with db.transaction() as session:
        return await change(session)


async def apply_change(
    session: AsyncSession,
    actor: Actor,
    subscription: Subscription,
    account: Account,
    effective: date,
    requests: Sequence[ItemChangeRequest],
    *,
    today: date,
    now: datetime,
    action: str = "CHANGE",
    summary: str | None = None,
) -> ChangeOutcome:
    """A change asked for directly: its AMENDMENT quote, accepted at once, carried out."""
    require_active(subscription)
    term = await current_term(session, subscription)
    active = running_items(subscription)
    prices = await load_prices(
        session, {item.price_id for item in active} | {r.price_id for r in requests if r.price_id}
    )
    check_effective_date(
        actor.role is not Role.CUSTOMER, subscription, term, effective, active, prices, today
    )
    planned = await plan_changes(session, subscription, term, active, prices, requests)
    await refuse_changes_to_scheduled(
        session, subscription.id, {plan.item.id for plan in planned if plan.item is not None}
    )
    effective = deferred_to_renewal(actor, requests, planned, term) or effective
    quote = subscription_quote(
        subscription,
        number=await next_number(session, NumberSequence.QUOTE),
        kind=QuoteKind.AMENDMENT,
        status=QuoteStatus.ACCEPTED,
        start_date=effective,
        term_months=term.months,
        lines=[
            QuoteLine(
                position=position,
                product_id=plan.price.product_id,
                price_id=plan.price.id,
                quantity=plan.quantity,
                discount_percent=plan.discount_percent,
                subscription_item_id=plan.item.id if plan.item else None,
            )
            for position, plan in enumerate(planned, start=1)
        ],
        now=now,
        created_by_id=actor.user_id,
        note=summary or f"Change of {subscription.number}",
    )
    session.add(quote)
    await session.flush()
    session.add(
        QuoteEvent(
            quote_id=quote.id,
            actor_id=actor.user_id,
            action=action,
            from_status=None,
            to_status=QuoteStatus.ACCEPTED,
            comment=f"Effective {effective.isoformat()}; accepted at once (no approval needed).",
            created_at=now,
        )
    )
    return await carry_out(
        session,
        actor,
        subscription,
        account,
        term,
        effective,
        quote,
        list(zip(quote.lines, planned, strict=True)),
        prices,
        today=today,
        now=now,
        action=action,
        summary=summary,
    )


async def carry_out(
    session: AsyncSession,
    actor: Actor,
    subscription: Subscription,
    account: Account,
    term: Term,
    effective: date,
    quote: Quote,
    changes: Sequence[tuple[QuoteLine, PlannedChange]],
    prices: dict[int, Price],
    *,
    today: date,
    now: datetime,
    action: str = "CHANGE",
    summary: str | None = None,
) -> ChangeOutcome:
    """The order of an accepted amendment: the items as they become, the charge schedule of
    the deltas, what falls due billed at once, and the event in the history."""
    monthly_before = monthly_recurring(running_items(subscription), prices, subscription.currency)
    order = Order(
        number=await next_number(session, NumberSequence.ORDER),
        quote_id=quote.id,
        account_id=subscription.account_id,
        kind=QuoteKind.AMENDMENT,
        currency=subscription.currency,
        start_date=effective,
        term_months=term.months,
        subscription_id=subscription.id,
        purchase_order_number=quote.purchase_order_number,
        created_at=now,
    )
    session.add(order)
    await session.flush()
    await order_created(session, order, now=now)

    # The items after the change, now or, for a later day, when that day comes.
    later = effective > today
    if later:
        items_by_line = {line.id: plan.item for line, plan in changes if plan.item is not None}
        descriptions = await describe_changes(session, changes)
        schedule(session, subscription, order, effective, changes, descriptions)
    else:
        items_by_line = await change_items(session, subscription, changes, effective)
    value_before = await contract_value(session, subscription.id, term.start, term.end)
    scheduled = (  # nothing to bill for a change at the renewal: the new term bills it
        amendment_charges(
            [plan.change for _line, plan in changes], term, effective, subscription.currency
        )
        if effective < term.end
        else ()
    )
    plans = {plan.change.key: (line, plan) for line, plan in changes}
    charges = [charge_row(order, charge, *plans[charge.key], items_by_line) for charge in scheduled]
    session.add_all(charges)
    await session.flush()

    # Bill at once what falls due: the part of the period the change falls in (a change
    # scheduled for a later day is billed from that day on, by the billing run).
    # Metered items bill their usage in arrears (docs/usage.md): their charges wait.
    metered = set(
        await session.scalars(
            select(Price.id).where(
                Price.id.in_({c.price_id for c in charges}),
                Price.usage_type == UsageType.METERED,
            )
        )
    )
    due_now = [c for c in charges if c.period_start <= today and c.price_id not in metered]
    documents: list[Invoice | CreditNote] = []
    if due_now:
        documents = await bill_charges(
            session,
            account,
            due_now,
            issue_date=today,
            now=now,
            reason=f"Change of {subscription.number} effective {effective.isoformat()}",
            issued_by_user_id=actor.user_id,
        )
    invoice = next((d for d in documents if isinstance(d, Invoice)), None)
    credit_note = next((d for d in reversed(documents) if isinstance(d, CreditNote)), None)
    # Every document counts; a credit of a period taxed at another rate has its own note.
    amount_now = sum((d.total if d is invoice else -d.total for d in documents), Decimal(0))
    lines = await document_lines(session, invoice or credit_note)

    after_items = items_after(subscription, changes) if later else running_items(subscription)
    ended = ""
    if later:
        ended = f" Scheduled: it takes effect on {effective.isoformat()}."
    elif not after_items:
        ended = await end_subscription(session, subscription, effective, now=now)
        if action != "CANCEL":
            ended = f" Nothing is left on {subscription.number}: it ends." + ended
    prices.update(await load_prices(session, {i.price_id for i in after_items} - set(prices)))
    monthly_after = monthly_recurring(after_items, prices, subscription.currency)
    planned = [plan for _line, plan in changes]
    products = await load_products(session, {plan.price.product_id for plan in planned})
    event = SubscriptionEvent(
        subscription_id=subscription.id,
        actor_id=actor.user_id,
        action=action,
        effective_date=effective,
        occurred_at=now,
        summary=(summary or summarise(planned, products)) + ended,
        before=describe_items(
            [(products[p.price.product_id], p.price, p.quantity_before) for p in planned if p.item]
        ),
        after=describe_items(
            [(products[p.price.product_id], p.price, p.quantity) for p in planned if p.quantity]
        ),
        monthly_before=monthly_before,
        monthly_after=monthly_after,
        amount_now=amount_now,
        order_id=order.id,
        quote_id=quote.id,
        invoice_id=invoice.id if invoice else None,
        credit_note_id=credit_note.id if credit_note else None,
    )
    session.add(event)
    await session.flush()
    if not later:
        await changed(session, subscription, order, event.summary, now=now)
    return ChangeOutcome(
        subscription=subscription,
        effective_date=effective,
        quote=quote,
        order=order,
        invoice=invoice,
        credit_note=credit_note,
        lines=lines,
        amount_due_now=amount_now,
        monthly_before=monthly_before,
        monthly_after=monthly_after,
        event=event,
        charges=charges,
        contract_value_before=value_before,
    )
