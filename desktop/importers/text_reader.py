"""Plain text and TSV (the seeds' layout) -> Document.

Lines with a tab are table rows (cells split on tabs); other lines are paragraphs. Markdown
emphasis left by converters (``**bold**``, ``## heading``, ``\\_``) marks bold and is removed.
A row of a table that starts with a tab continues the row above (a row split across pages); the
recogniser decides, since only it knows the columns. Excel's quoting is read where it is evident:
a quoted cell that holds a line break, a tab or a doubled quote (``"a""b"``) is one cell, split
by the clipboard's reader; a quote that does not fit Excel's pattern (``"О мерах" по``, a lone
``"``) stays literal text, as before. Encodings: UTF-8 (with or without BOM),
UTF-16 with BOM, else Windows-1251, the usual encoding of Russian text files.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.importers.document import Cell, Document, Paragraph, Table
from desktop.importers.guard import ImportError_
from desktop.services.tabular import from_tsv

_MARKUP = re.compile(r"\*\*|__|(?<!\\)\*|<\/?[bi]>")
_HEADING = re.compile(r"^#{1,6}\s+")
_ESCAPE = re.compile(r"\\([_*\\#\-.\[\]()])")
# A cell as Excel writes it: quoted whole ("" for a quote inside), or bare, not starting with a quote.
_FIELD = r'(?:"(?:[^"]|"")*"|[^\t"][^\t]*|)'
_COMPLETE = re.compile(rf"{_FIELD}(?:\t{_FIELD})*")  # fullmatch: a whole record
_OPEN = re.compile(rf'(?:{_FIELD}\t)*"(?:[^"]|"")*')  # fullmatch: a quoted cell still open


def decode(data: bytes, name: str) -> str:
    """Text of a file whose encoding is not declared."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportError_(
            f"Файл «{name}» не является текстовым (содержит двоичные данные). Выберите .docx, .xlsx или .txt."
        )
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _clean(text: str) -> tuple[str, bool]:
    bold = "**" in text or "<b>" in text or text.lstrip().startswith("#")
    text = _HEADING.sub("", text)
    text = _MARKUP.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return text.strip(), bold


def _quoted(record: str, multiline: bool) -> list[str] | None:
    """Cells of a record read with Excel's quoting, or None where the quoting is not evident."""
    if not _COMPLETE.fullmatch(record):
        return None
    rows = from_tsv(record)
    if len(rows) != 1 or len(rows[0]) < 2:
        return None
    cells = rows[0]
    if multiline:
        return cells
    literal = record.split("\t")
    if len(cells) != len(literal) or any(
        '"' in c and c != raw for c, raw in zip(cells, literal, strict=True)
    ):
        return cells  # a tab or a doubled quote inside a quoted cell
    return None  # ("a"\tb): Excel would not have quoted it, the quotes are the text's own


def _records(lines: list[str]) -> list[tuple[str, list[str] | None]]:
    """Lines, each with its cells where Excel's quoting applies; a quoted cell with line breaks
    joins its lines into one record. A quote left open to the end stays literal text."""
    records: list[tuple[str, list[str] | None]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if '"' not in line:
            records.append((line, None))
            i += 1
            continue
        end = i
        record = line
        while _OPEN.fullmatch(record) and end + 1 < len(lines):
            end += 1
            record += "\n" + lines[end]
            while '"' not in lines[end] and end + 1 < len(lines):  # still inside the quoted cell
                end += 1
                record += "\n" + lines[end]
        cells = _quoted(record, end > i)
        if cells is None:
            records.append((line, None))
            i += 1
        else:
            records.append((record, cells))
            i = end + 1
    return records


def read_text(path: Path) -> Document:
    text = decode(path.read_bytes(), path.name).replace("\r\n", "\n").replace("\r", "\n")
    document = Document()
    table: Table | None = None
    pending_bold = False
    for line, quoted in _records(text.split("\n")):
        if quoted is not None or "\t" in line:
            if table is None:
                table = Table()
                document.blocks.append(table)
            cells = []
            for raw in quoted if quoted is not None else line.split("\t"):
                cleaned, bold = _clean(raw)
                cells.append(Cell(cleaned, bold=bold))
            table.rows.append(cells)
            continue
        if not line.strip():
            if table is not None:
                table.rows.append([])  # a blank line inside a table: a possible page break
            continue
        cleaned, bold = _clean(line)
        if line.count("**") == 1:  # bold across several lines: "**A\nB\nC**"
            pending_bold = not pending_bold
            bold = True
        table = None
        document.blocks.append(Paragraph(cleaned, bold or pending_bold))
    for block in document.blocks:  # trailing blank rows of tables are noise
        if isinstance(block, Table):
            while block.rows and not block.rows[-1]:
                block.rows.pop()
    return document
