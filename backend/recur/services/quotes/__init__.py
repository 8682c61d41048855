"""Quotes and carts: who sees them, reading them, pricing them with the pricing core, and
editing their lines.

May call: common, catalog, accounts.
"""

from recur.services.quotes.carts import (
    add_to_cart,
    remove_cart_line,
    update_cart_line,
)
from recur.services.quotes.drafts import (
    create_once,
    delete_quote,
)
from recur.services.quotes.editing import (
    add_quote_line,
    create_quote,
    edited_status,
    remove_quote_line,
    require_on_sale,
    update_quote_line,
)
from recur.services.quotes.pricing import (
    PricedLine,
    PricedQuote,
    line_terms,
    lines_of_items,
    price_quote,
    prices_for,
    subscription_quote,
)
from recur.services.quotes.records import (
    bump_version,
    cart_of,
    check_editable,
    check_version,
    events_by_quote,
    get_cart,
    get_quote,
    list_quotes,
    load_quote,
    quotable_accounts,
    quote_by_number,
    quotes_by_id,
    record,
    reloaded_quote,
    require_customer,
    require_quoter,
    require_sales,
    require_step,
    require_user,
    rule_problem,
    taker,
    visible_quotes,
)
from recur.services.quotes.sorting import (
    QuoteSort,
)

__all__ = [
    "PricedLine",
    "PricedQuote",
    "QuoteSort",
    "add_quote_line",
    "add_to_cart",
    "bump_version",
    "cart_of",
    "check_editable",
    "check_version",
    "create_once",
    "create_quote",
    "delete_quote",
    "edited_status",
    "events_by_quote",
    "get_cart",
    "get_quote",
    "line_terms",
    "lines_of_items",
    "list_quotes",
    "load_quote",
    "price_quote",
    "prices_for",
    "quotable_accounts",
    "quote_by_number",
    "quotes_by_id",
    "record",
    "reloaded_quote",
    "remove_cart_line",
    "remove_quote_line",
    "require_customer",
    "require_on_sale",
    "require_quoter",
    "require_sales",
    "require_step",
    "require_user",
    "rule_problem",
    "subscription_quote",
    "taker",
    "update_cart_line",
    "update_quote_line",
    "visible_quotes",
]
