"""Excel (.xlsx) -> Document: every sheet's used range as a table, merged cells kept as spans.

openpyxl parses through defusedxml when it is installed (it is a dependency), so entity tricks
are refused; the zip itself was checked by the guard before this runs. The workbook is opened in
normal mode because read-only mode does not report merged cells.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.importers.document import Cell, Document, Table
from desktop.importers.guard import ImportError_, check_xml, read_member

if TYPE_CHECKING:
    from openpyxl import Workbook  # imported by read_xlsx only when a workbook is read

MAX_ROWS = 20_000
MAX_COLUMNS = 40


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def read_xlsx(path: Path) -> Document:
    import openpyxl

    parts = ("xl/worksheets/", "xl/sharedStrings", "xl/workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".xml") and name.startswith(parts):
                    check_xml(name, read_member(archive, name, path))
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise ImportError_(
            f"Книга Excel «{path.name}» повреждена. Откройте её в Excel и сохраните заново."
        ) from exc
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ImportError_(
            f"Книга Excel «{path.name}» не читается ({type(exc).__name__}). "
            "Откройте её в Excel и сохраните заново как .xlsx."
        ) from exc
    document = Document()
    for sheet in workbook.worksheets:
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for merged in sheet.merged_cells.ranges:
            spans[(merged.min_row, merged.min_col)] = (merged.max_row, merged.max_col)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered.add((r, c))
        table = Table()
        max_row = min(sheet.max_row or 0, MAX_ROWS)
        max_col = min(sheet.max_column or 0, MAX_COLUMNS)
        for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col), start=1):
            cells: list[Cell] = []
            c = 1
            while c <= max_col:
                cell = row[c - 1]
                if (r, c) in covered:
                    top_left = next(
                        ((r0, c0) for (r0, c0), (r1, c1) in spans.items() if r0 < r <= r1 and c0 <= c <= c1),
                        None,
                    )
                    if top_left is not None and top_left[1] == c:
                        width = spans[top_left][1] - c + 1
                        cells.append(Cell("", width, False, True))
                        c += width
                        continue
                    c += 1
                    continue
                width = 1
                if (r, c) in spans:
                    width = spans[(r, c)][1] - c + 1
                bold = bool(cell.font and cell.font.b)
                cells.append(Cell(_text(cell.value), width, bold))
                c += width
            table.rows.append(cells)
        if table.rows:
            document.blocks.append(table)
    if sheet_rows_over(workbook):
        document.warnings.append(f"Прочитаны только первые {MAX_ROWS} строк листа.")
    return document


def sheet_rows_over(workbook: Workbook) -> bool:
    return any((ws.max_row or 0) > MAX_ROWS for ws in workbook.worksheets)
