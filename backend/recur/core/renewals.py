"""Where a subscription's next term stands, as sales sees it before the term ends.

A renewal quote (kind ``RENEWAL``) for the term starting when the current one ends replaces
the automatic renewal: once accepted the new terms are agreed; while it is still on its way
(drafted, in approval, sent) it is quoted. Without one the billing run decides at term end:
it renews a subscription that renews automatically and expires the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from recur.core.lifecycle import FINAL, QuoteStatus

#: Statuses of a quote still on its way to an answer.
OPEN = frozenset(QuoteStatus) - FINAL
#: How far ahead sales looks for renewals by default (docs/subscriptions.md), and at most: a year,
#: leap day included.
DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 366


class RenewalStatus(StrEnum):
    AGREED = "AGREED"  # a renewal quote was accepted: its terms replace the automatic renewal
    QUOTED = "QUOTED"  # a renewal quote is open: drafted, in approval or sent
    AUTO_RENEWS = "AUTO_RENEWS"  # no renewal quote; the billing run renews at term end
    EXPIRES = "EXPIRES"  # no renewal quote, auto-renew off: the subscription ends


class RenewalQuote(Protocol):
    """What the rule reads of a renewal quote."""

    @property
    def status(self) -> QuoteStatus: ...

    @property
    def expires_on(self) -> date | None: ...


Q = TypeVar("Q", bound=RenewalQuote)


def is_open(quote: RenewalQuote, today: date) -> bool:
    """Still on its way: not answered, and if sent, not past its validity (a sent quote
    expires when someone tries to accept it too late, so its status may still say SENT)."""
    if quote.status not in OPEN:
        return False
    lapsed = quote.expires_on is not None and today > quote.expires_on
    return not (quote.status is QuoteStatus.SENT and lapsed)


def renewal_quote(quotes: Sequence[Q], today: date) -> Q | None:
    """The quote that decides the renewal: the accepted one, else the first open one.

    ``quotes`` are the subscription's renewal quotes for the coming term, newest first."""
    accepted = [q for q in quotes if q.status is QuoteStatus.ACCEPTED]
    if accepted:
        return accepted[0]
    return next((q for q in quotes if is_open(q, today)), None)


def renewal_status(quote: RenewalQuote | None, *, auto_renew: bool) -> RenewalStatus:
    """The status, given the deciding quote (see :func:`renewal_quote`) and auto-renew."""
    if quote is not None:
        return (
            RenewalStatus.AGREED if quote.status is QuoteStatus.ACCEPTED else RenewalStatus.QUOTED
        )
    return RenewalStatus.AUTO_RENEWS if auto_renew else RenewalStatus.EXPIRES
