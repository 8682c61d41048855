"""All models, imported here so that ``Base.metadata`` knows every table."""

from recur.db.models.accounts import Account, Partner, PartnerClient, User, UserSession
from recur.db.models.catalog import Price, PriceTier, Product, product_upgrades

__all__ = [
    "Account",
    "Partner",
    "PartnerClient",
    "Price",
    "PriceTier",
    "Product",
    "User",
    "UserSession",
    "product_upgrades",
]
