"""RoadmapTreeModel: sections and measures of one roadmap as a tree of rows for the grid.

The model holds the DTOs a service returned and never writes: ``setData`` turns an edit into an
EditMeasureCommand and hands it to ``edit_requested``; the window executes it through the undo
stack and the model then shows the stored row (``replace_measure``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from desktop.services.commands import Command, EditMeasureCommand, EditSectionCommand, MoveRowsCommand
from desktop.services.dto import ChildRef, MeasureRow, RoadmapTree, SectionRow
from models.domain.status import STATUS_LABELS
from models.domain.tracking import is_overdue

Index = QModelIndex | QPersistentModelIndex
# (header, field of the dump or None when the column is not edited as text)
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("№", None),
    ("Мероприятие", "title"),
    ("Форма", "form"),
    ("Срок", "deadline"),
    ("Ответственные", "responsible"),
    ("Ожидаемый результат", "result"),
    ("Целевая группа", "target_group"),
    ("Школы", "schools"),
    ("Статус", "status"),
    ("Дата выполнения", "done_on"),
    ("Отметка об исполнении", "note"),
)
KIND_NAMES = {
    "fixed": "даты",
    "recurring": "повторяется",
    "continuous": "весь период",
    "on_request": "по запросу",
    "per_plan": "по плану",
    "after_event": "по итогам события",
    "unknown": "срок не распознан",
}
OVERDUE = QColor("#b00020")
ROWS_MIME = "application/x-roadmap-rows"


KIND_COLOURS = {
    "fixed": "#2e7d32",
    "recurring": "#1565c0",
    "continuous": "#6a1b9a",
    "on_request": "#9e9e9e",
    "per_plan": "#9e9e9e",
    "after_event": "#9e9e9e",
}


def _kind_icon(kind: str) -> QIcon | None:
    colour = KIND_COLOURS.get(kind)
    if colour is None:
        return None
    pixmap = QPixmap(10, 10)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 8, 8)
    painter.end()
    return QIcon(pixmap)


class _Node:
    __slots__ = ("children", "kind", "node_id", "parent", "row")

    def __init__(self, kind: str, node_id: int, parent: _Node | None, row: int) -> None:
        self.kind, self.node_id, self.parent, self.row = kind, node_id, parent, row
        self.children: list[_Node] = []


class RoadmapTreeModel(QAbstractItemModel):
    """Tree of section rows (spanning the grid) and measure rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.tree: RoadmapTree | None = None
        self._root = _Node("root", 0, None, 0)
        self._measure_nodes: dict[int, _Node] = {}
        self.edit_requested: Callable[[Command], None] | None = None
        self.today = date.today()
        self._icons: dict[str, QIcon | None] = {}

    # ---- loading -------------------------------------------------------------------------
    def school_choices(self) -> list[tuple[int, str]]:
        return [(s.id, s.name) for s in self.tree.schools] if self.tree else []

    def set_tree(self, tree: RoadmapTree | None) -> None:
        self.beginResetModel()
        self.tree = tree
        self._root = _Node("root", 0, None, 0)
        self._measure_nodes = {}
        if tree is not None:
            self._build(self._root, tree.top)
        self.endResetModel()

    def _build(self, parent: _Node, refs: tuple[ChildRef, ...]) -> None:
        assert self.tree is not None
        for row, (kind, ident) in enumerate(refs):
            node = _Node(kind, ident, parent, row)
            parent.children.append(node)
            if kind == "measure":
                self._measure_nodes[ident] = node
            else:
                self._build(node, self.tree.sections[ident].children)

    def replace_measure(self, stored: MeasureRow) -> None:
        """Show a measure as stored after an edit (its number does not change on a field edit)."""
        if self.tree is None or stored.id not in self.tree.measures:
            return
        current = self.tree.measures[stored.id]
        self.tree.measures[stored.id] = replace(stored, number=current.number)
        node = self._measure_nodes[stored.id]
        parent = self._index_of(node.parent)
        self.dataChanged.emit(self.index(node.row, 0, parent), self.index(node.row, len(COLUMNS) - 1, parent))

    def measure_index(self, measure_id: int, column: int = 1) -> QModelIndex:
        node = self._measure_nodes.get(measure_id)
        if node is None:
            return QModelIndex()
        return self.index(node.row, column, self._index_of(node.parent))

    def section_index(self, section_id: int) -> QModelIndex:
        def find(parent: _Node) -> _Node | None:
            for child in parent.children:
                if child.kind == "section":
                    if child.node_id == section_id:
                        return child
                    found = find(child)
                    if found is not None:
                        return found
            return None

        node = find(self._root)
        return self.createIndex(node.row, 0, node) if node is not None else QModelIndex()

    def measure_at(self, index: Index) -> MeasureRow | None:
        node = self._node(index)
        if node is None or node.kind != "measure" or self.tree is None:
            return None
        return self.tree.measures[node.node_id]

    def section_at(self, index: Index) -> SectionRow | None:
        node = self._node(index)
        if node is None or node.kind != "section" or self.tree is None:
            return None
        return self.tree.sections[node.node_id]

    def is_section(self, index: Index) -> bool:
        node = self._node(index)
        return node is not None and node.kind == "section"

    # ---- structure -----------------------------------------------------------------------
    def _node(self, index: Index) -> _Node | None:
        return index.internalPointer() if index.isValid() else None  # type: ignore[no-any-return]

    def _index_of(self, node: _Node | None) -> QModelIndex:
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = self._node(parent) or self._root
        if not 0 <= row < len(owner.children) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, owner.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        owner = self._node(parent) or self._root
        return len(owner.children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    # ---- data ----------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # rows may be dropped at the top level
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        node = self._node(index)
        if node is not None and node.kind == "section":
            base |= Qt.ItemFlag.ItemIsDropEnabled
        if node is not None and node.kind == "measure" and COLUMNS[index.column()][1] is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        if node is not None and node.kind == "section" and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsEditable  # the section's title
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None or self.tree is None:
            return None
        if node.kind == "section":
            return self._section_data(node, index.column(), role)
        return self._measure_data(self.tree.measures[node.node_id], index.column(), role)

    def _section_data(self, node: _Node, column: int, role: int) -> Any:
        assert self.tree is not None
        section = self.tree.sections[node.node_id]
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            return f"{section.number} {section.title}".strip()
        if role == Qt.ItemDataRole.EditRole and column == 0:
            return section.title
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#eef2f7"))
        return None

    def _measure_data(self, measure: MeasureRow, column: int, role: int) -> Any:
        name = COLUMNS[column][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(measure, column)
        if role == Qt.ItemDataRole.EditRole:
            if name == "schools":
                return list(measure.school_ids)
            if name == "status":
                return STATUS_LABELS.get(measure.status, measure.status)
            if name == "done_on":
                return f"{measure.done_on:%d.%m.%Y}" if measure.done_on else ""
            return self._display(measure, column)
        if role == Qt.ItemDataRole.DecorationRole and name == "deadline":
            return self._deadline_icon(measure)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if role == Qt.ItemDataRole.ToolTipRole and name == "deadline":
            return self._deadline_tooltip(measure)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and name in ("deadline", "status")
            and self._overdue(measure)
        ):
            return QBrush(OVERDUE)
        return None

    def _display(self, measure: MeasureRow, column: int) -> str:
        name = COLUMNS[column][1]
        if column == 0:
            return measure.number
        if column == 7:
            names = {s.id: s.name for s in self.tree.schools} if self.tree else {}
            return ", ".join(names.get(s, "") for s in measure.school_ids)
        if name == "deadline":
            return measure.deadline_text
        if name == "status":
            return STATUS_LABELS.get(measure.status, measure.status)
        if name == "done_on":
            return f"{measure.done_on:%d.%m.%Y}" if measure.done_on else ""
        return str(getattr(measure, name or "title"))

    def _deadline_icon(self, measure: MeasureRow) -> QIcon | None:
        """A warning when the reader understood nothing or a date lies outside the period;
        otherwise a small mark of the kind (dated, recurring, whole period, undated)."""
        assert self.tree is not None
        deadline = self.tree.header.deadline(measure.deadline_text)
        key = (
            "warning"
            if deadline.warnings or (deadline.kind == "unknown" and measure.deadline_text.strip())
            else (deadline.kind)
        )
        # Icons are cached on the model, not in a module: Qt objects must die with the application,
        # or the interpreter crashes at exit destroying pixmaps after QApplication.
        if key not in self._icons:
            self._icons[key] = (
                QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                if key == "warning"
                else _kind_icon(key)
            )
        return self._icons[key]

    def _deadline_tooltip(self, measure: MeasureRow) -> str:
        assert self.tree is not None
        deadline = self.tree.header.deadline(measure.deadline_text)
        lines = [f"Понято как: {KIND_NAMES.get(deadline.kind, deadline.kind)}"]
        for start, end in deadline.windows[:12]:
            lines.append(f"{start:%d.%m.%Y}" if start == end else f"{start:%d.%m.%Y} – {end:%d.%m.%Y}")
        if len(deadline.windows) > 12:
            lines.append(f"… и ещё {len(deadline.windows) - 12}")
        lines.extend(deadline.warnings)
        return "\n".join(lines)

    def _overdue(self, measure: MeasureRow) -> bool:
        assert self.tree is not None
        windows = self.tree.header.deadline(measure.deadline_text).windows
        return is_overdue(measure.status, windows, self.today)

    # ---- drag and drop ---------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged rows as [kind, id] pairs in document order; a row inside a dragged
        section goes with it and is not listed on its own."""
        nodes: dict[int, _Node] = {}
        for index in indexes:
            node = self._node(index)
            if node is not None:
                nodes[id(node)] = node
        chosen = [n for n in nodes.values() if not any(id(a) in nodes for a in self._ancestors(n))]
        chosen.sort(key=self._path)
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(json.dumps([[n.kind, n.node_id] for n in chosen]).encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        target = self._node(parent)
        return data.hasFormat(ROWS_MIME) and (target is None or target.kind == "section")

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Turn a drop into a MoveRowsCommand for the window; the model itself never changes here
        (False tells the view not to remove the dragged rows: the reload shows them moved)."""
        command = self.move_command(data, row, parent)
        if command is not None and self.edit_requested is not None:
            request = self.edit_requested
            QTimer.singleShot(0, lambda: request(command))  # not inside the view's drop event
        return False

    def move_command(self, data: QMimeData, row: int, parent: Index) -> MoveRowsCommand | None:
        """The move a drop of ``data`` at ``row`` under ``parent`` asks for, or None."""
        if not data.hasFormat(ROWS_MIME):
            return None
        try:
            refs = [(str(k), int(i)) for k, i in json.loads(bytes(data.data(ROWS_MIME).data()).decode())]
        except (ValueError, TypeError):
            return None
        target = self._node(parent) or self._root
        if not refs or target.kind == "measure":
            return None
        moving = set(refs)
        if any(("section", a.node_id) in moving for a in [target, *self._ancestors(target)]):
            return None  # a section into itself
        siblings = target.children
        start = len(siblings) if row < 0 else row
        before = next(
            ((n.kind, n.node_id) for n in siblings[start:] if (n.kind, n.node_id) not in moving), None
        )
        parent_id = None if target is self._root else target.node_id
        return MoveRowsCommand(refs, parent_id, before)  # type: ignore[arg-type]

    @staticmethod
    def _ancestors(node: _Node) -> list[_Node]:
        out = []
        while node.parent is not None and node.parent.kind != "root":
            node = node.parent
            out.append(node)
        return out

    @staticmethod
    def _path(node: _Node) -> list[int]:
        rows = []
        current: _Node | None = node
        while current is not None and current.kind != "root":
            rows.append(current.row)
            current = current.parent
        return rows[::-1]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Never writes: builds the command and asks the window to execute it."""
        section = self.section_at(index)
        if section is not None and index.column() == 0 and role == Qt.ItemDataRole.EditRole:
            if self.edit_requested is None or str(value).strip() == section.title:
                return False
            self.edit_requested(EditSectionCommand(section.id, section.version, str(value), section.title))
            return True
        measure = self.measure_at(index)
        name = COLUMNS[index.column()][1]
        if role != Qt.ItemDataRole.EditRole or measure is None or name is None or self.edit_requested is None:
            return False
        if str(value) == str(self.data(index, Qt.ItemDataRole.EditRole)):
            return False
        self.edit_requested(EditMeasureCommand.for_row(measure, {name: value}))
        return True
