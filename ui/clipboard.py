"""Putting a table on the clipboard (TSV and HTML), and releasing it safely before quitting.

Destroying a QMimeData set from Python after the application object crashes the interpreter at
exit (seen with PySide6 6.9 and 6.12). Before quitting, if the clipboard still holds our table, it
is replaced by its plain text, which Qt owns alone; the copied cells stay available as text.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

_last_html: str | None = None


def put_table(tsv: str, html: str) -> None:
    global _last_html
    mime = QMimeData()
    mime.setText(tsv)
    mime.setHtml(html)
    QApplication.clipboard().setMimeData(mime)
    _last_html = html


def release() -> None:
    global _last_html
    if _last_html is None or QApplication.instance() is None:
        return
    clipboard = QApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasHtml() and data.html() == _last_html:
        clipboard.setText(data.text())
    _last_html = None
