"""All models, imported here so that ``Base.metadata`` knows every table."""

from recur.db.models.accounts import Account, Partner, PartnerClient, User, UserSession, UserToken
from recur.db.models.audit import AuditEntry
from recur.db.models.billing import (
    CreditNote,
    CreditNoteApplication,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Seller,
    TaxRate,
)
from recur.db.models.billing_runs import BillingRunRecord
from recur.db.models.catalog import Price, PriceTier, Product, product_upgrades
from recur.db.models.integrations import Event, WebhookDelivery, WebhookEndpoint
from recur.db.models.mail import InvoiceReminder, MailMessage
from recur.db.models.numbering import NumberSequence
from recur.db.models.orders import (
    Charge,
    Order,
    ScheduledChange,
    Subscription,
    SubscriptionEvent,
    SubscriptionItem,
)
from recur.db.models.payments import (
    Payment,
    PaymentApplication,
    PaymentAttempt,
    PaymentMethod,
    Refund,
)
from recur.db.models.quotes import Quote, QuoteEvent, QuoteLine
from recur.db.models.recommendations import RecommendationEvent
from recur.db.models.settings import BusinessSettings
from recur.db.models.usage import UsageRecord

__all__ = [
    "Account",
    "AuditEntry",
    "BillingRunRecord",
    "BusinessSettings",
    "Charge",
    "CreditNote",
    "CreditNoteApplication",
    "CreditNoteLine",
    "Event",
    "Invoice",
    "InvoiceLine",
    "InvoiceReminder",
    "MailMessage",
    "NumberSequence",
    "Order",
    "Partner",
    "PartnerClient",
    "Payment",
    "PaymentApplication",
    "PaymentAttempt",
    "PaymentMethod",
    "Price",
    "PriceTier",
    "Product",
    "Quote",
    "QuoteEvent",
    "QuoteLine",
    "RecommendationEvent",
    "Refund",
    "ScheduledChange",
    "Seller",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionItem",
    "TaxRate",
    "UsageRecord",
    "User",
    "UserSession",
    "UserToken",
    "WebhookDelivery",
    "WebhookEndpoint",
    "product_upgrades",
]
