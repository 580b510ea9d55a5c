"""When a colleague saved the same measure first: their value and the user's side by side.

Nothing the user typed is lost: they keep the colleague's value, write their own over it (a new
edit, checked against the version now shown), or copy their own text to paste it elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.config import APP_TITLE
from desktop.services.dto import MeasureRow
from models.domain.fields import EDITABLE_COLUMNS, FIELD_HEADERS
from models.domain.status import STATUS_LABELS


def shown_value(name: str, value: object, schools: Sequence[tuple[int, str]] = ()) -> str:
    """A field's value as the grid shows it."""
    if value is None:
        return ""
    if name == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if name == "done_on" and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if name == "schools":
        names = dict(schools)
        return ", ".join(names.get(int(i), str(i)) for i in value)  # type: ignore[attr-defined]
    return str(value)


def stored_value(row: MeasureRow, name: str) -> object:
    return list(row.school_ids) if name == "schools" else getattr(row, EDITABLE_COLUMNS[name])


class ConflictDialog(QDialog):
    """«Их значение» and «Ваше значение» for each field the user changed."""

    THEIRS, MINE = 0, 1

    def __init__(
        self,
        message: str,
        theirs: MeasureRow,
        mine: dict[str, object],
        schools: Sequence[tuple[int, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_TITLE} — изменено другим пользователем")
        self.choice = self.THEIRS
        self._mine_text = "\n".join(shown_value(n, v, schools) for n, v in mine.items())
        layout = QVBoxLayout(self)
        who = message.split(" Ваше изменение не сохранено")[0]  # who saved first, and when
        intro = QLabel(f"{who} Ваше значение ещё не записано, но и не потеряно: выберите, какое оставить.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(mine), 3)
        self.table.setHorizontalHeaderLabels(["Поле", "Сохранено другим", "Вы ввели"])
        for row, (name, value) in enumerate(mine.items()):
            cells = (
                FIELD_HEADERS.get(name, name),
                shown_value(name, stored_value(theirs, name), schools),
                shown_value(name, value, schools),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 260)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)
        self.mine_edit = QPlainTextEdit(self._mine_text)  # selectable: copy a part of it
        self.mine_edit.setReadOnly(True)
        self.mine_edit.setMaximumHeight(90)
        layout.addWidget(QLabel("Ваш текст:"))
        layout.addWidget(self.mine_edit)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton("Оставить их значение")
        self.mine_button = QPushButton("Записать моё")
        self.copy_button = QPushButton("Копировать моё")
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.mine_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.keep_button.clicked.connect(self.reject)
        self.mine_button.clicked.connect(self._take_mine)
        self.copy_button.clicked.connect(self.copy_mine)
        layout.addWidget(buttons)
        self.keep_button.setDefault(True)  # Enter loses nothing: the colleague's value stays
        self.resize(640, 360)

    def _take_mine(self) -> None:
        self.choice = self.MINE
        self.accept()

    def copy_mine(self) -> None:
        """The user's value to the clipboard, to paste it where they like; the dialog stays."""
        QApplication.clipboard().setText(self._mine_text)
        self.copy_button.setText("Скопировано")

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        message: str,
        theirs: MeasureRow,
        mine: dict[str, object],
        schools: Sequence[tuple[int, str]] = (),
    ) -> int:
        dialog = cls(message, theirs, mine, schools, parent)
        dialog.exec()
        choice = dialog.choice
        dialog.deleteLater()
        return choice
