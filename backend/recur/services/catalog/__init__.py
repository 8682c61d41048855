"""The catalog: products and their prices, what is on sale to whom, and what a quantity
costs.

May call: common.
"""

from recur.services.catalog.products import (
    PERIOD_WORDS,
    amount_for,
    breakdown_for,
    categories,
    currencies,
    get_product,
    list_products,
    load_prices,
    price_spec,
    prices_by_id,
    prices_by_product,
    products_by_id,
    upgrade_ids_by_product,
)

__all__ = [
    "PERIOD_WORDS",
    "amount_for",
    "breakdown_for",
    "categories",
    "currencies",
    "get_product",
    "list_products",
    "load_prices",
    "price_spec",
    "prices_by_id",
    "prices_by_product",
    "products_by_id",
    "upgrade_ids_by_product",
]
