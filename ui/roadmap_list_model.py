"""RoadmapListModel: the file's roadmaps with their progress, for the list on the left."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.dto import RoadmapSummary

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Дорожная карта", "Период", "Выполнено", "Просрочено")


def period_text(summary: RoadmapSummary) -> str:
    return f"{summary.period_start:%d.%m.%Y} – {summary.period_end:%d.%m.%Y}"


class RoadmapListModel(QAbstractTableModel):
    """Read-only table over RoadmapSummary DTOs; refreshed by replacing the list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RoadmapSummary] = []

    def set_rows(self, rows: list[RoadmapSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: list[RoadmapSummary]) -> None:
        """New figures for the same roadmaps repaint in place (the selection stays); another
        set of roadmaps resets the list."""
        if [r.id for r in rows] != [r.id for r in self._rows]:
            self.set_rows(rows)
            return
        changed = [k for k, (old, new) in enumerate(zip(self._rows, rows, strict=True)) if old != new]
        self._rows = list(rows)
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def summary(self, row: int) -> RoadmapSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.title,
                period_text(item),
                f"{item.done} из {item.measures}",
                str(item.overdue) if item.overdue else "—",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return item.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and item.overdue:
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None
