"""Orders: what an accepted NEW quote becomes — its charge schedule, the subscription it
starts and its first invoice — and the charge rows every schedule writes.

May call: common, catalog, accounts, invoicing, quotes.
"""

from recur.services.orders.listing import (
    OrderSort,
    list_orders,
)
from recur.services.orders.placing import (
    charge_row,
    charge_values,
    create_order,
    orders_by_id,
    orders_by_quote,
    scheduled_total,
)

__all__ = [
    "OrderSort",
    "charge_row",
    "charge_values",
    "create_order",
    "list_orders",
    "orders_by_id",
    "orders_by_quote",
    "scheduled_total",
]
