"""The roadmap as an Excel workbook people print and email: the table as on paper, the schools and a
summary on their own sheets.

Why it is built this way:
- Cells are styled through a few named styles, not per-cell fonts and borders: openpyxl then writes
  one style record per kind of cell, which keeps 5,000 measures well under a second.
- Neither Excel nor LibreOffice fits row heights of a saved file to wrapped text, so each row gets a
  stored height estimated from its text and its column's width (generously: a cut-off line on
  paper is worse than some white space).
- User text is always a string: a measure that begins with ``=``, ``+``, ``-`` or ``@`` would
  otherwise become a formula (openpyxl makes every string starting with ``=`` one).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import cast
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from desktop.exports.content import (
    SUMMARY_HEADS,
    ExportContent,
    MeasureLine,
    SectionLine,
    document_title,
    period_line,
    table_signature,
)
from desktop.exports.steps import Progress, Steps
from desktop.exports.text_fit import TextFit
from desktop.services.dto import RoadmapTree
from models.domain.fields import BY_NAME
from models.domain.status import STATUS_LABELS

FONT = "Times New Roman"  # metric twin of the PDF's Liberation Serif; on Linux it maps back to it
FONT_SIZE = 11
TABLE_CHARS = 150  # the table's width in Excel character units; printed fit to one landscape A4 page wide
FORMULA_STARTS = ("=", "+", "-", "@")
CELL_LIMIT = 32767  # characters Excel keeps in a cell
CUT_MARK = "… [текст сокращён: полностью — в программе]"
STEP = 250  # rows between progress reports and cancel checks


def _styles() -> list[NamedStyle]:
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    return [
        NamedStyle("rm_cell", font=Font(name=FONT, size=FONT_SIZE), border=box, alignment=wrap_top),
        NamedStyle(
            "rm_late",  # the status of an overdue measure in the report
            font=Font(name=FONT, size=FONT_SIZE, bold=True, color="C62828"),
            border=box,
            alignment=wrap_top,
        ),
        NamedStyle(
            "rm_head",
            font=Font(name=FONT, size=FONT_SIZE, bold=True),
            border=box,
            alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
            fill=PatternFill("solid", fgColor="EBEBEB"),
        ),
        NamedStyle(
            "rm_section",
            font=Font(name=FONT, size=FONT_SIZE, bold=True),
            border=box,
            alignment=wrap_top,
            fill=PatternFill("solid", fgColor="F5F5F5"),
        ),
        NamedStyle(
            "rm_title",
            font=Font(name=FONT, size=14, bold=True),
            alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
        ),
        NamedStyle(
            "rm_text",
            font=Font(name=FONT, size=FONT_SIZE),
            alignment=Alignment(wrap_text=True, vertical="top"),
        ),
        NamedStyle(
            "rm_mark",
            font=Font(name=FONT, size=FONT_SIZE),
            alignment=Alignment(wrap_text=True, horizontal="left", vertical="top"),
        ),
        NamedStyle(
            "rm_number",
            font=Font(name=FONT, size=FONT_SIZE),
            border=box,
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
    ]


# What openpyxl's ILLEGAL_CHARACTERS_RE refuses, mapped once: page and line breaks to new lines.
_EXCEL_CONTROLS = {code: None for code in [*range(0, 9), 11, 12, *range(14, 32)]} | {11: "\n", 12: "\n"}
_ANY_CONTROL = re.compile("[" + "".join(map(chr, _EXCEL_CONTROLS)) + "]")  # found fast; most cells have none


def excel_text(value: str) -> str:
    """Text a workbook can hold: Word's line and page breaks (\\x0b, \\x0c) as new lines, other control
    characters dropped (XML cannot carry them), cut to Excel's 32,767 characters with a mark."""
    if _ANY_CONTROL.search(value):  # str.translate with a table is slow: a tenth of the export
        value = value.translate(_EXCEL_CONTROLS)
    if len(value) > CELL_LIMIT:  # Excel refuses longer cells
        value = value[: CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return value


class CellWriter:
    """Cells of one workbook; text that looks like a formula stays text.

    A named style is applied to one cell and its style record copied to the others: openpyxl
    looks the name up and registers the style again on every ``cell.style = name``. The record is
    the private ``_style``, which openpyxl's type stubs leave out."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.prototypes: dict[str, StyleArray] = {}

    def styled(self, value: str | int | None, style: str) -> Cell:
        cell = WriteOnlyCell(self.sheet)
        if isinstance(value, str):
            value = excel_text(value)
        cell.value = value
        formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        if formula_like:
            cell.data_type = "s"
        prototype = self.prototypes.get(style)
        if prototype is None:
            cell.style = style
            self.prototypes[style] = copy(cell._style)  # type: ignore[attr-defined]  # private _style
        else:
            cell._style = copy(prototype)  # type: ignore[attr-defined]  # private _style
        if formula_like:
            cell.quotePrefix = True
        return cell


class SheetRows:
    """The rows of one write-only sheet, appended in order and written out at once, so a workbook
    of 100,000 measures never holds its cells in memory (a normal workbook held 500 MB).

    What the sheet's XML puts before its rows (column widths, frozen panes, page fit) must be set
    before the first row is added; the rest (merges, filter, print titles) at any time."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        # A write-only sheet gets a normal sheet's settings (Worksheet._setup); openpyxl's type
        # stubs do not say so, hence the cast.
        self.sheet = cast(Worksheet, sheet)
        self.cells = CellWriter(sheet)
        self.row = 0  # the last row added

    def add(self, cells: Sequence[Cell | None], height: float | None = None) -> int:
        """A row of ``cells`` (None: an empty cell), ``height`` points tall; its number."""
        self.row += 1
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(list(cells))
        if height is not None:  # written with the row; kept, it would cost memory per row
            del self.sheet.row_dimensions[self.row]
        return self.row

    def blank(self) -> int:
        return self.add([])

    def merged(self, value: str, style: str, first: int, last: int, height: float) -> int:
        """``value`` in columns ``first..last`` merged. The covered cells get the same style (so
        Excel draws the borders along the whole merged cell); openpyxl's own merge_cells builds
        a border per cell and took most of the export's time."""
        cells: list[Cell | None] = [None] * (first - 1) + [self.cells.styled(value, style)]
        cells += [self.cells.styled(None, style) for _ in range(first + 1, last + 1)]
        row = self.add(cells, height)
        if last > first:
            span = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
            self.sheet.merged_cells.add(span)  # a plain range: a MergedCellRange needs a cell store
        return row


class RoadmapWorkbook:
    def __init__(
        self,
        content: ExportContent,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.content = content
        self.header = content.tree.header
        self.step = Steps(progress, cancel, "Запись Excel")
        self.widths = [TABLE_CHARS * share for share in content.shares]
        regular, bold = TextFit(FONT_SIZE), TextFit(FONT_SIZE, bold=True)
        self.fit = {"rm_cell": regular, "rm_text": regular, "rm_mark": regular, "rm_section": bold}
        self.fit |= {"rm_head": bold, "rm_title": TextFit(14, bold=True)}  # by named style
        self.book = Workbook(write_only=True)
        self._default_font()
        for style in _styles():
            self.book.add_named_style(style)

    def _default_font(self) -> None:
        """The workbook's Normal font sets the width unit of its columns: with Calibri, a computer
        without it (Astra Linux, LibreOffice) measures columns in a wider substitute and the stored
        heights no longer match. The table's own serif makes every program measure alike."""
        normal = Font(name=FONT, size=FONT_SIZE, family=1)
        # openpyxl has no public setter for font 0 (its stubs leave out these private attributes)
        self.book._fonts = IndexedList([normal])  # type: ignore[attr-defined]
        self.book._named_styles["Normal"].font = normal  # type: ignore[attr-defined]

    def _sheet(self, title: str) -> SheetRows:
        sheet = self.book.create_sheet(title)
        assert isinstance(sheet, WriteOnlyWorksheet)  # the workbook is write-only
        return SheetRows(sheet)

    def build(self, out: Path) -> None:
        try:
            self._write(out)
        except BaseException:
            self._discard()
            raise

    def _write(self, out: Path) -> None:
        self._roadmap(self._sheet("Дорожная карта"))
        self._schools(self._sheet("Школы"), self.content.tree)
        self._summary(self._sheet("Сводка"))
        properties = self.book.properties
        properties.title = self.header.title[:255]
        properties.creator = self.header.organization or "Дорожные карты"
        properties.subject = "Отчёт об исполнении дорожной карты" if self.content.report else "Дорожная карта"
        properties.created = properties.modified = datetime.now().replace(microsecond=0)
        properties.lastModifiedBy = properties.creator
        # openpyxl's save_workbook with a faster compression level: a workbook of 5,000 measures
        # compresses in a third of the time and is ~10 % larger.
        with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
            ExcelWriter(self.book, archive).write_data()

    def _discard(self) -> None:
        """After a cancel or a failure: close the sheets' half-written streams in order and remove
        openpyxl's temporary files (left to the garbage collector, the streams fail noisily)."""
        for sheet in self.book.worksheets:
            with contextlib.suppress(Exception):
                sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                with contextlib.suppress(OSError, ValueError):
                    writer.cleanup()

    # ---- the table -----------------------------------------------------------------------
    def _line(
        self, rows: SheetRows, value: str, style: str, first: int = 1, widths: list[float] | None = None
    ) -> int:
        """``value`` across the sheet's columns from ``first`` (``widths``: the table's unless given)."""
        widths = widths or self.widths
        height = self.fit[style].height([value], [sum(widths[first - 1 :])])
        return rows.merged(value, style, first, len(widths), height)

    def _roadmap(self, rows: SheetRows) -> None:
        sheet, columns = rows.sheet, self.content.columns
        mark = self.content.mark_lines
        goal, tasks = self.header.goal.strip(), self.header.tasks
        head = (2 if mark else 0) + 2 + bool(goal) + bool(tasks) + 2  # the column heads' row
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
        sheet.freeze_panes = f"A{head + 1}"
        self._page_setup(sheet)

        if mark:
            self._line(rows, "\n".join(mark), "rm_mark", first=max(1, len(columns) - 2))  # over the
            rows.blank()  # last three columns, as on paper
        self._line(rows, document_title(self.content), "rm_title")
        self._line(rows, period_line(self.header), "rm_text")
        if goal:
            self._line(rows, f"Цель: {goal}", "rm_text")
        if tasks:
            listed = "\n".join(f"{n}) {t}" for n, t in enumerate(tasks, start=1))
            self._line(rows, f"Задачи:\n{listed}", "rm_text")
        rows.blank()
        heads = [rows.cells.styled(column.title, "rm_head") for column in columns]
        written_head = rows.add(heads, self.fit["rm_head"].height([c.title for c in columns], self.widths))
        assert written_head == head

        total = self.content.measure_count
        done = 0
        status_column = next((i for i, c in enumerate(columns, 1) if c.key == "status"), None)
        for line in self.content.lines:
            if isinstance(line, SectionLine):
                self._line(rows, line.text, "rm_section")
                continue
            assert isinstance(line, MeasureLine)
            cells: list[Cell | None] = [
                rows.cells.styled(value, "rm_late" if line.overdue and index == status_column else "rm_cell")
                for index, value in enumerate(line.cells, start=1)
            ]
            rows.add(cells, self.fit["rm_cell"].height(list(line.cells), self.widths))
            done += 1
            if done % STEP == 0:
                self.step(done, total)
        last_row = rows.row
        self._signature(rows, len(columns))

        last_column = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{head}:{last_column}{last_row}"
        sheet.print_title_rows = f"{head}:{head}"
        sheet.print_area = f"A1:{last_column}{rows.row}"
        if status_column is not None and last_row > head:
            self._status_list(sheet, status_column, head + 1, last_row)

    def _signature(self, rows: SheetRows, count: int) -> None:
        """The signature under the table: the position over the first columns, «И.О. Фамилия»
        over the last two, as on paper."""
        signature = table_signature(self.header)
        if signature is None:
            return
        position, name = signature
        split = max(1, count - 2)
        left = [rows.cells.styled(position, "rm_text")] + [None] * (split - 1)
        right = [rows.cells.styled(name, "rm_text")] + [None] * (count - split - 1)
        rows.blank()
        height = self.fit["rm_text"].height([position], [sum(self.widths[:split])])
        row = rows.add(left + right, height)
        for first, last in ((1, split), (split + 1, count)):
            if last > first:
                rows.sheet.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")

    def _status_list(self, sheet: Worksheet, column: int, first: int, last: int) -> None:
        letter = get_column_letter(column)
        choices = ",".join(STATUS_LABELS.values())
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=BY_NAME["status"].document_header,
            error=f"Выберите статус из списка: {', '.join(STATUS_LABELS.values())}.",
        )
        validation.add(f"{letter}{first}:{letter}{last}")
        sheet.data_validations.append(validation)

    @staticmethod
    def _page_setup(sheet: Worksheet, landscape: bool = True) -> None:
        """Before the sheet's first row: the page fit is written ahead of the rows."""
        setup = sheet.page_setup
        setup.orientation = "landscape" if landscape else "portrait"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        fit = sheet.sheet_properties.pageSetUpPr
        assert fit is not None  # a new sheet has one
        fit.fitToPage = True
        margins = sheet.page_margins  # ГОСТ Р 7.0.97: left 20 mm, right 10 mm, top and bottom 20 mm
        margins.left, margins.right, margins.top, margins.bottom = 0.79, 0.39, 0.79, 0.79
        margins.header, margins.footer = 0.3, 0.3
        sheet.HeaderFooter.differentFirst = True  # numbers from page 2, centred at the top
        header = sheet.HeaderFooter.oddHeader
        assert header is not None  # a new sheet has one
        header.center.text = "&P"
        header.center.font = FONT
        header.center.size = 11

    # ---- the other sheets ----------------------------------------------------------------
    def _schools(self, rows: SheetRows, tree: RoadmapTree) -> None:
        heads = ("№", "Общеобразовательная организация", "ШНОР", "ШССУ", "Наставник", "Профили рисков",
                 "Мероприятий")  # fmt: skip
        widths = [6.0, 60.0, 9.0, 9.0, 12.0, 50.0, 14.0]
        sheet = rows.sheet
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        self._page_setup(sheet)
        rows.add([rows.cells.styled(title, "rm_head") for title in heads])
        named = {school.id: 0 for school in tree.schools}
        for measure in tree.measures.values():
            for school_id in measure.school_ids:
                if school_id in named:
                    named[school_id] += 1
        for number, school in enumerate(tree.schools, start=1):
            profiles = "\n".join(school.risk_profiles)
            values: list[str | int] = [
                number,
                school.name,
                "да" if school.is_shnor else "",
                "да" if school.is_sssu else "",
                "да" if school.is_mentor else "",
                profiles,
                named[school.id],
            ]
            cells: list[Cell | None] = [
                rows.cells.styled(value, "rm_cell" if column in (2, 6) else "rm_number")
                for column, value in enumerate(values, start=1)
            ]
            rows.add(cells, self.fit["rm_cell"].height([school.name, profiles], [widths[1], widths[5]]))
        sheet.print_title_rows = "1:1"

    def _summary(self, rows: SheetRows) -> None:
        """Per top-level section and in all, the figures of the «Отчёт» tab (content.summary)."""
        widths = [50.0] + [14.0] * (len(SUMMARY_HEADS) - 1)  # «Мероприятий» unbroken in bold
        sheet = rows.sheet
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        self._page_setup(sheet, landscape=False)
        heads: list[Cell | None] = [rows.cells.styled(title, "rm_head") for title in SUMMARY_HEADS]
        rows.add(heads, self.fit["rm_head"].height(list(SUMMARY_HEADS), widths))
        for line in self.content.summary:
            cells: list[Cell | None] = [rows.cells.styled(line.label, "rm_cell")]
            cells += [rows.cells.styled(figure, "rm_number") for figure in line.figures()]
            rows.add(cells, self.fit["rm_cell"].height([line.label], [widths[0]]))
        overall: list[Cell | None] = [rows.cells.styled("Итого", "rm_section")]
        for figure in self.content.overall.figures():  # values: a record
            cell = rows.cells.styled(figure, "rm_number")
            cell.font = Font(name=FONT, size=FONT_SIZE, bold=True)
            overall.append(cell)
        rows.add(overall)
        for note in self.content.summary_notes():
            rows.blank()
            self._line(rows, note, "rm_text", widths=widths)


def write_xlsx(
    content: ExportContent,
    out: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """The workbook of ``content`` at ``out``."""
    RoadmapWorkbook(content, progress, cancel).build(out)
    if progress is not None:
        progress(content.measure_count, content.measure_count, "Запись Excel")
