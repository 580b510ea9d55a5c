"""Run by the system's python3 (it has LibreOffice's `uno` module; the project's venv does not).

    /usr/bin/python3 bench/lo_row_heights.py BOOK.xlsx SHEET

Opens the workbook in a headless LibreOffice, and for every row prints the stored height and the
height LibreOffice's "optimal row height" gives it, both in points, as JSON {row: [stored, fitted]}.
Rows with merged cells are left out: LibreOffice does not fit those either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

HUNDREDTH_MM_PER_POINT = 2540 / 72


def connect(port: int) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(100):
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.2)
    raise SystemExit("LibreOffice did not start")


def main() -> None:
    book, sheet_name = os.path.abspath(sys.argv[1]), sys.argv[2]
    port = 20000 + os.getpid() % 10000
    profile = tempfile.mkdtemp()
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = connect(port)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(book), "_blank", 0, (hidden,))
        sheet = document.Sheets.getByName(sheet_name)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_row = cursor.RangeAddress.EndRow
        last_column = cursor.RangeAddress.EndColumn
        heights: dict[int, list[float]] = {}
        for index in range(last_row + 1):
            if _has_merge(sheet, index, last_column):
                continue
            row = sheet.Rows.getByIndex(index)
            stored = row.Height / HUNDREDTH_MM_PER_POINT
            row.OptimalHeight = True
            heights[index + 1] = [round(stored, 1), round(row.Height / HUNDREDTH_MM_PER_POINT, 1)]
        document.close(True)
        print(json.dumps(heights))
    finally:
        office.terminate()
        office.wait(timeout=30)


def _has_merge(sheet: object, row: int, last_column: int) -> bool:
    """Whether the row's first or last cell is part of a merged area."""
    for column in (0, last_column):
        cursor = sheet.createCursorByRange(sheet.getCellByPosition(column, row))
        cursor.collapseToMergedArea()
        area = cursor.RangeAddress
        if area.EndColumn > area.StartColumn or area.EndRow > area.StartRow:
            return True
    return False


if __name__ == "__main__":
    main()
