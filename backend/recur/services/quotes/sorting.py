"""The orders the quotes list may be read in (docs/api.md, "Sorting and filtering lists"):
each over the quote's own columns and ending with its id, so a page is one query and a
cursor finds its place again. Totals are priced from the lines, so they are no order."""

from __future__ import annotations

from enum import StrEnum

from recur.db.models import Quote
from recur.services.common import Ordering


class QuoteSort(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    RECENTLY_UPDATED = "RECENTLY_UPDATED"
    START_DATE = "START_DATE"


QUOTE_ORDERINGS: dict[QuoteSort, Ordering] = {
    QuoteSort.NEWEST: Ordering((Quote.id,), descending=True),
    QuoteSort.OLDEST: Ordering((Quote.id,), name="OLDEST"),
    QuoteSort.RECENTLY_UPDATED: Ordering(
        (Quote.updated_at, Quote.id), descending=True, name="RECENTLY_UPDATED"
    ),
    QuoteSort.START_DATE: Ordering((Quote.start_date, Quote.id), name="START_DATE"),
}
