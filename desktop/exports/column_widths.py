"""How wide each column of an exported table is: its share of the table's width, by the
column's weight, but never narrower than its longest word («запланировано» was printed as
«запланирован/о» in a status column of its weight's width). Said once for PDF, Word and Excel,
in shares of the table, measured with the shipped font at the PDF's geometry (a landscape A4
table 267 mm wide in 10-pt type; the Word and Excel tables have the same width and type)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from desktop.exports.text_fit import TextFit

TABLE_POINTS = 267 / 25.4 * 72  # the landscape table's width (A4, margins 20 and 10 mm)
CELL_SIZE = 10.0  # the table's type, as the PDF sets it (desktop/exports/pdf.py takes these)
CELL_PADDING = 4.0  # points on each side of a cell's text
CELL_ROOM = 2 * CELL_PADDING + 0.5  # points of a cell no text uses: padding on both sides and the rule
MOST_FOR_A_WORD = 0.3  # a column widened for one long word takes at most this share
LONGEST_MEASURED = 8  # per column, the words of most letters measured (widths differ by letter)


def longest_words(texts: Iterable[str]) -> list[str]:
    """The words of most letters among ``texts`` (a few: the widest is among them); a word with
    hyphens counts by its parts, as lines break after a hyphen («информационно-» / «методический»)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.add(max(text.replace("-", "- ").split(), key=len))  # str methods: 5× a regex
    return sorted(found, key=len, reverse=True)[:LONGEST_MEASURED]


def column_shares(
    weights: Sequence[float], heads: Sequence[str], cells: Sequence[Iterable[str]]
) -> list[float]:
    """Each column's share of the table: by ``weights``, but at least as wide as the longest
    word of its head (bold) and its ``cells``. Columns that need more than their weight take it
    from the others in proportion to the others' weights; if the words cannot all fit, the
    weights stand."""
    regular, bold = TextFit(CELL_SIZE), TextFit(CELL_SIZE, bold=True)
    needs = []
    for head, texts in zip(heads, cells, strict=True):
        widest = max((regular.word_width(word) for word in longest_words(texts)), default=0.0)
        head_words = head.replace("-", "- ").split()
        widest = max(widest, max((bold.word_width(word) for word in head_words), default=0.0))
        needs.append(min(MOST_FOR_A_WORD, (widest + CELL_ROOM) / TABLE_POINTS))
    total = sum(weights)
    if not total or sum(needs) >= 1.0:
        return [w / total if total else 1 / len(weights) for w in weights]
    fixed: dict[int, float] = {}
    while True:  # water-filling: a column under its need is fixed at it, the rest share what is left
        free = 1.0 - sum(fixed.values())
        rest = sum(w for i, w in enumerate(weights) if i not in fixed)
        under = [i for i, w in enumerate(weights) if i not in fixed and free * w / rest < needs[i]]
        if not under:
            return [fixed.get(i, free * w / rest) for i, w in enumerate(weights)]
        for i in under:
            fixed[i] = needs[i]
