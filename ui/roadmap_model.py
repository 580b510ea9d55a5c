"""RoadmapTreeModel: sections and measures of one roadmap as a tree of rows for the grid.

The model holds the DTOs a service returned and never writes: ``setData`` turns an edit into an
EditMeasureCommand and hands it to ``edit_requested``; the window executes it through the undo
stack and the model then shows the file as it is after it (``apply_tree``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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

from desktop.services.cell_text import cell_text
from desktop.services.commands import Command, EditMeasureCommand, EditSectionCommand, MoveRowsCommand
from desktop.services.dto import ChildRef, MeasureRow, RoadmapTree, SectionRow
from desktop.services.filtering import folded
from models.domain.fields import MEASURE_FIELDS
from models.domain.tracking import is_overdue

Index = QModelIndex | QPersistentModelIndex
# The grid's columns, one per field of models.domain.fields in its order: (header, field's name, or
# None for the № column, which is never edited).
COLUMNS: tuple[tuple[str, str | None], ...] = tuple(
    (f.header, f.name if f.editable else None) for f in MEASURE_FIELDS
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
FOUND = QBrush(QColor("#fff3a8"))  # a cell holding a word of the find box
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


_MEASURE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
_EDITABLE_FLAGS = _MEASURE_FLAGS | Qt.ItemFlag.ItemIsEditable
_SECTION_FLAGS = _MEASURE_FLAGS | Qt.ItemFlag.ItemIsDropEnabled
_SECTION_TITLE_FLAGS = _SECTION_FLAGS | Qt.ItemFlag.ItemIsEditable  # the section's title
_TOP_FLAGS = Qt.ItemFlag.ItemIsDropEnabled
_EDITABLE_COLUMN = tuple(name is not None for _, name in COLUMNS)
STATUS_COLUMN = next(i for i, (_title, name) in enumerate(COLUMNS) if name == "status")
_COLUMN_COUNT = len(COLUMNS)
MANY_ROWS = 400  # changed rows above which a repaint is announced as a layout change


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7] -> [(1, 3), (7, 7)]: contiguous runs of sorted row numbers."""
    out: list[tuple[int, int]] = []
    for row in rows:
        if out and out[-1][1] == row - 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def _renumber(parent: _Node) -> None:
    for row, child in enumerate(parent.children):
        child.row = row


