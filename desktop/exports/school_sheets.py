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
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.exports.text_fit import TextFit
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


def write_school_sheet(tree: RoadmapTree, school_id: int, identity: FileIdentity, out: Path) -> int:
    """One school's sheet at ``out`` (written beside it, then moved over: never half a file)."""
    school = next(s.name for s in tree.schools if s.id == school_id)
    rows = school_measures(tree, school_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet["A1"] = f"Отчёт школы: {school}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = tree.header.title
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADS))
    sheet.row_dimensions[2].height = 32
    sheet["A3"] = (
        "Заполните столбцы «Статус» (из списка), «Дата выполнения» (ДД.ММ.ГГГГ) и «Отметка об "
        "исполнении», сохраните файл и верните его координатору. Остальное менять нельзя."
    )
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(HEADS))
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 30
    for column, (head, width) in enumerate(zip(HEADS, WIDTHS, strict=True), start=1):
        cell = sheet.cell(HEAD_ROW, column, head)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[HEAD_ROW].height = 30
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Статус",
        error="Выберите статус из списка.",
    )
    sheet.add_data_validation(statuses)
    wrap = Alignment(wrap_text=True, vertical="top")
    fit = TextFit(11)  # row heights: neither Excel nor LibreOffice fits those of a saved file
    for offset, (measure, record) in enumerate(rows, start=1):
        row = HEAD_ROW + offset
        values: list[Any] = [
            measure.number,
            measure.title,
            measure.deadline_text,
            measure.responsible,
            STATUS_LABELS.get(record.status, record.status),
            record.done_on,
            record.note,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            cell.alignment = wrap
            if column in FILLED:
                cell.protection = Protection(locked=False)
            if column == 6:
                cell.number_format = "DD.MM.YYYY"
        statuses.add(f"E{row}")
        texts = [str(v) if isinstance(v, str) else "" for v in values]
        sheet.row_dimensions[row].height = fit.height(texts, list(WIDTHS))
    sheet.freeze_panes = f"A{HEAD_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    fit_page = sheet.sheet_properties.pageSetUpPr
    assert fit_page is not None  # a new sheet has one
    fit_page.fitToPage = True
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"
    sheet.protection.sheet = True
    sheet.protection.password = LOCK
    sheet.protection.formatColumns = False  # widths may be changed: the text is long
    sheet.protection.formatRows = False
    ids = book.create_sheet(IDS_TITLE)
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
    ids["A1"] = json.dumps(facts, ensure_ascii=False)
    ids["A2"] = identity.sign({"head": facts, "rows": lines})
    for number, line in enumerate(lines, start=3):
        ids.cell(number, 1, json.dumps(line, ensure_ascii=False))
    ids.protection.sheet = True
    ids.protection.password = LOCK
    book.security = WorkbookProtection(lockStructure=True)
    partial = out.with_name(out.name + ".part")
    try:
        book.save(str(partial))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
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
        count = write_school_sheet(tree, school.id, identity, out)
        made.append(SheetMade(school.name, out, count))
        if progress is not None:
            progress(number, len(schools), school.name)
    return made
