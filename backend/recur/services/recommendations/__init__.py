"""Next best offers: what to pitch an account next, with the exact money it would take
(docs/recommendations.md).

The sequence model learned from the book's histories (``book``, over ``recur.core.offer_model``),
the account as it stands (``state``), the offers the catalog and the model suggest, with the
lifecycle filters (``candidates``), their previews, quotes and taking them (``offers``), what
became of them (``feedback``), and the generated book the evaluation replays
(``generated_book``).

May call: common, catalog, accounts, quotes, subscriptions.
"""

from recur.services.recommendations.book import book_model, histories, learn_book, refresh_model
from recur.services.recommendations.candidates import KINDS, OfferKey
from recur.services.recommendations.feedback import KindStats, offer_stats, offers_of_quotes
from recur.services.recommendations.generated_book import generated_book
from recur.services.recommendations.offers import (
    Offer,
    account_offers,
    prepare_offer,
    take_offer,
)

__all__ = [
    "KINDS",
    "KindStats",
    "Offer",
    "OfferKey",
    "account_offers",
    "book_model",
    "generated_book",
    "histories",
    "learn_book",
    "offer_stats",
    "offers_of_quotes",
    "prepare_offer",
    "refresh_model",
    "take_offer",
]
