"""«Год»: the whole period at once — months across, top-level sections down, how many measures
have a window in each month, coloured by how they stand: green as they are done, red as they are
late (overdue or not done), pale while still ahead; empty months stand out white. A click on a
month opens it in «Месяц»."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.services.schedule import MonthCell, Schedule, SectionRef
from ui.tracking_style import MONTHS_SHORT, MUTED_TEXT

Index = QModelIndex | QPersistentModelIndex
NOTE = (
    "Сколько мероприятий приходится на каждый месяц по разделам: зелёный — выполнены, красный — "
    "просрочены или не выполнены, серый — в работе или впереди. Щелчок по месяцу открывает его."
)
DONE = QColor("#2e7d32")
LATE = QColor("#c62828")
AHEAD = QColor("#90a4ae")


def cell_colour(cell: MonthCell) -> QColor | None:
    """Red by the share of late measures when any is late, else green by the share done, else the
    pale «in progress or ahead»: one look says where a month stands, not only how busy it is."""
    if not cell.count:
        return None
    if cell.late:
        colour = QColor(LATE)
        colour.setAlphaF(0.25 + 0.55 * cell.late / cell.count)
    elif cell.done:
        colour = QColor(DONE)
        colour.setAlphaF(0.2 + 0.55 * cell.done / cell.count)
    else:
        colour = QColor(AHEAD)
        colour.setAlphaF(0.25)
    return colour


class YearModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.months: list[date] = []
        self.rows: list[tuple[SectionRef | None, list[MonthCell]]] = []
        self.totals: list[MonthCell] = []

    def set_schedule(self, schedule: Schedule | None) -> None:
        self.beginResetModel()
        if schedule is None:
            self.months, self.rows, self.totals = [], [], []
        else:
            self.months, self.rows, self.totals = schedule.month_cells()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows) + (1 if self.rows else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.months)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical:
                return self._row_label(section)
            return None
        if orientation == Qt.Orientation.Horizontal:
            month = self.months[section]
            return f"{MONTHS_SHORT[month.month - 1]}\n{month.year}"
        return self._row_label(section)

    def _row_label(self, row: int) -> str:
        if row == len(self.rows):
            return "Всего мероприятий"
        section = self.rows[row][0]
        return section.label if section is not None else "Без раздела"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        total_row = index.row() == len(self.rows)
        cell = self.totals[index.column()] if total_row else self.rows[index.row()][1][index.column()]
        count = cell.count
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count) if count else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole:
            return cell_colour(cell)
        if role == Qt.ItemDataRole.FontRole and total_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            month = self.months[index.column()]
            stands = f" (выполнено {cell.done}, просрочено или не выполнено {cell.late})" if count else ""
            when = f"{MONTHS_SHORT[month.month - 1]} {month.year}"
            return f"{self._row_label(index.row())}\n{when}: {count}{stands}"
        return None

    def month_at(self, column: int) -> date:
        return self.months[column]


class YearView(QWidget):
    month_chosen = Signal(date)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = YearModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setDefaultSectionSize(54)
        self.table.horizontalHeader().setMinimumHeight(38)
        vertical = self.table.verticalHeader()
        vertical.setMaximumWidth(420)
        vertical.setDefaultSectionSize(26)
        vertical.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)  # a long note must not widen the window past a 1366 screen
        self.note.setStyleSheet(f"color: {MUTED_TEXT.name()}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.table.clicked.connect(lambda index: self.month_chosen.emit(self.model.month_at(index.column())))
        self.table.horizontalHeader().sectionClicked.connect(
            lambda column: self.month_chosen.emit(self.model.month_at(column))
        )

    def set_schedule(self, schedule: Schedule | None) -> None:
        self.model.set_schedule(schedule)
        undated = len(schedule.undated) if schedule is not None else 0
        text = NOTE
        if undated:
            text += f" Без дат (по запросу, по плану…): {undated} — они на «Шкале», внизу."
        self.note.setText(text)
