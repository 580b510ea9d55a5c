"""Paste and fill down as plain commands (no Qt): which cells a block lands on, what changes,
and where rows past the end go. The window only says where the cursor is and what is selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.services.cell_text import cell_text  # a cell's value as typed in the grid
from desktop.services.commands import EditMeasureCommand, PasteCommand
from desktop.services.dto import MeasureRow, RoadmapTree
from models.domain.fields import MEASURE_FIELDS

COLUMN_FIELDS: tuple[str, ...] = tuple(f.name for f in MEASURE_FIELDS)  # the grid's columns, in order
PASTED = frozenset(f.name for f in MEASURE_FIELDS if f.editable and f.kind != "schools")


FILLED = PASTED | {"schools"}  # a fill copies the chosen schools too (ids of the same roadmap)


def _fill_value(row: MeasureRow, name: str) -> object:
    return list(row.school_ids) if name == "schools" else cell_text(row, name)


def _columns_of(block: Sequence[Sequence[str]], first: int) -> list[str | None]:
    """The field each column of a pasted block lands in (None past the grid's last column)."""
    width = max(len(values) for values in block)
    return [COLUMN_FIELDS[c] if c < len(COLUMN_FIELDS) else None for c in range(first, first + width)]


def paste_command(
    tree: RoadmapTree, start_id: int, first_column: int, block: Sequence[Sequence[str]]
) -> PasteCommand | None:
    """A block of text cells put at measure ``start_id``, column ``first_column`` (the № column
    is never written): rows over existing measures edit them (only cells that differ), rows
    past the last measure become new measures after it, in its section."""
    ordered = tree.measures_in_order()
    first = next((i for i, m in enumerate(ordered) if m.id == start_id), None)
    if first is None or not block:
        return None
    column0 = max(0, first_column)  # a block with its numbers pasted at «№»: the numbers are dropped
    names = _columns_of(block, column0)
    edits: list[EditMeasureCommand] = []
    new_rows: list[dict[str, object]] = []
    for offset, values in enumerate(block):
        changes: dict[str, object] = {
            name: value for name, value in zip(names, values, strict=False) if name in PASTED
        }
        if first + offset < len(ordered):
            row = ordered[first + offset]
            changes = {name: v for name, v in changes.items() if str(v) != cell_text(row, name)}
            if changes:
                edits.append(EditMeasureCommand.for_row(row, changes))
        else:
            new_rows.append(changes)
    if not edits and not new_rows:
        return None
    last = ordered[-1]
    return PasteCommand(edits, tree.header.id, last.section_id, last.position + 1, new_rows)


def fill_down_command(measures: Sequence[MeasureRow], columns: Sequence[int]) -> PasteCommand | None:
    """Ctrl+D: the first measure's cells copied into the others, column by column."""
    if len(measures) < 2:
        return None
    names = [COLUMN_FIELDS[c] for c in columns if c < len(COLUMN_FIELDS) and COLUMN_FIELDS[c] in FILLED]
    top = measures[0]
    edits = []
    for row in measures[1:]:
        changes: dict[str, object] = {
            name: _fill_value(top, name) for name in names if _fill_value(top, name) != _fill_value(row, name)
        }
        if changes:
            edits.append(EditMeasureCommand.for_row(row, changes))
    if not edits:
        return None
    return PasteCommand(edits, top.roadmap_id, label="Заполнение вниз")


CLEARED = (PASTED | {"schools"}) - {"status"}  # a status always has a value: Delete leaves it


def clear_command(measures: Sequence[MeasureRow], columns: Sequence[int]) -> PasteCommand | None:
    """Delete: the selected cells emptied (one undo step); the status is left as it is."""
    names = [COLUMN_FIELDS[c] for c in columns if c < len(COLUMN_FIELDS) and COLUMN_FIELDS[c] in CLEARED]
    edits = []
    for row in measures:
        changes: dict[str, object] = {
            name: ([] if name == "schools" else "") for name in names if _fill_value(row, name)
        }
        if changes:
            edits.append(EditMeasureCommand.for_row(row, changes))
    if not edits:
        return None
    return PasteCommand(edits, measures[0].roadmap_id, label="Очистка ячеек")


ASK_ABOVE = 3  # a paste over more existing measures than this asks first


def needs_asking(command: PasteCommand, rows: int) -> bool:
    """Ask before a paste that rewrites many measures, or a block of ``rows`` rows that renames
    any: titles pasted over other measures would leave each one's status and result under a
    title that is not its own. One cell or one row pasted where the user chose is not asked."""
    renames = any("title" in edit.after for edit in command.edits)
    return len(command.edits) > ASK_ABOVE or (rows > 1 and renames)


def paste_as_new_command(
    tree: RoadmapTree, start_id: int, first_column: int, block: Sequence[Sequence[str]]
) -> PasteCommand | None:
    """The block as new measures at the current measure's place (it and the rows after it move
    down, as Excel's «insert copied cells»); nothing existing is changed."""
    start = tree.measures.get(start_id)
    if start is None or not block:
        return None
    names = _columns_of(block, max(0, first_column))
    rows: list[dict[str, object]] = [
        {n: v for n, v in zip(names, values, strict=False) if n in PASTED} for values in block
    ]
    return PasteCommand([], start.roadmap_id, start.section_id, start.position, rows,
                        label="Вставка новыми строками")
