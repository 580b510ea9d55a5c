"""How tall a spreadsheet row must be for its wrapped text: neither Excel nor LibreOffice fits the
heights of a saved file, so the export stores them, measured with the real widths of the letters.

Times New Roman, which the workbook names, and the Liberation Serif shipped in resources/fonts
have the same letter widths (Liberation is made metric-compatible), so the shipped font measures
what Excel and LibreOffice will draw. Widths of words are cached: roadmaps repeat their words.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
# An Excel width unit is 7 pixels (5.25 pt) of the 11 pt serif; LibreOffice makes it 5.5 pt. Text is
# laid out a little narrower than both, which bench/check_xlsx_heights.py found to clip no row.
POINTS_PER_UNIT = 5.0
CELL_MARGINS = 6.0  # points of a cell's width that text never uses (both sides together)
LEADING = 1.15  # line spacing as a share of the font size (LibreOffice: ~1.09; kept generous)
ROW_PADDING = 3.0  # points above and below the text
_HYPHEN_BREAK = re.compile(r"(?<=-)(?=.)")


@cache
def _widths(bold: bool) -> tuple[dict[int, float], float]:
    face = TTFont(
        "fit", str(FONT_DIR / ("LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"))
    ).face
    return dict(face.charWidths), float(face.defaultWidth)


class TextFit:
    """Lines and heights of text in one font, wrapped at spaces as spreadsheets do."""

    def __init__(self, size: float = 11.0, bold: bool = False) -> None:
        self.size = size
        self.char_widths, self.default_width = _widths(bold)
        self.scale = size / 1000.0
        self.space = self._measure(" ")
        self.word_widths: dict[str, float] = {}

    def _measure(self, word: str) -> float:
        get, default = self.char_widths.get, self.default_width
        return sum(get(ord(ch), default) for ch in word) * self.scale

    def _word(self, word: str) -> float:
        width = self.word_widths.get(word)
        if width is None:
            width = self.word_widths[word] = self._measure(word)
        return width

    def lines(self, value: str, width_units: float) -> int:
        """Lines ``value`` takes in a column ``width_units`` wide (Excel's width units)."""
        room = max(1.0, width_units * POINTS_PER_UNIT - CELL_MARGINS)
        lines = 0
        for paragraph in value.split("\n"):
            lines += 1
            used = 0.0
            for word in paragraph.split():
                # a hyphen is a place to break too: «Педагоги-психологи» may end one line and start the next
                for piece_number, piece in enumerate(_HYPHEN_BREAK.split(word) if "-" in word else (word,)):
                    width = self._word(piece)
                    gap = self.space if piece_number == 0 else 0.0
                    if used and used + gap + width <= room:
                        used += gap + width
                        continue
                    if used:
                        lines += 1
                    extra = (
                        int(width // room) if width > room else 0
                    )  # a piece longer than the line breaks inside
                    lines += extra
                    used = width - extra * room
        return lines

    def height(self, values: list[str], widths: list[float]) -> float:
        """The row height in points for the tallest of ``values`` in columns ``widths`` wide."""
        lines = max((self.lines(v, w) for v, w in zip(values, widths, strict=True) if v), default=1)
        return min(409.0, lines * self.size * LEADING + ROW_PADDING)  # 409 pt is Excel's tallest row
