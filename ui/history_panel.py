"""A measure's history: who changed what and when, from the file's change log."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from models.domain.fields import MEASURE_FIELDS
from models.domain.status import STATUS_LABELS

# What the «Что» column says: a changed field by the grid's header, a structural action in words.
FIELD_NAMES = {f.name: f.header for f in MEASURE_FIELDS if f.editable} | {
    "insert": "добавлено",
    "delete": "удалено",
    "restore": "восстановлено",
    "move": "перемещено",
    "evidence": "файл",
}


class HistoryPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Когда", "Кто", "Что", "Было → стало"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        # «Было → стало» needs room to be read: the panel never gets narrower than this.
        self.setMinimumWidth(460)

    def show_entries(self, entries: list[dict[str, object]]) -> None:
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            at = entry["at"]
            when = f"{at:%d.%m.%Y %H:%M}" if isinstance(at, datetime) else str(at)
            field = str(entry["field"])
            old, new = str(entry["old"] or ""), str(entry["new"] or "")
            if field == "status":
                old, new = STATUS_LABELS.get(old, old), STATUS_LABELS.get(new, new)
            if field == "evidence":  # a file attached or taken off
                change = f"добавлен «{new}»" if new else f"убран «{old}»"
            elif field in FIELD_NAMES and field not in ("insert", "delete", "restore", "move"):
                change = f"{old} → {new}"
            else:
                change = str(new)
            what = FIELD_NAMES.get(field, field)
            if entry.get("school"):
                what += f" — {entry['school']}"
            who = str(entry.get("person") or entry["user"])
            values = (when, f"{who} ({entry['computer']})", what, change)
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        for column in range(3):  # when, who, what: as wide as they need; the change takes the rest
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 130))
        self.table.resizeRowsToContents()
