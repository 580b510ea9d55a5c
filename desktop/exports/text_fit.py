"""Text broken into lines with the real widths of the letters, once per cell.

The PDF draws these lines as they are (reportlab never measures or parses the text again: faster,
and user text can never be read as markup). The Excel export uses their count for row heights:
neither Excel nor LibreOffice fits the heights of a saved file.

Times New Roman, which the workbook names, and the Liberation Serif shipped in resources/fonts
have the same letter widths (Liberation is made metric-compatible), so the shipped font measures
what Excel and LibreOffice will draw. Widths of words are cached: roadmaps repeat their words.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

import pyphen

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
# The letters' widths read from the fonts once and kept beside them: an Excel export then needs
# neither reportlab nor a parse of the font files (a tenth of its half-second budget).
# tests/test_exports.py checks the table against the fonts; write_width_table() makes it again.
WIDTH_TABLE = FONT_DIR / "LiberationSerif-widths.json"
FONT_FILES = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}
# An Excel width unit is 7 pixels (5.25 pt) of the 11 pt serif; LibreOffice makes it 5.5 pt. Text is
# laid out a little narrower than both, which bench/check_xlsx_heights.py found to clip no row.
POINTS_PER_UNIT = 5.0
CELL_MARGINS = 6.0  # points of a cell's width that text never uses (both sides together)
LEADING = 1.15  # line spacing as a share of the font size (LibreOffice: ~1.09; kept generous)
ROW_PADDING = 3.0  # points above and below the text
_HYPHEN_BREAK = re.compile(r"(?<=-)(?=.)")
_SPACES = re.compile(r"[ \t\r]+")  # not the no-break space: «№\xa016» stays on one line


def measured_widths(bold: bool) -> tuple[dict[int, float], float]:
    """Widths (1/1000 em) of every character of the shipped font, and of a missing one."""
    from reportlab.pdfbase.ttfonts import TTFont

    face = TTFont("fit", str(FONT_DIR / FONT_FILES[bold])).face
    return {int(code): float(width) for code, width in face.charWidths.items()}, float(face.defaultWidth)


def write_width_table() -> None:
    table = {}
    for bold in (False, True):
        widths, default = measured_widths(bold)
        table["bold" if bold else "regular"] = {
            "default": default,
            "widths": {str(k): v for k, v in widths.items()},
        }
    WIDTH_TABLE.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True), encoding="utf-8")


@cache
def _widths(bold: bool) -> tuple[dict[int, float], float]:
    try:
        stored = json.loads(WIDTH_TABLE.read_text(encoding="utf-8"))["bold" if bold else "regular"]
        return {int(code): width for code, width in stored["widths"].items()}, float(stored["default"])
    except (OSError, ValueError, KeyError):  # the table missing or damaged: measure the font itself
        return measured_widths(bold)


@cache
def _hyphenator() -> pyphen.Pyphen:
    """The Russian hyphenation patterns (LibreOffice's, shipped in pyphen): read once, when a word
    first has to break."""
    return pyphen.Pyphen(lang="ru_RU")


@lru_cache(maxsize=4096)
def hyphen_places(word: str) -> tuple[int, ...]:
    """Where ``word`` may break with a hyphen: the patterns' places between two letters, except
    inside an abbreviation in capitals («ШССУ», «МОУО» are never broken)."""
    return tuple(
        place
        for place in _hyphenator().positions(word)
        if word[place - 1].isalpha()
        and word[place].isalpha()
        and not (word[place - 1].isupper() and word[place].isupper())
    )


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

    def word_width(self, word: str) -> float:
        """Points ``word`` takes on one line."""
        return self._word(word)

    def wrap(self, value: str, room: float) -> list[str]:
        """``value`` broken into lines no wider than ``room`` points: at spaces, after hyphens
        («Педагоги-» / «психологи»), inside a word only when it is longer than a line. Each line
        of the text starts a new line; runs of spaces count as one."""
        out: list[str] = []
        for paragraph in value.replace("\x0b", "\n").replace("\x0c", "\n").split("\n"):
            line, used = "", 0.0
            words = _SPACES.split(paragraph.strip(" \t\r")) if "\xa0" in paragraph else paragraph.split()
            for word in words:
                if not word:
                    continue
                pieces = _HYPHEN_BREAK.split(word) if "-" in word else (word,)
                for number, piece in enumerate(pieces):
                    width = self._word(piece)
                    gap, joiner = (self.space, " ") if number == 0 else (0.0, "")
                    if line and used + gap + width <= room:
                        line, used = line + joiner + piece, used + gap + width
                        continue
                    if width <= room:
                        if line:
                            out.append(line)
                        line, used = piece, width
                        continue
                    if line:  # a word longer than any line: its first syllables end the line begun
                        parts = self._break_inside(piece, room, first=room - used - gap)
                        out.append(line + joiner + parts[0] if parts[0] else line)
                    else:
                        parts = self._break_inside(piece, room)
                        out.append(parts[0])
                    out.extend(parts[1:-1])
                    line, used = parts[-1], self._word(parts[-1])
            out.append(line)
        return out

    def _break_inside(self, word: str, room: float, first: float | None = None) -> list[str]:
        """A word longer than a line, broken where Russian hyphenation allows, with «-» at each
        line's end («общеобразова-» / «тельных»); where no such place fits (an abbreviation, a
        number, a line narrower than a syllable), between letters. ``first``: the room left on the
        line already begun — the first part is "" when no syllable fits there."""
        places = hyphen_places(word)
        parts, start = [], 0
        line_room = room if first is None else first
        while self._word(word[start:]) > line_room:
            fits = [p for p in places if p > start and self._word(word[start:p] + "-") <= line_room]
            if fits:
                parts.append(word[start : fits[-1]] + "-")
                start = fits[-1]
            elif line_room < room:
                parts.append("")
            else:
                end, used = start, 0.0
                while end < len(word) and (end == start or used + self._word(word[end]) <= room):
                    used += self._word(word[end])
                    end += 1
                parts.append(word[start:end])
                start = end
            line_room = room
        parts.append(word[start:])
        return parts

    def lines(self, value: str, width_units: float) -> int:
        """Lines ``value`` takes in a spreadsheet column ``width_units`` wide (Excel's width units)."""
        return len(self.wrap(value, max(1.0, width_units * POINTS_PER_UNIT - CELL_MARGINS)))

    def height(self, values: list[str], widths: list[float]) -> float:
        """The row height in points for the tallest of ``values`` in columns ``widths`` wide."""
        lines = max((self.lines(v, w) for v, w in zip(values, widths, strict=True) if v), default=1)
        return self.lines_height(lines)

    def lines_height(self, lines: int) -> float:
        """The row height in points for ``lines`` lines of text."""
        return min(409.0, lines * self.size * LEADING + ROW_PADDING)  # 409 pt is Excel's tallest row
