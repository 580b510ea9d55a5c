"""The window on a 1366×768 screen, maximised as on a first start: the status column in view
without scrolling (a roadmap's empty optional columns hidden, the user's choice kept per
roadmap), three roadmaps in the list, headers that wrap between words, long cells that say there
is more (and show it in their tooltip), and a toolbar that does not jump when undo names a step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QHelpEvent
from PySide6.QtWidgets import QApplication, QMenu, QStyleOptionViewItem, QToolButton, QToolTip
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.grid_columns import NAMES
from ui.main_window import MainWindow


def maximised(qtbot: QtBot, path: Path) -> MainWindow:
    """The window as maximised on a 1366×768 screen (the offscreen screen is 800×800: the size
    is given; a maximised window there has the whole 1366×768 but for the taskbar)."""
    window = MainWindow(RoadmapService(open_database(path), Actor("Тест", "ПК")), str(path))
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    return window


def close(window: MainWindow) -> None:
    window.close()
    window.service.db.close()
    QApplication.processEvents()


def in_view(window: MainWindow, name: str) -> bool:
    header = window.grid.header()
    column = NAMES.index(name)
    start = header.sectionViewportPosition(column)
    return not header.isSectionHidden(column) and start >= 0 and start + header.sectionSize(column) <= (
        window.grid.viewport().width()
    )


def test_status_is_in_view_and_empty_columns_are_hidden_per_roadmap(qtbot: QtBot, demo_db: Path) -> None:
    window = maximised(qtbot, demo_db)
    tree = window.grid_model.tree
    assert tree is not None and not any(m.form for m in tree.measures.values())
    assert window.grid.isColumnHidden(NAMES.index("form"))
    for name in ("title", "deadline", "responsible", "status"):
        assert in_view(window, name), name
    first = window.current_roadmap
    window.columns.set_shown("form", True)  # the user shows «Форма» for this roadmap
    second = window.list_model.summary(1).id
    window.select_roadmap(second)
    assert window.grid.isColumnHidden(NAMES.index("form"))  # not for the others
    window.select_roadmap(first)
    close(window)
    again = maximised(qtbot, demo_db)
    assert again.current_roadmap == first
    assert not again.grid.isColumnHidden(NAMES.index("form"))  # remembered for that roadmap
    close(again)


def test_every_measure_number_shows_whole_however_deep(qtbot: QtBot, demo_db: Path) -> None:
    """«2.1» two sections down was cut to «2.» by a number column of fixed width."""
    window = maximised(qtbot, demo_db)
    grid, model = window.grid, window.grid_model
    metrics = grid.fontMetrics()
    for roadmap in range(window.list_model.rowCount()):
        window.select_roadmap(window.list_model.summary(roadmap).id)
        tree = model.tree
        assert tree is not None
        for measure in tree.measures_in_order():
            cell = grid.visualRect(model.measure_index(measure.id, 0))
            assert metrics.horizontalAdvance(measure.number) + 6 <= cell.width(), measure.number
    close(window)


def test_the_list_shows_three_roadmaps_whole_and_headers_wrap_between_words(
    qtbot: QtBot, demo_db: Path
) -> None:
    window = maximised(qtbot, demo_db)
    view = window.list_view
    assert window.list_model.rowCount() == 3
    assert view.rowViewportPosition(2) + view.rowHeight(2) <= view.viewport().height()
    header = window.grid.header()
    metrics = header.fontMetrics()
    for column, name in enumerate(NAMES):
        if header.isSectionHidden(column):
            continue
        title = str(window.grid_model.headerData(column, Qt.Orientation.Horizontal))
        widest = max(metrics.horizontalAdvance(word) for word in title.split())
        assert widest + 8 <= header.sectionSize(column), name  # no word is cut
        lines = len(title.split()) if metrics.horizontalAdvance(title) + 8 > header.sectionSize(column) else 1
        assert lines * metrics.lineSpacing() <= header.height(), name  # and its lines are all shown
    close(window)


def test_a_cell_with_more_text_than_fits_ends_in_an_ellipsis_and_tells_it_whole(
    qtbot: QtBot, demo_db: Path
) -> None:
    window = maximised(qtbot, demo_db)
    grid, model, delegate = window.grid, window.grid_model, window.grid.delegate
    tree = model.tree
    assert tree is not None
    longest = max(tree.measures.values(), key=lambda m: len(m.title))
    index = model.measure_index(longest.id, NAMES.index("title"))
    grid.scrollTo(index)
    option = QStyleOptionViewItem()
    option.initFrom(grid)
    option.rect = grid.visualRect(index)
    option.font = grid.font()
    shown = delegate._cut_text(option, index)
    assert shown is not None and shown[-1].endswith("…")
    assert len(shown) * grid.fontMetrics().lineSpacing() <= option.rect.height()
    origin = grid.viewport().mapToGlobal(QPoint(0, 0))
    event = QHelpEvent(QHelpEvent.Type.ToolTip, option.rect.center(), origin)
    assert delegate.helpEvent(event, grid, option, index)
    assert longest.title.split()[-1] in QToolTip.text()
    short = min(tree.measures.values(), key=lambda m: len(m.title))
    option.rect = grid.visualRect(model.measure_index(short.id, NAMES.index("title")))
    assert delegate._cut_text(option, model.measure_index(short.id, NAMES.index("title"))) is None
    close(window)


def test_the_toolbar_keeps_its_words_when_undo_names_a_step(qtbot: QtBot, small_db: Path) -> None:
    window = maximised(qtbot, small_db)
    toolbar_buttons = [b for b in window.findChildren(QToolButton) if b.text() in ("Отменить", "Повторить")]
    assert len(toolbar_buttons) == 2
    widths = [b.sizeHint().width() for b in toolbar_buttons]
    tree = window.grid_model.tree
    assert tree is not None
    measure = tree.measures_in_order()[0]
    window.grid_model.setData(window.grid_model.measure_index(measure.id, NAMES.index("note")), "сделано")
    undo = next(b for b in toolbar_buttons if b.text() == "Отменить")
    assert undo.isEnabled() and "отметка об исполнении" in undo.defaultAction().toolTip()
    assert [b.sizeHint().width() for b in toolbar_buttons] == widths
    assert [b.text() for b in toolbar_buttons] == ["Отменить", "Повторить"]
    menu_texts = [a.text() for a in window.findChildren(QAction)]
    assert any(text.startswith("&Отменить Изменение") for text in menu_texts)  # the menu names it
    close(window)


def test_every_tab_fits_a_1366_screen(qtbot: QtBot, demo_db: Path) -> None:
    """No view may ask for more width than a 1366×768 screen has (a long note in «Год» once
    made the window 1609 pixels wide, its right part off the screen)."""
    window = maximised(qtbot, demo_db)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= 1366, window.tabs.tabText(tab)
        assert window.width() <= 1366, window.tabs.tabText(tab)
    close(window)


def test_number_and_title_stay_in_view_when_scrolled_right(
    qtbot: QtBot, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_grid import stored, type_text

    window = maximised(qtbot, demo_db)
    grid, model = window.grid, window.grid_model
    for name in ("form", "target_group", "schools"):
        window.columns.set_shown(name, True)  # wider than the screen now
    qtbot.wait(50)  # the scroll range follows the columns once laid out
    bar = grid.horizontalScrollBar()
    assert bar.maximum() > 0
    frozen = grid.frozen
    assert frozen is not None and not frozen.view.isVisible()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert frozen.view.isVisible()
    tree = model.tree
    assert tree is not None
    measures = tree.measures_in_order()[:8]
    for measure in measures:  # the same rows at the same heights in both
        index = model.measure_index(measure.id, NAMES.index("title"))
        mine, theirs = frozen.view.visualRect(index), grid.visualRect(index)
        assert (mine.top(), mine.height()) == (theirs.top(), theirs.height()), measure.number
    section = model.index(0, 0)
    grid.collapse(section)
    assert not frozen.view.isExpanded(section)
    grid.expand(section)
    assert frozen.view.isExpanded(section)
    window.filter_bar.text.setText(measures[0].title.split()[0])
    window.filter_bar.flush()
    first_row = model.measure_index(measures[1].id, 0)
    assert frozen.view.isRowHidden(first_row.row(), first_row.parent()) == grid.isRowHidden(
        first_row.row(), first_row.parent()
    )
    window.filter_bar.text.setText("")
    window.filter_bar.flush()
    # A right click on the frozen title: the cursor goes to that measure, the grid's menu opens.
    shown: list[str] = []

    class Recorded(QMenu):
        def exec(self, *_: object) -> None:  # type: ignore[override]
            shown.extend(action.text() for action in self.actions())

    def recorded_menu() -> QMenu:
        menu = Recorded()
        for action in real_menu().actions():
            menu.addAction(action)
        return menu

    real_menu = window._grid_menu
    monkeypatch.setattr(window, "_grid_menu", recorded_menu)
    clicked = model.measure_index(measures[3].id, NAMES.index("title"))
    frozen.view.customContextMenuRequested.emit(frozen.view.visualRect(clicked).center())
    assert grid.currentIndex() == clicked
    assert any("Вставить" in text for text in shown), shown
    # Typing on the frozen title edits it where it really is: the grid scrolls back first.
    target = model.measure_index(measures[2].id, NAMES.index("title"))
    grid.setCurrentIndex(target)
    grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    bar.setValue(bar.maximum())
    type_text(grid, "Новое название")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(demo_db, measures[2].id, "title") == "Новое название"
    assert bar.value() == 0 and not frozen.view.isVisible()
    close(window)
