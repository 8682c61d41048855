"""The catalog: products and their prices, what is on sale to whom, and what a quantity
costs.

May call: common.
"""

from recur.services.catalog.admin import (
    NewPrice,
    ProductFields,
    add_price,
    archive_price,
    create_product,
    update_product,
)
from recur.services.catalog.products import (
    PERIOD_WORDS,
    amount_for,
    breakdown_for,
    categories,
    currencies,
    get_product,
    list_products,
    load_prices,
    metered_charges,
    preview_spec,
    price_spec,
    prices_by_id,
    prices_by_product,
    products_by_id,
    upgrade_ids_by_product,
    volume_cliffs_of,
)

__all__ = [
    "PERIOD_WORDS",
    "NewPrice",
    "ProductFields",
    "add_price",
    "amount_for",
    "archive_price",
    "breakdown_for",
    "categories",
    "create_product",
    "currencies",
    "get_product",
    "list_products",
    "load_prices",
    "metered_charges",
    "preview_spec",
    "price_spec",
    "prices_by_id",
    "prices_by_product",
    "products_by_id",
    "update_product",
    "upgrade_ids_by_product",
    "volume_cliffs_of",
]
