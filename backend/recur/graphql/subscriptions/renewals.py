"""Renewals coming up, for sales: what ends soon, how it renews, what is at stake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from recur.core.renewals import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, RenewalStatus
from recur.core.roles import Role
from recur.graphql.core.context import Info
from recur.graphql.core.money import Money, money
from recur.graphql.core.pagination import PageInfo
from recur.graphql.core.permissions import IsUser, has_role
from recur.graphql.quotes.types import Quote
from recur.graphql.subscriptions.types import Subscription
from recur.services import subscriptions
from recur.services.common import MAX_PAGE_SIZE, PageRequest

strawberry.enum(
    RenewalStatus,
    description="AGREED: a renewal quote was accepted, its terms replace the automatic "
    "renewal. QUOTED: a renewal quote is drafted, in approval or sent. AUTO_RENEWS: no "
    "renewal quote; the billing run renews at term end. EXPIRES: no renewal quote and "
    "auto-renew is off; the subscription ends with its term.",
)


@strawberry.type(description="An active subscription whose term ends soon, and how it renews.")
class UpcomingRenewal:
    subscription: Subscription
    renewal_status: RenewalStatus
    renewal_quote: Quote | None = strawberry.field(
        description="The accepted renewal quote for the next term, else the newest open one."
    )


@strawberry.type(description="What is due in one currency.")
class RenewalTotal:
    currency: str
    count: int = strawberry.field(description="How many subscriptions.")
    monthly_recurring_revenue: Money = strawberry.field(
        description="Their monthly recurring revenue together: what is at stake."
    )


@strawberry.type(description="Renewals due within a window, and in total per currency.")
class UpcomingRenewals:
    as_of: date = strawberry.field(description="Today, by the app's clock.")
    within_days: int
    through: date = strawberry.field(description="The last term end included.")
    entries: list[UpcomingRenewal] = strawberry.field(
        description="By term end, then number; terms already ended (not yet renewed or "
        "expired by the billing run) come first. At most `first` of them, after `after`."
    )
    totals: list[RenewalTotal] = strawberry.field(
        description="One per currency, by currency, for the whole window (every page)."
    )
    page_info: PageInfo = strawberry.field(
        description="Pass endCursor as after for the next entries."
    )


@strawberry.type
class RenewalsQuery:
    @strawberry.field(
        description="Active subscriptions whose term ends within the next withinDays days "
        f"(1 to {MAX_WINDOW_DAYS}; null: {DEFAULT_WINDOW_DAYS}), or has ended and awaits the "
        f"billing run: first entries (0 to {MAX_PAGE_SIZE}; null: {MAX_PAGE_SIZE}) after the "
        "cursor after. Staff; reps see the accounts they own.",
        permission_classes=[
            IsUser,
            has_role(Role.REP, Role.MANAGER, Role.FINANCE, Role.ADMIN),
        ],
    )
    async def renewals(
        self,
        info: Info,
        within_days: int | None = DEFAULT_WINDOW_DAYS,
        first: int | None = MAX_PAGE_SIZE,
        after: str | None = None,
    ) -> UpcomingRenewals:
        ctx = info.context
        due = await subscriptions.upcoming_renewals(
            ctx.db,
            ctx.actor,
            today=ctx.clock.today(),
            within_days=DEFAULT_WINDOW_DAYS if within_days is None else within_days,
            page=PageRequest(first=MAX_PAGE_SIZE if first is None else first, after=after),
            with_totals=_asks_for_totals(info),
        )
        _prime(info, due)
        return UpcomingRenewals(
            as_of=due.as_of,
            within_days=due.within_days,
            through=due.through,
            entries=[
                UpcomingRenewal(
                    subscription=Subscription.from_model(entry.subscription),
                    renewal_status=entry.status,
                    renewal_quote=Quote.from_model(entry.quote) if entry.quote else None,
                )
                for entry in due.entries
            ],
            totals=[
                RenewalTotal(
                    currency=total.currency,
                    count=total.count,
                    monthly_recurring_revenue=money(total.monthly_recurring, total.currency),
                )
                for total in due.totals
            ],
            page_info=PageInfo(
                has_next_page=due.has_next_page,
                has_previous_page=due.has_previous_page,
                start_cursor=due.cursors[0] if due.cursors else None,
                end_cursor=due.cursors[-1] if due.cursors else None,
            ),
        )


def _asks_for_totals(info: Info) -> bool:
    """Whether the query selects ``totals``, which read the whole window (the entries read
    a page)."""
    return any(
        isinstance(selection, SelectedField) and selection.name == "totals"
        for field in info.selected_fields
        for selection in _flattened(field.selections)
    )


def _flattened(selections: list[Selection]) -> Iterator[Selection]:
    """Selections, those of fragments included."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _flattened(selection.selections)


def _prime(info: Info, due: subscriptions.UpcomingRenewals) -> None:
    """The items and prices the service read to total the revenue: a subscription's
    ``items`` and ``monthlyRecurringRevenue`` then cost no more queries."""
    loaders = info.context.loaders
    for entry in due.entries:
        loaders.subscription_items.prime(entry.subscription.id, entry.items)
    for price in due.prices.values():
        loaders.price.prime(price.id, price)
