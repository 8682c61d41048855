"""Lay out a :class:`~recur.documents.document.BillingDocument` as a PDF, with fpdf2.

A4, the PDF core font Helvetica (whose digits all have the same width, so right-aligned
amounts line up) in the Windows-1252 encoding: Western European names such as
"Müller & Søn" print as they are; other letters are spelled without their accents
("Łódź" prints "Lodz") and anything else as "?", so no name ever stops a document.
The output depends only on the document: ``generated_at`` is also the file's creation date.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from recur.core.money import Money
from recur.documents.document import BillingDocument, DocumentKind, DocumentLine
from recur.documents.document import long_date as day

ENCODING = "cp1252"
MARGIN = 18.0
BOTTOM = 20.0
#: Column widths in mm: description, period, quantity, amount (174 mm between margins).
COLUMNS = (80.0, 44.0, 16.0, 34.0)
LINE = 4.6  # height of a line of 9 pt text
SMALL_LINE = 3.4  # height of a line of 7 pt text
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
#: Stands for the page count until the file is written (two characters wide, as "12").
#: It holds a control character, which :func:`printable` removes from every text but the
#: footer's page count, so no description can contain it.
PAGES_ALIAS = "\x1f#"
#: Letters without a Windows-1252 form that do not decompose into one with an accent.
SPELLED = dict(zip("ŁłĐđĦħŦŧĿŀı\u2212\u2010\u2011", "LlDdHhTtLli---", strict=True))


def render_pdf(document: BillingDocument) -> bytes:
    """The document as a PDF file; the same document always gives the same bytes."""
    pdf = _DocumentPdf(document)
    pdf.add_page()
    pdf.title_block()
    pdf.parties()
    pdf.lines_table()
    pdf.totals()
    pdf.settlements()
    return bytes(pdf.output())


def printable(text: str) -> str:
    """``text`` in what the core fonts can print: control characters dropped (line breaks
    kept), letters outside Windows-1252 without their accents, anything else ``?``."""
    out: list[str] = []
    for char in text:
        if char == "\n" or (char.isprintable() and _encodable(char)):
            out.append(char)
        elif char in "\t\r\u2028\u2029" or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        elif char in SPELLED:
            out.append(SPELLED[char])
        else:
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(bare if bare and _encodable(bare) else "?")
    return "".join(out)


def _encodable(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def money(amount: Decimal, currency: str) -> str:
    return Money(amount, currency).format()


def period(line: DocumentLine) -> str:
    """``Nov 24 – Dec 23, 2026``; the year once when both days share it."""
    start, end = line.period_start, line.period_end
    if start is None:
        return ""
    if end is None or end == start:
        return day(start)
    if start.year == end.year:
        return f"{start:%b} {start.day} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def percent(rate: Decimal) -> str:
    return f"{rate.normalize():f} %"


def _labels(document: BillingDocument) -> tuple[str, str, str, str]:
    """Section title, reference column, settled and outstanding labels."""
    if document.kind is DocumentKind.CREDIT_NOTE:
        return "Applied to invoices", "Invoice", "Applied", "Remaining credit"
    if document.credited:
        return "Payments and credits", "Payment or credit note", "Amount paid", "Balance due"
    return "Payments", "Payment", "Amount paid", "Balance due"


class _DocumentPdf(FPDF):
    """One document's pages: fpdf2 calls :meth:`header` and :meth:`footer` on each."""

    def __init__(self, document: BillingDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.core_fonts_encoding = ENCODING
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
        self._font(8, color=MUTED)
        self.cell(0, 4, f"{d.kind} {d.number} (continued)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        if self.in_lines_table:
            self._lines_heading()

    def footer(self) -> None:
        d = self.document
        self.set_y(-12)
        self._font(7.5, color=MUTED)
        self.cell(120, 4, printable(_one_line(f"{d.seller.name} · {d.kind} {d.number}")))
        self.cell(0, 4, f"Page {self.page_no()} of {PAGES_ALIAS}", align=Align.R)

    # Sections

    def title_block(self) -> None:
        d = self.document
        top = self.get_y()
        self._font(15, "B")
        self.multi_cell(100, 7, _one_line(d.seller.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._font(8.5, color=MUTED)
        for detail in d.seller.details:
            self.cell(100, 4.2, _one_line(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        seller_bottom = self.get_y()
        self.set_xy(self.w - MARGIN - 70, top)
        self._font(20, "B")
        self.cell(70, 9, str(d.kind), align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self._font(11)
        self.cell(70, 6, d.number, align=Align.R)
        self.set_y(max(seller_bottom, top + 15) + 8)

    def parties(self) -> None:
        d = self.document
        top = self.get_y()
        self._font(8, "B", color=MUTED)
        label = "Credited to" if d.kind is DocumentKind.CREDIT_NOTE else "Bill to"
        self.cell(90, 4.5, label.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._font(10.5, "B")
        self.multi_cell(90, 5.5, _one_line(d.buyer.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._font(9)
        for detail in d.buyer.details:
            self.multi_cell(90, LINE, _one_line(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        buyer_bottom = self.get_y()
        facts = [
            ("Number", d.number),
            ("Issued", day(d.issue_date)),
            ("Due", day(d.due_date) if d.due_date else ""),
            ("Terms", d.terms or ""),
            ("Status", d.status),
            ("Currency", d.currency),
        ]
        self.set_y(top)
        for name, value in facts:
            if not value:
                continue
            self.set_x(self.w - MARGIN - 74)
            self._font(9, color=MUTED)
            self.cell(30, LINE + 0.6, name)
            self._font(9, "B" if name == "Status" else "")
            self.cell(44, LINE + 0.6, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(buyer_bottom, self.get_y()) + 6)
        for remark in (d.corrects, d.note):
            if remark:
                self._font(9.5, "B")
                self.multi_cell(0, 5, remark, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(1)
        self.ln(2)

    def lines_table(self) -> None:
        self.in_lines_table = True
        self._lines_heading()
        if not self.document.lines:
            self._font(9, color=MUTED)
            self.cell(0, 8, "No lines.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for line in self.document.lines:
            self._line(line)
        self.in_lines_table = False

    def totals(self) -> None:
        d = self.document
        rows = [
            ("Subtotal", money(d.subtotal, d.currency), ""),
            (f"Tax ({percent(d.tax_rate_percent)})", money(d.tax, d.currency), ""),
            ("Total", money(d.total, d.currency), "B"),
        ]
        self.ln(3)
        self._keep_together(len(rows) * 6 + 4)
        self._summary(rows)

    def settlements(self) -> None:
        d = self.document
        title, column, settled, outstanding = _labels(d)
        self.ln(6)
        self._keep_together(14 + min(len(d.settlements), 3) * 5.5)
        self._font(11, "B")
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if d.settlements:
            widths = (COLUMNS[0], COLUMNS[1] + COLUMNS[2], COLUMNS[3])
            self._font(8, "B", color=MUTED)
            for width, name in zip(widths, (column, "Date", "Amount"), strict=True):
                self.cell(width, 5.5, name.upper(), align=_align(name == "Amount"))
            self._rule_below(5.5)
            for settlement in d.settlements:
                self._keep_together(5.5)
                self._font(9)
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
            self._font(9, color=MUTED)
            none = "None yet." if d.kind is DocumentKind.INVOICE else "Not applied yet."
            self.cell(0, 5.5, none, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self._keep_together(18)
        rows = [(settled, money(d.settled, d.currency), "")]
        if d.credited:
            rows.append(("Credited", money(d.credited, d.currency), ""))
        rows.append((outstanding, money(d.outstanding, d.currency), "B"))
        self._summary(rows)
        self._font(7.5, color=MUTED)
        as_of = d.generated_at.astimezone(UTC)
        stamp = f"As of {day(as_of.date())}, {as_of:%H:%M} UTC."
        self.cell(0, 5, stamp, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Pieces

    def _font(self, size: float, style: str = "", *, color: tuple[int, int, int] = INK) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)

    def _keep_together(self, height: float) -> None:
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
        self._font(8, "B", color=MUTED)
        names = ("Description", "Period", "Qty", "Amount")
        for width, name in zip(COLUMNS, names, strict=True):
            self.cell(width, 5.5, name.upper(), align=_align(name in ("Qty", "Amount")))
        self._rule_below(5.5)

    def _line(self, line: DocumentLine) -> None:
        """One line, its explanation in small type under it; never split across pages."""
        description_width, period_width, quantity_width, amount_width = COLUMNS
        self._font(9)
        described = self._height(description_width, LINE, line.description)
        self._font(7)
        explained = self._height(description_width, SMALL_LINE, line.explanation)
        height = described + (explained + 0.8 if explained else 0) + 2
        if self.will_page_break(height) and self.get_y() > self.t_margin + 20:
            self.add_page()
        top = self.get_y()
        self._font(9)
        self.multi_cell(description_width, LINE, line.description, align=Align.L, new_x=XPos.LEFT)
        if explained:
            self.set_y(self.get_y() + 0.8)
            self._font(7, color=MUTED)
            self.multi_cell(
                description_width, SMALL_LINE, line.explanation, align=Align.L, new_x=XPos.LEFT
            )
        bottom = self.get_y() + 1.2
        self.set_xy(MARGIN + description_width, top)
        self._font(9)
        quantity = f"{line.quantity:,}" if line.quantity is not None else ""
        self.cell(period_width, LINE, period(line))
        self.cell(quantity_width, LINE, quantity, align=Align.R)
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
            self._font(9.5, style)
            self.cell(50, 6, label)
            self.cell(40, 6, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _align(right: bool) -> Align:
    return Align.R if right else Align.L


def _one_line(text: str) -> str:
    return " ".join(text.split())
