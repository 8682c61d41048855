"""The next-best-offer model: what it counts, that it never looks past its day, how it widens
the cohort, and that the replay scores it fairly against popularity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from recur.core.offer_evaluation import evaluate, quarterly_cutoffs
from recur.core.offer_model import MIN_WATCHED, AccountHistory, Purchase, learn, popular
from recur.services.recommendations.generated_book import generated_book

DAY = date(2025, 1, 10)


def account(number: int, *purchases: tuple[str, date], seats: int = 5) -> AccountHistory[str]:
    return AccountHistory(
        number,
        "USD",
        "US",
        [
            Purchase(
                sku,
                day,
                seats if sku == "SEATS" else 1,
                Decimal(100),
                seats if sku == "SEATS" else 0,
            )
            for sku, day in purchases
        ],
    )


def book() -> list[AccountHistory[str]]:
    """20 accounts with seats; 15 add SSO three months later, 5 never do. 10 have SSO
    first (it never counts as bought after seats). 4 bought seats last month: not watched."""
    accounts = [account(n, ("SEATS", DAY), ("SSO", date(2025, 4, 10))) for n in range(15)]
    accounts += [account(n, ("SEATS", DAY)) for n in range(15, 20)]
    accounts += [account(n, ("SSO", DAY), ("SEATS", DAY)) for n in range(20, 30)]
    accounts += [account(n, ("SEATS", date(2026, 11, 1))) for n in range(30, 34)]
    accounts += [account(n, ("ANALYTICS", DAY)) for n in range(34, 74)]
    return accounts


def test_it_counts_who_bought_what_next_among_the_accounts_it_could_watch() -> None:
    model = learn(book(), date(2026, 12, 1))
    fresh = account(99, ("SEATS", date(2026, 9, 1)))
    sso = next(s for s in model.signals(fresh, date(2026, 12, 1)) if s.product == "SSO")
    assert (sso.added, sso.watched) == (15, 20)
    assert sso.because_of == "SEATS"
    assert sso.median_months == 3
    assert sso.watched >= MIN_WATCHED
    assert sso.cohort == "new USD accounts in North America with 1–9 seats"
    # The evidence ranks SSO first, above the far more popular Analytics.
    assert model.signals(fresh, date(2026, 12, 1))[0].product == "SSO"
    assert popular(model, fresh, date(2026, 12, 1))[0] == "ANALYTICS"


def test_nothing_after_its_day_is_looked_at() -> None:
    before_sso = learn(book(), date(2025, 3, 1))
    fresh = account(99, ("SEATS", date(2025, 2, 1)))
    sso = next(s for s in before_sso.signals(fresh, date(2025, 3, 1)) if s.product == "SSO")
    assert sso.added == 0
    assert before_sso.bought["SSO"] == 10  # only those who had it from the start


def test_a_cohort_too_small_gives_way_to_a_wider_one() -> None:
    model = learn(book(), date(2026, 12, 1))
    big = account(99, ("SEATS", date(2026, 6, 1)), seats=300)  # nobody this large watched
    sso = next(s for s in model.signals(big, date(2026, 12, 1)) if s.product == "SSO")
    assert sso.cohort == "accounts"
    assert (sso.added, sso.watched) == (15, 20)


def test_the_model_stays_the_same_size_as_the_book_grows() -> None:
    # Counts per cohort and pair of products: twice the accounts, hardly more counts.
    medium = learn(generated_book(4_000, seed=3), date(2026, 12, 1))
    large = learn(generated_book(8_000, seed=3), date(2026, 12, 1))
    assert len(large.pairs) < 1.25 * len(medium.pairs)
    assert all(len(pair.lags) == 7 for pair in large.pairs.values())


def test_the_generated_book_is_the_same_for_the_same_seed() -> None:
    assert generated_book(50, seed=11) == generated_book(50, seed=11)
    assert generated_book(50, seed=11) != generated_book(50, seed=12)


def test_the_replay_scores_the_model_against_popularity_with_intervals() -> None:
    histories = generated_book(1_500, seed=5)
    cutoffs = quarterly_cutoffs(histories)[-4:]
    result = evaluate("generated", histories, cutoffs, resamples=100)
    for estimate in (result.model_hit_rate, result.baseline_hit_rate, result.lift):
        assert estimate.low <= estimate.value <= estimate.high
    assert result.cases > 300
    assert result.lift.value >= 1.5  # the target, on a small book already
    assert result.lift.low > 1
    assert 0 < result.model_precision.value <= 1
    assert result.lines()[0].startswith("Book: generated — 1,500 accounts, 4 cut-offs")
