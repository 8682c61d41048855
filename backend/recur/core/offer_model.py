"""What accounts like this one bought next: the sequence model behind next best offers
(docs/recommendations.md, "The model").

Pure and explainable. Every account's history is a list of purchases (a product first bought
on a day, its quantity, its monthly value). Learning counts, for every pair of products
*A → B*, how many accounts that had A went on to buy B within :data:`HORIZON_MONTHS`
(``added``), out of how many had A without B and could be watched that long (``watched``).
The counts are kept per cohort — accounts of the same currency, size, region and tenure
when A was bought — and per wider cohort, so a recommendation uses the narrowest cohort that
has seen enough accounts (:data:`MIN_WATCHED`) and can say so in plain words: "31 of 40
accounts like this one added SSO within 6 months of buying Standard Seats".

The model holds counts per cohort and pair of products, never per account: its size does
not grow with the book.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

P = TypeVar("P", bound=Hashable)
T = TypeVar("T")

#: How long after buying A a purchase of B counts as "next".
HORIZON_MONTHS = 6
#: The fewest accounts a cohort must have watched for its rate to be used.
MIN_WATCHED = 12
#: Pseudo-accounts pulling a rate towards the product's overall rate (additive smoothing).
SMOOTHING = 4.0

SIZE_BANDS = ((10, "1–9 seats"), (50, "10–49 seats"), (200, "50–199 seats"), (None, "200+ seats"))
TENURE_BANDS = ((6, "new"), (24, "established"), (None, "long-standing"))
REGIONS = {
    **dict.fromkeys(("US", "CA", "MX"), "North America"),
    **dict.fromkeys(("GB", "IE"), "UK and Ireland"),
    **dict.fromkeys(
        ("DE", "AT", "CH", "FR", "BE", "NL", "LU", "IT", "ES", "PT", "SE", "DK", "FI", "NO", "PL"),
        "Europe",
    ),
    **dict.fromkeys(("AU", "NZ", "JP", "SG", "IN"), "Asia-Pacific"),
}


@dataclass(frozen=True)
class Purchase(Generic[P]):
    """A product seen on an account's order: the day, the quantity, what it is worth a month
    (list price), and how many seats it counts towards the account's size."""

    product: P
    day: date
    quantity: int
    monthly_value: Decimal
    seats: int = 0


@dataclass
class AccountHistory(Generic[P]):
    account_id: int
    currency: str
    country: str
    purchases: list[Purchase[P]] = field(default_factory=list)

    def first_bought(self, as_of: date) -> dict[P, Purchase[P]]:
        """Each product's first purchase on or before ``as_of``."""
        first: dict[P, Purchase[P]] = {}
        for purchase in sorted(self.purchases, key=lambda p: p.day):
            if purchase.day > as_of:
                break
            first.setdefault(purchase.product, purchase)
        return first

    def started(self) -> date | None:
        return min((p.day for p in self.purchases), default=None)

    def seats(self, as_of: date) -> int:
        return max((p.seats for p in self.purchases if p.day <= as_of), default=0)


def band(value: int, bands: Sequence[tuple[int | None, str]]) -> str:
    return next(label for limit, label in bands if limit is None or value < limit)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (Jan 31 → Feb 28 is none yet)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, the day clamped to the month's last (cheaper than
    ``relativedelta``, which learning calls for every purchase)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def region_of(country: str) -> str:
    return REGIONS.get(country.upper(), "elsewhere")


@dataclass(frozen=True)
class Profile:
    """What makes accounts alike, at one moment of their history."""

    currency: str
    region: str
    size: str
    tenure: str

    def cohorts(self) -> tuple[tuple[str, ...], ...]:
        """From the narrowest cohort to everyone."""
        return (
            (self.currency, self.region, self.size, self.tenure),
            (self.currency, self.size),
            (self.size,),
            (),
        )

    def describe(self, level: int) -> str:
        """The cohort of ``level`` in words, for the evidence."""
        if level == 0:
            return f"{self.tenure} {self.currency} accounts in {self.region} with {self.size}"
        if level == 1:
            return f"{self.currency} accounts with {self.size}"
        if level == 2:
            return f"accounts with {self.size}"
        return "accounts"


def profile_of(history: AccountHistory[P], as_of: date) -> Profile:
    started = history.started() or as_of
    return Profile(
        currency=history.currency,
        region=region_of(history.country),
        size=band(history.seats(as_of), SIZE_BANDS),
        tenure=band(months_between(started, as_of), TENURE_BANDS),
    )


@dataclass(frozen=True)
class Signal(Generic[P]):
    """Why B is likely for an account: the product A it has, and what its cohort did."""

    product: P
    because_of: P | None
    added: int
    watched: int
    cohort: str
    median_months: int | None
    score: float


@dataclass
class _Pair:
    """What accounts that had A did about B: bought it within the horizon (``added``, with
    the months it took), or had it already (``before``, watched ones only)."""

    added: int = 0
    before: int = 0
    added_unwatched: int = 0
    #: How many were added 0, 1, … HORIZON_MONTHS months after A: bounded, whatever the book.
    lags: list[int] = field(default_factory=lambda: [0] * (HORIZON_MONTHS + 1))


