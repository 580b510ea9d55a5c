"""The bar above the roadmap's views: find text (Ctrl+F) and filter by status, section, school and
responsible. The grid, the calendars and the progress report all follow it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.services.dto import SchoolRow
from desktop.services.filtering import OVERDUE, THIS_MONTH, Filter
from desktop.services.schedule import SectionRef
from models.domain.status import STATUS_LABELS

TYPING_PAUSE_MS = 250
# Ctrl+keys a text field needs for itself; any other Ctrl+key (Ctrl+E: export to Excel) is the
# window's, even while typing in the find box (a line edit would take Ctrl+E as «end of line»).
FIELD_KEYS = frozenset({
    Qt.Key.Key_A, Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_X, Qt.Key.Key_Z, Qt.Key.Key_Y,
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Backspace, Qt.Key.Key_Delete,
    Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Insert,
})


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
        self.section = QComboBox()
        self.section.setMinimumContentsLength(18)
        self.section.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.school.setMinimumContentsLength(14)
        self.school.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText("Ответственный")
        self.responsible.setClearButtonEnabled(True)
        self.shown = QLabel()
        for widget, stretch in (
            (self.text, 3),
            (self.status, 0),
            (self.section, 1),
            (self.school, 1),
            (self.responsible, 1),
            (self.shown, 0),
        ):
            layout.addWidget(widget, stretch)
        self.set_schools(())
        self.set_sections([])
        # Typing is applied once the user pauses (or presses Enter): on 5,000 measures each pass
        # over the grid and the views takes ~0.1 s, too much for every key on an old PC.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed)
        for field in (self.text, self.responsible):
            field.textChanged.connect(self._typing.start)
            field.returnPressed.connect(self.flush)
            field.installEventFilter(self)
        self.status.currentIndexChanged.connect(self.changed)
        self.school.currentIndexChanged.connect(self.changed)
        self.section.currentIndexChanged.connect(self.changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc empties a text field at once; the window's Ctrl+keys work from inside one."""
        if isinstance(watched, QLineEdit) and isinstance(event, QKeyEvent):
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if event.type() == QEvent.Type.ShortcutOverride and ctrl and event.key() not in FIELD_KEYS:
                return True  # not taken by the field: the shortcut goes to the window
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape and watched.text():
                watched.clear()
                self.flush()
                return True
        return super().eventFilter(watched, event)

    def set_schools(self, schools: tuple[SchoolRow, ...]) -> None:
        _refill(self.school, "Все школы", [(school.name, school.id) for school in schools])

    def choose_school(self, name: str) -> None:
        """Show one school's measures (a director's «Моя школа»), when the roadmap names it."""
        for index in range(1, self.school.count()):
            if self.school.itemText(index).casefold() == name.casefold():
                self.school.setCurrentIndex(index)
                return

    def set_sections(self, sections: list[SectionRef]) -> None:
        """Sections indented by depth; the chosen one stays chosen while it exists."""
        items = [("    " * (s.depth - 1) + s.label, s.id) for s in sections]
        _refill(self.section, "Все разделы", items)
        for index in range(1, self.section.count()):
            self.section.setItemData(index, items[index - 1][0].strip(), Qt.ItemDataRole.ToolTipRole)

    def criteria(self) -> Filter:
        return Filter(
            self.text.text(),
            self.status.currentData() or "",
            self.school.currentData(),
            self.responsible.text(),
            self.section.currentData(),
        )

    def flush(self) -> None:
        """Apply typed text now (Enter, or before something needs the filter settled)."""
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def clear(self) -> None:
        """Everything shown again (one change signal)."""
        widgets = (self.text, self.responsible, self.status, self.school, self.section)
        for widget in widgets:
            widget.blockSignals(True)
        self.text.clear()
        self.responsible.clear()
        for box in (self.status, self.school, self.section):
            box.setCurrentIndex(0)
        for widget in widgets:
            widget.blockSignals(False)
        self._typing.stop()
        self.changed.emit()

    def show_counts(self, shown: int, total: int) -> None:
        self.shown.setText(f"Показано {shown} из {total}" if shown != total else f"Мероприятий: {total}")


def _refill(box: QComboBox, everything: str, items: list[tuple[str, int]]) -> None:
    """New choices; the current one kept if still offered, without a change signal."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(everything, None)
    for text, ident in items:
        box.addItem(text, ident)
    found = box.findData(current) if current is not None else -1
    box.setCurrentIndex(max(found, 0))
    box.blockSignals(False)
