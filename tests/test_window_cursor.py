"""Where the cursor is after an operation, found by a user in the real window with real keys:

- after a move, its undo, or an insert, only the row the cursor is on is selected: Ctrl+- then
  deletes that one measure, not also the row selected before;
- after Ctrl+Z the cursor is on the cell that changed back, so what is typed next goes there;
- a reload after a colleague's save keeps the cursor on its cell (keys typed next must not
  rename a section);
- leaving a «Документ» field unchanged writes nothing and adds no undo step;
- undo is the file's: a step made in another roadmap is undone there, and that roadmap is shown.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.test_grid import type_text
from tests.test_window_undo import CTRL, HEADERS, first_measure_id, press, type_into
from ui.main_window import MainWindow

ALT = Qt.KeyboardModifier.AltModifier


def query(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(sql, args).fetchall()
    conn.close()
    return rows


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    questions: list[str] = []

    def yes(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: None)
    return questions


def _open(qtbot: QtBot, path: Path) -> MainWindow:
    service = RoadmapService(open_database(path), Actor("Петрова", "ПК-1"))
    main = MainWindow(service, str(path))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.activateWindow()
    return main


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    main = _open(qtbot, small_db)
    yield main
    main.service.db.close()


def _selected_measures(window: MainWindow) -> set[int]:
    model = window.grid_model
    return {m.id for i in window.grid.selectionModel().selectedIndexes() if (m := model.measure_at(i))}


def test_after_a_move_and_its_undo_ctrl_minus_deletes_only_the_row_under_the_cursor(
    window: MainWindow, qtbot: QtBot, small_db: Path, asked: list[str]
) -> None:
    measure_id = first_measure_id(window)
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, 1))
    press(window, qtbot, Qt.Key.Key_Down, ALT)
    press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert _selected_measures(window) == {measure_id}
    press(window, qtbot, Qt.Key.Key_Minus, CTRL)
    assert "(1)" in asked[-1]
    assert query(small_db, "SELECT count(*) FROM measures") == [(2,)]
    assert query(small_db, "SELECT id FROM measures WHERE id = ?", measure_id) == []


def test_after_an_insert_only_the_new_row_is_selected(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    measure_id = first_measure_id(window)
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, 1))
    press(window, qtbot, Qt.Key.Key_Equal, CTRL)
    new = window.grid_model.measure_at(window.grid.currentIndex())
    assert new is not None and new.id != measure_id
    assert _selected_measures(window) == {new.id}


def test_after_undo_typing_goes_into_the_cell_that_changed_back(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    measure_id = first_measure_id(window)
    type_into(window, qtbot, measure_id, "Ответственные", "Иванова")
    other = window.grid_model.tree.measures_in_order()[2]
    window.grid.setCurrentIndex(window.grid_model.measure_index(other.id, HEADERS.index("Срок")))
    press(window, qtbot, Qt.Key.Key_Z, CTRL)
    current = window.grid.currentIndex()
    assert window.grid_model.measure_at(current).id == measure_id
    assert current.column() == HEADERS.index("Ответственные")
    before = query(small_db, "SELECT title, deadline_text FROM measures WHERE id = ?", measure_id)
    type_text(window.grid, "Петрова")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: query(small_db, "SELECT responsible FROM measures WHERE id = ?", measure_id) == [("Петрова",)]
    )
    assert query(small_db, "SELECT title, deadline_text FROM measures WHERE id = ?", measure_id) == before


def test_a_reload_after_a_colleagues_save_keeps_the_cursor_on_its_cell(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    measure_id = first_measure_id(window)
    note = HEADERS.index("Отметка об исполнении")
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, note))
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    colleague.edit_measure(measure_id, None, {"responsible": "Иванов"})
    colleague.db.close()
    window.reload_grid()  # what the 2-second poll does when the file changed
    current = window.grid.currentIndex()
    assert window.grid_model.measure_at(current).id == measure_id and current.column() == note
    sections = query(small_db, "SELECT title FROM sections ORDER BY id")
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    type_text(window.grid, "отметка")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: query(small_db, "SELECT note FROM measures WHERE id = ?", measure_id) == [("отметка",)]
    )
    assert query(small_db, "SELECT title FROM sections ORDER BY id") == sections


def test_leaving_a_document_field_unchanged_writes_nothing(window: MainWindow, small_db: Path) -> None:
    window.tabs.setCurrentWidget(window.document_editor)
    version = query(small_db, "SELECT version FROM roadmaps")
    for widget in (window.document_editor.order_number, window.document_editor.title_edit):
        widget.setFocus()
        QApplication.processEvents()
        widget.clearFocus()
        QApplication.processEvents()
    assert query(small_db, "SELECT version FROM roadmaps") == version
    assert window.undo_stack.count() == 0


def test_undo_of_a_step_in_another_roadmap_shows_that_roadmap(
    qtbot: QtBot, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: None)
    window = _open(qtbot, demo_db)
    first = window.current_roadmap
    measure_id = first_measure_id(window)
    original = query(demo_db, "SELECT note FROM measures WHERE id = ?", measure_id)
    type_into(window, qtbot, measure_id, "Отметка об исполнении", "сделано")
    window.list_view.selectRow(1)
    assert window.current_roadmap != first and window.undo_stack.canUndo()
    press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert query(demo_db, "SELECT note FROM measures WHERE id = ?", measure_id) == original
    assert window.current_roadmap == first
    assert window.grid_model.measure_at(window.grid.currentIndex()).id == measure_id
    window.service.db.close()
