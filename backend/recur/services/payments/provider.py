"""The payment-provider interface, and the sandbox provider the demo uses.

Recur never sees card numbers: the browser hands the provider's checkout a card and gets
back a single-use token; Recur charges the token and stores only the provider's reference.
A real provider (Stripe, Adyen…) implements :class:`PaymentProvider` the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    #: The provider's id of the charge (approved) or of the attempt (declined).
    reference: str
    #: Why the charge was declined, in words a customer understands.
    decline_reason: str = ""


@dataclass(frozen=True)
class SavedMethod:
    """A payment method the provider keeps for later charges (``reference``), or why it
    would not (``decline_reason``)."""

    reference: str = ""
    brand: str = ""
    last4: str = ""
    exp_month: int = 0
    exp_year: int = 0
    decline_reason: str = ""


@dataclass(frozen=True)
class RefundResult:
    approved: bool
    reference: str
    decline_reason: str = ""


class PaymentProvider(Protocol):
    name: str

    async def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult:
        """Charge ``amount`` to the payment method behind ``token`` (a single-use token or
        a saved method's reference), at most once per key."""
        ...

    async def save(self, *, token: str) -> SavedMethod:
        """Keep the card behind a single-use token for later charges (autopay)."""
        ...

    async def refund(
        self, *, charge: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        """Give ``amount`` of the charge ``charge`` back to its payment method, once per key."""
        ...


#: Sandbox tokens and what they do, as a test card list.
SANDBOX_TOKENS = {
    "sandbox_visa": None,
    "sandbox_mastercard": None,
    "sandbox_declined": "The card was declined by the bank. Try another card.",
    "sandbox_insufficient_funds": "The card has insufficient funds.",
    "sandbox_expired": "The card has expired.",
}


#: What the sandbox says of each card it saves: brand, last four digits, expiry. The
#: declining cards save (as a real card that later fails would) and decline every charge.
SANDBOX_CARDS = {
    "sandbox_visa": ("Visa", "4242", 12, 2030),
    "sandbox_mastercard": ("Mastercard", "4444", 8, 2031),
    "sandbox_declined": ("Visa", "0002", 3, 2030),
    "sandbox_insufficient_funds": ("Visa", "9995", 6, 2029),
}


class SandboxProvider:
    """Approves or declines by token, never moves money; the same key gives the same answer."""

    name = "sandbox"

    async def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        if token not in SANDBOX_TOKENS:
            return ChargeResult(False, f"sbx_{digest}", "This payment method is not valid.")
        reason = SANDBOX_TOKENS[token]
        if reason is not None:
            return ChargeResult(False, f"sbx_{digest}", reason)
        return ChargeResult(True, f"sbx_ch_{digest}")

    async def save(self, *, token: str) -> SavedMethod:
        if token not in SANDBOX_CARDS:
            # An expired card is not kept (the provider checks it when saving).
            reason = SANDBOX_TOKENS.get(token) or "This payment method is not valid."
            return SavedMethod(decline_reason=reason)
        brand, last4, month, year = SANDBOX_CARDS[token]
        # The sandbox's saved method charges like its token.
        return SavedMethod(token, brand, last4, month, year)

    async def refund(
        self, *, charge: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        if not charge.startswith("sbx_ch_"):
            return RefundResult(False, f"sbx_{digest}", "The provider has no such charge.")
        return RefundResult(True, f"sbx_re_{digest}")
