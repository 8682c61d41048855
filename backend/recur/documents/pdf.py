"""Lay out a :class:`~recur.documents.document.BillingDocument` as a PDF, with fpdf2.

A4, in DejaVu Sans, embedded (the subset a document uses; its license is in ``fonts/``):
its digits all have the same width, so right-aligned amounts line up, and it prints
Latin, Greek and Cyrillic names (a Russian "OOO", "Łódź") and the arrows of explanations as
they are. A character the font has no glyph for prints as its letter without accents when
that has one, else "?", so no name ever stops a document. The output depends only on the
document: ``generated_at`` is also the file's creation date.
"""

from __future__ import annotations

from datetime import UTC

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from recur.documents.document import BillingDocument, DocumentKind, DocumentLine, TaxLine
from recur.documents.document import long_date as day
from recur.documents.signature import signature_block
from recur.documents.text import (
    FAMILY,
    FONT_FILES,
    fit,
    money,
    percent,
    period,
    printable,
    unit_price,
)

MARGIN = 18.0
BOTTOM = 20.0
#: Column widths in mm: description, period, quantity, unit price, amount (174 mm between
#: margins).
COLUMNS = (62.0, 40.0, 14.0, 28.0, 30.0)
LINE = 4.6  # height of a line of 9 pt text
SMALL_LINE = 3.4  # height of a line of 7 pt text
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
#: Stands for the page count until the file is written (two characters wide, as "12").
#: It holds a control character, which :func:`printable` removes from every text but the
#: footer's page count, so no description can contain it.
PAGES_ALIAS = "\x1f#"


def render_pdf(document: BillingDocument) -> bytes:
    """The document as a PDF file; the same document always gives the same bytes."""
    pdf = DocumentPdf(document)
    pdf.add_page()
    pdf.title_block()
    pdf.parties()
    pdf.lines_table()
    pdf.totals()
    if document.kind is DocumentKind.QUOTE:
        signature_block(pdf)
    else:
        pdf.settlements()
    return bytes(pdf.output())


def _labels(document: BillingDocument) -> tuple[str, str, str, str]:
    """Section title, reference column, settled and outstanding labels."""
    if document.kind is DocumentKind.CREDIT_NOTE:
        return "Applied to invoices", "Invoice", "Applied", "Remaining credit"
    if document.credited:
        return "Payments and credits", "Payment or credit note", "Amount paid", "Balance due"
    return "Payments", "Payment", "Amount paid", "Balance due"


