"""What a subscription change did (or, previewed, would do), and the schedule rows it writes
(docs/subscriptions.md, "Changes")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from recur.core.proration import ChangeCharge
from recur.db.models import (
    Charge,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Order,
    Quote,
    QuoteLine,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.services.subscriptions.planning import PlannedChange


@dataclass
class ChangeOutcome:
    """What a change did (or, previewed, would do)."""

    subscription: Subscription
    effective_date: date
    quote: Quote
    order: Order
    invoice: Invoice | None
    credit_note: CreditNote | None
    #: The lines of the invoice or credit note made at once (credit note lines positive).
    lines: list[InvoiceLine | CreditNoteLine]
    #: Invoiced (positive) or credited (negative) now, tax included.
    amount_due_now: Decimal
    monthly_before: Decimal
    monthly_after: Decimal
    event: SubscriptionEvent
    charges: list[Charge] = field(default_factory=list)
    #: What the current term's schedules bill in all, before the change (tax excluded).
    contract_value_before: Decimal = Decimal(0)

    @property
    def contract_value_change(self) -> Decimal:
        """What the change adds to (or takes from) the term: its schedule, to the cent."""
        return sum((charge.amount for charge in self.charges), Decimal(0))


def charge_row(
    order: Order,
    charge: ChangeCharge,
    line: QuoteLine,
    plan: PlannedChange,
    items_by_line: dict[int, SubscriptionItem],
) -> Charge:
    """The schedule row of one charge of a planned change."""
    return Charge(
        order_id=order.id,
        quote_line_id=line.id,
        subscription_item_id=items_by_line[line.id].id if line.id in items_by_line else None,
        product_id=plan.price.product_id,
        price_id=plan.price.id,
        billing_period=charge.billing_period,
        period_index=charge.period_index,
        period_start=charge.period_start,
        period_end=charge.period_end,
        quantity=charge.quantity,
        list_amount=plan.list_amount,
        discount_percent=plan.discount_percent,
        amount=charge.amount,
        quantity_before=plan.quantity_before,
        period_delta=plan.change.after - plan.change.before,
        prorated_days=charge.days[0] if charge.days else None,
        period_days=charge.days[1] if charge.days else None,
    )
