"""Orders as the asking actor may see them: those of the accounts they see, filtered by
account and start date, in one of a few orders (docs/api.md, "Sorting and filtering
lists")."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, Order
from recur.services.accounts import visible_accounts
from recur.services.common import (
    ALL_DATES,
    Actor,
    DateRange,
    NotAuthenticated,
    Ordering,
    Page,
    PageRequest,
    paginate_by,
)


class OrderSort(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    START_DATE = "START_DATE"


ORDER_ORDERINGS: dict[OrderSort, Ordering] = {
    OrderSort.NEWEST: Ordering((Order.id,), descending=True),
    OrderSort.OLDEST: Ordering((Order.id,), name="OLDEST"),
    OrderSort.START_DATE: Ordering((Order.start_date, Order.id), name="START_DATE"),
}


async def list_orders(
    db: Database,
    actor: Actor,
    *,
    account_id: int | None = None,
    starting: DateRange = ALL_DATES,
    sort: OrderSort = OrderSort.NEWEST,
    page: PageRequest,
) -> Page[Order]:
    """Visible orders, newest first unless ``sort`` says otherwise; only one account's when
    ``account_id`` is given, and only those starting within ``starting``."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Order).where(
        Order.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    )
    if account_id is not None:
        statement = statement.where(Order.account_id == account_id)
    statement = statement.where(*starting.days(Order.start_date))
    return await paginate_by(db, statement, ORDER_ORDERINGS[sort], page)
