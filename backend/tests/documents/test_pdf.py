"""The PDF of an invoice or credit note: what it prints, over as many pages as it needs."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from recur.documents import (
    BillingDocument,
    DocumentKind,
    DocumentLine,
    Party,
    Settlement,
    render_pdf,
)
from recur.documents.pdf import printable

#: "OOO Romashka" in Cyrillic letters, and a Greek company name (escaped: they look Latin).
ROMASHKA = "\u041e\u041e\u041e \u0420\u043e\u043c\u0430\u0448\u043a\u0430"
GREEK = "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ae \u0391.\u0395."
SELLER = Party("Recur, Inc.", ("123 Example Street", "San Francisco, CA 94105"))
SEATS = DocumentLine(
    description="Standard Seats",
    amount=Decimal("562.50"),
    quantity=25,
    period_start=date(2026, 1, 1),
    period_end=date(2026, 1, 31),
    explanation="25 × USD 25.00 list, 10 % discount, for Jan 1 – Jan 31, 2026.",
)
SETUP = DocumentLine(description="Onboarding package", amount=Decimal("1500"), quantity=1)
INVOICE = BillingDocument(
    kind=DocumentKind.INVOICE,
    number="INV-000042",
    status="Open",
    currency="USD",
    issue_date=date(2026, 1, 1),
    due_date=date(2026, 1, 31),
    terms="Net 30 days",
    seller=SELLER,
    buyer=Party("Acme Corp"),
    lines=(SEATS, SETUP),
    subtotal=Decimal("2062.50"),
    tax_rate_percent=Decimal("8.2500"),
    tax=Decimal("170.16"),
    total=Decimal("2232.66"),
    settlements=(Settlement("PAY-000007", date(2026, 1, 11), Decimal("1000")),),
    settled=Decimal("1000"),
    outstanding=Decimal("1232.66"),
    generated_at=datetime(2026, 1, 20, 9, 30, tzinfo=UTC),
)


def pages(pdf: bytes) -> list[str]:
    """The text of each page, with runs of whitespace as single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def many_lines(count: int) -> tuple[DocumentLine, ...]:
    return tuple(
        dataclasses.replace(
            SEATS,
            description=f"Seats for team {n:03d}",
            explanation=f"Explained {n:03d}: " + "list price, discount, period. " * (n % 4),
        )
        for n in range(1, count + 1)
    )


def test_an_invoice_prints_who_what_when_and_how_much() -> None:
    pdf = render_pdf(INVOICE)

    assert pdf.startswith(b"%PDF-")
    [text] = pages(pdf)
    for words in (
        "Recur, Inc.",
        "123 Example Street",
        "Invoice INV-000042",
        "BILL TO Acme Corp",
        "Issued Jan 1, 2026",
        "Due Jan 31, 2026",
        "Terms Net 30 days",
        "Status Open",
        "Standard Seats",
        "25 × USD 25.00 list, 10 % discount",
        "Jan 1 – Jan 31, 2026 25 USD 562.50",
        "Onboarding package",
        "1 USD 1,500.00",
        "Subtotal USD 2,062.50",
        "Tax (8.25 %) USD 170.16",
        "Total USD 2,232.66",
        "PAY-000007 Jan 11, 2026 USD 1,000.00",
        "Amount paid USD 1,000.00",
        "Balance due USD 1,232.66",
        "As of Jan 20, 2026, 09:30 UTC.",
        "Page 1 of 1",
    ):
        assert words in text


def test_the_file_says_what_it_is_and_depends_only_on_the_document() -> None:
    pdf = render_pdf(INVOICE)

    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Invoice INV-000042"
    assert metadata.author == "Recur, Inc."
    assert metadata.creation_date == INVOICE.generated_at
    assert render_pdf(INVOICE) == pdf
    later = dataclasses.replace(INVOICE, generated_at=datetime(2026, 1, 21, tzinfo=UTC))
    assert render_pdf(later) != pdf


