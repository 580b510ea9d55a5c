"""The grid's row and clipboard commands: copy, paste, fill down, insert, delete, move rows and
sections. Each reads the grid's cursor and selection, builds a command and hands it to the
window's controller (one transaction, one undo step); what a paste or fill changes is decided by
``desktop.services.paste`` without Qt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.config import APP_TITLE
from desktop.services.commands import (
    DeleteMeasuresCommand,
    DeleteSectionCommand,
    IndentSectionCommand,
    InsertMeasureCommand,
    InsertSectionCommand,
    MoveMeasureCommand,
)
from desktop.services.dto import MeasureRow
from desktop.services.paste import (
    clear_command,
    fill_down_command,
    needs_asking,
    paste_as_new_command,
    paste_command,
)
from desktop.services.tabular import from_tsv, to_html, to_tsv
from ui import clipboard
from ui.controller import WindowController
from ui.grid_view import GridView
from ui.roadmap_model import RoadmapTreeModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.services.structure import Direction


class RowActions(QObject):
    """Row and clipboard commands of the grid."""

    def __init__(
        self, window: QWidget, grid: GridView, model: RoadmapTreeModel, controller: WindowController
    ) -> None:
        super().__init__(window)
        self.window, self.grid, self.grid_model, self.controller = window, grid, model, controller

    # ---- clipboard -------------------------------------------------------------------------
    def _selected_block(self) -> tuple[list[MeasureRow], list[int]]:
        """Measures (document order) and columns covered by the selection."""
        indexes = self.grid.selectionModel().selectedIndexes() or [self.grid.currentIndex()]
        ids = {m.id for i in indexes if (m := self.grid_model.measure_at(i)) is not None}
        columns = sorted({i.column() for i in indexes if i.isValid()})
        tree = self.grid_model.tree
        ordered = [m for m in tree.measures_in_order() if m.id in ids] if tree else []
        return ordered, (list(range(columns[0], columns[-1] + 1)) if columns else [])

    def copy_cells(self) -> None:
        measures, columns = self._selected_block()
        if not measures:
            return
        rows = [
            [str(self.grid_model.data(self.grid_model.measure_index(m.id, c)) or "") for c in columns]
            for m in measures
        ]
        clipboard.put_table(to_tsv(rows), to_html(rows))

    def paste_cells(self) -> None:
        """Paste a block from Excel or Word at the current cell; rows past the end become new rows."""
        tree = self.grid_model.tree
        start = self.grid_model.measure_at(self.grid.currentIndex())
        block = from_tsv(QApplication.clipboard().text())
        if tree is None or start is None or not block:
            return
        column = self.grid.currentIndex().column()
        command = paste_command(tree, start.id, column, block)
        if command is not None and needs_asking(command, len(block)):
            choice = self._ask_paste(len(command.edits))
            if choice == "new":
                command = paste_as_new_command(tree, start.id, column, block)
            elif choice != "replace":
                return
        if command is not None:
            self.controller.execute(command)

    def _ask_paste(self, replaced: int) -> str:
        """«Заменить данные 37 мероприятий?»: new rows, replace, or nothing."""
        question = f"Заменить данные {replaced} {_measures(replaced)}?"
        box = QMessageBox(QMessageBox.Icon.Question, APP_TITLE, question, parent=self.window)
        box.setInformativeText(
            "Вставленные строки перепишут ячейки существующих мероприятий: названия, сроки, статусы. "
            "Можно вставить их новыми строками, ничего не меняя. Любой вариант отменяется Ctrl+Z."
        )
        as_new = box.addButton("Вставить новыми строками", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Заменить", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(as_new)
        box.exec()
        clicked = box.clickedButton()
        return "new" if clicked is as_new else "replace" if clicked is replace else "cancel"

    def fill_down(self) -> None:
        """Ctrl+D: the top cell's value into the selected cells below it, column by column."""
        measures, columns = self._selected_block()
        command = fill_down_command(measures, columns)
        if command is not None:
            self.controller.execute(command)

    def clear_cells(self) -> None:
        """Delete: the selected cells emptied, as in Excel (the rows stay; Ctrl+- deletes rows)."""
        measures, _columns = self._selected_block()
        indexes = self.grid.selectionModel().selectedIndexes() or [self.grid.currentIndex()]
        columns = sorted({i.column() for i in indexes if i.isValid()})
        command = clear_command(measures, columns)
        if command is not None:
            self.controller.execute(command)

    # ---- rows ----------------------------------------------------------------------------
    def _current_place(self) -> tuple[int | None, int, MeasureRow | None]:
        """(section id, position, measure) of the current row; measure is None on a section row."""
        index = self.grid.currentIndex()
        measure = self.grid_model.measure_at(index)
        if measure is not None:
            return measure.section_id, measure.position, measure
        section = self.grid_model.section_at(index)
        if section is not None:
            children = section.children
            return section.id, (self._position_of(children[0]) if children else 1), None
        return None, 1, None

    def _position_of(self, ref: tuple[str, int]) -> int:
        tree = self.grid_model.tree
        assert tree is not None
        kind, ident = ref
        return tree.measures[ident].position if kind == "measure" else tree.sections[ident].position

    def insert_measure(self, below: bool) -> None:
        if self.controller.current_roadmap is None:
            return
        section_id, position, measure = self._current_place()
        if measure is not None and below:
            position += 1
        self.controller.execute(InsertMeasureCommand(self.controller.current_roadmap, section_id, position))

    def insert_section(self) -> None:
        """A new section before the current row, its title ready to type."""
        if self.controller.current_roadmap is None:
            return
        index = self.grid.currentIndex()
        measure = self.grid_model.measure_at(index)
        section = self.grid_model.section_at(index)
        if measure is not None:
            parent, position = measure.section_id, measure.position
        elif section is not None:
            parent, position = section.parent_id, section.position
        else:
            parent, position = None, 1
        self.controller.execute(InsertSectionCommand(self.controller.current_roadmap, parent, position))
        current = self.grid.currentIndex()
        if self.grid_model.section_at(current) is not None:
            self.grid.edit(current)

    def indent_section(self, direction: Direction) -> None:
        section = self.grid_model.section_at(self.grid.currentIndex())
        if section is not None:
            self.controller.execute(
                IndentSectionCommand(section.id, direction, section.version, self.controller.current_roadmap)
            )

    def delete_section(self) -> None:
        section = self.grid_model.section_at(self.grid.currentIndex())
        tree = self.grid_model.tree
        if section is None or tree is None:
            return
        inside = sum(1 for m in tree.measures.values() if self._within(m.section_id, section.id))
        answer = QMessageBox.question(
            self.window,
            APP_TITLE,
            f"Удалить раздел «{section.title[:80]}» и мероприятия в нём ({inside})? "
            "Удаление можно отменить (Ctrl+Z).",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.execute(
                DeleteSectionCommand(section.id, section.version, self.controller.current_roadmap)
            )

    def _within(self, section_id: int | None, ancestor: int) -> bool:
        tree = self.grid_model.tree
        while section_id is not None and tree is not None:
            if section_id == ancestor:
                return True
            section_id = tree.sections[section_id].parent_id
        return False

    def delete_measures(self) -> None:
        chosen = {
            m.id: m
            for i in self.grid.selectionModel().selectedIndexes()
            if (m := self.grid_model.measure_at(i)) is not None
        }
        ids = sorted(chosen)
        if not ids:
            return
        answer = QMessageBox.question(
            self.window,
            APP_TITLE,
            f"Удалить выбранные мероприятия ({len(ids)})? Удаление можно отменить (Ctrl+Z).",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.execute(DeleteMeasuresCommand.for_rows([chosen[i] for i in ids]))

    def move_measure(self, step: int) -> None:
        measure = self.grid_model.measure_at(self.grid.currentIndex())
        if measure is not None:
            self.controller.execute(MoveMeasureCommand(measure.id, step, measure.roadmap_id))


def _measures(count: int) -> str:
    """«мероприятия» / «мероприятий» after a number (1 мероприятия, 2 мероприятий, 37 мероприятий)."""
    return "мероприятия" if count % 10 == 1 and count % 100 != 11 else "мероприятий"
