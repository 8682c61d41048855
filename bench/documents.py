"""How long an invoice PDF takes to lay out, now that DejaVu Sans is embedded (subset).

    python bench/documents.py              # 1, 20 and 200 lines, 20 renders each
    python bench/documents.py --renders 50

Renders a plain ``BillingDocument`` in-process (no database, no HTTP): the work the
document endpoints add to a request after reading the invoice. Prints the median and the
95th percentile per size, and the file size. Figures: docs/performance.md, "Invoice PDFs".
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime
from decimal import Decimal

from recur.documents import BillingDocument, DocumentKind, DocumentLine, Party, render_pdf

BUYER = (
    "\u041e\u041e\u041e \u0420\u043e\u043c\u0430\u0448\u043a\u0430"  # Cyrillic: the font's glyphs
)


def document(lines: int) -> BillingDocument:
    line = DocumentLine(
        description="Standard Seats (monthly)",
        amount=Decimal("562.50"),
        quantity=25,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        explanation="25 → 30 from Dec 2, 28 of 30 days",
        unit_amount=Decimal("22.50"),
    )
    subtotal = Decimal("562.50") * lines
    return BillingDocument(
        kind=DocumentKind.INVOICE,
        number="INV-000042",
        status="Open",
        currency="USD",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        seller=Party("Recur, Inc.", ("123 Example Street", "San Francisco, CA 94105")),
        buyer=Party(BUYER, ("ул. Ленина 1", "101000 Москва", "Russia")),
        lines=(line,) * lines,
        subtotal=subtotal,
        tax_rate_percent=Decimal(0),
        tax=Decimal(0),
        total=subtotal,
        settled=Decimal(0),
        outstanding=subtotal,
        generated_at=datetime(2026, 1, 20, 9, 30, tzinfo=UTC),
        purchase_order_number="PO-2026-0042",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    render_pdf(document(1))  # the font's glyph table is read once per process
    print("lines  median ms  p95 ms  bytes")
    for size in (1, 20, 200):
        doc = document(size)
        timings = []
        for _ in range(args.renders):
            start = time.perf_counter()
            content = render_pdf(doc)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{size:5d}  {statistics.median(timings):9.1f}  {p95:6.1f}  {len(content):,}")


if __name__ == "__main__":
    main()