@dataclass
class OfferModel(Generic[P]):
    """Counts learned from a book as it stood on ``as_of``."""

    as_of: date
    pairs: dict[tuple[tuple[str, ...], P, P], _Pair]
    #: Accounts of a cohort that had A long enough to watch what they bought next.
    watched: dict[tuple[tuple[str, ...], P], int]
    #: How many accounts bought each product.
    bought: dict[P, int]
    accounts: int
    values: dict[tuple[str, P], Decimal]
    quantities: dict[tuple[str, P], int]

    def base_rate(self, product: P) -> float:
        return self.bought.get(product, 0) / self.accounts if self.accounts else 0.0

    def signals(self, history: AccountHistory[P], as_of: date) -> list[Signal[P]]:
        """For each product the account does not have, its best reason, most likely first."""
        owned = history.first_bought(as_of)
        profile = profile_of(history, as_of)
        best: dict[P, Signal[P]] = {}
        for product in self.bought:
            if product in owned:
                continue
            prior = self.base_rate(product)
            for antecedent in owned:
                signal = self._signal(profile, antecedent, product, prior)
                if signal and (product not in best or signal.score > best[product].score):
                    best[product] = signal
            if product not in best:
                best[product] = Signal(product, None, 0, 0, "accounts", None, prior * 0.5)
        return sorted(best.values(), key=lambda s: (-s.score, str(s.product)))

    def _signal(
        self, profile: Profile, antecedent: P, product: P, prior: float
    ) -> Signal[P] | None:
        for level, cohort in enumerate(profile.cohorts()):
            pair = self.pairs.get((cohort, antecedent, product), _NO_PAIR)
            watched = self.watched.get((cohort, antecedent), 0) - pair.before
            watched += pair.added_unwatched
            if watched <= 0 or (watched < MIN_WATCHED and level < 3):
                continue
            score = (pair.added + SMOOTHING * prior) / (watched + SMOOTHING)
            return Signal(
                product,
                antecedent,
                pair.added,
                watched,
                profile.describe(level),
                _median_of_counts(pair.lags),
                score,
            )
        return None

    def typical_value(self, currency: str, product: P) -> Decimal:
        return self.values.get((currency, product), Decimal(0))

    def typical_quantity(self, currency: str, product: P) -> int:
        return self.quantities.get((currency, product), 1)


_NO_PAIR = _Pair()


def learn(histories: Iterable[AccountHistory[P]], as_of: date) -> OfferModel[P]:
    """The model of a book as it stood on ``as_of``: nothing after it is looked at, so a
    replay of history learns only from its past."""
    learner: Learner[P] = Learner(as_of)
    for history in histories:
        learner.add(history)
    return learner.model()


class Learner(Generic[P]):
    """Learns one account at a time (a book streamed from the database): one pass, each
    account costing the square of the products it has, whatever the catalog's size."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.watch_until = shift_months(as_of, -HORIZON_MONTHS)
        self.pairs: dict[tuple[tuple[str, ...], P, P], _Pair] = defaultdict(_Pair)
        self.watched: dict[tuple[tuple[str, ...], P], int] = defaultdict(int)
        self.bought: dict[P, int] = defaultdict(int)
        self.values: dict[tuple[str, P], Counter[Decimal]] = defaultdict(Counter)
        self.quantities: dict[tuple[str, P], Counter[int]] = defaultdict(Counter)
        self.accounts = 0

    def add(self, history: AccountHistory[P]) -> None:
        first = history.first_bought(self.as_of)
        if not first:
            return
        self.accounts += 1
        for product, purchase in first.items():
            self.bought[product] += 1
            self.values[(history.currency, product)][purchase.monthly_value] += 1
            self.quantities[(history.currency, product)][purchase.quantity] += 1
        for a, bought_a in first.items():
            horizon = shift_months(bought_a.day, HORIZON_MONTHS)
            was_watched = bought_a.day <= self.watch_until
            cohorts = profile_of(history, bought_a.day).cohorts()
            if was_watched:
                for cohort in cohorts:
                    self.watched[(cohort, a)] += 1
            for b, bought_b in first.items():
                if b == a:
                    continue
                if bought_b.day <= bought_a.day:
                    if was_watched:  # had B already: never a purchase after A
                        for cohort in cohorts:
                            self.pairs[(cohort, a, b)].before += 1
                    continue
                if bought_b.day > horizon:
                    continue
                lag = min(months_between(bought_a.day, bought_b.day), HORIZON_MONTHS)
                for cohort in cohorts:
                    pair = self.pairs[(cohort, a, b)]
                    pair.added += 1
                    pair.lags[lag] += 1
                    if not was_watched:
                        pair.added_unwatched += 1

    def model(self) -> OfferModel[P]:
        return OfferModel(
            as_of=self.as_of,
            pairs=dict(self.pairs),
            watched=dict(self.watched),
            bought=dict(self.bought),
            accounts=self.accounts,
            values={key: _median(v) for key, v in self.values.items()},
            quantities={key: _median(q) for key, q in self.quantities.items()},
        )


def _median(counts: Counter[T]) -> T:
    """The (lower) median of values counted: the counts stay as small as the distinct values."""
    middle = (sum(counts.values()) - 1) // 2
    for value in sorted(counts):  # type: ignore[type-var]
        middle -= counts[value]
        if middle < 0:
            return value
    raise ValueError("nothing counted")


def _median_of_counts(lags: list[int]) -> int | None:
    total = sum(lags)
    if not total:
        return None
    return _median(Counter({months: n for months, n in enumerate(lags) if n}))


def popular(model: OfferModel[P], history: AccountHistory[P], as_of: date) -> list[P]:
    """The popularity baseline: the products most accounts bought, that this one lacks."""
    owned = history.first_bought(as_of)
    ranked = sorted(model.bought, key=lambda p: (-model.bought[p], str(p)))
    return [p for p in ranked if p not in owned]
