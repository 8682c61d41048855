"""Pricing quotes with the one pricing core: each line priced, the quote totalled, and
the quotes made against a subscription (amendments, renewals) built from its items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from recur.core import quotes as rules
from recur.core.lifecycle import QuoteKind, QuoteStatus
from recur.core.money import Money
from recur.core.usage import UsageType
from recur.db.models import (
    Price,
    Quote,
    QuoteLine,
    Subscription,
    SubscriptionItem,
)
from recur.services.catalog import load_prices, price_spec


@dataclass(frozen=True)
class PricedLine:
    line: QuoteLine
    price: Price
    amounts: rules.LineAmounts


@dataclass(frozen=True)
class PricedQuote:
    """A quote with every line priced by the pricing core, and its totals."""

    quote: Quote
    lines: tuple[PricedLine, ...]
    totals: rules.QuoteTotals
    approval_required: bool


def line_terms(line: QuoteLine, price: Price, uplift: Decimal = Decimal(0)) -> rules.LineTerms:
    return rules.LineTerms(
        price=price_spec(price),
        billing_period=price.billing_period,
        quantity=line.quantity,
        discount_percent=line.discount_percent,
        uplift_percent=uplift,
        base_amount=line.base_amount,
        metered=price.usage_type is UsageType.METERED,
    )


def price_quote(quote: Quote, prices: dict[int, Price], threshold: Decimal) -> PricedQuote:
    """Price every line and total the quote (prices must be loaded with their tiers)."""
    uplift = quote.uplift_percent or Decimal(0)
    terms = [line_terms(line, prices[line.price_id], uplift) for line in quote.lines]
    # Quantity 0 is an amendment's line for an item it removes: nothing more to bill.
    zero = Money.zero(quote.currency).amount
    removed = rules.LineAmounts(list_amount=zero, net_amount=zero, total_amount=zero)
    lines = tuple(
        PricedLine(
            line,
            prices[line.price_id],
            rules.line_amounts(term, quote.term_months) if term.quantity else removed,
        )
        for line, term in zip(quote.lines, terms, strict=True)
    )
    return PricedQuote(
        quote=quote,
        lines=lines,
        totals=rules.quote_totals(
            [term for term in terms if term.quantity], quote.term_months, quote.currency
        ),
        approval_required=rules.needs_approval(
            (line.discount_percent for line in quote.lines), threshold
        ),
    )


async def prices_for(session: AsyncSession, quotes: Sequence[Quote]) -> dict[int, Price]:
    """The prices (with tiers) of every line of ``quotes``, in one query."""
    return await load_prices(session, {line.price_id for quote in quotes for line in quote.lines})


def subscription_quote(
    subscription: Subscription,
    *,
    number: str,
    kind: QuoteKind,
    status: QuoteStatus,
    start_date: date,
    term_months: int,
    lines: list[QuoteLine],
    now: datetime,
    created_by_id: int | None = None,
    uplift_percent: Decimal = Decimal(0),
    note: str = "",
) -> Quote:
    """An AMENDMENT or RENEWAL quote against ``subscription``, in its currency."""
    return Quote(
        number=number,
        account_id=subscription.account_id,
        kind=kind,
        status=status,
        currency=subscription.currency,
        start_date=start_date,
        term_months=term_months,
        version=1,
        is_cart=False,
        created_by_id=created_by_id,
        uplift_percent=uplift_percent,
        subscription_id=subscription.id,
        note=note,
        created_at=now,
        updated_at=now,
        lines=lines,
    )


def lines_of_items(items: Sequence[SubscriptionItem]) -> list[QuoteLine]:
    """Quote lines repeating subscription items as they are, each pointing at its item."""
    return [
        QuoteLine(
            position=position,
            product_id=item.product_id,
            price_id=item.price_id,
            quantity=item.quantity,
            discount_percent=item.discount_percent,
            subscription_item_id=item.id,
        )
        for position, item in enumerate(items, start=1)
    ]
