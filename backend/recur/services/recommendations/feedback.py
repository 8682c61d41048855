"""What became of the offers: shown, prepared as a quote, accepted — and the acceptance
rate of each kind of offer, for managers (docs/recommendations.md, "Feedback")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from recur.core.lifecycle import QuoteStatus
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Quote, RecommendationEvent
from recur.services.common import Actor, Forbidden, NotAuthenticated
from recur.services.recommendations.candidates import KINDS, OfferKey

SHOWN, PREPARED, ACCEPTED = "SHOWN", "PREPARED", "ACCEPTED"


def record(
    session: AsyncSession,
    actor: Actor,
    key: OfferKey,
    title: str,
    product_id: int,
    action: str,
    *,
    now: datetime,
    quote_id: int | None = None,
) -> None:
    session.add(
        RecommendationEvent(
            account_id=key.account_id,
            offer_key=str(key),
            kind=key.kind,
            title=title[:200],
            action=action,
            product_id=product_id,
            quote_id=quote_id,
            actor_id=actor.user_id,
            occurred_at=now,
        )
    )


@dataclass(frozen=True)
class KindStats:
    kind: str
    #: Distinct offers (account and exact change) shown at least once.
    shown: int
    #: Quotes prepared from offers.
    prepared: int
    #: Offers taken by customers, and prepared quotes accepted.
    accepted: int

    @property
    def acceptance_rate(self) -> float | None:
        return round(self.accepted / self.shown, 4) if self.shown else None


async def offer_stats(db: Database, actor: Actor) -> list[KindStats]:
    """Per kind of offer: how many were shown, prepared and accepted (managers, admins)."""
    if actor.is_anonymous:
        raise NotAuthenticated()
    if actor.role not in (Role.MANAGER, Role.ADMIN):
        raise Forbidden("Managers see how offers fare.")
    events = RecommendationEvent
    # Distinct offers: the key names the account and the exact change.
    distinct_shown = (
        select(events.kind, events.offer_key)
        .where(events.action == SHOWN)
        .group_by(events.kind, events.offer_key)
        .subquery()
    )
    accepted = union_all(
        select(events.kind, events.offer_key).where(events.action == ACCEPTED),
        select(events.kind, events.offer_key)
        .join(Quote, Quote.id == events.quote_id)
        .where(events.action == PREPARED, Quote.status == QuoteStatus.ACCEPTED),
    ).subquery()
    async with db.session() as session:
        shown_counts: dict[str, int] = dict(
            (
                await session.execute(
                    select(distinct_shown.c.kind, func.count()).group_by(distinct_shown.c.kind)
                )
            ).all()
        )
        prepared_counts: dict[str, int] = dict(
            (
                await session.execute(
                    select(events.kind, func.count())
                    .where(events.action == PREPARED)
                    .group_by(events.kind)
                )
            ).all()
        )
        accepted_counts: dict[str, int] = dict(
            (
                await session.execute(
                    select(accepted.c.kind, func.count()).group_by(accepted.c.kind)
                )
            ).all()
        )
    return [
        KindStats(
            kind,
            shown_counts.get(kind, 0),
            prepared_counts.get(kind, 0),
            accepted_counts.get(kind, 0),
        )
        for kind in KINDS
    ]


async def offers_of_quotes(db: Database, quote_ids: list[int]) -> dict[int, str]:
    """The title of the offer each quote was prepared from (or made by taking), if any."""
    if not quote_ids:
        return {}
    statement = (
        select(RecommendationEvent.quote_id, RecommendationEvent.title)
        .where(
            RecommendationEvent.quote_id.in_(set(quote_ids)),
            RecommendationEvent.action.in_((PREPARED, ACCEPTED)),
        )
        .order_by(RecommendationEvent.id)
    )
    async with db.session() as session:
        return {quote_id: title for quote_id, title in await session.execute(statement) if quote_id}
