"""What a buyer writes on a quote: their purchase order number, and who signs it.

Both are printed on documents (docs/quote-to-order.md, "Purchase orders and signatures"), so
they are checked as text a document can carry: trimmed, one line, not too long.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recur.db.models import Quote, User
from recur.services.common import Actor, Invalid

PURCHASE_ORDER_LENGTH = 100
SIGNER_LENGTH = 200


def one_line(value: str, field: str, label: str, limit: int, *, required: bool = False) -> str:
    """``value`` trimmed, its runs of spaces made one; refused (naming ``field``) when
    longer than ``limit``, holding control characters, or empty though ``required``."""
    text = " ".join(value.split())
    if required and not text:
        raise Invalid.one(field, f"Enter the {label}.", "REQUIRED")
    if len(text) > limit:
        raise Invalid.one(field, f"The {label} may be at most {limit} characters long.", "TOO_LONG")
    if any(unicodedata.category(char).startswith("C") for char in text):
        raise Invalid.one(field, f"The {label} may not hold control characters.", "INVALID")
    return text


def purchase_order_number(value: str) -> str:
    return one_line(value, "purchaseOrderNumber", "PO number", PURCHASE_ORDER_LENGTH)


@dataclass(frozen=True)
class Signature:
    """Who signs a quote as it is accepted, and the PO it is accepted under (``None``: the
    quote's own)."""

    name: str = ""
    title: str = ""
    purchase_order_number: str | None = None


def signature(given: Signature | None) -> Signature:
    """``given``, checked (an empty name is the accepting user's)."""
    if given is None:
        return Signature()
    return Signature(
        one_line(given.name, "signerName", "signer's name", SIGNER_LENGTH),
        one_line(given.title, "signerTitle", "signer's title", SIGNER_LENGTH),
        None
        if given.purchase_order_number is None
        else purchase_order_number(given.purchase_order_number),
    )


async def sign(
    session: AsyncSession, quote: Quote, actor: Actor, signed: Signature, now: datetime
) -> None:
    """Record the acceptance on ``quote``: the signer, the time and the version signed."""
    name = signed.name
    if not name and actor.user_id is not None:
        user = await session.get(User, actor.user_id)
        name = user.name if user else ""
    quote.signer_name = name
    quote.signer_title = signed.title
    quote.accepted_at = now
    quote.accepted_version = quote.version
    if signed.purchase_order_number is not None:
        quote.purchase_order_number = signed.purchase_order_number
