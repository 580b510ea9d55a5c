"""GridView: the tree grid of measures with Excel-like editing keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from ui.delegates import GridDelegate, move_cursor_to_end

Index = QModelIndex | QPersistentModelIndex
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)


class GridView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = GridDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setEditTriggers(EDIT_TRIGGERS)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)
        self.setIndentation(14)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Rows are dragged by their number (the first column), like a row header in Excel.
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        # Row heights depend on column widths: lay rows out again (lazily) when a column is resized.
        self.header().sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        """Drag whole rows, and only when grabbed by the number column: dragging elsewhere is
        left to selecting cells."""
        if self.currentIndex().column() != 0:
            return
        super().startDrag(supported_actions)

    def edit(  # type: ignore[override]
        self, index: Index, trigger: QAbstractItemView.EditTrigger | None = None, event: QEvent | None = None
    ) -> bool:
        if trigger is None:  # the public slot edit(index)
            trigger = QAbstractItemView.EditTrigger.AllEditTriggers
        self.delegate.last_editor = None
        # Qt takes a null event (the public slot passes none); PySide6's stub insists on a QEvent.
        started = super().edit(index, trigger, event)  # type: ignore[arg-type]
        if started and trigger != QAbstractItemView.EditTrigger.AnyKeyPressed:
            move_cursor_to_end(self.delegate.last_editor)
        return started
