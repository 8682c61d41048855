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


class PaymentProvider(Protocol):
    name: str

    async def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult:
        """Charge ``amount`` to the payment method behind ``token``, at most once per key."""
        ...


#: Sandbox tokens and what they do, as a test card list.
SANDBOX_TOKENS = {
    "sandbox_visa": None,
    "sandbox_mastercard": None,
    "sandbox_declined": "The card was declined by the bank. Try another card.",
    "sandbox_insufficient_funds": "The card has insufficient funds.",
    "sandbox_expired": "The card has expired.",
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
