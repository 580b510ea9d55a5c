"""Where the PDF's table breaks between pages (issue 16): a short row moves whole, a split row
keeps at least two lines on each page, a heading goes with its first row, a row taller than a
page still splits. Paginated here with the real flowable's own ``split``; the exported PDF is
read back in tests/test_exports.py."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from desktop.exports.pdf_rows import KEEP_WHOLE, MIN_PIECE, RowsLayout, RowsTable, Segment, TableRow

LEADING = 12.0


def layout(lines: list[int], sections: set[int] = frozenset(), room_lines: int = 40) -> RowsLayout:
    rows = [TableRow(("x",), n, section=i in sections) for i, n in enumerate(lines)]
    page = 6.0 + room_lines * LEADING
    return RowsLayout(rows, lambda values, _s: ((),), [100.0], "F", "FB", 10, LEADING, 4, page_room=page)


def pages(table_layout: RowsLayout, first_room: float | None = None) -> list[list[Segment]]:
    """Each page's pieces: the first page may start part-filled (``first_room``)."""
    out: list[list[Segment]] = []
    rest: RowsTable | None = RowsTable(table_layout)
    room = first_room if first_room is not None else table_layout.page_room
    while rest is not None:
        _width, height = rest.wrap(100, room)
        if height <= room:
            out.append(rest.segments or _all(rest))
            break
        parts = rest.split(100, room)
        if not parts:  # nothing fits on this part-filled page: the whole goes to the next
            assert room < table_layout.page_room, "a fresh page must take something"
            out.append([])
        else:
            first = parts[0]
            assert first.segments is not None
            out.append(first.segments)
            rest = parts[1] if len(parts) > 1 else None
        room = table_layout.page_room
    return out


def _all(table: RowsTable) -> list[Segment]:
    rows = table.layout.rows
    return [(table.start, table.first_line, rows[table.start].lines)] + [
        (i, 0, rows[i].lines) for i in range(table.start + 1, len(rows))
    ]


def check(table_layout: RowsLayout, paginated: list[list[Segment]]) -> None:
    rows = table_layout.rows
    seen: dict[int, list[tuple[int, int]]] = {}
    for page in paginated:
        for index, first, end in page:
            seen.setdefault(index, []).append((first, end))
        if page and rows[page[-1][0]].section and page[-1][0] + 1 < len(rows):
            assert len(page) == 1, "a heading never ends a page"
    assert sorted(seen) == list(range(len(rows))), "every row printed"
    for index, pieces in seen.items():
        lines = rows[index].lines
        assert pieces[0][0] == 0 and pieces[-1][1] == lines and all(
            a[1] == b[0] for a, b in pairwise(pieces)
        ), "the pieces of a row follow one another"
        if len(pieces) == 1:
            continue
        page_lines = table_layout.page_room // LEADING
        assert lines > KEEP_WHOLE or lines > page_lines, f"a {lines}-line row was split"
        if lines <= page_lines:
            assert all(end - first >= MIN_PIECE for first, end in pieces), pieces


def test_a_short_row_moves_whole_and_a_long_one_keeps_two_lines_each_side() -> None:
    # 37 lines used, then a 3-line row: it does not fit in 3 lines of room (with padding) -> whole.
    short = layout([37, 3, 5])
    paginated = pages(short)
    check(short, paginated)
    assert paginated[0] == [(0, 0, 37)]
    # 38 lines used, then a 10-line row: 1 line would fit, but a piece needs two -> it moves whole.
    lonely = layout([38, 10])
    paginated = pages(lonely)
    check(lonely, paginated)
    assert paginated[0] == [(0, 0, 38)] and paginated[1] == [(1, 0, 10)]
    # 30 lines used, then a 10-line row: 9 would fit, but then 1 would go alone -> 8 and 2.
    tail = layout([30, 10])
    paginated = pages(tail)
    check(tail, paginated)
    assert paginated[0][-1] == (1, 0, 8) and paginated[1] == [(1, 8, 10)]


def test_a_row_taller_than_a_page_still_splits() -> None:
    tall = layout([5, 130, 3], room_lines=40)
    check(tall, pages(tall))


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_keep_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    lines = [rng.choice([1, 1, 2, 3, 4, 5, 7, 12, 25, 60]) for _ in range(120)]
    sections = {i for i in range(120) if rng.random() < 0.1}
    for i in sections:
        lines[i] = rng.choice([1, 2])
    table = layout(lines, sections, room_lines=rng.choice([20, 35, 45]))
    check(table, pages(table, first_room=table.page_room * rng.random()))
