"""``recur recommend evaluate``: the offline evaluation of next best offers, printed
(docs/recommendations.md, "Measured lift").

It replays two books: the database's (the demo book after ``recur demo``) and a generated
book of ``--accounts`` accounts (``services/recommendations/generated_book.py``). It also
times a learning of the whole generated book, as the nightly refresh does it.
"""

from __future__ import annotations

import time
from datetime import date

from recur.core.offer_evaluation import Evaluation, evaluate, quarterly_cutoffs
from recur.core.offer_model import AccountHistory, learn
from recur.db.engine import Database
from recur.services import recommendations


async def book_histories(db: Database) -> list[AccountHistory[int]]:
    return [history async for history in recommendations.histories(db)]


def monthly_cutoffs(histories: list[AccountHistory[int]], today: date) -> list[date]:
    """A small book's cut-offs: every month's first day between its first purchase and today."""
    days = [p.day for h in histories for p in h.purchases]
    if not days:
        return []
    first = min(days)
    day = date(first.year, first.month, 1)
    cutoffs = []
    while day < today:
        if day > first:
            cutoffs.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return cutoffs


async def report(
    db: Database, *, today: date, accounts: int, seed: int, resamples: int
) -> list[str]:
    lines: list[str] = []
    histories = await book_histories(db)
    if histories:
        # The database's book is short: every month is a cut-off, and its later months are
        # judged on the purchases seen so far (their horizon is not complete).
        result = evaluate(
            "this database", histories, monthly_cutoffs(histories, today), resamples=resamples
        )
        lines += _lines(result)
    else:
        lines.append("Book: this database — no purchases yet.")
    generated = recommendations.generated_book(accounts, seed=seed)
    started = time.perf_counter()
    result = evaluate("generated", generated, quarterly_cutoffs(generated), resamples=resamples)
    lines += _lines(result)
    lines.append(f"  replayed in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    learn(generated, max(p.day for h in generated for p in h.purchases))
    lines.append(
        f"Learning the whole generated book ({accounts:,} accounts): "
        f"{(time.perf_counter() - started) * 1000:,.0f} ms"
    )
    return lines


def _lines(result: Evaluation) -> list[str]:
    return [*result.lines(), ""] if result.cases else [result.lines()[0], "  (no cases)", ""]
