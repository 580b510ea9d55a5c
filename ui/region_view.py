"""«Регион»: on the regional server, every district the account may see and, under each, its
schools — measures, done, in progress, overdue, not started, not done, due in 14 days (the figures
of desktop/services/region.py). A double click on a district opens its first roadmap in the grid;
«Экспорт в Excel…» writes the same table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
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

from desktop.services.region import RegionLine
from models.domain.progress import OVERDUE_CLASS, PROGRESS_CLASSES, PROGRESS_LABELS
from models.domain.tracking import DUE_SOON_DAYS
from ui.tracking_style import colour

HEADS = ["Район / школа", "Карт", "Мероприятий", *(PROGRESS_LABELS[c] for c in PROGRESS_CLASSES),
         f"Срок ≤ {DUE_SOON_DAYS} дн."]  # fmt: skip


class RegionView(QWidget):
    roadmap_wanted = Signal(int)  # a district's first roadmap, to open in the grid
    export_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(HEADS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        export = QPushButton("Экспорт в Excel…")
        export.clicked.connect(self.export_wanted)
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        self.lines: list[RegionLine] = []

    def set_lines(self, lines: list[RegionLine], today_text: str) -> None:
        self.lines = lines
        self.tree.clear()
        districts = [line for line in lines if not line.school]
        measures = sum(line.progress.total for line in districts)
        late = sum(line.progress.overdue for line in districts)
        self.headline.setText(
            f"<b>На {today_text}:</b> районов {len(districts)}, мероприятий {measures}, "
            f"<span style='color:{colour(OVERDUE_CLASS).name()}'><b>просрочено {late}</b></span>. "
            "Двойной щелчок по району — его дорожная карта."
        )
        parent: QTreeWidgetItem | None = None
        for line in lines:
            progress = line.progress
            values = [
                line.school or line.district,
                str(line.roadmaps) if not line.school else "",
                str(progress.total),
                *(str(progress.counts.get(c, 0)) for c in PROGRESS_CLASSES),
                str(progress.due_soon),
            ]
            item = QTreeWidgetItem(values)
            for column in range(1, len(values)):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            overdue_column = 3 + PROGRESS_CLASSES.index(OVERDUE_CLASS)
            if progress.overdue:
                item.setForeground(overdue_column, colour(OVERDUE_CLASS))
            if not line.school:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setData(0, Qt.ItemDataRole.UserRole, line.roadmap_ids[0] if line.roadmap_ids else None)
                self.tree.addTopLevelItem(item)
                parent = item
            elif parent is not None:
                parent.addChild(item)
        if len(districts) <= 3:  # a few districts: their schools at once; many: one line each
            self.tree.expandAll()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        while item.parent() is not None:
            item = item.parent()
        roadmap = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(roadmap, int):
            self.roadmap_wanted.emit(roadmap)
