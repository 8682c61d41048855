"""Next best offers: an account's offers with their exact previews, a rep's quote made from
one, a customer taking one (docs/recommendations.md).

Every offer is a subscription change, so its money comes from the one pipeline: the preview
is ``change_subscription(preview=True)`` — the change carried out in full and rolled back —
and taking the offer, or accepting the quote prepared from it, runs the same code. An offer
whose change the pipeline refuses today is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Price, Product, Quote
from recur.services import quotes, subscriptions
from recur.services.common import Actor, Forbidden, Invalid, NotAuthenticated
from recur.services.recommendations.book import account_history, book_model
from recur.services.recommendations.candidates import Candidate, OfferKey, candidates
from recur.services.recommendations.feedback import ACCEPTED, PREPARED, SHOWN, record
from recur.services.recommendations.state import account_for, load_state
from recur.services.subscriptions import ChangeOutcome

MAX_FIRST = 10
#: Candidates tried beyond ``first``, in case the pipeline refuses some today.
SPARE = 4


@dataclass
class Offer:
    key: OfferKey
    title: str
    reason: str
    #: Why, for staff; empty for customers (internal: it counts other accounts).
    evidence: list[str]
    score: float
    product: Product
    price: Price
    preview: ChangeOutcome

    @property
    def kind(self) -> str:
        return self.key.kind

    @property
    def quantity(self) -> int:
        return self.key.quantity


def _require_user(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotAuthenticated()
    if not actor.is_user:
        raise Forbidden("Offers are for the account's users and its staff.")


async def _ranked(db: Database, actor: Actor, account_id: int, today: date) -> list[Candidate]:
    async with db.session() as session:
        account = await account_for(session, actor, account_id)
    if account is None:
        return []
    history = await account_history(db, account)
    model = await book_model(db, today)
    async with db.session() as session:
        state = await load_state(session, account, history, today)
    return candidates(state, model, today)


async def account_offers(
    db: Database,
    actor: Actor,
    *,
    account_id: int,
    first: int = 3,
    today: date,
    now: datetime,
    threshold: Decimal,
) -> list[Offer]:
    """The account's best ``first`` offers (an account the actor does not see has none),
    each with its exact preview; recorded as shown."""
    _require_user(actor)
    if not 0 <= first <= MAX_FIRST:
        raise Invalid.one("first", f"first is from 0 to {MAX_FIRST}.", "INVALID_FIRST")
    offers: list[Offer] = []
    for candidate in (await _ranked(db, actor, account_id, today))[: first + SPARE]:
        if len(offers) == first:
            break
        preview = await _preview(db, actor, candidate.key, today, now, threshold)
        if preview is None:
            continue
        offers.append(
            Offer(
                key=candidate.key,
                title=candidate.title,
                reason=candidate.reason,
                evidence=candidate.evidence if actor.role is not Role.CUSTOMER else [],
                score=round(candidate.score, 4),
                product=candidate.product,
                price=candidate.price,
                preview=preview,
            )
        )
    if offers:
        async with db.transaction() as session:
            for offer in offers:
                record(session, actor, offer.key, offer.title, offer.product.id, SHOWN, now=now)
    return offers


async def _preview(
    db: Database,
    actor: Actor,
    key: OfferKey,
    today: date,
    now: datetime,
    threshold: Decimal,
) -> ChangeOutcome | None:
    try:
        return await subscriptions.change_subscription(
            db,
            actor,
            subscription_id=key.subscription_id,
            effective_date=None,
            changes=key.requests(),
            today=today,
            now=now,
            preview=True,
            threshold=threshold,
        )
    except Invalid:
        return None


async def open_offer(db: Database, actor: Actor, offer_id: str, today: date) -> Candidate:
    """The offer ``offer_id`` names, if it is still one of its account's offers today."""
    key = OfferKey.parse(offer_id)
    if key is None:
        raise Invalid.one("recommendationId", "This is not an offer's id.", "INVALID_ID")
    for candidate in await _ranked(db, actor, key.account_id, today):
        if candidate.key == key:
            return candidate
    raise Invalid.one(
        "recommendationId",
        "This offer is no longer open: the account or the catalog changed since it was made.",
        "OFFER_GONE",
    )


async def prepare_offer(
    db: Database, actor: Actor, *, offer_id: str, today: date, now: datetime
) -> Quote:
    """A DRAFT amendment quote holding the offer, for a rep to send (or edit first)."""
    quotes.require_sales(actor)
    candidate = await open_offer(db, actor, offer_id, today)
    key = candidate.key
    quote = await subscriptions.create_amendment_quote(
        db, actor, subscription_id=key.subscription_id, today=today, now=now
    )
    item_line = next(
        (line for line in quote.lines if line.subscription_item_id == key.item_id), None
    )
    if key.item_id and item_line is not None:
        quote = await quotes.update_quote_line(
            db,
            actor,
            line_id=item_line.id,
            quantity=key.quantity if key.price_id == item_line.price_id else 0,
            discount=None,
            expected_version=quote.version,
            now=now,
        )
    if not key.item_id or key.price_id != (item_line.price_id if item_line else None):
        quote = await quotes.add_quote_line(
            db,
            actor,
            quote_id=quote.id,
            price_id=key.price_id,
            quantity=key.quantity,
            discount=Decimal(0),
            expected_version=quote.version,
            now=now,
        )
    async with db.transaction() as session:
        record(
            session,
            actor,
            key,
            candidate.title,
            candidate.product.id,
            PREPARED,
            quote_id=quote.id,
            now=now,
        )
    return await quotes.reloaded_quote(db, actor, quote.id)


async def take_offer(
    db: Database,
    actor: Actor,
    *,
    offer_id: str,
    today: date,
    now: datetime,
    threshold: Decimal,
) -> ChangeOutcome:
    """Take an offer now: the change it previews, through ``changeSubscription``'s pipeline."""
    _require_user(actor)
    candidate = await open_offer(db, actor, offer_id, today)
    key = candidate.key
    outcome = await subscriptions.change_subscription(
        db,
        actor,
        subscription_id=key.subscription_id,
        effective_date=None,
        changes=key.requests(),
        today=today,
        now=now,
        threshold=threshold,
    )
    async with db.transaction() as session:
        record(
            session,
            actor,
            key,
            candidate.title,
            candidate.product.id,
            ACCEPTED,
            quote_id=outcome.quote.id,
            now=now,
        )
    return outcome
