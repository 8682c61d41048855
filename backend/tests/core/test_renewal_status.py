"""Where a renewal stands: an accepted renewal quote agrees it, an open one quotes it,
otherwise auto-renew decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from recur.core.lifecycle import QuoteStatus
from recur.core.renewals import OPEN, RenewalStatus, is_open, renewal_quote, renewal_status

TODAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Q:
    name: str
    status: QuoteStatus
    expires_on: date | None = None


def test_open_means_every_status_before_an_answer() -> None:
    assert {
        QuoteStatus.DRAFT,
        QuoteStatus.IN_REVIEW,
        QuoteStatus.PENDING_APPROVAL,
        QuoteStatus.APPROVED,
        QuoteStatus.SENT,
    } == OPEN


def test_a_sent_quote_past_its_validity_is_no_longer_open() -> None:
    assert is_open(Q("sent", QuoteStatus.SENT, expires_on=TODAY), TODAY)
    assert not is_open(Q("lapsed", QuoteStatus.SENT, expires_on=date(2026, 11, 23)), TODAY)
    assert is_open(Q("draft", QuoteStatus.DRAFT, expires_on=date(2026, 1, 1)), TODAY)
    assert not is_open(Q("declined", QuoteStatus.DECLINED), TODAY)


def test_the_accepted_quote_decides_even_when_newer_ones_are_open() -> None:
    quotes = [Q("newer draft", QuoteStatus.DRAFT), Q("accepted", QuoteStatus.ACCEPTED)]
    chosen = renewal_quote(quotes, TODAY)
    assert chosen is not None and chosen.name == "accepted"
    assert renewal_status(chosen, auto_renew=False) is RenewalStatus.AGREED


def test_otherwise_the_newest_open_quote_decides() -> None:
    quotes = [
        Q("declined", QuoteStatus.DECLINED),
        Q("lapsed", QuoteStatus.SENT, expires_on=date(2026, 11, 1)),
        Q("pending", QuoteStatus.PENDING_APPROVAL),
        Q("older draft", QuoteStatus.DRAFT),
    ]
    chosen = renewal_quote(quotes, TODAY)
    assert chosen is not None and chosen.name == "pending"
    assert renewal_status(chosen, auto_renew=True) is RenewalStatus.QUOTED


@pytest.mark.parametrize(
    ("auto_renew", "status"), [(True, RenewalStatus.AUTO_RENEWS), (False, RenewalStatus.EXPIRES)]
)
def test_without_a_quote_auto_renew_decides(auto_renew: bool, status: RenewalStatus) -> None:
    closed = [Q("declined", QuoteStatus.DECLINED), Q("expired", QuoteStatus.EXPIRED)]
    assert renewal_quote(closed, TODAY) is None
    assert renewal_status(None, auto_renew=auto_renew) is status
