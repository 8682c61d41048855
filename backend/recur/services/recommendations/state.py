"""What an offer is made from: the account as it stands — its running subscriptions and
items, what is on sale in its currency, the upgrade paths, whether it is overdue — read in
a constant number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from recur.core.catalog import BillingPeriod, ProductKind
from recur.core.lifecycle import InvoiceStatus, SubscriptionStatus
from recur.core.offer_model import AccountHistory
from recur.core.usage import UsageType
from recur.db.models import (
    Account,
    Invoice,
    Price,
    Product,
    ScheduledChange,
    Subscription,
    SubscriptionItem,
    product_upgrades,
)
from recur.services.accounts import visible_accounts
from recur.services.common import Actor


@dataclass
class AccountState:
    account: Account
    subscriptions: list[Subscription]
    #: Every active subscription product, and the prices of the running items.
    products: dict[int, Product]
    prices: dict[int, Price]
    #: Licensed recurring prices on sale in the account's currency, by product.
    on_sale: dict[int, list[Price]]
    upgrades: dict[int, list[int]]
    overdue: bool
    #: Items with a change waiting for a later day (they cannot change again until then).
    waiting: set[int]
    history: AccountHistory[int]

    def running(self, subscription: Subscription) -> list[SubscriptionItem]:
        return sorted(
            (item for item in subscription.items if item.ended_on is None), key=lambda i: i.id
        )

    def owned_products(self) -> set[int]:
        return {item.product_id for s in self.subscriptions for item in self.running(s)}

    def price_on_sale(self, product_id: int, period: BillingPeriod) -> Price | None:
        return next(
            (p for p in self.on_sale.get(product_id, []) if p.billing_period == period), None
        )


async def account_for(session: AsyncSession, actor: Actor, account_id: int) -> Account | None:
    return (
        await session.scalars(
            select(Account).where(Account.id == account_id, visible_accounts(actor))
        )
    ).first()


async def load_state(
    session: AsyncSession, account: Account, history: AccountHistory[int], today: date
) -> AccountState:
    subscriptions = list(
        await session.scalars(
            select(Subscription)
            .where(
                Subscription.account_id == account.id,
                Subscription.status == SubscriptionStatus.ACTIVE,
            )
            .options(selectinload(Subscription.items))
            .order_by(Subscription.id)
        )
    )
    item_prices = {i.price_id for s in subscriptions for i in s.items if i.ended_on is None}
    prices = {
        p.id: p
        for p in await session.scalars(
            select(Price)
            .where(
                (Price.id.in_(item_prices))
                | ((Price.currency == account.currency) & Price.archived_at.is_(None))
            )
            .options(selectinload(Price.tiers))
        )
    }
    products = {
        p.id: p
        for p in await session.scalars(
            select(Product).where(
                (Product.kind == ProductKind.SUBSCRIPTION)
                & (Product.active | Product.id.in_({p.product_id for p in prices.values()}))
            )
        )
    }
    on_sale: dict[int, list[Price]] = defaultdict(list)
    for price in sorted(prices.values(), key=lambda p: p.id):
        product = products.get(price.product_id)
        if (
            product is not None
            and product.active
            and price.active
            and price.currency == account.currency
            and price.usage_type == UsageType.LICENSED
            and price.billing_period.months
        ):
            on_sale[price.product_id].append(price)
    upgrades: dict[int, list[int]] = defaultdict(list)
    for product_id, upgrade_id in await session.execute(
        select(product_upgrades.c.product_id, product_upgrades.c.upgrade_id).order_by(
            product_upgrades.c.product_id, product_upgrades.c.upgrade_id
        )
    ):
        upgrades[product_id].append(upgrade_id)
    overdue = await session.scalar(
        select(
            exists().where(
                Invoice.account_id == account.id,
                Invoice.status == InvoiceStatus.OPEN,
                Invoice.due_date < today,
                Invoice.total > Invoice.amount_paid + Invoice.amount_credited,
            )
        )
    )
    waiting = set(
        await session.scalars(
            select(ScheduledChange.subscription_item_id).where(
                ScheduledChange.subscription_id.in_([s.id for s in subscriptions]),
                ScheduledChange.status == "PENDING",
                ScheduledChange.subscription_item_id.is_not(None),
            )
        )
    )
    return AccountState(
        account=account,
        subscriptions=subscriptions,
        products=products,
        prices=prices,
        on_sale=dict(on_sale),
        upgrades=dict(upgrades),
        overdue=bool(overdue),
        waiting={w for w in waiting if w is not None},
        history=history,
    )