class DocumentPdf(FPDF):
    """One document's pages: fpdf2 calls :meth:`header` and :meth:`footer` on each."""

    def __init__(self, document: BillingDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        for style, path in FONT_FILES.items():
            self.add_font(FAMILY, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.alias_nb_pages(PAGES_ALIAS)
        self.in_lines_table = False
        title = f"{document.kind} {document.number}"
        self.set_title(title)
        self.set_subject(f"{title} to {document.buyer.name}")
        self.set_author(document.seller.name)
        self.set_creator("Recur")
        self.set_producer("Recur")
        self.set_lang("en")
        self.set_creation_date(document.generated_at.astimezone(UTC))

    def normalize_text(self, text: str) -> str:
        # Every text is made printable first; the footer makes its own (it holds the alias).
        return super().normalize_text(text if self.in_footer else printable(text))

    # Page furniture

    def header(self) -> None:
        if self.page_no() == 1:
            return
        d = self.document
        self.font(8, color=MUTED)
        self.cell(0, 4, f"{d.kind} {d.number} (continued)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        if self.in_lines_table:
            self._lines_heading()

    def footer(self) -> None:
        d = self.document
        self.set_y(-12)
        self.font(7.5, color=MUTED)
        self.cell(120, 4, printable(_one_line(f"{d.seller.name} · {d.kind} {d.number}")))
        self.cell(0, 4, f"Page {self.page_no()} of {PAGES_ALIAS}", align=Align.R)

    # Sections

    def title_block(self) -> None:
        d = self.document
        top = self.get_y()
        self.font(15, "B")
        self.multi_cell(100, 7, _one_line(d.seller.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(8.5, color=MUTED)
        for detail in d.seller.details:
            self.cell(100, 4.2, _one_line(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        seller_bottom = self.get_y()
        self.set_xy(self.w - MARGIN - 70, top)
        self.font(20, "B")
        self.cell(70, 9, str(d.kind), align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(11)
        self.cell(70, 6, d.number, align=Align.R)
        self.set_y(max(seller_bottom, top + 15) + 8)

    def parties(self) -> None:
        d = self.document
        top = self.get_y()
        self.font(8, "B", color=MUTED)
        label = {DocumentKind.CREDIT_NOTE: "Credited to", DocumentKind.QUOTE: "Prepared for"}.get(
            d.kind, "Bill to"
        )
        self.cell(90, 4.5, label.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(10.5, "B")
        self.multi_cell(90, 5.5, _one_line(d.buyer.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(9)
        for detail in d.buyer.details:
            self.multi_cell(90, LINE, _one_line(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        buyer_bottom = self.get_y()
        facts = [
            ("Period" if d.kind is DocumentKind.STATEMENT else "Number", d.number),
            ("PO number", d.purchase_order_number),
            ("Issued", day(d.issue_date)),
            ("Due", day(d.due_date) if d.due_date else ""),
            ("Valid until", day(d.valid_until) if d.valid_until else ""),
            *d.terms_of_quote,
            ("Terms", d.terms or ""),
            ("Status", d.status),
            ("Currency", d.currency),
        ]
        self.set_y(top)
        for name, value in facts:
            if not value:
                continue
            self.set_x(self.w - MARGIN - 84)
            self.font(9, color=MUTED)
            self.cell(26, LINE + 0.6, name)
            self.font(9, "B" if name == "Status" else "")
            self.cell(58, LINE + 0.6, fit(self, value, 58), align=Align.R)
            self.set_xy(MARGIN, self.get_y() + LINE + 0.6)
        self.set_y(max(buyer_bottom, self.get_y()) + 6)
        for remark in (d.corrects, d.note):
            if remark:
                self.font(9.5, "B")
                self.multi_cell(0, 5, remark, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(1)
        self.ln(2)

    def lines_table(self) -> None:
        self.in_lines_table = True
        self._lines_heading()
        if not self.document.lines:
            self.font(9, color=MUTED)
            self.cell(0, 8, "No lines.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for line in self.document.lines:
            self._line(line)
        self.in_lines_table = False

    def totals(self) -> None:
        d = self.document
        if d.totals_rows:
            rows = [(label, money(amount, d.currency), "") for label, amount in d.totals_rows]
            rows[-1] = (rows[-1][0], rows[-1][1], "B")
        else:
            taxes = d.tax_lines or (TaxLine("Tax", d.tax_rate_percent, d.tax),)
            rows = [
                ("Subtotal", money(d.subtotal, d.currency), ""),
                *(
                    (f"{tax.name} ({percent(tax.rate_percent)})", money(tax.amount, d.currency), "")
                    for tax in taxes
                ),
                ("Total", money(d.total, d.currency), "B"),
            ]
        self.ln(3)
        self.keep_together(len(rows) * 6 + 14)
        self._summary(rows)
        if d.tax_note:
            self.ln(1)
            self.font(8.5, "B")
            self.multi_cell(0, 4.4, d.tax_note, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def settlements(self) -> None:
        d = self.document
        title, column, settled, outstanding = _labels(d)
        self.ln(6)
        self.keep_together(14 + min(len(d.settlements), 3) * 5.5)
        self.font(11, "B")
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if d.settlements:
            widths = (COLUMNS[0], COLUMNS[1] + COLUMNS[2], COLUMNS[3])
            self.font(8, "B", color=MUTED)
            for width, name in zip(widths, (column, "Date", "Amount"), strict=True):
                self.cell(width, 5.5, name.upper(), align=_align(name == "Amount"))
            self._rule_below(5.5)
            for settlement in d.settlements:
                self.keep_together(5.5)
                self.font(9)
                self.cell(widths[0], 5.5, settlement.reference)
                self.cell(widths[1], 5.5, day(settlement.on))
                self.cell(
                    widths[2],
                    5.5,
                    money(settlement.amount, d.currency),
                    align=Align.R,
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
        else:
            self.font(9, color=MUTED)
            none = "None yet." if d.kind is DocumentKind.INVOICE else "Not applied yet."
            self.cell(0, 5.5, none, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.keep_together(18)
        rows = [(settled, money(d.settled, d.currency), "")]
        if d.credited:
            rows.append(("Credited", money(d.credited, d.currency), ""))
        rows.append((outstanding, money(d.outstanding, d.currency), "B"))
        self._summary(rows)
        self.font(7.5, color=MUTED)
        as_of = d.generated_at.astimezone(UTC)
        stamp = f"As of {day(as_of.date())}, {as_of:%H:%M} UTC."
        self.cell(0, 5, stamp, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Pieces

    def font(self, size: float, style: str = "", *, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FAMILY, style, size)
        self.set_text_color(*color)

    def keep_together(self, height: float) -> None:
        """Start a new page unless ``height`` more millimetres fit on this one."""
        if self.will_page_break(height):
            self.add_page()

    def _rule_below(self, height: float) -> None:
        y = self.get_y() + height
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, y, self.w - MARGIN, y)
        self.set_xy(MARGIN, y + 1)

    def _lines_heading(self) -> None:
        self.font(8, "B", color=MUTED)
        names = ("Description", "Period", "Qty", "Unit price", "Amount")
        for width, name in zip(COLUMNS, names, strict=True):
            self.cell(
                width,
                5.5,
                name.upper(),
                align=_align(name not in ("Description", "Period")),
            )
        self._rule_below(5.5)

    def _line(self, line: DocumentLine) -> None:
        """One line, its explanation in small type under it; never split across pages."""
        description_width, period_width, quantity_width, unit_width, amount_width = COLUMNS
        self.font(9)
        described = self._height(description_width, LINE, line.description)
        self.font(7)
        explained = self._height(description_width, SMALL_LINE, line.explanation)
        height = described + (explained + 0.8 if explained else 0) + 2
        if self.will_page_break(height) and self.get_y() > self.t_margin + 20:
            self.add_page()
        top = self.get_y()
        self.font(9)
        self.multi_cell(description_width, LINE, line.description, align=Align.L, new_x=XPos.LEFT)
        if explained:
            self.set_y(self.get_y() + 0.8)
            self.font(7, color=MUTED)
            self.multi_cell(
                description_width, SMALL_LINE, line.explanation, align=Align.L, new_x=XPos.LEFT
            )
        bottom = self.get_y() + 1.2
        self.set_xy(MARGIN + description_width, top)
        self.font(9)
        quantity = f"{line.quantity:,}" if line.quantity is not None else ""
        self.cell(period_width, LINE, period(line))
        self.cell(quantity_width, LINE, quantity, align=Align.R)
        unit = (
            "" if line.unit_amount is None else unit_price(line.unit_amount, self.document.currency)
        )
        self.cell(unit_width, LINE, unit, align=Align.R)
        self.cell(amount_width, LINE, money(line.amount, self.document.currency), align=Align.R)
        self.set_y(bottom)
        self._rule_below(0)

    def _height(self, width: float, line_height: float, text: str) -> float:
        if not text:
            return 0.0
        height = self.multi_cell(
            width, line_height, text, dry_run=True, output=MethodReturnValue.HEIGHT
        )
        if not isinstance(height, float | int):
            raise TypeError(f"fpdf2 measured {height!r}")
        return float(height)

    def _summary(self, rows: list[tuple[str, str, str]]) -> None:
        """Label and amount pairs at the right edge, like the foot of a ledger."""
        for label, value, style in rows:
            self.set_x(self.w - MARGIN - 90)
            self.font(9.5, style)
            self.cell(50, 6, label)
            self.cell(40, 6, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _align(right: bool) -> Align:
    return Align.R if right else Align.L


def _one_line(text: str) -> str:
    return " ".join(text.split())
