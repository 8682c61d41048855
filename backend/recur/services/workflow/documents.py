"""A quote as the document a buyer signs: its lines, discounts, terms, totals, validity,
PO and signature block; once accepted, who signed it (docs/quote-to-order.md, "Quote
documents and acceptance")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from recur.core.catalog import BillingPeriod
from recur.core.money import Money
from recur.core.usage import UsageType
from recur.db.engine import Database
from recur.db.models import Product
from recur.documents import Acceptance, BillingDocument, DocumentKind, DocumentLine, Party
from recur.services.accounts import accounts_by_id
from recur.services.common import Actor, bill_to, buyer_party
from recur.services.quotes import PricedLine, price_quote, prices_for, quote_by_number

PERIOD_WORDS = {BillingPeriod.MONTH: "a month", BillingPeriod.YEAR: "a year"}
#: A quote's document does not judge approvals: any threshold prices it the same.
NO_THRESHOLD = Decimal(100)


async def quote_document(
    db: Database, actor: Actor, number: str, *, seller: Party, generated_at: datetime
) -> BillingDocument | None:
    """Quote ``number`` as a document, or ``None`` if ``actor`` may not see it (a cart has
    no document: it is not an offer)."""
    quote = await quote_by_number(db, actor, number)
    if quote is None or quote.is_cart:
        return None
    async with db.session() as session:
        priced = price_quote(quote, await prices_for(session, [quote]), NO_THRESHOLD)
        ids = {line.product_id for line in quote.lines}
        products = {
            p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(ids)))
        }
    account = (await accounts_by_id(db, actor, [quote.account_id])).get(quote.account_id)
    totals = priced.totals
    acceptance = None
    if quote.accepted_at is not None:
        acceptance = Acceptance(
            quote.signer_name or "",
            quote.signer_title or "",
            quote.accepted_at,
            quote.accepted_version or quote.version,
        )
    return BillingDocument(
        kind=DocumentKind.QUOTE,
        number=quote.number,
        status=quote.status.value.capitalize(),
        currency=quote.currency,
        issue_date=quote.updated_at.date(),
        seller=seller,
        buyer=buyer_party(bill_to(account)) if account else Party(""),
        lines=tuple(_line(p, products[p.line.product_id]) for p in priced.lines),
        subtotal=totals.total_contract_value,
        tax_rate_percent=Decimal(0),
        tax=Decimal(0),
        total=totals.total_contract_value,
        settled=Decimal(0),
        outstanding=Decimal(0),
        generated_at=generated_at,
        purchase_order_number=quote.purchase_order_number,
        valid_until=quote.expires_on,
        terms_of_quote=(
            ("Starts", f"{quote.start_date:%b} {quote.start_date.day}, {quote.start_date.year}"),
            ("Term", f"{quote.term_months} months"),
        ),
        note=quote.note or None,
        acceptance=acceptance,
        totals_rows=(
            ("One-time", totals.one_time),
            ("Recurring a month", totals.monthly_recurring),
            ("Total over the term, before tax", totals.total_contract_value),
            *(
                (("Estimated usage over the term, billed as used", totals.estimated_usage),)
                if totals.estimated_usage
                else ()
            ),
        ),
    )


def _line(priced: PricedLine, product: Product) -> DocumentLine:
    """One quote line: the net a period (or once), its list price and discount explained."""
    line, price, amounts = priced.line, priced.price, priced.amounts
    once = price.billing_period is BillingPeriod.ONE_TIME
    period = "once" if once else PERIOD_WORDS.get(price.billing_period, "a period")
    explained = f"List {Money(amounts.list_amount, price.currency).format()} {period}"
    if line.discount_percent:
        explained += f", less {line.discount_percent.normalize():f} % discount"
    if price.usage_type is UsageType.METERED:
        explained += "; an estimate: billed in arrears on the usage measured"
    elif not once:
        explained += f"; {Money(amounts.total_amount, price.currency).format()} over the term"
    unit = (
        (amounts.net_amount / line.quantity).quantize(Decimal("0.000001"))
        if line.quantity
        else None
    )
    return DocumentLine(
        description=product.name,
        amount=amounts.net_amount,
        quantity=line.quantity,
        explanation=explained,
        unit_amount=unit.normalize() if unit is not None else None,
    )
