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

import threading
from copy import copy
from datetime import datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from desktop.exports.content import (
    SUMMARY_HEADS,
    ExportContent,
    MeasureLine,
    SectionLine,
    approval_lines,
    document_title,
    period_line,
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


def excel_text(value: str) -> str:
    """Text a workbook can hold: Word's line and page breaks (\\x0b, \\x0c) as new lines, other control
    characters dropped (XML cannot carry them), cut to Excel's 32,767 characters with a mark."""
    value = value.translate(_EXCEL_CONTROLS)
    if len(value) > CELL_LIMIT:  # Excel refuses longer cells
        value = value[: CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return value


class CellWriter:
    """Writes cells of one workbook; text that looks like a formula stays text.

    A named style is applied to one cell and its style record copied to the others: openpyxl
    looks the name up and registers the style again on every ``cell.style = name``. The record is
    the private ``_style``, which openpyxl's type stubs leave out."""

    def __init__(self) -> None:
        self.prototypes: dict[str, StyleArray] = {}

    def put(self, sheet: Worksheet, row: int, column: int, value: str | int, style: str) -> Cell:
        cell = sheet.cell(row=row, column=column)
        assert isinstance(cell, Cell)  # written before any merge covers it
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

    def merge_row(self, sheet: Worksheet, row: int, first: int, last: int, style: str) -> None:
        """Merge ``first..last`` of a row whose first cell is written. The covered cells get the
        same style (so Excel draws the borders along the whole merged cell); openpyxl's own
        merge_cells builds a border per cell and took most of the export's time."""
        span = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
        sheet.merged_cells.add(MergedCellRange(sheet, span))
        prototype = self.prototypes[style]
        for column in range(first + 1, last + 1):
            covered = MergedCell(sheet, row, column)
            covered._style = copy(prototype)  # type: ignore[attr-defined]  # private _style
            sheet._cells[(row, column)] = covered


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
        total = sum(c.weight for c in content.columns)
        self.widths = [TABLE_CHARS * c.weight / total for c in content.columns]
        regular, bold = TextFit(FONT_SIZE), TextFit(FONT_SIZE, bold=True)
        self.fit = {"rm_cell": regular, "rm_text": regular, "rm_mark": regular, "rm_section": bold}
        self.fit |= {"rm_head": bold, "rm_title": TextFit(14, bold=True)}  # by named style
        self.book = Workbook()
        self.cells = CellWriter()
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

    def build(self, out: Path) -> None:
        sheet = self.book.active
        assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
        sheet.title = "Дорожная карта"
        self._roadmap(sheet)
        self._schools(self.book.create_sheet("Школы"), self.content.tree)
        self._summary(self.book.create_sheet("Сводка"))
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

    # ---- the table -----------------------------------------------------------------------
    def _merged_line(
        self,
        sheet: Worksheet,
        row: int,
        value: str,
        style: str,
        first: int = 1,
        widths: list[float] | None = None,
    ) -> None:
        """``value`` across the sheet's columns (``widths``: the table's unless given)."""
        widths = widths or self.widths
        last = len(widths)
        self.cells.put(sheet, row, first, value, style)
        if last > first:
            self.cells.merge_row(sheet, row, first, last, style)
        width = sum(widths[first - 1 :])
        sheet.row_dimensions[row].height = self.fit[style].height([value], [width])

    def _roadmap(self, sheet: Worksheet) -> None:
        columns = self.content.columns
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
        row = 1
        mark = approval_lines(self.header)
        if mark:
            first = max(1, len(columns) - 2)  # the mark sits over the last three columns, as on paper
            self._merged_line(sheet, row, "\n".join(mark), "rm_mark", first)
            row += 2
        self._merged_line(sheet, row, document_title(self.content), "rm_title")
        row += 1
        self._merged_line(sheet, row, period_line(self.header), "rm_title")
        sheet.cell(row=row, column=1).style = "rm_text"
        sheet.row_dimensions[row].height = self.fit["rm_text"].height(["Период"], [TABLE_CHARS])
        row += 1
        if self.header.goal.strip():
            self._merged_line(sheet, row, f"Цель: {self.header.goal.strip()}", "rm_text")
            row += 1
        if self.header.tasks:
            tasks = "\n".join(f"{n}) {t}" for n, t in enumerate(self.header.tasks, start=1))
            self._merged_line(sheet, row, f"Задачи:\n{tasks}", "rm_text")
            row += 1
        row += 1
        head = row
        for index, column in enumerate(columns, start=1):
            self.cells.put(sheet, head, index, column.title, "rm_head")
        sheet.row_dimensions[head].height = self.fit["rm_head"].height(
            [c.title for c in columns], self.widths
        )
        row += 1

        total = self.content.measure_count
        done = 0
        status_column = next((i for i, c in enumerate(columns, 1) if c.key == "status"), None)
        for line in self.content.lines:
            if isinstance(line, SectionLine):
                self._merged_line(sheet, row, line.text, "rm_section")
                sheet.row_dimensions[row].outlineLevel = 0
            else:
                assert isinstance(line, MeasureLine)
                for index, value in enumerate(line.cells, start=1):
                    late = line.overdue and index == status_column
                    self.cells.put(sheet, row, index, value, "rm_late" if late else "rm_cell")
                sheet.row_dimensions[row].height = self.fit["rm_cell"].height(list(line.cells), self.widths)
                done += 1
                if done % STEP == 0:
                    self.step(done, total)
            row += 1
        last_row = max(head, row - 1)

        last_column = get_column_letter(len(columns))
        sheet.freeze_panes = f"A{head + 1}"
        sheet.auto_filter.ref = f"A{head}:{last_column}{last_row}"
        sheet.print_title_rows = f"{head}:{head}"
        sheet.print_area = f"A1:{last_column}{last_row}"
        self._page_setup(sheet)
        if status_column is not None and last_row > head:
            self._status_list(sheet, status_column, head + 1, last_row)

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
        sheet.add_data_validation(validation)

    @staticmethod
    def _page_setup(sheet: Worksheet, landscape: bool = True) -> None:
        setup = sheet.page_setup
        setup.orientation = "landscape" if landscape else "portrait"
        setup.paperSize = sheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        fit = sheet.sheet_properties.pageSetUpPr
        assert fit is not None  # a new sheet has one
        fit.fitToPage = True
        margins = sheet.page_margins  # ГОСТ Р 7.0.97: left 20 mm, right 10 mm, top and bottom 20 mm
        margins.left, margins.right, margins.top, margins.bottom = 0.79, 0.39, 0.79, 0.79
        margins.header, margins.footer = 0.3, 0.3
        sheet.HeaderFooter.differentFirst = True  # numbers from page 2, centred at the top
        header = sheet.oddHeader
        assert header is not None  # a new sheet has one
        header.center.text = "&P"
        header.center.font = FONT
        header.center.size = 11

    # ---- the other sheets ----------------------------------------------------------------
    def _schools(self, sheet: Worksheet, tree: RoadmapTree) -> None:
        heads = ("№", "Общеобразовательная организация", "ШНОР", "ШССУ", "Наставник", "Профили рисков",
                 "Мероприятий")  # fmt: skip
        widths = [6.0, 60.0, 9.0, 9.0, 12.0, 50.0, 14.0]
        for index, (title, width) in enumerate(zip(heads, widths, strict=True), start=1):
            self.cells.put(sheet, 1, index, title, "rm_head")
            sheet.column_dimensions[get_column_letter(index)].width = width
        named = {school.id: 0 for school in tree.schools}
        for measure in tree.measures.values():
            for school_id in measure.school_ids:
                if school_id in named:
                    named[school_id] += 1
        for row, school in enumerate(tree.schools, start=2):
            profiles = "\n".join(school.risk_profiles)
            values: list[str | int] = [
                row - 1,
                school.name,
                "да" if school.is_shnor else "",
                "да" if school.is_sssu else "",
                "да" if school.is_mentor else "",
                profiles,
                named[school.id],
            ]
            for column, value in enumerate(values, start=1):
                self.cells.put(sheet, row, column, value, "rm_cell" if column in (2, 6) else "rm_number")
            sheet.row_dimensions[row].height = self.fit["rm_cell"].height(
                [school.name, profiles], [widths[1], widths[5]]
            )
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        self._page_setup(sheet)

    def _summary(self, sheet: Worksheet) -> None:
        """Per top-level section and in all, the figures of the «Отчёт» tab (content.summary)."""
        widths = [50.0] + [14.0] * (len(SUMMARY_HEADS) - 1)  # «Мероприятий» unbroken in bold
        for index, (title, width) in enumerate(zip(SUMMARY_HEADS, widths, strict=True), start=1):
            self.cells.put(sheet, 1, index, title, "rm_head")
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.row_dimensions[1].height = self.fit["rm_head"].height(list(SUMMARY_HEADS), widths)
        row = 2
        for line in self.content.summary:
            self.cells.put(sheet, row, 1, line.label, "rm_cell")
            for column, figure in enumerate(line.figures(), start=2):
                self.cells.put(sheet, row, column, figure, "rm_number")
            sheet.row_dimensions[row].height = self.fit["rm_cell"].height([line.label], [widths[0]])
            row += 1
        self.cells.put(sheet, row, 1, "Итого", "rm_section")
        for column, figure in enumerate(self.content.overall.figures(), start=2):  # values: a record
            self.cells.put(sheet, row, column, figure, "rm_number").font = Font(
                name=FONT, size=FONT_SIZE, bold=True
            )
        row += 1
        for note in self.content.summary_notes():
            row += 1
            self._merged_line(sheet, row, note, "rm_text", widths=widths)
        sheet.freeze_panes = "A2"
        self._page_setup(sheet, landscape=False)


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
