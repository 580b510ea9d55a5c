"""Файл → «Учебный календарь…»: the four quarters and the holidays of the school year, which
deadlines such as «в конце каждой четверти» or «в период осенних каникул» are read with.

Dates are day and month (the same every school year). The dialog checks what it can say in
Russian (a quarter ending before it starts, quarters out of order) before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.domain.errors import ValidationError
from models.domain.school_calendar import DEFAULT_CALENDAR, MonthDay, SchoolCalendar

YEAR_OF = {True: 2003, False: 2004}  # September–December, then January–August (2004 has 29.02)


def _editor(value: MonthDay) -> QDateEdit:
    editor = QDateEdit()
    editor.setDisplayFormat("dd.MM")
    editor.setCalendarPopup(True)
    month, day = value
    editor.setDate(QDate(YEAR_OF[month >= 9], month, day))
    return editor


def _value(editor: QDateEdit) -> MonthDay:
    chosen = editor.date()
    return chosen.month(), chosen.day()


class SchoolCalendarDialog(QDialog):
    def __init__(self, calendar: SchoolCalendar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Учебный календарь")
        self.result_calendar: SchoolCalendar | None = None
        explanation = QLabel(
            "По этим датам программа понимает сроки «в конце каждой четверти», «ежечетвертно», "
            "«в период осенних каникул». Даты одинаковы для каждого учебного года."
        )
        explanation.setWordWrap(True)
        quarters_box = QGroupBox("Четверти")
        quarters = QGridLayout(quarters_box)
        quarters.addWidget(QLabel("начало"), 0, 1)
        quarters.addWidget(QLabel("окончание"), 0, 2)
        self.quarter_edits: list[tuple[QDateEdit, QDateEdit]] = []
        for number, (first, last) in enumerate(calendar.quarters, start=1):
            pair = (_editor(first), _editor(last))
            quarters.addWidget(QLabel(f"{number}-я четверть"), number, 0)
            quarters.addWidget(pair[0], number, 1)
            quarters.addWidget(pair[1], number, 2)
            self.quarter_edits.append(pair)
        holidays_box = QGroupBox("Каникулы")
        self.holidays = QGridLayout(holidays_box)
        self.holidays.addWidget(QLabel("название"), 0, 0)
        self.holidays.addWidget(QLabel("начало"), 0, 1)
        self.holidays.addWidget(QLabel("окончание"), 0, 2)
        self.holiday_edits: list[tuple[QLineEdit, QDateEdit, QDateEdit]] = []
        self._drops: dict[int, Callable[[], None]] = {}
        self._next_row = 0
        for name, first, last in calendar.holidays:
            self.add_holiday(name, first, last)
        add = QPushButton("Добавить каникулы")
        add.clicked.connect(lambda: self.add_holiday("дополнительные", (2, 19), (2, 25)))
        defaults = QPushButton("Как по умолчанию")
        defaults.setToolTip("Четверти и каникулы, которые программа предлагает сама")
        defaults.clicked.connect(self.reset_to_defaults)
        extra = QHBoxLayout()
        extra.addWidget(add)
        extra.addWidget(defaults)
        extra.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(quarters_box)
        layout.addWidget(holidays_box)
        layout.addLayout(extra)
        layout.addWidget(buttons)

    def add_holiday(self, name: str, first: MonthDay, last: MonthDay) -> None:
        """A row of the holidays' grid; rows removed leave their grid row unused, never shared."""
        self._next_row += 1
        row = self._next_row
        name_edit = QLineEdit(name)
        first_edit, last_edit = _editor(first), _editor(last)
        remove = QPushButton("Убрать")
        for column, widget in enumerate((name_edit, first_edit, last_edit, remove)):
            self.holidays.addWidget(widget, row, column)
        entry = (name_edit, first_edit, last_edit)
        self.holiday_edits.append(entry)

        def drop() -> None:
            if entry not in self.holiday_edits:
                return
            self.holiday_edits.remove(entry)
            del self._drops[id(entry)]
            for widget in (*entry, remove):
                self.holidays.removeWidget(widget)
                widget.deleteLater()

        self._drops[id(entry)] = drop
        remove.clicked.connect(drop)

    def reset_to_defaults(self) -> None:
        for (first, last), (default_first, default_last) in zip(
            self.quarter_edits, DEFAULT_CALENDAR.quarters, strict=True
        ):
            month, day = default_first
            first.setDate(QDate(YEAR_OF[month >= 9], month, day))
            month, day = default_last
            last.setDate(QDate(YEAR_OF[month >= 9], month, day))
        for drop in list(self._drops.values()):
            drop()
        for name, first_day, last_day in DEFAULT_CALENDAR.holidays:
            self.add_holiday(name, first_day, last_day)

    def calendar(self) -> SchoolCalendar:
        quarters = tuple((_value(a), _value(b)) for a, b in self.quarter_edits)
        holidays = tuple((n.text().strip().lower(), _value(a), _value(b)) for n, a, b in self.holiday_edits)
        return SchoolCalendar(quarters, holidays)

    def accept(self) -> None:
        calendar = self.calendar()
        try:
            calendar.check()
        except ValidationError as error:
            QMessageBox.warning(self, "Учебный календарь", error.message)
            return
        self.result_calendar = calendar
        super().accept()
