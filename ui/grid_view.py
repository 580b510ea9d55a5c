"""GridView: the tree grid of measures with Excel's keys.

Excel's two ways of editing a cell: typing over it ("enter mode") — the arrows, Tab and Enter
then commit the cell and move; F2 or a double click ("edit mode") — the arrows move the text
cursor, Tab and Enter still commit and move. Without an editor: Enter moves down (after a run of
Tabs, back to the run's first column of the next row), Tab right and on to the next row, Home/End
to the row's first/last column, Ctrl+Home/End to the first/last measure. ← and → never fold a
section: that is the triangle, Ctrl+←/→ or +/− on the section's row. Alt+↓ on a list cell (status,
date done, schools) opens its list; elsewhere Alt+↑/↓ move the row (the «Строки» menu).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QDateEdit, QTreeView, QWidget

from ui.delegates import GridDelegate, move_cursor_to_end
from ui.frozen_columns import FROZEN, FrozenColumns
from ui.roadmap_model import COLUMNS

Index = QModelIndex | QPersistentModelIndex
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)
LIST_FIELDS = frozenset({"status", "done_on", "schools"})  # cells edited by picking from a list
NO_MODIFIERS = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
NAVIGATION_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})


class GridView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = GridDelegate(self)
        self.delegate.move_requested.connect(self.navigate)
        self.setItemDelegate(self.delegate)
        self.setEditTriggers(EDIT_TRIGGERS)
        self.setTabKeyNavigation(True)  # Tab moves between cells (focusNextPrevChild below)
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
        self._run_start: int | None = None  # the column a run of Tabs started in (Enter returns there)
        self.frozen: FrozenColumns | None = None

    def freeze_first_columns(self) -> None:
        """№ and the title stay in view when scrolled right (after the model is set)."""
        self.frozen = FrozenColumns(self)

    # What the frozen overlay must mirror (the window calls these on the grid).
    def setRowHidden(self, row: int, parent: QModelIndex, hide: bool) -> None:  # type: ignore[override]
        super().setRowHidden(row, parent, hide)
        if self.frozen is not None:
            self.frozen.set_row_hidden(row, parent, hide)

    def setFirstColumnSpanned(self, row: int, parent: QModelIndex, span: bool) -> None:  # type: ignore[override]
        super().setFirstColumnSpanned(row, parent, span)
        if self.frozen is not None:
            self.frozen.set_spanned(row, parent, span)

    def expandAll(self) -> None:
        super().expandAll()
        if self.frozen is not None:
            self.frozen.expand_all()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.frozen is not None:
            self.frozen.place()

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
        # Typing over the cell is Excel's enter mode (arrows commit and move); F2, a double click
        # or the program opening the editor is edit mode (arrows move in the text).
        self.delegate.entering = trigger == QAbstractItemView.EditTrigger.AnyKeyPressed
        if self.frozen is not None and index.column() < FROZEN and self.horizontalScrollBar().value():
            self.horizontalScrollBar().setValue(0)  # the editor opens where the cell really is
        # Qt takes a null event (the public slot passes none); PySide6's stub insists on a QEvent.
        started = super().edit(index, trigger, event)  # type: ignore[arg-type]
        if started and trigger != QAbstractItemView.EditTrigger.AnyKeyPressed:
            move_cursor_to_end(self.delegate.last_editor)
        return started

    # ---- keys --------------------------------------------------------------------------------
    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab stay in the grid: they move to the next or previous cell."""
        if self.state() == QAbstractItemView.State.EditingState or not self.currentIndex().isValid():
            return super().focusNextPrevChild(next)
        self.navigate("next" if next else "prev")
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._handle_key(event):
            event.accept()
            return
        if event.key() in NAVIGATION_KEYS:  # typing in the next cell keeps the run of Tabs
            self._run_start = None
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._run_start = None
        super().mousePressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        modifiers = event.modifiers() & ~KEYPAD
        current = self.currentIndex()
        if not current.isValid():
            return False
        on_section = self._is_section(current)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers in (NO_MODIFIERS, SHIFT):
            self.navigate("shift_enter" if modifiers == SHIFT else "enter")
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and modifiers == NO_MODIFIERS:
            self.navigate("left" if key == Qt.Key.Key_Left else "right")  # never folds
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and modifiers == CTRL:
            if on_section:
                self._fold(current, unfold=key == Qt.Key.Key_Right)
            else:
                self.navigate("home" if key == Qt.Key.Key_Left else "end")
            return True
        if on_section and key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus) and modifiers in (NO_MODIFIERS, SHIFT):
            self._fold(current, unfold=key == Qt.Key.Key_Plus)
            return True
        if key in (Qt.Key.Key_Home, Qt.Key.Key_End) and modifiers in (NO_MODIFIERS, CTRL):
            ends = {Qt.Key.Key_Home: ("home", "first"), Qt.Key.Key_End: ("end", "last")}[Qt.Key(key)]
            self.navigate(ends[1] if modifiers == CTRL else ends[0])
            return True
        return False

    def on_section_row(self) -> bool:
        current = self.currentIndex()
        return current.isValid() and self._is_section(current)

    def on_list_cell(self) -> bool:
        """The current cell is picked from a list (Alt+↓ opens it there; elsewhere it moves the row:
        the «Строки» menu's shortcut asks this first)."""
        current = self.currentIndex()
        return current.isValid() and not self._is_section(current) and self._field(current) in LIST_FIELDS

    def open_list(self, index: Index) -> None:
        """Alt+↓ on a list cell, as in Excel: the editor with its list open."""
        if not self.edit(index, QAbstractItemView.EditTrigger.EditKeyPressed, None):
            return
        editor = self.delegate.last_editor
        if isinstance(editor, QComboBox):
            editor.showPopup()
        elif isinstance(editor, QDateEdit):
            # Qt's date editor opens its calendar on F4 (its own key for that).
            QApplication.sendEvent(editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F4, NO_MODIFIERS))

    # ---- moving the cursor ---------------------------------------------------------------------
    def navigate(self, move: str) -> None:
        """Move the current cell: up, down, left, right, next/prev (Tab), enter/shift_enter,
        home/end (the row's first/last column), first/last (the first/last measure)."""
        current = self.currentIndex()
        if not current.isValid():
            return
        if move in ("next", "prev"):
            if self._run_start is None:
                self._run_start = current.column()
            target = self._tab_target(current, forward=move == "next")
        else:
            column = self._run_start if move == "enter" and self._run_start is not None else current.column()
            self._run_start = None
            target = self._target(current, move, column)
        if target is not None and target.isValid():
            self.setCurrentIndex(target)
            self.scrollTo(target)

    def _target(self, current: QModelIndex, move: str, column: int) -> QModelIndex | None:
        if move in ("up", "down"):
            row = self.indexAbove(current) if move == "up" else self.indexBelow(current)
            return self._in_column(row, column) if row.isValid() else None
        if move in ("enter", "shift_enter"):
            measure_row = self._next_measure_row(current, forward=move == "enter")
            return self._in_column(measure_row, column) if measure_row is not None else None
        if move in ("left", "right"):
            if self._is_section(current):
                return None
            columns = self._visible_columns()
            place = columns.index(current.column()) if current.column() in columns else 0
            place += -1 if move == "left" else 1
            return current.siblingAtColumn(columns[place]) if 0 <= place < len(columns) else None
        if move in ("home", "end"):
            editable = self._editable_columns()
            if self._is_section(current) or not editable:
                return None
            return current.siblingAtColumn(editable[0] if move == "home" else editable[-1])
        if move in ("first", "last"):
            edge = self._edge_measure(QModelIndex(), first=move == "first")
            return self._in_column(edge, column) if edge is not None else None
        return None

    def _tab_target(self, current: QModelIndex, forward: bool) -> QModelIndex | None:
        """Tab: the next editable column; past the row's last, the next measure's first."""
        editable = self._editable_columns()
        if not editable:
            return None
        if not self._is_section(current):
            later = [c for c in editable if (c > current.column() if forward else c < current.column())]
            if later:
                return current.siblingAtColumn(later[0] if forward else later[-1])
        row = self._next_measure_row(current, forward)
        if row is None:
            return None
        return row.siblingAtColumn(editable[0] if forward else editable[-1])

    def _next_measure_row(self, current: QModelIndex, forward: bool) -> QModelIndex | None:
        """The next (or previous) shown measure row: Enter and Tab skip section rows, where a
        typed value would rename the section."""
        row = self.indexBelow(current) if forward else self.indexAbove(current)
        while row.isValid() and self._is_section(row):
            row = self.indexBelow(row) if forward else self.indexAbove(row)
        return row if row.isValid() else None

    def _edge_measure(self, parent: QModelIndex, first: bool) -> QModelIndex | None:
        """The first (or last) measure shown under ``parent``: a walk of the model, not of the
        view's rows (indexBelow searches the view for each step: Ctrl+End on 5,000 rows)."""
        model = self.model()
        rows = range(model.rowCount(parent))
        for row in rows if first else reversed(rows):
            if self.isRowHidden(row, parent):
                continue
            index = model.index(row, 0, parent)
            if not self._is_section(index):
                return index
            if self.isExpanded(index) and (found := self._edge_measure(index, first)) is not None:
                return found
        return None

    def _in_column(self, row: QModelIndex, column: int) -> QModelIndex:
        return row.siblingAtColumn(0 if self._is_section(row) else column)

    def _visible_columns(self) -> list[int]:
        header = self.header()
        logical = (header.logicalIndex(visual) for visual in range(header.count()))
        return [c for c in logical if not header.isSectionHidden(c)]

    def _editable_columns(self) -> list[int]:
        return [c for c in self._visible_columns() if COLUMNS[c][1] is not None]

    def _is_section(self, index: Index) -> bool:
        model = self.model()
        return bool(getattr(model, "is_section", lambda _i: False)(index))

    def _field(self, index: Index) -> str | None:
        return COLUMNS[index.column()][1] if 0 <= index.column() < len(COLUMNS) else None

    def _fold(self, index: QModelIndex, unfold: bool) -> None:
        section = index.siblingAtColumn(0)
        if unfold:
            self.expand(section)
        else:
            self.collapse(section)
