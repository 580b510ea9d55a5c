"""Blocks of cells as the clipboard carries them between this grid, Excel and Word.

Excel writes tab-separated text, quoting a cell that holds a line break, a tab or a quote
(``"a""b"``); Word and browsers also take an HTML table. Both directions keep multi-line cells.
"""

from __future__ import annotations

import csv
import html
import io


def to_tsv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def from_tsv(text: str) -> list[list[str]]:
    """Rows of cells from Excel's clipboard text (a trailing line break is not a row)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


def to_html(rows: list[list[str]]) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell).replace(chr(10), '<br>')}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f'<meta charset="utf-8"><table border="1" cellspacing="0">{body}</table>'
