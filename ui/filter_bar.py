"""The bar above the grid: find text (Ctrl+F) and filter by status, school and responsible."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.services.dto import SchoolRow
from desktop.services.filtering import OVERDUE, THIS_MONTH, Filter
from models.domain.status import STATUS_LABELS


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.text = QLineEdit()
        self.text.setPlaceholderText("Найти (Ctrl+F): слова из любого столбца")
        self.text.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("Все статусы", "")
        self.status.addItem("Просрочено", OVERDUE)
        self.status.addItem("В этом месяце", THIS_MONTH)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label.capitalize(), code)
        self.school = QComboBox()
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText("Ответственный")
        self.responsible.setClearButtonEnabled(True)
        self.shown = QLabel()
        for widget, stretch in (
            (self.text, 3),
            (self.status, 0),
            (self.school, 1),
            (self.responsible, 1),
            (self.shown, 0),
        ):
            layout.addWidget(widget, stretch)
        self.set_schools(())
        self.text.textChanged.connect(self.changed)
        self.responsible.textChanged.connect(self.changed)
        self.status.currentIndexChanged.connect(self.changed)
        self.school.currentIndexChanged.connect(self.changed)

    def set_schools(self, schools: tuple[SchoolRow, ...]) -> None:
        self.school.blockSignals(True)
        self.school.clear()
        self.school.addItem("Все школы", None)
        for school in schools:
            self.school.addItem(school.name, school.id)
        self.school.blockSignals(False)

    def criteria(self) -> Filter:
        return Filter(
            self.text.text(),
            self.status.currentData() or "",
            self.school.currentData(),
            self.responsible.text(),
        )

    def show_counts(self, shown: int, total: int) -> None:
        self.shown.setText(f"Показано {shown} из {total}" if shown != total else f"Мероприятий: {total}")
