"""A generated book of accounts with believable buying paths, for the offline evaluation
(docs/recommendations.md, "The generated book").

Seeded, so every run makes the same book. Four segments buy in different orders:

- **self-serve** (40 %) starts with Platform Core and 3–15 Standard Seats; then Revenue
  Analytics, then Transactional SMS.
- **sales-led** (30 %) starts with Platform Core and 15–60 Standard Seats; then SSO & SCIM
  once past 20 seats, then Professional Seats, sometimes Analytics.
- **enterprise** (15 %) starts with Platform Enterprise, 60–400 Professional Seats and SSO;
  then Premium Support, Sandbox, API Requests.
- **developer** (15 %) starts with Platform Core and API Requests; then Cloud Storage,
  Sandbox, Transactional SMS.

Each step has its chance and its delay after the one before.

Noise: one account in six also buys a product at random, at a random time, and every step
may be skipped. Seasonality: accounts start more often in the first and last quarter, and
sales-led and enterprise purchases due in the fourth quarter slip, half the time, to the
budget of January. Region and currency follow the segment (self-serve mostly North America
in USD, enterprise mostly Europe in EUR). Monthly values are the demo catalog's list prices.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from recur.core.offer_model import AccountHistory, Purchase

BOOK_START = date(2022, 1, 1)
BOOK_END = date(2026, 12, 1)

#: Monthly list value of one unit (or of the product, for flat prices), USD.
UNIT_VALUE = {
    "PLAT-CORE": Decimal("490"),
    "PLAT-ENT": Decimal("1490"),
    "SEAT-STD": Decimal("25"),
    "SEAT-PRO": Decimal("45"),
    "API-REQ": Decimal("15"),
    "STORAGE": Decimal("9"),
    "SMS": Decimal("0.0125"),
    "ANALYTICS": Decimal("199"),
    "SSO": Decimal("150"),
    "SANDBOX": Decimal("99"),
    "SUPPORT-PREM": Decimal("500"),
}
SEATS = {"SEAT-STD", "SEAT-PRO"}
EUR_RATE = Decimal("0.92")


@dataclass(frozen=True)
class Step:
    sku: str
    chance: float
    months: tuple[int, int]  # delay after the previous step, inclusive range
    quantity: tuple[int, int] = (1, 1)
    min_seats: int = 0  # taken only by accounts this large


@dataclass(frozen=True)
class Segment:
    name: str
    share: float
    regions: tuple[tuple[str, str, float], ...]  # country, currency, weight
    start: tuple[tuple[str, tuple[int, int]], ...]
    path: tuple[Step, ...]
    slips_to_january: bool


SEGMENTS = (
    Segment(
        "self-serve",
        0.40,
        (("US", "USD", 0.6), ("CA", "USD", 0.1), ("GB", "USD", 0.1), ("DE", "EUR", 0.2)),
        (("PLAT-CORE", (1, 1)), ("SEAT-STD", (3, 15))),
        (
            Step("ANALYTICS", 0.55, (1, 5)),
            Step("SMS", 0.40, (2, 6), (5_000, 40_000)),
        ),
        False,
    ),
    Segment(
        "sales-led",
        0.30,
        (("US", "USD", 0.5), ("GB", "USD", 0.1), ("DE", "EUR", 0.25), ("FR", "EUR", 0.15)),
        (("PLAT-CORE", (1, 1)), ("SEAT-STD", (15, 60))),
        (
            Step("SSO", 0.75, (2, 6), min_seats=20),
            Step("SEAT-PRO", 0.45, (3, 9), (20, 60)),
            Step("ANALYTICS", 0.25, (1, 6)),
        ),
        True,
    ),
    Segment(
        "enterprise",
        0.15,
        (("DE", "EUR", 0.35), ("FR", "EUR", 0.15), ("US", "USD", 0.4), ("JP", "USD", 0.1)),
        (("PLAT-ENT", (1, 1)), ("SEAT-PRO", (60, 400)), ("SSO", (1, 1))),
        (
            Step("SUPPORT-PREM", 0.65, (1, 4)),
            Step("SANDBOX", 0.50, (2, 8)),
            Step("API-REQ", 0.35, (2, 8), (20, 120)),
        ),
        True,
    ),
    Segment(
        "developer",
        0.15,
        (("US", "USD", 0.55), ("DE", "EUR", 0.25), ("AU", "USD", 0.2)),
        (("PLAT-CORE", (1, 1)), ("API-REQ", (5, 60))),
        (
            Step("STORAGE", 0.60, (1, 5), (5, 60)),
            Step("SANDBOX", 0.45, (2, 6)),
            Step("SMS", 0.30, (2, 6), (5_000, 40_000)),
        ),
        False,
    ),
)

#: Start months weighted: the first and last quarter sell more.
MONTH_WEIGHTS = (1.5, 1.5, 1.5, 1.0, 1.0, 1.0, 0.8, 0.8, 1.2, 1.5, 1.5, 1.5)


def generated_book(accounts: int = 5_000, *, seed: int = 7) -> list[AccountHistory[str]]:
    """``accounts`` generated histories, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible book, not a secret)
    months = (BOOK_END.year - BOOK_START.year) * 12 + BOOK_END.month - BOOK_START.month
    start_months = list(range(months - 6))
    weights = [MONTH_WEIGHTS[(BOOK_START.month - 1 + m) % 12] for m in start_months]
    return [
        _account(rng, number, rng.choices(start_months, weights)[0])
        for number in range(1, accounts + 1)
    ]


def _account(rng: random.Random, number: int, start_month: int) -> AccountHistory[str]:
    segment = rng.choices(SEGMENTS, [s.share for s in SEGMENTS])[0]
    country, currency, _ = rng.choices(segment.regions, [r[2] for r in segment.regions])[0]
    history: AccountHistory[str] = AccountHistory(number, currency, country)
    day = BOOK_START + relativedelta(months=start_month) + timedelta(days=rng.randrange(28))
    for sku, (low, high) in segment.start:
        _buy(history, sku, day, rng.randint(low, high))
    when = day
    for step in segment.path:
        if rng.random() > step.chance or history.seats(BOOK_END) < step.min_seats:
            continue
        when = when + relativedelta(months=rng.randint(*step.months), days=rng.randrange(28))
        if segment.slips_to_january and when.month >= 10 and rng.random() < 0.5:
            when = date(when.year + 1, 1, rng.randint(5, 25))
        if when > BOOK_END:
            break
        _buy(history, step.sku, when, rng.randint(*step.quantity))
    if rng.random() < 1 / 6:
        sku = rng.choice(sorted(UNIT_VALUE))
        extra = day + timedelta(days=rng.randrange(30, 900))
        if extra <= BOOK_END:
            _buy(history, sku, extra, 1)
    return history


def _buy(history: AccountHistory[str], sku: str, day: date, quantity: int) -> None:
    value = UNIT_VALUE[sku] * quantity
    if history.currency == "EUR":
        value = (value * EUR_RATE).quantize(Decimal("0.01"))
    history.purchases.append(
        Purchase(sku, day, quantity, value, seats=quantity if sku in SEATS else 0)
    )
