"""The small dialog a double click in a calendar opens: status, date done and note of one measure."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from desktop.services.dto import MeasureRow
from models.domain.fields import FIELD_HEADERS
from models.domain.status import DONE, STATUS_LABELS


class StatusDialog(QDialog):
    def __init__(self, measure: MeasureRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.measure = measure
        self.setWindowTitle(f"Исполнение мероприятия {measure.number}".strip())
        title = QLabel(f"<b>{measure.number}</b> {_escape(measure.title)}")
        title.setWordWrap(True)
        deadline = QLabel(f"Срок: {_escape(measure.deadline_text) or '—'}")
        self.status = QComboBox()
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.status.setCurrentIndex(max(0, self.status.findData(measure.status)))
        self.has_date = QCheckBox("указана")
        self.done_on = QDateEdit()
        self.done_on.setCalendarPopup(True)
        self.done_on.setDisplayFormat("dd.MM.yyyy")
        when = measure.done_on or date.today()
        self.done_on.setDate(QDate(when.year, when.month, when.day))
        self.has_date.setChecked(measure.done_on is not None)
        self.done_on.setEnabled(measure.done_on is not None)
        self.has_date.toggled.connect(self.done_on.setEnabled)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.note = QPlainTextEdit(measure.note)
        self.note.setPlaceholderText("Например: протокол № 3 от 12.03.2024; аналитическая справка")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(70)
        date_row = QHBoxLayout()
        date_row.addWidget(self.has_date)
        date_row.addWidget(self.done_on, 1)
        form = QFormLayout()
        form.addRow(title)
        form.addRow(deadline)
        form.addRow(f"{FIELD_HEADERS['status']}:", self.status)
        form.addRow(f"{FIELD_HEADERS['done_on']}:", date_row)
        form.addRow(f"{FIELD_HEADERS['note']}:", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setLayout(form)
        self.resize(560, self.sizeHint().height())

    def _status_changed(self) -> None:
        """Marking a measure done offers today's date, as people do on paper."""
        if self.status.currentData() == DONE and not self.has_date.isChecked():
            self.has_date.setChecked(True)

    def changes(self) -> dict[str, object]:
        """Only what differs from the measure as shown."""
        chosen = self.done_on.date()
        values: dict[str, object] = {
            "status": self.status.currentData(),
            "done_on": date(chosen.year(), chosen.month(), chosen.day())
            if self.has_date.isChecked()
            else None,
            "note": self.note.toPlainText().strip(),
        }
        current = {
            "status": self.measure.status,
            "done_on": self.measure.done_on,
            "note": self.measure.note.strip(),
        }
        return {name: value for name, value in values.items() if value != current[name]}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
