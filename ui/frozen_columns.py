"""№ and «Мероприятие» stay in view while the grid is scrolled right (Excel's frozen panes).

QTreeView has no frozen columns; as in Qt's «Frozen Column» example a second view lies over the
grid's left edge: the same model, the same selection (so the same current cell), only the first
two columns, no scroll bars of its own, a line at its right edge. It is shown only while the grid
is scrolled right and holds the model only then, its scrolling tied to the grid's only then too
(tied while resting, it still cost each of the grid's scroll steps 4 ms); on showing it copies
the grid's folded, hidden and spanned rows, afterwards the grid passes each change on. Each row
is as tall as the grid has laid it out (the delegate asks the grid), so rows line up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QTreeView

from ui.delegates import GridDelegate

if TYPE_CHECKING:
    from ui.grid_view import GridView

FROZEN = 2  # № and the title


class FrozenColumns(QObject):
    def __init__(self, grid: GridView) -> None:
        super().__init__(grid)
        self.grid = grid
        view = self.view = QTreeView(grid)
        view.setObjectName("frozen_columns")
        # A painter of its own (never an editor: edits open in the grid), with the grid as parent so
        # it measures by the grid's column widths and frames the grid's current cell. Sharing the
        # grid's delegate would send every commit to both views.
        self.delegate = GridDelegate(grid)
        self.delegate.for_overlay = True
        view.setItemDelegate(self.delegate)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the grid
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(grid.selectionBehavior())
        view.setSelectionMode(grid.selectionMode())
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollMode(grid.verticalScrollMode())
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setWordWrap(True)
        view.setTextElideMode(grid.textElideMode())
        view.setUniformRowHeights(False)
        view.setAlternatingRowColors(True)
        view.setIndentation(grid.indentation())
        view.header().setSectionsMovable(False)
        view.hide()
        # The frozen columns' right edge, as Excel draws it: what scrolls shows past a clear line.
        self.edge = QFrame(grid)
        self.edge.setStyleSheet("background: #6f8196;")
        self.edge.hide()
        grid.horizontalScrollBar().valueChanged.connect(lambda _value: self.place())
        grid.header().sectionResized.connect(lambda *_: self.place())
        grid.expanded.connect(lambda index: self._fold(index, True))
        grid.collapsed.connect(lambda index: self._fold(index, False))
        view.expanded.connect(grid.expand)
        view.collapsed.connect(grid.collapse)
        view.doubleClicked.connect(self._edit)
        view.clicked.connect(lambda _index: grid.setFocus())
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)  # the window shows the grid's

    def _fold(self, index: QModelIndex, expanded: bool) -> None:
        if self.attached():
            self.view.setExpanded(index, expanded)

    def _edit(self, index: QModelIndex) -> None:
        self.grid.setFocus()
        self.grid.edit(index)

    def attached(self) -> bool:
        return self.view.model() is not None

    def _attach(self) -> None:
        grid, view = self.grid, self.view
        view.setModel(grid.model())
        own = view.selectionModel()  # made by setModel, replaced at once by the grid's
        view.setSelectionModel(grid.selectionModel())
        own.deleteLater()
        self._copy_rows(QModelIndex())
        # Scrolling is mirrored only while attached: a connection to the resting overlay still cost
        # every scroll step of the grid 4 ms (bench/bench_grid.py).
        grid.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.verticalScrollBar().valueChanged.connect(grid.verticalScrollBar().setValue)

    def _detach(self) -> None:
        grid, view = self.grid, self.view
        grid.verticalScrollBar().valueChanged.disconnect(view.verticalScrollBar().setValue)
        view.verticalScrollBar().valueChanged.disconnect(grid.verticalScrollBar().setValue)
        view.hide()
        self.edge.hide()
        view.setModel(None)  # the overlay rests

    def _copy_rows(self, parent: QModelIndex) -> None:
        """The grid's folded, hidden and spanning rows, once, as the overlay appears."""
        grid, view, model = self.grid, self.view, self.grid.model()
        for row in range(model.rowCount(parent)):
            view.setRowHidden(row, parent, grid.isRowHidden(row, parent))
            view.setFirstColumnSpanned(row, parent, grid.isFirstColumnSpanned(row, parent))
            index = model.index(row, 0, parent)
            if model.hasChildren(index):
                view.setExpanded(index, grid.isExpanded(index))
                self._copy_rows(index)

    def place(self) -> None:
        """Show the overlay only while the first columns are scrolled out of sight."""
        grid, view = self.grid, self.view
        scrolled = grid.horizontalScrollBar().value() > 0
        if not scrolled or grid.model() is None:
            if self.attached():
                self._detach()
            return
        if not self.attached():
            self._attach()
        header = grid.header()
        width = sum(header.sectionSize(c) for c in range(FROZEN) if not header.isSectionHidden(c))
        for column in range(header.count()):
            view.setColumnHidden(column, column >= FROZEN or header.isSectionHidden(column))
            if column < FROZEN:
                view.setColumnWidth(column, header.sectionSize(column))
        frame = grid.frameWidth()
        view.header().setFixedHeight(header.height())
        view.setGeometry(frame, frame, width, grid.viewport().height() + header.height())
        view.verticalScrollBar().setValue(grid.verticalScrollBar().value())
        self.edge.setGeometry(frame + width, frame, 2, view.height())
        view.show()
        view.raise_()
        self.edge.show()
        self.edge.raise_()

    # ---- mirrored from the grid (GridView calls these alongside its own) ---------------------
    def set_row_hidden(self, row: int, parent: QModelIndex, hide: bool) -> None:
        if self.attached():
            self.view.setRowHidden(row, parent, hide)

    def set_spanned(self, row: int, parent: QModelIndex, span: bool) -> None:
        if self.attached():
            self.view.setFirstColumnSpanned(row, parent, span)

    def expand_all(self) -> None:
        if self.attached():
            self.view.expandAll()
