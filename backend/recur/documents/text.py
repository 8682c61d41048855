"""How documents print text: what the embedded font can show, amounts, unit prices, rates."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from recur.core.money import Money, round_money
from recur.documents.document import DocumentLine
from recur.documents.document import long_date as day

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVuSans"
FONT_FILES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}


def printable(text: str) -> str:
    """``text`` in what the font can print: control characters dropped (line breaks kept),
    other spaces made plain, a character without a glyph as its letter without accents if
    that has one, else ``?``."""
    out: list[str] = []
    for char in text:
        if char == "\n" or (char.isprintable() and _has_glyphs(char) and not char.isspace()):
            out.append(char)
        elif char in "\t\r\u2028\u2029" or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        else:
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(bare if bare and _has_glyphs(bare) else "?")
    return "".join(out)


@cache
def _glyphs() -> frozenset[int]:
    """The characters both weights of the font have a glyph for."""
    maps = []
    for path in FONT_FILES.values():
        with TTFont(path, lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset(maps[0].intersection(*maps[1:]))


def _has_glyphs(text: str) -> bool:
    glyphs = _glyphs()
    return all(ord(char) in glyphs for char in text)


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


def unit_price(amount: Decimal, currency: str) -> str:
    """A unit price: to the currency's minor unit, or to more places when it has them (a
    tiered price's average, say), up to six."""
    if round_money(amount, currency) == amount:
        return Money(amount, currency).format()
    exponent = amount.normalize().as_tuple().exponent
    places = min(-exponent, 6) if isinstance(exponent, int) else 6
    return f"{currency} {amount.quantize(Decimal(1).scaleb(-places)):,f}"


def fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width - 1:
        return text
    while text and pdf.get_string_width(text + "…") > width - 1:
        text = text[:-1]
    return text + "…"


def percent(rate: Decimal) -> str:
    return f"{rate.normalize():f} %"
