"""The region's summary as an Excel workbook for the ministry: a row per district (bold) and, under
it, a row per school — the figures of desktop/services/region.py, as the command line gives them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from desktop.services.region import RegionLine
from models.domain.progress import PROGRESS_CLASSES, PROGRESS_LABELS
from models.domain.tracking import DUE_SOON_DAYS

HEADS = (
    "Район / школа",
    "Дорожных карт",
    "Мероприятий",
    *(PROGRESS_LABELS[c] for c in PROGRESS_CLASSES),
    "Отменено",
    f"Срок в ближайшие {DUE_SOON_DAYS} дней",
    "Выполнено, %",
)
WIDTHS = (48, 14, 16, 13, 15, 14, 12, 14, 13, 17, 13)  # the longest head word whole


def write_region(lines: list[RegionLine], today: date, out: Path) -> None:
    """The workbook at ``out`` (written beside it and moved over: never half a file)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Регион"
    sheet["A1"] = f"Исполнение дорожных карт по районам и школам на {today:%d.%m.%Y}"
    sheet["A1"].font = Font(bold=True, size=13)
    for column, (head, width) in enumerate(zip(HEADS, WIDTHS, strict=True), start=1):
        cell = sheet.cell(3, column, head)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    row = 3
    for line in lines:
        row += 1
        progress = line.progress
        values = [
            line.school or line.district,
            line.roadmaps if not line.school else None,
            progress.total,
            *(progress.counts.get(c, 0) for c in PROGRESS_CLASSES),
            progress.cancelled,
            progress.due_soon,
            round(100 * progress.share(PROGRESS_CLASSES[0])),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            if not line.school:
                cell.font = Font(bold=True)
        sheet.cell(row, 1).alignment = Alignment(indent=2 if line.school else 0, wrap_text=True)
    sheet.row_dimensions[3].height = 45  # three lines of the longest head
    sheet.freeze_panes = "B4"
    sheet.page_setup.orientation = "landscape"  # printed on one page's width, the heads on each page
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    fit_page = sheet.sheet_properties.pageSetUpPr
    assert fit_page is not None  # a new sheet has one
    fit_page.fitToPage = True
    sheet.print_title_rows = "3:3"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(HEADS))}{max(row, 3)}"
    partial = out.with_name(out.name + ".part")
    try:
        book.save(str(partial))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
