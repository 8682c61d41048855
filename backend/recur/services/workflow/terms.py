"""A quote's start, term and uplift, checked for its kind: an amendment's effective date
within what staff may choose, a renewal's start where the term it renews ends."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from recur.core import quotes as rules
from recur.core.lifecycle import QuoteKind
from recur.core.roles import Role
from recur.db.engine import Database
from recur.db.models import Quote
from recur.services import subscriptions
from recur.services.common import Actor, Forbidden, Invalid
from recur.services.quotes import (
    bump_version,
    check_editable,
    check_version,
    edited_status,
    load_quote,
    prices_for,
    reloaded_quote,
    require_quoter,
    require_user,
    rule_problem,
)
from recur.services.workflow import paperwork


async def update_terms(
    db: Database,
    actor: Actor,
    *,
    quote_id: int,
    start_date: date | None,
    term_months: int | None,
    expected_version: int | None,
    today: date,
    now: datetime,
    uplift_percent: Decimal | None = None,
    purchase_order_number: str | None = None,
) -> Quote:
    """Change a quote's start date, term or (renewals) uplift: sales on editable quotes,
    customers on their cart, partner clients with ``quotes:write`` on their own quotes. An
    amendment's start date is the day it takes effect."""
    if actor.is_partner:
        require_quoter(actor)
    else:
        require_user(actor)
    async with db.transaction() as session:
        quote = await load_quote(session, actor, quote_id, for_update=True)
        if quote is None:
            raise Invalid.one("quoteId", "There is no such quote.", "UNKNOWN_QUOTE")
        if actor.role is Role.CUSTOMER and not quote.is_cart:
            raise Forbidden("Ask your sales rep to change the terms of a quote.")
        if not actor.is_partner and actor.role not in (
            Role.CUSTOMER,
            Role.REP,
            Role.MANAGER,
            Role.ADMIN,
        ):
            raise Forbidden("Only sales can change quotes.")
        check_version(quote, expected_version)
        check_editable(quote)
        start = quote.start_date if start_date is None else start_date
        term = quote.term_months if term_months is None else term_months
        uplift = quote.uplift_percent if uplift_percent is None else uplift_percent
        _check_kind_terms(quote, start, term, uplift)
        prices = await prices_for(session, [quote])
        try:
            if start_date is not None and quote.kind is QuoteKind.NEW:
                rules.check_start_date(start, today)
            rules.check_term(term, [p.billing_period for p in prices.values()])
            rules.check_term_end(start, term)
            rules.check_uplift(uplift)
        except rules.QuoteRuleError as error:
            raise rule_problem(error) from None
        quote.start_date, quote.term_months, quote.uplift_percent = start, term, uplift
        if purchase_order_number is not None:
            quote.purchase_order_number = paperwork.purchase_order_number(purchase_order_number)
        if start_date is not None and quote.kind is QuoteKind.AMENDMENT:
            await subscriptions.check_amendment_date(session, quote, today)
        quote.status = edited_status(quote.status)
        await bump_version(session, quote, now)
    return await reloaded_quote(db, actor, quote_id)


def _check_kind_terms(quote: Quote, start: date, term: int, uplift: Decimal) -> None:
    """An amendment runs to the end of the term it changes; a renewal starts where the term
    it renews ends; only a renewal raises prices by an uplift."""
    if quote.kind is QuoteKind.AMENDMENT and term != quote.term_months:
        raise Invalid.one(
            "termMonths",
            "An amendment runs to the end of the subscription's term: its length is fixed.",
            "FIXED_TERM",
        )
    if quote.kind is QuoteKind.RENEWAL and start != quote.start_date:
        raise Invalid.one(
            "startDate",
            f"A renewal starts when the current term ends, on {quote.start_date.isoformat()}.",
            "FIXED_START",
        )
    if quote.kind is not QuoteKind.RENEWAL and uplift != quote.uplift_percent:
        raise Invalid.one(
            "upliftPercent", "Only a renewal raises prices by an uplift.", "NOT_RENEWAL"
        )
