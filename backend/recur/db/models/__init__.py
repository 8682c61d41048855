"""All models, imported here so that ``Base.metadata`` knows every table."""

from recur.db.models.accounts import Account, Partner, PartnerClient, User, UserSession, UserToken
from recur.db.models.audit import AuditEntry
from recur.db.models.billing import (
    CreditNote,
    CreditNoteApplication,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)
from recur.db.models.catalog import Price, PriceTier, Product, product_upgrades
from recur.db.models.numbering import NumberSequence
from recur.db.models.orders import (
    Charge,
    Order,
    ScheduledChange,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.db.models.payments import Payment, PaymentApplication
from recur.db.models.quotes import Quote, QuoteEvent, QuoteLine
from recur.db.models.settings import BusinessSettings
from recur.db.models.usage import UsageRecord

__all__ = [
    "Account",
    "AuditEntry",
    "BusinessSettings",
    "Charge",
    "CreditNote",
    "CreditNoteApplication",
    "CreditNoteLine",
    "Invoice",
    "InvoiceLine",
    "NumberSequence",
    "Order",
    "Partner",
    "PartnerClient",
    "Payment",
    "PaymentApplication",
    "Price",
    "PriceTier",
    "Product",
    "Quote",
    "QuoteEvent",
    "QuoteLine",
    "ScheduledChange",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionItem",
    "UsageRecord",
    "User",
    "UserSession",
    "UserToken",
    "product_upgrades",
]
