"""The grid's right-click menu: the same actions as the menu bar (with their keys shown), for the
row or cells under the mouse, plus the measure's history and its month in the calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu, QWidget

from desktop.services.dto import RoadmapTree
from models.domain.tracking import month_to_show
from ui.grid_view import GridView

# The menu bar's texts (MainWindow.named_actions), in the order the menu shows them; None: a line.
ENTRIES: tuple[str | None, ...] = (
    "Вставить мероприятие &выше",
    "Вставить мероприятие &ниже",
    "Вставить &раздел",
    None,
    "&Копировать",
    "В&ставить",
    "Заполнить &вниз",
    "&Очистить ячейки",
    None,
    "&Удалить мероприятия…",
    "Удалить раздел…",
)


def grid_menu(
    grid: GridView,
    actions: dict[str, QAction],
    tree: RoadmapTree | None,
    show_history: Callable[[], None],
    open_month: Callable[[date], None],
    parent: QWidget,
) -> QMenu:
    """The menu for the cell under the mouse (made current first, as a right click in Excel)."""
    menu = QMenu(parent)
    index = grid.currentIndex()
    model = grid.model()
    measure = model.measure_at(index) if hasattr(model, "measure_at") else None
    on_section = grid.on_section_row()
    for text in ENTRIES:
        if text is None:
            menu.addSeparator()
            continue
        action = actions[text]
        if text.startswith("Удалить раздел"):
            action.setEnabled(on_section)
        elif text.startswith("&Удалить мероприятия"):
            action.setEnabled(measure is not None)
        else:
            action.setEnabled(True)
        menu.addAction(action)
    menu.addSeparator()
    history = menu.addAction("История изменений (F9)", show_history)
    history.setEnabled(measure is not None)
    reports = actions["&Отчёты школ и файлы…"]
    reports.setEnabled(measure is not None)
    menu.addAction(reports)
    month = None
    if measure is not None and tree is not None:
        month = month_to_show(tree.header.deadline(measure.deadline_text).windows, date.today())
    calendar = menu.addAction("Открыть в календаре")
    if month is not None:
        calendar.triggered.connect(lambda: open_month(month))
    else:
        calendar.setEnabled(False)
        calendar.setToolTip("У мероприятия нет дат")
    return menu


def popup_at(view: QAbstractItemView, position: QPoint, build: Callable[[], QMenu]) -> None:
    """A right click moves the cursor to the cell under the mouse, then shows the menu there (the
    view is the grid or its frozen columns, which share the grid's selection)."""
    index = view.indexAt(position)
    if index.isValid() and not view.selectionModel().isSelected(index):
        view.setCurrentIndex(index)
    build().exec(view.viewport().mapToGlobal(position))