def test_two_hundred_lines_run_over_numbered_pages_each_line_whole_and_once() -> None:
    document = dataclasses.replace(INVOICE, lines=many_lines(200))

    texts = pages(render_pdf(document))

    count = len(texts)
    assert count > 5
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {count}" in text
        if number > 1:
            assert "Invoice INV-000042 (continued) DESCRIPTION PERIOD QTY UNIT PRICE AMOUNT" in text
    everything = " ".join(texts)
    for n in range(1, 201):
        assert everything.count(f"Seats for team {n:03d}") == 1
        # A line's explanation is printed on the same page as the line.
        [page] = [text for text in texts if f"Seats for team {n:03d}" in text]
        assert f"Explained {n:03d}:" in page
    assert "Balance due USD 1,232.66" in texts[-1]


def test_an_invoice_without_payments_says_so() -> None:
    document = dataclasses.replace(
        INVOICE, settlements=(), settled=Decimal(0), outstanding=INVOICE.total
    )

    [text] = pages(render_pdf(document))

    assert "Payments None yet." in text
    assert "Amount paid USD 0.00 Balance due USD 2,232.66" in text


def test_a_credit_note_prints_what_it_corrects_and_the_credit_left() -> None:
    document = dataclasses.replace(
        INVOICE,
        kind=DocumentKind.CREDIT_NOTE,
        number="CN-000003",
        status="Open",
        due_date=None,
        terms=None,
        corrects="Credits invoice INV-000042: seats billed twice",
        settlements=(Settlement("INV-000050", date(2026, 2, 1), Decimal("500")),),
        settled=Decimal("500"),
        outstanding=Decimal("1732.66"),
    )

    [text] = pages(render_pdf(document))

    assert "Credit note CN-000003" in text
    assert "CREDITED TO Acme Corp" in text
    assert "Due " not in text
    assert "Credits invoice INV-000042: seats billed twice" in text
    assert "Applied to invoices INVOICE DATE AMOUNT INV-000050 Feb 1, 2026 USD 500.00" in text
    assert "Applied USD 500.00 Remaining credit USD 1,732.66" in text


def test_amounts_have_the_currencys_decimals() -> None:
    document = dataclasses.replace(
        INVOICE,
        currency="JPY",
        lines=(dataclasses.replace(SETUP, amount=Decimal("150000")),),
        subtotal=Decimal("150000"),
        tax_rate_percent=Decimal("10"),
        tax=Decimal("15000"),
        total=Decimal("165000"),
        settlements=(),
        settled=Decimal(0),
        outstanding=Decimal("165000"),
    )

    [text] = pages(render_pdf(document))

    assert "Tax (10 %) JPY 15,000" in text
    assert "Total JPY 165,000" in text


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Müller & Søn", "Müller & Søn"),
        ("Société Générale – Œuvres", "Société Générale – Œuvres"),
        ("Łódź Sp. z o.o.", "Łódź Sp. z o.o."),
        ("Dvořák s.r.o.", "Dvořák s.r.o."),
        (ROMASHKA, ROMASHKA),
        (GREEK, GREEK),
        ("25 → 30 seats", "25 → 30 seats"),
        ("東京商事株式会社", "????????"),
        ("Rocket 🚀 Labs", "Rocket ? Labs"),
        ("Tab\tand\u00a0spaces\x00\x07", "Tab and spaces"),
        ("Page {nb} of \x1f# people", "Page {nb} of # people"),
    ],
)
def test_any_name_prints_and_never_stops_a_document(name: str, printed: str) -> None:
    document = dataclasses.replace(
        INVOICE,
        buyer=Party(name),
        seller=Party(name, (name,)),
        lines=(dataclasses.replace(SEATS, description=name, explanation=name),),
    )

    [text] = pages(render_pdf(document))

    assert text.count(printed) >= 4  # seller, its details, buyer, line (and footer)
    assert "Page 1 of 1" in text


def test_printable_keeps_line_breaks_and_drops_control_characters() -> None:
    assert printable("one\ntwo\r\nthree\x1b[0m") == "one\ntwo \nthree[0m"
    assert printable("\u22125 \u2011 3") == "\u22125 \u2011 3"  # the font has both
    assert printable("ﬁne") == "ﬁne"  # a ligature the font has prints as it is
    assert printable("東京") == "??"  # no glyph, no plain letter: "?"
