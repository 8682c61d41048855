"""The global search: accounts by name; quotes, orders, subscriptions and invoices by number
or by their account's name (docs/customer-360.md, "Search")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from recur.db.engine import Database
from recur.db.models import Account, Invoice, Order, Quote, Subscription
from recur.services.accounts import require_account_reader, visible_accounts
from recur.services.common import Actor, Invalid
from recur.services.quotes import visible_quotes

MAX_RESULTS = 50
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    """One result: a type name (``Account``, ``Quote``…) and its row."""

    type_name: str
    row: Any
    #: Whether the query is the whole number or name (such hits come first).
    exact: bool


def _of_visible_accounts(column: Any, actor: Actor) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column.in_(select(Account.id).where(visible_accounts(actor)))
    return condition


async def search(db: Database, actor: Actor, query: str, first: int = 10) -> list[Hit]:
    """Up to ``first`` objects the actor may see matching ``query``, exact matches first,
    then accounts, quotes, orders, subscriptions and invoices; five statements."""
    require_account_reader(actor)
    if not 1 <= first <= MAX_RESULTS:
        raise Invalid.one("first", f"first must be between 1 and {MAX_RESULTS}.")
    text = query.strip()
    if not text:
        return []
    if len(text) > MAX_QUERY:
        raise Invalid.one("query", f"Search for at most {MAX_QUERY} characters.")
    account_name = Account.name.icontains(text, autoescape=True)
    hits: list[Hit] = []
    async with db.session() as session:
        accounts = await session.scalars(
            select(Account)
            .where(visible_accounts(actor), account_name)
            .order_by(Account.name, Account.id)
            .limit(first)
        )
        hits += [Hit("Account", a, a.name.lower() == text.lower()) for a in accounts]
        numbered: list[tuple[str, Any, ColumnElement[bool]]] = [
            ("Quote", Quote, visible_quotes(actor) & Quote.is_cart.is_(False)),
            ("Order", Order, _of_visible_accounts(Order.account_id, actor)),
            ("Subscription", Subscription, _of_visible_accounts(Subscription.account_id, actor)),
            ("Invoice", Invoice, _of_visible_accounts(Invoice.account_id, actor)),
        ]
        for type_name, model, visible in numbered:
            rows = await session.scalars(
                select(model)
                .join(Account, Account.id == model.account_id)
                .where(
                    visible,
                    or_(model.number.icontains(text, autoescape=True), account_name),
                )
                .order_by(model.id.desc())
                .limit(first)
            )
            hits += [Hit(type_name, r, r.number.lower() == text.lower()) for r in rows]
    hits.sort(key=lambda hit: not hit.exact)  # stable: the order above among equals
    return hits[:first]
