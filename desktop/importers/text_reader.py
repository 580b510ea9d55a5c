"""Plain text and TSV (the seeds' layout) -> Document.

Lines with a tab are table rows (cells split on tabs); other lines are paragraphs. Markdown
emphasis left by converters (``**bold**``, ``## heading``, ``\\_``) marks bold and is removed.
A row of a table that starts with a tab continues the row above (a row split across pages); the
recogniser decides, since only it knows the columns. Encodings: UTF-8 (with or without BOM),
UTF-16 with BOM, else Windows-1251, the usual encoding of Russian text files.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.importers.document import Cell, Document, Paragraph, Table
from desktop.importers.guard import ImportError_

_MARKUP = re.compile(r"\*\*|__|(?<!\\)\*|<\/?[bi]>")
_HEADING = re.compile(r"^#{1,6}\s+")
_ESCAPE = re.compile(r"\\([_*\\#\-.\[\]()])")


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


def read_text(path: Path) -> Document:
    text = decode(path.read_bytes(), path.name).replace("\r\n", "\n").replace("\r", "\n")
    document = Document()
    table: Table | None = None
    pending_bold = False
    for line in text.split("\n"):
        if "\t" in line:
            if table is None:
                table = Table()
                document.blocks.append(table)
            cells = []
            for raw in line.split("\t"):
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
