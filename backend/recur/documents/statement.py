"""An account statement as a PDF: the billing documents' page, parties and fonts, with
the statement's own table — date, document, description, amount and running balance
(docs/collections.md, "Statement")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from fpdf.enums import Align, XPos, YPos

from recur.documents.document import BillingDocument, DocumentKind, Party
from recur.documents.document import long_date as day
from recur.documents.pdf import MARGIN, MUTED, DocumentPdf
from recur.documents.text import money

#: Column widths in mm: date, document, description, amount, balance (174 mm).
STATEMENT_COLUMNS = (24.0, 28.0, 62.0, 30.0, 30.0)
ROW = 5.2


@dataclass(frozen=True)
class StatementLine:
    on: date
    number: str
    description: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class StatementDocument:
    seller: Party
    buyer: Party
    currency: str
    start: date
    end: date
    opening: Decimal
    closing: Decimal
    lines: tuple[StatementLine, ...]
    generated_at: datetime

    @property
    def filename(self) -> str:
        return f"statement-{self.start.isoformat()}-{self.end.isoformat()}.pdf"


class StatementPdf(DocumentPdf):
    def __init__(self, statement: StatementDocument) -> None:
        self.statement = statement
        zero = Decimal(0)
        super().__init__(
            BillingDocument(
                kind=DocumentKind.STATEMENT,
                number=f"{day(statement.start)} – {day(statement.end)}",
                status="",
                currency=statement.currency,
                issue_date=statement.generated_at.date(),
                seller=statement.seller,
                buyer=statement.buyer,
                lines=(),
                subtotal=zero,
                tax_rate_percent=zero,
                tax=zero,
                total=zero,
                settled=zero,
                outstanding=statement.closing,
                generated_at=statement.generated_at,
            )
        )

    def _lines_heading(self) -> None:
        self.font(8, "B", color=MUTED)
        names = ("Date", "Document", "Description", "Amount", "Balance")
        for width, name in zip(STATEMENT_COLUMNS, names, strict=True):
            self.cell(width, 5.5, name.upper(), align=Align.R if width == 30.0 else Align.L)
        self._rule_below(5.5)

    def lines_table(self) -> None:
        s = self.statement
        self.in_lines_table = True
        self._lines_heading()
        self._row(s.start, "", "Balance brought forward", None, s.opening, bold=True)
        for line in s.lines:
            self._row(line.on, line.number, line.description, line.amount, line.balance)
        self._row(s.end, "", "Balance at the end of the period", None, s.closing, bold=True)
        self.in_lines_table = False

    def closing(self) -> None:
        s = self.statement
        self.ln(3)
        self.keep_together(20)
        self._summary(
            [
                ("Balance brought forward", money(s.opening, s.currency), ""),
                (
                    "Balance due" if s.closing >= 0 else "Credit in your favour",
                    money(abs(s.closing), s.currency),
                    "B",
                ),
            ]
        )
        self.font(7.5, color=MUTED)
        self.cell(
            0,
            5,
            "Invoices and refunds raise the balance; payments, credit notes and write-offs "
            "lower it.",
            align=Align.R,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def _row(
        self,
        on: date,
        number: str,
        description: str,
        amount: Decimal | None,
        balance: Decimal,
        *,
        bold: bool = False,
    ) -> None:
        when, document, described, amount_width, balance_width = STATEMENT_COLUMNS
        currency = self.statement.currency
        self.font(8.5, "B" if bold else "")
        height = self._height(described, 4.2, description) + 1.2
        if self.will_page_break(height) and self.get_y() > self.t_margin + 20:
            self.add_page()
        top = self.get_y()
        self.set_x(MARGIN + when + document)
        self.multi_cell(described, 4.2, description, align=Align.L, new_x=XPos.LEFT)
        bottom = max(self.get_y(), top + ROW) + 0.6
        self.set_xy(MARGIN, top)
        self.cell(when, 4.2, day(on))
        self.cell(document, 4.2, number)
        self.set_x(MARGIN + when + document + described)
        self.cell(
            amount_width, 4.2, "" if amount is None else money(amount, currency), align=Align.R
        )
        self.cell(balance_width, 4.2, money(balance, currency), align=Align.R)
        self.set_y(bottom)
        self._rule_below(0)


def render_statement(statement: StatementDocument) -> bytes:
    """The statement as a PDF; the same statement always gives the same bytes."""
    pdf = StatementPdf(statement)
    pdf.add_page()
    pdf.title_block()
    pdf.parties()
    pdf.lines_table()
    pdf.closing()
    return bytes(pdf.output())
