"""Importing existing roadmaps: read the container -> neutral Document -> recognise -> write.

``read_source`` and ``recognise`` write nothing (the preview uses them); ``import_file`` adds
the roadmap in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.importers.document import Document
from desktop.importers.guard import ImportError_, sniff
from desktop.importers.recognise import Recognised, recognise

if TYPE_CHECKING:  # not imported at run time: a PDF's reading process imports this package too
    import threading

    from desktop.services.operations import Operations
    from desktop.services.writer import Progress, WriteResult

__all__ = ["ImportError_", "Recognised", "import_file", "read_source", "recognise"]


def read_source(path: Path) -> Document:
    """The neutral document of a .docx, .xlsx, .pdf, .txt/.tsv (or, through LibreOffice, .doc/.odt/.rtf)."""
    kind = sniff(path)
    if kind == "docx":
        from desktop.importers.docx_reader import read_docx

        return read_docx(path)
    if kind == "xlsx":
        from desktop.importers.xlsx_reader import read_xlsx

        return read_xlsx(path)
    if kind == "pdf":
        from desktop.importers.pdf_reader import read_pdf

        return read_pdf(path)
    if kind == "office":
        from desktop.importers.office import read_via_office

        return read_via_office(path)
    from desktop.importers.text_reader import read_text

    return read_text(path)


def import_file(
    operations: Operations,
    path: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[WriteResult, list[str]]:
    """Read, recognise and write one roadmap as one operation; nothing is written unless all of it is."""
    from desktop.services.writer import write_roadmap

    recognised = recognise(read_source(path))
    return write_roadmap(operations, recognised.roadmap, progress, cancel), recognised.warnings
