"""A workbook of three measures followed by a million empty formatted rows (2.5 MB zipped), as
some Excel files arrive: every row carries a style and a height, none has a value."""

from __future__ import annotations

import zipfile
from pathlib import Path

ROWS = 1_000_000


def make_big_workbook(out: Path, empty_rows: int = ROWS) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственные"])
    for i in range(1, 4):
        sheet.append([i, f"Мероприятие {i}", "март 2024 г.", "РМО"])
    base = out.with_suffix(".base.xlsx")
    workbook.save(base)
    rows = "".join(
        f'<row r="{r}" s="0" customFormat="1" ht="15" customHeight="1"/>' for r in range(5, 5 + empty_rows)
    )
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().replace("</sheetData>", rows + "</sheetData>")
                data = text.replace(
                    '<dimension ref="A1:D4"/>', f'<dimension ref="A1:D{4 + empty_rows}"/>'
                ).encode()
            target.writestr(item, data)
    base.unlink()
    return out
