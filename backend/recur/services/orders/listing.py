"""Orders as the asking actor may see them: those of the accounts they see."""

from __future__ import annotations

from sqlalchemy import select

from recur.db.engine import Database
from recur.db.models import Account, Order
from recur.services.accounts import visible_accounts
from recur.services.common import Actor, NotAuthenticated, Page, PageRequest, paginate


async def list_orders(
    db: Database, actor: Actor, *, account_id: int | None = None, page: PageRequest
) -> Page[Order]:
    """Visible orders, newest first; only one account's when ``account_id`` is given."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    statement = select(Order).where(
        Order.account_id.in_(select(Account.id).where(visible_accounts(actor)))
    )
    if account_id is not None:
        statement = statement.where(Order.account_id == account_id)
    return await paginate(db, statement, (Order.id,), page, descending=True)
