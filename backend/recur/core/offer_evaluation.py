"""The offline evaluation of next best offers: history replayed (docs/recommendations.md,
"Measured lift").

At each cut-off only the past is visible: the model is learned from purchases made by then,
recommends three products to every account that had bought something, and what the account
bought in the following :data:`~recur.core.offer_model.HORIZON_MONTHS` months is the truth.
The popularity baseline (the products most accounts bought, that this one lacks) is scored
the same way on the same cases.

- **Hit rate at 3**: of the (account, cut-off) cases where the account bought something new
  afterwards, the share where one of the three products recommended was among them.
- **MRR-weighted precision at 3**: of the monthly value recommended (each product at its
  typical monthly list value for the account's currency), the share that was bought.

Confidence intervals are the 2.5th and 97.5th percentiles of a bootstrap over accounts (an
account's cases at every cut-off are resampled together, since they are not independent).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from recur.core.offer_model import (
    HORIZON_MONTHS,
    AccountHistory,
    OfferModel,
    learn,
    popular,
    shift_months,
)

P = TypeVar("P", bound=Hashable)
K = 3


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


@dataclass
class _Tally:
    """One account's cases, summed over the cut-offs, for one recommender."""

    cases: int = 0
    hits: int = 0
    value_recommended: float = 0.0
    value_bought: float = 0.0


@dataclass(frozen=True)
class Evaluation:
    book: str
    accounts: int
    cutoffs: tuple[date, ...]
    cases: int
    model_hit_rate: Estimate
    baseline_hit_rate: Estimate
    model_precision: Estimate
    baseline_precision: Estimate
    lift: Estimate

    def lines(self) -> list[str]:
        return [
            f"Book: {self.book} — {self.accounts:,} accounts, {len(self.cutoffs)} cut-offs "
            f"({self.cutoffs[0].isoformat() if self.cutoffs else '—'} to "
            f"{self.cutoffs[-1].isoformat() if self.cutoffs else '—'}), {self.cases:,} cases "
            f"with a purchase in the next {HORIZON_MONTHS} months",
            f"  hit rate at {K}:          model {self.model_hit_rate}   "
            f"popularity {self.baseline_hit_rate}",
            f"  MRR-weighted precision: model {self.model_precision}   "
            f"popularity {self.baseline_precision}",
            "  lift (hit rate, model ÷ popularity): "
            + (str(self.lift) if self.baseline_hit_rate.value else "— (popularity never hit)"),
        ]


Recommender = Callable[[OfferModel[P], AccountHistory[P], date], list[P]]


def model_top(model: OfferModel[P], history: AccountHistory[P], as_of: date) -> list[P]:
    return [signal.product for signal in model.signals(history, as_of)[:K]]


def popularity_top(model: OfferModel[P], history: AccountHistory[P], as_of: date) -> list[P]:
    return popular(model, history, as_of)[:K]


def quarterly_cutoffs(
    histories: Sequence[AccountHistory[P]], *, warm_up_months: int = 12
) -> list[date]:
    """Every quarter's first day from ``warm_up_months`` after the first purchase to the last
    day whose horizon is fully known."""
    days = [p.day for h in histories for p in h.purchases]
    if not days:
        return []
    first, last = min(days), max(days)
    day = shift_months(date(first.year, first.month, 1), warm_up_months)
    day = day.replace(month=((day.month - 1) // 3) * 3 + 1)
    cutoffs = []
    while shift_months(day, HORIZON_MONTHS) <= last:
        cutoffs.append(day)
        day = shift_months(day, 3)
    return cutoffs


def evaluate(
    book: str,
    histories: Sequence[AccountHistory[P]],
    cutoffs: Sequence[date],
    *,
    resamples: int = 1000,
    seed: int = 20261203,
) -> Evaluation:
    """Replay the book at each cut-off and score the model against popularity."""
    tallies: dict[str, dict[int, _Tally]] = {"model": {}, "baseline": {}}
    recommenders: dict[str, Recommender[P]] = {"model": model_top, "baseline": popularity_top}
    for cutoff in cutoffs:
        model = learn(histories, cutoff)
        until = shift_months(cutoff, HORIZON_MONTHS)
        for history in histories:
            owned = history.first_bought(cutoff)
            if not owned:
                continue
            later = {p.product for p in history.purchases if cutoff < p.day <= until} - owned.keys()
            for name, recommend in recommenders.items():
                picks = recommend(model, history, cutoff)
                tally = tallies[name].setdefault(history.account_id, _Tally())
                for product in picks:
                    value = float(model.typical_value(history.currency, product) or Decimal(1))
                    tally.value_recommended += value
                    if product in later:
                        tally.value_bought += value
                if later:
                    tally.cases += 1
                    tally.hits += bool(later.intersection(picks))
    accounts = sorted(tallies["model"])
    rng = random.Random(seed)  # noqa: S311  (a reproducible bootstrap, not a secret)
    samples = [accounts] + [rng.choices(accounts, k=len(accounts)) for _ in range(resamples)]
    hit: dict[str, list[float]] = {"model": [], "baseline": []}
    precision: dict[str, list[float]] = {"model": [], "baseline": []}
    lift: list[float] = []
    for sample in samples:
        for name in ("model", "baseline"):
            rows = [tallies[name][a] for a in sample]
            cases = sum(t.cases for t in rows)
            hit[name].append(sum(t.hits for t in rows) / cases if cases else 0.0)
            recommended = sum(t.value_recommended for t in rows)
            precision[name].append(
                sum(t.value_bought for t in rows) / recommended if recommended else 0.0
            )
        lift.append(hit["model"][-1] / hit["baseline"][-1] if hit["baseline"][-1] else 0.0)
    return Evaluation(
        book=book,
        accounts=len(histories),
        cutoffs=tuple(cutoffs),
        cases=sum(t.cases for t in tallies["model"].values()),
        model_hit_rate=_estimate(hit["model"]),
        baseline_hit_rate=_estimate(hit["baseline"]),
        model_precision=_estimate(precision["model"]),
        baseline_precision=_estimate(precision["baseline"]),
        lift=_estimate(lift),
    )


def _estimate(values: list[float]) -> Estimate:
    """The first value is the full sample's; the rest are bootstrap resamples."""
    point, resampled = values[0], sorted(values[1:]) or [values[0]]
    low = resampled[int(0.025 * (len(resampled) - 1))]
    high = resampled[int(0.975 * (len(resampled) - 1))]
    return Estimate(point, low, high)
