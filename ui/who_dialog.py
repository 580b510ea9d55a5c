"""«Кто работает?»: on opening a file that has its people, the person at the PC chooses
themselves (the last choice on this computer account preselected) and gives their PIN if they
have one. Without a choice the file opens for viewing only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.people import PersonRow


class WhoDialog(QDialog):
    def __init__(
        self, people: list[PersonRow], last: int | None, problem: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Кто работает?")
        self.people = people
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Выберите себя — изменения в журнале будут записаны на ваше имя:"))
        self.list = QListWidget()
        for person in people:
            item = QListWidgetItem(person.shown + (" (с PIN)" if person.has_pin else ""))
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.list.addItem(item)
        chosen = next((i for i, p in enumerate(people) if p.id == last), 0)
        self.list.setCurrentRow(chosen)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        self.pin_label = QLabel("PIN:")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(32)
        layout.addWidget(self.pin_label)
        layout.addWidget(self.pin)
        self.problem = QLabel(problem)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        viewing = buttons.addButton("Только просмотр", QDialogButtonBox.ButtonRole.RejectRole)
        viewing.setToolTip("Открыть файл без изменений: ничего нельзя поменять")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._pin_shown)
        self._pin_shown(self.list.currentRow())
        self.resize(520, 360)

    def _pin_shown(self, row: int) -> None:
        needs = 0 <= row < len(self.people) and self.people[row].has_pin
        self.pin_label.setVisible(needs)
        self.pin.setVisible(needs)
        if needs:
            self.pin.setFocus()

    def chosen(self) -> tuple[int, str] | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.people) or self.people[row].id is None:
            return None
        return int(self.people[row].id or 0), self.pin.text()
