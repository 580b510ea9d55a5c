"""«Ближайшие»: the coordinator's Monday page — what is late and what falls due this week and the
next two, grouped by responsible, late ones first. A click opens the measure in the grid, a double
click edits its status (as in the other tracking tabs)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.schedule import UPCOMING_WEEKS, Schedule, UpcomingGroup
from ui.tracking_style import MUTED_TEXT, colour, one_line

MEASURE_ROLE = Qt.ItemDataRole.UserRole


class UpcomingView(QWidget):
    measure_clicked = Signal(int)
    measure_activated = Signal(int)
    print_requested = Signal()  # «В PDF…»: the window asks for the file and writes it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"color: {MUTED_TEXT.name()}")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Мероприятие", "Срок", ""])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.print_button = QPushButton("В PDF для печати…")
        self.print_button.clicked.connect(self.print_requested)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        self.groups: list[UpcomingGroup] = []
        self.tree.itemClicked.connect(lambda item, _column: self._emit(item, self.measure_clicked))
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._emit(item, self.measure_activated))
        self.tree.itemActivated.connect(lambda item, _column: self._emit(item, self.measure_activated))

    def _emit(self, item: QTreeWidgetItem, signal: SignalInstance) -> None:
        measure = item.data(0, MEASURE_ROLE)
        if measure is not None:
            signal.emit(int(measure))

    def set_schedule(self, schedule: Schedule | None) -> None:
        self.tree.clear()
        self.groups = schedule.upcoming() if schedule is not None else []
        if schedule is None:
            self.title.setText("")
            return
        monday = schedule.today - timedelta(days=schedule.today.weekday())
        last = monday + timedelta(days=7 * UPCOMING_WEEKS - 1)
        late = sum(item.late for group in self.groups for item in group.items)
        coming = sum(not item.late for group in self.groups for item in group.items)
        self.title.setText(
            f"Просрочено: {late}. Срок с {schedule.today:%d.%m} по {last:%d.%m.%Y} (эта неделя и две "
            f"следующие): {coming}. По ответственным, просроченные первыми; щелчок открывает мероприятие."
        )
        bold = QFont(self.font())
        bold.setBold(True)
        for group in self.groups:
            late_here = sum(item.late for item in group.items)
            head = QTreeWidgetItem([group.responsible, "", f"всего {len(group.items)}"])
            head.setFont(0, bold)
            head.setToolTip(0, group.responsible)
            if late_here:
                head.setText(2, f"всего {len(group.items)}, просрочено {late_here}")
            self.tree.addTopLevelItem(head)
            for item in group.items:
                entry = item.entry
                text = one_line(f"{'! ' if item.late else ''}{entry.number} {entry.title}")
                row = QTreeWidgetItem([text, f"{item.due:%d.%m.%Y}", item.state(schedule.today)])
                row.setData(0, MEASURE_ROLE, entry.measure_id)
                row.setToolTip(0, f"{entry.number} {entry.title}\nСрок: {entry.deadline_text}")
                if item.late:
                    row.setForeground(2, QBrush(colour("overdue")))
                head.addChild(row)
            head.setExpanded(True)

