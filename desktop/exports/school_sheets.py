"""Report sheets for schools: one small workbook per school, sent by email, filled in offline
and taken back (desktop/services/sheet_intake.py reads them).

Each holds the school's measures (those that name the school) with three columns to fill — status
from a list, date done, note — the rest locked (sheet protection), and a very hidden sheet with
what the program needs to take it back: the file's id, the roadmap, the school, a sheet id, and
per row the measure and the school's record as it was when the sheet was made (for conflicts).
A checksum (HMAC with the file's secret, desktop/services/identity.py) covers all of it, so a sheet
of another file or one altered outside its unlocked cells is recognised as such.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from desktop.exports.sheet_rows import RowText, Value, save_with_rows
from desktop.exports.text_fit import TextFit
from desktop.exports.xlsx import CellWriter
from desktop.services.dto import MeasureRow, RoadmapTree
from desktop.services.identity import FileIdentity
from models.domain.execution import SchoolRecord
from models.domain.status import STATUS_LABELS

SHEET_TITLE = "Отчёт школы"
IDS_TITLE = "_ids"
KIND = "roadmap-school-sheet"
FORMAT = 1
HEAD_ROW = 5  # the column heads; the measures follow
HEADS = ("№", "Мероприятие", "Срок", "Ответственные", "Статус", "Дата выполнения", "Отметка об исполнении")
WIDTHS = (7, 60, 18, 28, 16, 14, 40)
FILLED = (5, 6, 7)  # the columns a school fills (1-based)
LOCK = "roadmap"  # sheet protection keeps honest people from editing the rest; it is not security
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True, slots=True)
class SheetMade:
    school: str
    out: Path
    measures: int


def school_measures(tree: RoadmapTree, school_id: int) -> list[tuple[MeasureRow, SchoolRecord]]:
    """The measures that name the school, in document order, with the school's record."""
    out = []
    for measure in tree.measures_in_order():
        if school_id in measure.school_ids:
            record = next(r for r in measure.execution if r.school_id == school_id)
            out.append((measure, record))
    return out


def _record_fields(record: SchoolRecord) -> list[Any]:
    return [
        record.version,
        record.status,
        record.done_on.isoformat() if record.done_on else None,
        record.note,
    ]


def file_name(school: str, tree: RoadmapTree) -> str:
    years = f"{tree.header.period_start.year}"
    if tree.header.period_end.year != tree.header.period_start.year:
        years += f"-{tree.header.period_end.year}"
    name = re.sub(r"\s+", " ", _UNSAFE.sub(" ", f"Отчёт школы {years} — {school}")).strip(" .")[:120]
    return f"{name}.xlsx"