class RoadmapTreeModel(QAbstractItemModel):
    """Tree of section rows (spanning the grid) and measure rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.tree: RoadmapTree | None = None
        # A school's director or team (or «Только просмотр»): nothing in the grid is typed over;
        # their school's records are marked in «Отчёты школ» (the service checks it again).
        self.read_only = False
        self._root = _Node("root", 0, None, 0)
        self._measure_nodes: dict[int, _Node] = {}
        self._section_nodes: dict[int, _Node] = {}
        self.edit_requested: Callable[[Command], object] | None = None
        self.today = date.today()
        self._icons: dict[str, QIcon | None] = {}
        self.found_words: tuple[str, ...] = ()  # the find box's words, marked in the cells

    # ---- loading -------------------------------------------------------------------------
    def school_choices(self) -> list[tuple[int, str]]:
        return [(s.id, s.name) for s in self.tree.schools] if self.tree else []

    def set_tree(self, tree: RoadmapTree | None) -> None:
        self.beginResetModel()
        self.tree = tree
        self._root = _Node("root", 0, None, 0)
        self._measure_nodes = {}
        self._section_nodes = {}
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
                self._section_nodes[ident] = node
                self._build(node, self.tree.sections[ident].children)

    def apply_tree(self, new: RoadmapTree, rows_moved: bool = True) -> None:
        """Show ``new`` (the same roadmap after an operation) by moving, removing and inserting
        just the rows that changed and repainting those whose content or number changed; the
        current cell, selection and scroll position stay where they were (no model reset)."""
        old = self.tree
        if old is None or new.header.id != old.header.id or new.header is not old.header:
            self.set_tree(new)
            return
        if rows_moved:  # else only contents changed: no pass over every row's place
            self._remove_gone(new)
        self.tree = new  # the rows still shown all exist in ``new`` from here on
        if rows_moved:
            self._arrange(new)
        self._repaint_changed(old, new)

    def _remove_gone(self, new: RoadmapTree) -> None:
        """Rows whose measure or section is no longer in ``new``, removed in runs, last first."""
        keep = {("measure", i) for i in new.measures} | {("section", i) for i in new.sections}

        def sweep(parent: _Node) -> None:
            gone = [k for k, child in enumerate(parent.children) if (child.kind, child.node_id) not in keep]
            for first, last in reversed(_runs(gone)):
                self.beginRemoveRows(self._index_of(parent), first, last)
                for child in parent.children[first : last + 1]:
                    self._forget(child)
                del parent.children[first : last + 1]
                _renumber(parent)
                self.endRemoveRows()
            for child in parent.children:
                if child.kind == "section":
                    sweep(child)

        sweep(self._root)

    def _forget(self, node: _Node) -> None:
        if node.kind == "measure":
            self._measure_nodes.pop(node.node_id, None)
        else:
            self._section_nodes.pop(node.node_id, None)
            for child in node.children:
                self._forget(child)

    def _arrange(self, new: RoadmapTree) -> None:
        """Every parent's rows put in ``new``'s order, parents from the top down: a row already
        shown is moved (beginMoveRows keeps it selected), a new one inserted."""
        queue: list[tuple[_Node, tuple[ChildRef, ...]]] = [(self._root, new.top)]
        while queue:
            parent, target = queue.pop(0)
            self._relabel_swapped_measures(parent, target)
            for i, (kind, ident) in enumerate(target):
                here = parent.children[i] if i < len(parent.children) else None
                if here is None or (here.kind, here.node_id) != (kind, ident):
                    node = (self._measure_nodes if kind == "measure" else self._section_nodes).get(ident)
                    if node is not None:
                        self._move(node, parent, i)
                    else:
                        self._insert(kind, ident, parent, i)
                if kind == "section":
                    queue.append((parent.children[i], new.sections[ident].children))

    def _relabel_swapped_measures(self, parent: _Node, target: tuple[ChildRef, ...]) -> None:
        """Measures that only changed places among themselves in one parent (Alt+↑/↓) are shown
        by giving their rows each other's measure and repainting them: a row move makes the tree
        view lay out all its rows again (~0.1 s at 5,000), a repaint of two rows does not."""
        children = parent.children
        if len(children) != len(target):
            return
        differ = [
            k
            for k, (child, ref) in enumerate(zip(children, target, strict=True))
            if (child.kind, child.node_id) != ref
        ]
        if not differ or len(differ) > 8:
            return
        if any(children[k].kind != "measure" or target[k][0] != "measure" for k in differ):
            return
        if sorted(children[k].node_id for k in differ) != sorted(target[k][1] for k in differ):
            return
        for k in differ:
            children[k].node_id = target[k][1]
            self._measure_nodes[target[k][1]] = children[k]
        index = self._index_of(parent)
        self.dataChanged.emit(
            self.index(differ[0], 0, index), self.index(differ[-1], _COLUMN_COUNT - 1, index)
        )

    def _move(self, node: _Node, parent: _Node, row: int) -> None:
        source = node.parent
        assert source is not None
        destination = row + 1 if source is parent and node.row < row else row
        self.beginMoveRows(self._index_of(source), node.row, node.row, self._index_of(parent), destination)
        del source.children[node.row]
        parent.children.insert(row, node)
        node.parent = parent
        _renumber(source)
        if parent is not source:
            _renumber(parent)
        self.endMoveRows()

    def _insert(self, kind: str, ident: int, parent: _Node, row: int) -> None:
        self.beginInsertRows(self._index_of(parent), row, row)
        node = _Node(kind, ident, parent, row)
        parent.children.insert(row, node)
        (self._measure_nodes if kind == "measure" else self._section_nodes)[ident] = node
        _renumber(parent)
        self.endInsertRows()

    def _repaint_changed(self, old: RoadmapTree, new: RoadmapTree) -> None:
        """One dataChanged per parent over the rows whose DTO is not the same object."""
        ranges: dict[int, tuple[_Node, int, int]] = {}

        def mark(node: _Node) -> None:
            parent = node.parent
            assert parent is not None
            first, last = ranges.get(id(parent), (parent, node.row, node.row))[1:]
            ranges[id(parent)] = (parent, min(first, node.row), max(last, node.row))

        for ident, row in new.measures.items():
            if old.measures.get(ident) is not row and ident in self._measure_nodes:
                mark(self._measure_nodes[ident])
        for ident, section in new.sections.items():
            if old.sections.get(ident) is not section and ident in self._section_nodes:
                mark(self._section_nodes[ident])
        if sum(last - first + 1 for _, first, last in ranges.values()) > MANY_ROWS:
            # The tree view measures every row of a dataChanged range at once (all columns); after
            # a paste of thousands of rows a layout change lets it measure the rows it shows.
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()
            return
        for parent, first, last in ranges.values():
            index = self._index_of(parent)
            self.dataChanged.emit(self.index(first, 0, index), self.index(last, len(COLUMNS) - 1, index))

    def measure_index(self, measure_id: int, column: int = 1) -> QModelIndex:
        node = self._measure_nodes.get(measure_id)
        if node is None:
            return QModelIndex()
        return self.index(node.row, column, self._index_of(node.parent))

    def section_index(self, section_id: int) -> QModelIndex:
        node = self._section_nodes.get(section_id)
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
        return index.internalPointer() if index.isValid() else None

    def _index_of(self, node: _Node | None) -> QModelIndex:
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = parent.internalPointer() if parent.isValid() else self._root
        children = owner.children
        if 0 <= row < len(children) and 0 <= column < _COLUMN_COUNT:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._root.children)
        if parent.column() != 0:
            return 0
        return len(parent.internalPointer().children)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # Asked for every row at each layout: a measure never has children.
        if not parent.isValid():
            return bool(self._root.children)
        return parent.column() == 0 and bool(parent.internalPointer().children)

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
        # Called for every row when the view lays itself out: precomputed flags, no enum arithmetic.
        if not index.isValid():
            return _TOP_FLAGS  # rows may be dropped at the top level
        node = index.internalPointer()
        if self.read_only:
            return _SECTION_FLAGS if node.kind == "section" else _MEASURE_FLAGS
        if node.kind == "section":
            return _SECTION_TITLE_FLAGS if index.column() == 0 else _SECTION_FLAGS
        column = index.column()
        if column == STATUS_COLUMN and self.tree is not None:  # made from schools' reports: not typed
            measure = self.tree.measures.get(node.node_id)
            if measure is not None and measure.derived is not None:
                return _MEASURE_FLAGS
        return _EDITABLE_FLAGS if _EDITABLE_COLUMN[column] else _MEASURE_FLAGS

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
            return self._display(measure, column)
        if role == Qt.ItemDataRole.DecorationRole and name == "deadline":
            return self._deadline_icon(measure)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if role == Qt.ItemDataRole.BackgroundRole and self.found_words:
            text = folded(self._display(measure, column))
            return FOUND if any(word in text for word in self.found_words) else None
        if role == Qt.ItemDataRole.ToolTipRole and name == "deadline":
            return self._deadline_tooltip(measure)
        if role == Qt.ItemDataRole.ToolTipRole and name == "status" and measure.school_ids:
            return "Исполнение по школам: двойной щелчок или Ctrl+Shift+O — «Отчёты школ»"
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and name in ("deadline", "status")
            and self._overdue(measure)
        ):
            return QBrush(OVERDUE)
        return None

    def _display(self, measure: MeasureRow, column: int) -> str:
        name = COLUMNS[column][1] or "number"
        if name == "schools":
            names = {s.id: s.name for s in self.tree.schools} if self.tree else {}
            return ", ".join(names.get(s, "") for s in measure.school_ids)
        return cell_text(measure, name)

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
        roadmap = self.tree.header.id if self.tree is not None else None
        return MoveRowsCommand(refs, parent_id, before, roadmap)  # type: ignore[arg-type]

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
            roadmap = self.tree.header.id if self.tree is not None else None
            self.edit_requested(
                EditSectionCommand(section.id, section.version, str(value), section.title, roadmap)
            )
            return True
        measure = self.measure_at(index)
        name = COLUMNS[index.column()][1]
        if role != Qt.ItemDataRole.EditRole or measure is None or name is None or self.edit_requested is None:
            return False
        if str(value) == str(self.data(index, Qt.ItemDataRole.EditRole)):
            return False
        self.edit_requested(EditMeasureCommand.for_row(measure, {name: value}))
        return True
