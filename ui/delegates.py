"""Cell editors of the grid, Excel-like: Enter, Tab and (when typing over a cell) the arrows commit
and move (the view decides where: ``move_requested``), Alt+Enter starts a new line inside the cell,
Esc cancels, typing replaces the cell, F2 switches between moving and editing in the text; status
from a list (a pick commits at once); date with a calendar pop-up. The current cell is framed."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QTextCursor,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from models.domain.status import STATUS_LABELS
from ui.roadmap_model import COLUMNS

Index = QModelIndex | QPersistentModelIndex
NO_DATE = QDate(2000, 1, 1)  # shown as "—": QDateEdit cannot be empty
MAX_LINES = 8  # a very long cell shows its first lines; the editor shows all
FRAME = QColor("#1a5fb4")  # the current cell's frame, seen with or without the grid's focus
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
ARROWS = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right"}


class CellTextEditor(QPlainTextEdit):
    """Multi-line text: Enter and Tab finish editing, Alt+Enter inserts a line break."""

    def __init__(self, parent: QWidget, delegate: GridDelegate) -> None:
        super().__init__(parent)
        self.delegate = delegate
        self.setTabChangesFocus(True)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.AltModifier:
                self.insertPlainText("\n")
                return
            self.delegate.commitData.emit(self)
            self.delegate.closeEditor.emit(self, QAbstractItemDelegate.EndEditHint.NoHint)
            return
        super().keyPressEvent(event)


class ListEditor(QComboBox):
    """A list cell's editor. ``picked``: an item chosen in the open list. Typing in the closed
    list also "activates" items (Qt's keyboard search), which must not end the edit."""

    picked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._open = False
        self.activated.connect(self._activated)

    def showPopup(self) -> None:
        self._open = True
        super().showPopup()

    def hidePopup(self) -> None:
        super().hidePopup()
        QTimer.singleShot(0, self._closed)  # after the pick's activated(), which follows hidePopup

    def _closed(self) -> None:
        self._open = False

    def _activated(self, _row: int) -> None:
        if self._open:
            self._open = False
            self.picked.emit()


class GridDelegate(QStyledItemDelegate):
    """Chooses the editor by the column's field."""

    move_requested = Signal(str)  # after a commit by Enter, Tab or an arrow: where the cursor goes

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_editor: QWidget | None = None
        self.entering = False  # Excel's enter mode (typing over the cell): arrows commit and move
        self.for_overlay = False  # the frozen columns' painter (ui/frozen_columns.py)
        self._base_sizes: dict[tuple[int, tuple[bool, float, int]], QSize] = {}
        self._heights: dict[tuple[str, int, tuple[bool, float, int]], int] = {}
        self._cut: dict[tuple[str, int, int, float, bool], list[str] | None] = {}

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        name = COLUMNS[index.column()][1]
        editor: QWidget
        if name == "status":
            combo = ListEditor(parent)
            combo.addItems(list(STATUS_LABELS.values()))
            # A pick from the list (mouse or Enter in it) is written at once, not when the cell is left.
            combo.picked.connect(lambda box=combo: self.commit_and_close(box))
            editor = combo
        elif name == "schools":
            checklist = QListWidget(parent)
            for school_id, school_name in index.model().school_choices():  # type: ignore[attr-defined]
                item = QListWidgetItem(school_name, checklist)
                item.setData(Qt.ItemDataRole.UserRole, school_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            editor = checklist
        elif name == "done_on":
            date_edit = QDateEdit(parent)
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("dd.MM.yyyy")
            date_edit.setMinimumDate(NO_DATE)
            date_edit.setSpecialValueText("—")
            editor = date_edit
        else:
            editor = CellTextEditor(parent, self)
        self.last_editor = editor
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.model().data(index, Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QListWidget):
            chosen = set(value or [])
            for row in range(editor.count()):
                item = editor.item(row)
                checked = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QDateEdit):
            parsed = QDate.fromString(str(value), "dd.MM.yyyy")
            editor.setDate(parsed if parsed.isValid() else NO_DATE)
        elif isinstance(editor, CellTextEditor):
            editor.setPlainText(str(value))
            editor.selectAll()  # typing replaces the cell, as in Excel; F2 moves to the end (see GridView)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        value: Any
        if isinstance(editor, QListWidget):
            value = [
                editor.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(editor.count())
                if editor.item(r).checkState() == Qt.CheckState.Checked
            ]
        elif isinstance(editor, QComboBox):
            value = editor.currentText()
        elif isinstance(editor, QDateEdit):
            chosen = editor.date()
            value = (
                ""
                if chosen == NO_DATE
                else date(chosen.year(), chosen.month(), chosen.day()).strftime("%d.%m.%Y")
            )
        elif isinstance(editor, CellTextEditor):
            value = editor.toPlainText()
        else:
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Rows grow to fit wrapped text (up to MAX_LINES); asked only for rows being shown.

        The view asks for every column of each row it repaints after a change (a fill-down of
        200 rows: 2,200 calls); the measured heights are kept by text, width and font, and the
        style's own size (one line, the icon) once per column and font."""
        view = self.parent()
        if self.for_overlay:  # the frozen columns: a row as tall as the grid makes it
            return self._row_size(option, index, view)
        # Ask the Python model directly: QModelIndex.data() from Python, called for every row while
        # scrolling, hits a PySide6 reference-count bug on Python 3.11 (None deallocated).
        model = index.model()
        text = model.data(index, Qt.ItemDataRole.DisplayRole)
        font = option.font  # type: ignore[attr-defined]
        font_key = (font.bold(), font.pointSizeF(), font.pixelSize())  # QFont.key() costs 2 µs
        base_key = (index.column(), font_key)
        base = self._base_sizes.get(base_key)
        if base is None:
            base = self._base_sizes[base_key] = super().sizeHint(option, index)
        if not text or not hasattr(view, "columnWidth"):
            return base
        width = view.columnWidth(index.column())
        if hasattr(model, "is_section") and model.is_section(index):  # the row spans the whole grid
            width = view.viewport().width() - 40  # type: ignore[attr-defined]
        width = max(20, width - 8)
        key = (str(text), width, font_key)
        height = self._heights.get(key)
        if height is None:
            metrics = QFontMetrics(font)
            rect = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), str(text))
            lines = min(MAX_LINES, max(1, round(rect.height() / max(1, metrics.lineSpacing()))))
            height = lines * metrics.lineSpacing() + 6
            if len(self._heights) > 50_000:  # bounded: widths change as columns are resized
                self._heights.clear()
            self._heights[key] = height
        return QSize(base.width(), max(base.height(), height))

    def _row_size(self, option: QStyleOptionViewItem, index: Index, grid: Any) -> QSize:
        """The grid's own height of the row (laid out already, or measured over all its shown
        columns): asking every column's size here cost each scroll step 2 ms."""
        height = grid.rowHeight(index)
        return QSize(grid.columnWidth(index.column()), height if height > 0 else option.rect.height())  # type: ignore[attr-defined]

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect  # type: ignore[attr-defined]
        if isinstance(editor, CellTextEditor):
            rect = rect.adjusted(0, 0, 0, max(0, 80 - rect.height()))  # room for a few lines
        elif isinstance(editor, QListWidget):
            rect = rect.adjusted(0, 0, 120, max(0, 22 * min(8, editor.count()) + 6 - rect.height()))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QWidget):
            key_event = event
            assert isinstance(key_event, QKeyEvent)
            if key_event.key() == Qt.Key.Key_F2 and isinstance(editor, CellTextEditor):
                self.entering = not self.entering  # Excel: F2 switches enter and edit mode
                return True
            move = self._move_for(editor, key_event)
            if move is not None:
                self.commit_and_close(editor)
                self.move_requested.emit(move)
                return True
        return super().eventFilter(editor, event)

    def _move_for(self, editor: QWidget, event: QKeyEvent) -> str | None:
        """Where a key sends the cursor after committing the cell, or None (the editor's own key)."""
        key, modifiers = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        popup_open = isinstance(editor, QComboBox) and editor.view().isVisible()
        if key == Qt.Key.Key_Tab and modifiers == Qt.KeyboardModifier.NoModifier:
            return "next"
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and modifiers == shift):
            return "prev"
        if key in ENTER_KEYS and modifiers in (Qt.KeyboardModifier.NoModifier, shift) and not popup_open:
            return "shift_enter" if modifiers == shift else "enter"
        arrow = key in ARROWS and modifiers == Qt.KeyboardModifier.NoModifier and not popup_open
        if arrow and self.entering and not isinstance(editor, QListWidget):
            return ARROWS[Qt.Key(key)]
        return None

    def commit_and_close(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        shown = [] if index.column() == 0 and self._title_frozen(index) else self._cut_text(option, index)
        if shown is None:
            super().paint(painter, option, index)
        else:
            self._paint_cut(painter, option, index, shown)
        view = self.parent()
        if isinstance(view, QAbstractItemView) and index == view.currentIndex():
            painter.save()
            painter.setPen(QPen(FRAME, 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))  # type: ignore[attr-defined]
            painter.restore()


    def _title_frozen(self, index: Index) -> bool:
        """A section's title while the grid is scrolled right: the frozen columns show it whole
        from its start, the grid behind them would show its cut-off tail past their edge."""
        frozen = getattr(self.parent(), "frozen", None)
        model = index.model()
        return (
            not self.for_overlay
            and frozen is not None
            and frozen.attached()
            and hasattr(model, "is_section")
            and model.is_section(index)
        )

    def _paint_cut(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index, shown: list[str]
    ) -> None:
        """More text than the row holds: the style draws the cell without its text, then the
        text's first whole lines, the last one ending in «…»."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        # QModelIndex.data() from Python is avoided here as in sizeHint (a PySide6 refcount bug).
        foreground = index.model().data(index, Qt.ItemDataRole.ForegroundRole)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = foreground.color() if foreground is not None and not selected else opt.palette.color(role)  # type: ignore[attr-defined]
        painter.save()
        painter.setPen(colour)
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        spacing = QFontMetrics(opt.font).lineSpacing()  # type: ignore[attr-defined]
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for number, line in enumerate(shown):
            top = area.top() + number * spacing
            painter.drawText(area.left() + 1, top, area.width() - 2, spacing, flags, line)
        painter.restore()

    def _cut_text(self, option: QStyleOptionViewItem, index: Index) -> list[str] | None:
        """The lines to draw when the cell's text does not fit its height (the last one ending in
        «…»); None when it fits (the style draws it as usual)."""
        text = index.model().data(index, Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return None
        rect = option.rect  # type: ignore[attr-defined]
        font = option.font  # type: ignore[attr-defined]
        own_font = index.model().data(index, Qt.ItemDataRole.FontRole)  # a section's bold title
        if isinstance(own_font, QFont):  # measured as drawn: else its «…» fell past the cell's end
            font = own_font
        icon = COLUMNS[index.column()][1] == "deadline"  # the deadline's kind mark takes room
        width = max(20, rect.width() - 8 - (18 if icon else 0))
        key = (text, width, rect.height(), font.pointSizeF(), font.bold())
        if key in self._cut:
            return self._cut[key]
        metrics = QFontMetrics(font)
        room = max(1, (rect.height() - 4) // metrics.lineSpacing())
        lines = wrapped_lines(text, font, width)
        shown: list[str] | None = None
        if len(lines) > room:
            shown = lines[:room]
            last = metrics.elidedText(shown[-1] + " " + lines[room], Qt.TextElideMode.ElideRight, width)
            if not last.endswith("…"):
                last = metrics.elidedText(last + " …", Qt.TextElideMode.ElideRight, width)
            shown[-1] = last
        if len(self._cut) > 20_000:  # bounded: widths change as columns are resized
            self._cut.clear()
        self._cut[key] = shown
        return shown

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        """A cut cell's whole text in its tooltip."""
        if event.type() == QEvent.Type.ToolTip and index.isValid() and self._cut_text(option, index):
            text = str(index.model().data(index, Qt.ItemDataRole.DisplayRole))
            tip = f"<div style='white-space: pre-wrap'>{html.escape(text)}</div>"  # rich text: it wraps
            QToolTip.showText(event.globalPos(), tip, view)
            return True
        return super().helpEvent(event, view, option, index)


def wrapped_lines(text: str, font: QFont, width: int) -> list[str]:
    """``text`` broken into lines as a word-wrapped cell shows it."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            lines.append(paragraph[line.textStart(): line.textStart() + line.textLength()].rstrip())
        layout.endLayout()
    return lines


def move_cursor_to_end(editor: QWidget | None) -> None:
    """F2 / double click: edit the existing text, cursor at its end (Excel's behaviour)."""
    if isinstance(editor, CellTextEditor):
        cursor = editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        editor.setTextCursor(cursor)
