"""A quote's signature block: lines to sign, or, once accepted, who signed it and when."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from fpdf.enums import XPos, YPos

from recur.documents.document import long_date as day

if TYPE_CHECKING:
    from recur.documents.pdf import DocumentPdf

LINE = 4.6
MARGIN = 18.0
RULE = (206, 212, 218)
MUTED = (108, 117, 125)


def signature_block(pdf: DocumentPdf) -> None:
    """A quote's signature block: blank lines to sign, or who signed it and when."""
    d = pdf.document
    pdf.ln(8)
    pdf.keep_together(42)
    pdf.font(11, "B")
    pdf.cell(0, 7, "Acceptance", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(8.5, color=MUTED)
    pdf.multi_cell(
        0,
        4.2,
        f"Signing accepts quote {d.number} as printed, with the terms above"
        + (f", until {day(d.valid_until)}." if d.valid_until else "."),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    accepted = d.acceptance
    if accepted is not None:
        at = accepted.accepted_at.astimezone(UTC)
        rows = [
            ("Signed by", accepted.signer_name),
            ("Title", accepted.signer_title),
            ("Accepted", f"{day(at.date())}, {at:%H:%M} UTC"),
            ("Version signed", str(accepted.version)),
        ]
        for name, value in rows:
            if not value:
                continue
            pdf.font(9, color=MUTED)
            pdf.cell(34, LINE + 1, name)
            pdf.font(9.5, "B")
            pdf.cell(0, LINE + 1, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    for name in ("Name", "Title", "Signature", "Date"):
        pdf.font(9, color=MUTED)
        pdf.cell(34, 9, name)
        y = pdf.get_y() + 7
        pdf.set_draw_color(*RULE)
        pdf.line(MARGIN + 34, y, MARGIN + 120, y)
        pdf.ln(9)
