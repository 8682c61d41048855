"""What a document's line says of the charge it bills: its description, its explanation
(product, quantity, price, discount, period, quote and order) and its price per unit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from recur.core.money import Money
from recur.db.models import Charge, Order, Product, Quote
from recur.services.catalog import PERIOD_WORDS

#: Unit amounts are kept to the places of the price they come from.
UNIT_PLACES = Decimal("0.000001")


def unit_amount(charge: Charge) -> Decimal | None:
    """The net amount per unit of a line, to six places: its amount ÷ its quantity, or for
    a change, ÷ the units it adds or takes off (what each of them costs for the days
    charged). ``None`` only when no unit is priced: a change of no quantity, or none."""
    units = charge.quantity
    if charge.quantity_before is not None:
        units = abs(charge.quantity - charge.quantity_before) or charge.quantity
    if units <= 0:
        return None
    return (charge.amount / units).quantize(UNIT_PLACES, rounding=ROUND_HALF_UP)


def describe_charge(product: Product, charge: Charge) -> str:
    if charge.period_end is None:
        return product.name
    if charge.adjusts_charge_id is not None:
        return f"{product.name}: usage recorded late"
    return f"{product.name} ({PERIOD_WORDS.get(charge.billing_period, '')})"


def word(charge: Charge, order: Order) -> str:
    """The line's explanation as the customer reads it: "25 → 30 from Dec 2, 28 of 30
    days", "Quantity 25, list USD 500.00, 10 % discount"."""
    parts: list[str] = []
    if charge.adjusts_charge_id is not None and charge.period_end is not None:
        last = charge.period_end - timedelta(days=1)
        parts.append(
            f"Recorded after {short_day(charge.period_start)} – {short_day(last)} was invoiced"
        )
    if charge.quantity_before is None and charge.quantity > 0:
        # The list amount of the whole quantity: a flat or tiered price has no one unit price.
        listed = Money(charge.list_amount, order.currency)
        parts.append(f"Quantity {charge.quantity}, list {listed.format()}")
    if charge.quantity_before is not None:
        parts.append(
            f"{charge.quantity_before} → {charge.quantity} from {short_day(order.start_date)}"
        )
        if charge.prorated_days is not None and charge.period_days is not None:
            parts.append(f"{charge.prorated_days} of {charge.period_days} days")
    if charge.discount_percent:
        parts.append(f"{charge.discount_percent.normalize():f} % discount")
    return ", ".join(parts)


def short_day(value: date) -> str:
    return f"{value:%b} {value.day}"


def explain(charge: Charge, product: Product, quote: Quote, order: Order) -> str:
    """Where an invoice line's amount comes from, in words and numbers."""
    if charge.quantity_before is not None:
        return _explain_change(charge, product, quote, order)
    if charge.adjusts_charge_id is not None:
        return _explain_late_usage(charge, product, quote, order)
    currency = order.currency
    listed = Money(charge.list_amount, currency).format()
    net = Money(charge.amount, currency).format()
    discount = (
        f", less {charge.discount_percent.normalize():f} % discount = {net}"
        if charge.discount_percent
        else ""
    )
    return (
        f"{product.name}, quantity {charge.quantity}: list {listed}{discount}, "
        f"{_period(charge)}. "
        f"From quote {quote.number}, order {order.number}; amounts rounded once to the cent."
    )


def _period(charge: Charge) -> str:
    if charge.period_end is None:
        return f"once, on {charge.period_start.isoformat()}"
    return (
        f"for {charge.period_start.isoformat()} through "
        f"{(charge.period_end - timedelta(days=1)).isoformat()} (period {charge.period_index + 1})"
    )


def _explain_change(charge: Charge, product: Product, quote: Quote, order: Order) -> str:
    """An amendment's delta: quantities before and after, the whole period's difference and,
    for the period the change falls in, the share of its days."""
    currency = order.currency
    delta = Money(charge.period_delta or Decimal(0), currency)
    amount = Money(charge.amount, currency)
    change = f"quantity {charge.quantity_before} → {charge.quantity}"
    if charge.prorated_days is not None and charge.period_days is not None:
        share = (
            f"{delta.format()} a period × {charge.prorated_days}/{charge.period_days} days "
            f"= {amount.format()}, rounded once to the cent"
        )
    else:
        share = f"{delta.format()} for the whole period"
    discount = (
        f" (net of its {charge.discount_percent.normalize():f} % discount)"
        if charge.discount_percent
        else ""
    )
    return (
        f"{product.name}, {change}{discount}: {share}, {_period(charge)}. "
        f"Change effective {order.start_date.isoformat()}: "
        f"amendment quote {quote.number}, order {order.number}."
    )


def _explain_late_usage(charge: Charge, product: Product, quote: Quote, order: Order) -> str:
    """An adjustment for usage recorded after its period was invoiced: the packages and
    amounts it adds to (or, a later reading being lower, takes from) what was billed."""
    currency = order.currency
    listed = Money(charge.list_amount, currency).format()
    net = Money(charge.amount, currency).format()
    discount = (
        f", less {charge.discount_percent.normalize():f} % discount = {net}"
        if charge.discount_percent
        else ""
    )
    return (
        f"{product.name}: usage recorded after the period was invoiced, {_period(charge)}. "
        f"The period's usage now comes to {charge.quantity:+d} packages over what was billed: "
        f"list {listed}{discount}. From quote {quote.number}, order {order.number}; amounts "
        "rounded once to the cent."
    )
