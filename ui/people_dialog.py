"""Файл → «Люди и роли…»: who works in the file — coordinators, and each school's director and
team — with an optional PIN. Saved as one undo step when «ОК» is pressed; a list the program
refuses (a name missing, a school not given, no coordinator left) keeps the dialog open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.people import PersonRow
from models.domain.roles import ROLE_LABELS

ROLES = ("coordinator", "director", "team")
COLUMNS = ("Имя (И.О. Фамилия)", "Должность", "Роль", "Школа", "PIN")


class PeopleDialog(QDialog):
    def __init__(
        self,
        people: list[PersonRow],
        schools: list[str],
        save: Callable[[list[PersonRow], list[PersonRow], dict[int, str]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Люди и роли")
        self.before, self.schools, self.save = people, schools, save
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Координатор меняет всё; директор и команда школы отмечают исполнение только своей "
                "школы. PIN необязателен: пустое поле — не менять, пробел — убрать PIN."
            )
        )
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, widest in ((2, ROLE_LABELS["director"]), (4, "задан")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 48)
        layout.addWidget(self.table)
        row_buttons = QHBoxLayout()
        add = QPushButton("&Добавить")
        add.clicked.connect(lambda: self._add(PersonRow(None, "", "", "director", "")))
        remove = QPushButton("&Удалить")
        remove.clicked.connect(self._remove)
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.rows: list[PersonRow] = []
        for person in people:
            self._add(person)
        self.resize(1000, 420)

    def _add(self, person: PersonRow) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.rows.append(person)
        self.table.setItem(row, 0, QTableWidgetItem(person.name))
        self.table.setItem(row, 1, QTableWidgetItem(person.position))
        role = QComboBox()
        for code in ROLES:
            role.addItem(ROLE_LABELS[code], code)
        role.setCurrentIndex(max(0, role.findData(person.role)))
        self.table.setCellWidget(row, 2, role)
        school = QComboBox()
        school.setEditable(True)
        school.addItems(["", *self.schools])
        school.setCurrentText(person.school)
        self.table.setCellWidget(row, 3, school)
        pin = QLineEdit()
        pin.setEchoMode(QLineEdit.EchoMode.Password)
        pin.setMaxLength(32)
        pin.setPlaceholderText("задан" if person.has_pin else "нет")
        self.table.setCellWidget(row, 4, pin)
        self.table.setCurrentCell(row, 0)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < self.table.rowCount():
            self.table.removeRow(row)
            del self.rows[row]

    def listed(self) -> tuple[list[PersonRow], dict[int, str]]:
        """The people as the table has them, and the PINs typed (index -> PIN, "" removes)."""
        people, pins = [], {}
        for row, person in enumerate(self.rows):
            role, school, pin = (self.table.cellWidget(row, c) for c in (2, 3, 4))
            assert isinstance(role, QComboBox) and isinstance(school, QComboBox)
            assert isinstance(pin, QLineEdit)
            name, position = (self.table.item(row, c) for c in (0, 1))
            people.append(
                PersonRow(
                    person.id,
                    name.text() if name else "",
                    position.text() if position else "",
                    str(role.currentData()),
                    school.currentText() if role.currentData() != "coordinator" else "",
                    person.has_pin,
                    person.version,
                )
            )
            if pin.text():
                pins[row] = pin.text().strip()
        return people, pins

    def accept(self) -> None:
        people, pins = self.listed()
        if self.save(self.before, people, pins):
            super().accept()
