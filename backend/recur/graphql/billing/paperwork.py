"""What invoices and credit notes say as documents: the buyer's PO, the bill-to party as
it was when they were issued, and their tax lines (docs/billing.md, "Invoices as documents",
"Tax")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from recur.core.tax import Rate, tax_lines
from recur.db import models
from recur.graphql.accounts.types import Address
from recur.graphql.core.context import Info
from recur.graphql.core.money import Money, money, percent
from recur.services.common import bill_to


@strawberry.type(description="Who a document is addressed to, as it was when it was issued.")
class BillTo:
    name: str
    tax_id: str
    email: str
    address: Address


@strawberry.type(description="The tax of one rate: its rate on the subtotal it applies to.")
class TaxLine:
    name: str
    rate_percent: Decimal
    taxable_amount: Money = strawberry.field(description="The subtotal taxed at this rate.")
    amount: Money


def bill_to_of(snapshot: dict[str, Any] | None, account: models.Account | None) -> BillTo | None:
    """The snapshot a document was issued with; ``account`` as it is now for a document
    issued before snapshots were kept."""
    if snapshot is None:
        if account is None:
            return None
        snapshot = bill_to(account)
    address = snapshot.get("address") or {}
    return BillTo(
        name=str(snapshot.get("name", "")),
        tax_id=str(snapshot.get("taxId", "")),
        email=str(snapshot.get("email", "")),
        address=Address(
            line1=str(address.get("line1", "")),
            line2=str(address.get("line2", "")),
            city=str(address.get("city", "")),
            postal_code=str(address.get("postalCode", "")),
            region=str(address.get("region", "")),
            country=str(address.get("country", "")),
        ),
    )


def tax_lines_of(document: models.Invoice | models.CreditNote) -> list[TaxLine]:
    """The document's tax lines: one per rate, as stored (a document has one rate; a
    reverse-charged or exempt one shows its 0 % line, so the reader sees why)."""
    rate = Rate(document.tax_name or "Tax", document.tax_rate_percent)
    return [
        TaxLine(
            name=line.name,
            rate_percent=percent(line.rate_percent),
            taxable_amount=money(line.base, document.currency),
            amount=money(document.tax, document.currency),
        )
        for line in tax_lines([(rate, document.subtotal)], document.currency)
    ]


@strawberry.type
class Paperwork:
    """The fields invoices and credit notes share as documents."""

    model_: strawberry.Private[models.Invoice | models.CreditNote]

    @strawberry.field(description="The customer's purchase order number(s); empty if none.")
    def purchase_order_number(self) -> str:
        return self.model_.purchase_order_number

    @strawberry.field(description="The buyer as the document was issued to them.")
    async def bill_to(self, info: Info) -> BillTo | None:
        account = None
        if self.model_.bill_to is None:
            account = await info.context.loaders.account.load(self.model_.account_id)
        return bill_to_of(self.model_.bill_to, account)

    @strawberry.field(description="The tax, one line per rate, each rounded once.")
    def tax_lines(self) -> list[TaxLine]:
        return tax_lines_of(self.model_)

    @strawberry.field(description="Whether VAT is reverse charged: 0 %, the buyer accounts for it.")
    def reverse_charge(self) -> bool:
        return self.model_.reverse_charge

    @strawberry.field(
        description="The legal note printed with the tax (reverse charge, "
        "an exemption's certificate); empty if none."
    )
    def tax_note(self) -> str:
        return self.model_.tax_note