def _looks() -> list[NamedStyle]:
    """The sheet's looks as named styles, for desktop/exports/xlsx.py's CellWriter (one style
    record copied from cell to cell)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    free = Protection(locked=False)  # the columns a school fills
    head = Alignment(wrap_text=True, horizontal="center", vertical="center")
    return [
        NamedStyle("ss_title", font=Font(bold=True, size=13)),
        NamedStyle("ss_wrap", alignment=wrap),
        NamedStyle("ss_head", font=Font(bold=True), alignment=head),
        NamedStyle("ss_fill", alignment=wrap, protection=free),
        NamedStyle("ss_date", alignment=wrap, protection=free, number_format="DD.MM.YYYY"),
    ]


def _merged(sheet: Worksheet, row: int) -> None:
    # a plain range: openpyxl's MergedCellRange needs a cell store a write-only sheet has not
    sheet.merged_cells.add(f"A{row}:{get_column_letter(len(HEADS))}{row}")


class _Heights:
    """Row heights from the rows' texts, each text measured (and escaped, ``texts``) once for all
    the sheets: a measure that concerns every school prints the same words in every sheet."""

    def __init__(self) -> None:
        self.fit = TextFit(11)  # neither Excel nor LibreOffice fits the rows of a saved file
        self.known: dict[tuple[str, float], int] = {}
        self.texts: dict[str, str] = {}

    def __call__(self, texts: list[str]) -> float:
        most = 1
        for text, width in zip(texts, WIDTHS, strict=True):
            if not text:
                continue
            lines = self.known.get((text, width))
            if lines is None:
                lines = self.known[(text, width)] = self.fit.lines(text, width)
            most = max(most, lines)
        return self.fit.lines_height(most)


def write_school_sheet(
    tree: RoadmapTree, school_id: int, identity: FileIdentity, out: Path, heights: _Heights | None = None
) -> int:
    """One school's sheet at ``out``. Written row by row in openpyxl's write-only mode: what goes
    before the rows (widths, frozen panes, page fit) is set first."""
    school = next(s.name for s in tree.schools if s.id == school_id)
    rows = school_measures(tree, school_id)
    book = Workbook(write_only=True)
    created = book.create_sheet(SHEET_TITLE)
    assert isinstance(created, WriteOnlyWorksheet)  # the workbook is write-only
    sheet = cast(Worksheet, created)  # a write-only sheet gets a normal sheet's settings
    for look in _looks():
        book.add_named_style(look)
    cells = CellWriter(created)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEAD_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    fit_page = sheet.sheet_properties.pageSetUpPr
    assert fit_page is not None  # a new sheet has one
    fit_page.fitToPage = True
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"

    def add(row: int, values: list[Cell], height: float | None = None) -> None:
        if height is not None:
            sheet.row_dimensions[row].height = height
        sheet.append(values)
        if height is not None:  # written with the row; kept, it would cost memory per row
            del sheet.row_dimensions[row]

    add(1, [cells.styled(f"Отчёт школы: {school}", "ss_title")])
    add(2, [cells.styled(tree.header.title, "ss_wrap")], 32)
    _merged(sheet, 2)
    instructions = (
        "Заполните столбцы «Статус» (из списка), «Дата выполнения» (ДД.ММ.ГГГГ) и «Отметка об "
        "исполнении», сохраните файл и верните его координатору. Остальное менять нельзя."
    )
    add(3, [cells.styled(instructions, "ss_wrap")], 30)
    _merged(sheet, 3)
    add(4, [])
    add(HEAD_ROW, [cells.styled(head, "ss_head") for head in HEADS], 30)
    heights = heights or _Heights()
    # the measures' rows as text (desktop/exports/sheet_rows.py), in the looks made above
    wrap, fill, day = (cells.styled(None, look).style_id for look in ("ss_wrap", "ss_fill", "ss_date"))
    table = RowText(heights.texts)
    for offset, (measure, record) in enumerate(rows, start=1):
        texts = [
            measure.number,
            measure.title,
            measure.deadline_text,
            measure.responsible,
            STATUS_LABELS.get(record.status, record.status),
        ]
        values: list[tuple[Value, int | None]] = [(text, wrap) for text in texts[:4]]
        values += [(texts[4], fill), (record.done_on, day), (record.note, fill)]
        table.add(HEAD_ROW + offset, values, heights([*texts, "", record.note or ""]))
    if rows:
        statuses = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="Статус",
            error="Выберите статус из списка.",
            sqref=f"E{HEAD_ROW + 1}:E{HEAD_ROW + len(rows)}",
        )
        sheet.data_validations.append(statuses)
    sheet.protection.sheet = True
    sheet.protection.password = LOCK
    sheet.protection.formatColumns = False  # widths may be changed: the text is long
    sheet.protection.formatRows = False
    ids = cast(Worksheet, book.create_sheet(IDS_TITLE))
    ids.sheet_state = "veryHidden"
    facts: dict[str, Any] = {
        "kind": KIND,
        "format": FORMAT,
        "file": identity.file_id,
        "roadmap": tree.header.id,
        "school_id": school_id,
        "school": school,
        "sheet": str(uuid.uuid4()),
        "made": datetime.now().replace(microsecond=0).isoformat(),
        "first_row": HEAD_ROW + 1,
    }
    # per row: the measure, the school's record as made, and the row's number and title as printed
    # (a row moved or rewritten in the locked columns is told on taking back)
    lines = [[measure.id, *_record_fields(record), measure.number, measure.title] for measure, record in rows]
    ids.append([json.dumps(facts, ensure_ascii=False)])
    ids.append([identity.sign({"head": facts, "rows": lines})])
    hidden = RowText()
    for number, line in enumerate(lines, start=3):
        hidden.add(number, [(json.dumps(line, ensure_ascii=False), None)])
    ids.protection.sheet = True
    ids.protection.password = LOCK
    book.security = WorkbookProtection(lockStructure=True)
    save_with_rows(book, out, {0: table, 1: hidden})
    return len(rows)


def write_school_sheets(
    tree: RoadmapTree,
    identity: FileIdentity,
    folder: Path,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[SheetMade]:
    """A sheet for every school of the roadmap that a measure names (others have nothing to
    report), into ``folder``; two schools never share a file name. Cancelled between schools:
    the sheets written are whole, CancelledError says so."""
    folder.mkdir(parents=True, exist_ok=True)
    named = {s for m in tree.measures.values() for s in m.school_ids}
    schools = [s for s in tree.schools if s.id in named]
    made: list[SheetMade] = []
    used: set[str] = set()
    heights = _Heights()
    for number, school in enumerate(schools, start=1):
        if cancel is not None and cancel.is_set():
            from desktop.services.writer import CancelledError

            raise CancelledError
        name = file_name(school.name, tree)
        stem, suffix = name[: -len(".xlsx")], 2
        while name.casefold() in used:
            name, suffix = f"{stem} ({suffix}).xlsx", suffix + 1
        used.add(name.casefold())
        out = folder / name
        count = write_school_sheet(tree, school.id, identity, out, heights)
        made.append(SheetMade(school.name, out, count))
        if progress is not None:
            progress(number, len(schools), school.name)
    return made
