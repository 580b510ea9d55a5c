"""The roadmap's table body as one platypus flowable that draws its rows straight on the canvas.

Why not reportlab's Table: it measures every cell again at each page break and draws each line as
its own text object; with thousands of measures that was most of the export's time. Here every
cell is wrapped once (``TextFit``), row heights are summed once, and a page break is a walk over
the rows that fit on that page, so the cost grows linearly with the roadmap.

A row taller than the room left is split between its lines (every cell at the same line), as
Word does, but a row of up to KEEP_WHOLE lines moves whole to the next page, and a split leaves
at least MIN_PIECE lines on each page (no page holds one lonely line of a row); a section heading
is never split and never left alone at the bottom of a page.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from reportlab.lib import colors
from reportlab.platypus import Flowable

Segment = tuple[int, int, int]
KEEP_WHOLE = 4  # lines: a row this short is never split between pages
MIN_PIECE = 2  # lines: the least part of a split row on either page
ALERT, BLACK = colors.Color(0.8, 0.1, 0.1), colors.black  # row index, first line, end line (exclusive)


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row's text and how many lines it takes; its lines are made again when it is drawn, so
    a 100,000-measure table holds its text once, not once more broken into lines."""

    values: tuple[str, ...]  # the text of each cell; a section has one cell
    lines: int  # of the tallest cell, at least 1
    section: bool = False
    alert: int | None = None  # a cell drawn in red (the status of an overdue measure)


Wrap = Callable[[tuple[str, ...], bool], tuple[tuple[str, ...], ...]]  # (values, section) -> lines


@dataclass
class RowsLayout:
    """All rows with their measures, shared by every piece the table is split into."""

    rows: list[TableRow]
    wrap: Wrap
    widths: list[float]
    font: str
    bold_font: str
    size: float
    leading: float
    padding: float  # left and right
    top: float = 2.0
    bottom: float = 4.0
    page_room: float = float("inf")  # the table's height on a page of its own
    on_drawn: Callable[[int], None] | None = None  # rows drawn so far (progress, cancel)
    ends: list[float] = field(init=False)  # ends[i]: height of rows[0..i] together

    def __post_init__(self) -> None:
        self.ends = list(accumulate(self.row_height(i, 0) for i in range(len(self.rows))))

    def row_height(self, index: int, first_line: int, end_line: int | None = None) -> float:
        lines = (self.rows[index].lines if end_line is None else end_line) - first_line
        return self.top + max(lines, 1) * self.leading + self.bottom

    def height_from(self, index: int, first_line: int) -> float:
        if index >= len(self.rows):
            return 0.0
        rest = self.ends[-1] - self.ends[index]
        return rest + self.row_height(index, first_line)


class RowsTable(Flowable):
    """Rows from ``(start, first_line)`` to the end, or a fixed page's ``segments``."""

    def __init__(
        self, layout: RowsLayout, start: int = 0, first_line: int = 0, segments: list[Segment] | None = None
    ) -> None:
        super().__init__()
        self.layout = layout
        self.start, self.first_line = start, first_line
        self.segments = segments
        self.width = sum(layout.widths)

    # ---- platypus protocol ---------------------------------------------------------------
    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        layout = self.layout
        if self.segments is not None:
            self.height = sum(layout.row_height(*segment) for segment in self.segments)
        else:
            self.height = layout.height_from(self.start, self.first_line)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self.segments is not None:
            return []  # a page piece is drawn as it is
        segments, index, first_line = self._fill(available_height)
        if not segments:
            return []
        if index >= len(self.layout.rows):
            return [RowsTable(self.layout, segments=segments)]
        return [RowsTable(self.layout, segments=segments), RowsTable(self.layout, index, first_line)]

    def _fill(self, room: float) -> tuple[list[Segment], int, int]:
        """The segments that fit in ``room``, and where the rest starts."""
        layout, rows = self.layout, self.layout.rows
        segments: list[Segment] = []
        index, first_line, used = self.start, self.first_line, 0.0
        fresh = room >= layout.page_room - 1.0
        if first_line == 0:  # jump over the rows that surely fit (linear in rows per page)
            base = layout.ends[index - 1] if index else 0.0
            whole = bisect_right(layout.ends, base + room, lo=index) - index
            segments = [(i, 0, rows[i].lines) for i in range(index, index + whole)]
            index += whole
            used = (layout.ends[index - 1] if index else 0.0) - base
        while index < len(rows):
            lines = rows[index].lines
            height = layout.row_height(index, first_line)
            if used + height <= room:
                segments.append((index, first_line, lines))
                used += height
                index, first_line = index + 1, 0
                continue
            fit = int((room - used - layout.top - layout.bottom) // layout.leading)
            left = lines - first_line
            alone = fresh and not segments  # taller than a whole page: it must split, whatever it is
            if alone:
                fit = min(fit, max(1, left - MIN_PIECE))
            elif not rows[index].section and left > KEEP_WHOLE:
                fit = min(fit, left - MIN_PIECE)  # leave the next page at least MIN_PIECE lines
                fit = fit if fit >= MIN_PIECE else 0
            else:
                fit = 0  # a short row or a heading goes whole to the next page
            if fit >= 1 and first_line + fit < lines:
                segments.append((index, first_line, first_line + fit))
                first_line += fit
            break
        # a section heading goes to the next page with its first row, unless this page is a whole
        # empty page already (the next would be no better, and an empty page cannot be skipped)
        while segments and index < len(rows) and rows[segments[-1][0]].section:
            if fresh and len(segments) == 1:
                break
            index, first_line, _ = segments.pop()
        return segments, index, first_line

    def draw(self) -> None:
        layout, canvas = self.layout, self.canv
        segments = self.segments
        if segments is None:
            segments = [(self.start, self.first_line, layout.rows[self.start].lines)]
            segments += [(i, 0, layout.rows[i].lines) for i in range(self.start + 1, len(layout.rows))]
        edges = list(accumulate(layout.widths, initial=0.0))
        lines: list[tuple[float, float, float, float]] = []
        top = self.height
        canvas.setLineWidth(0.5)
        for index, first, end in segments:
            row = layout.rows[index]
            height = layout.row_height(index, first, end)
            bottom = top - height
            lines.append((0.0, top, self.width, top))
            lines.append((0.0, bottom, self.width, bottom))
            verticals = (edges[0], edges[-1]) if row.section else edges
            lines.extend((x, top, x, bottom) for x in verticals)
            font = layout.bold_font if row.section else layout.font
            baseline = top - layout.top - layout.size
            cells = layout.wrap(row.values, row.section)
            for column, (x, cell) in enumerate(zip(edges, cells, strict=False)):
                shown = cell[first:end]
                if not shown:
                    continue
                text = canvas.beginText(x + layout.padding, baseline)
                text.setFont(font, layout.size, layout.leading)
                text.setFillColor(ALERT if column == row.alert else BLACK)
                for line in shown:
                    text.textLine(line)
                canvas.drawText(text)
            top = bottom
        canvas.lines(lines)
        if layout.on_drawn is not None:
            layout.on_drawn(segments[-1][0] + 1)
