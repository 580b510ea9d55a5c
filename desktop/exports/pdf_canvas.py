"""A reportlab canvas that compresses each page as soon as it is finished.

reportlab keeps every page's drawing operators as text until the document is saved and only then
compresses them: 22,000 pages of a 100,000-measure roadmap held ~250 MB that way. Compressing a
page when it is closed gives the same file (Flate, as reportlab writes it) in a tenth of the memory.
It touches reportlab's page objects (``PDFPage.stream``, ``Contents``), which the pinned version
range keeps stable; tests/test_exports.py reads the pages back.
"""

from __future__ import annotations

import zlib
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas


class _PageStream(PDFStream):
    """A page's compressed content, let go once it is in the file being put together (the file
    is assembled in memory: keeping both would double the pages' share of the peak)."""

    def format(self, document: Any) -> bytes:
        formatted: bytes = super().format(document)
        self.content = b""
        return formatted


class CompressingCanvas(Canvas):
    def showPage(self) -> None:  # reportlab's name
        super().showPage()
        pages: list[Any] = self._doc.Pages.pages  # type: ignore[attr-defined]
        page = pages[-1] if pages else None
        if page is None or page.Contents or not page.stream:
            return
        stream = page.stream
        content = stream if isinstance(stream, bytes) else stream.encode("utf8")  # as reportlab's filter
        flate = PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])})
        page.Contents, page.stream = _PageStream(flate, zlib.compress(content)), None
