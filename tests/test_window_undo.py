"""What a user found in the real window, done again with real keys, asserting the file on disk.

- type into a cell twice, Ctrl+Z twice: the original value is back, nothing is refused;
- edit two cells of a measure, delete it, Ctrl+Z three times: all of it is back;
- a colleague saved first: both values are shown, and each choice does what it says;
- the roadmap list's figures follow edits, pastes and inserts at once.
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
from ui.conflict_dialog import ConflictDialog
from ui.main_window import MainWindow
from ui.roadmap_model import COLUMNS

HEADERS = [c[0] for c in COLUMNS]


def row_on_disk(path: Path, measure_id: int) -> tuple[object, ...] | None:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT title, responsible, result, note, status FROM measures WHERE id = ?", (measure_id,)
        ).fetchone()
    conn.close()
    return row


@pytest.fixture
def window(qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    main = MainWindow(service, str(small_db))
    main.warnings = warnings  # type: ignore[attr-defined]
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.activateWindow()
    yield main
    service.db.close()


def first_measure_id(window: MainWindow) -> int:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    assert measure is not None
    return measure.id


def type_into(window: MainWindow, qtbot: QtBot, measure_id: int, header: str, text: str) -> None:
    """Select the cell, type over it as in Excel and press Enter."""
    index = window.grid_model.measure_index(measure_id, HEADERS.index(header))
    window.grid.setCurrentIndex(index)
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    count = window.undo_stack.count()
    type_text(window.grid, text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == count + 1)


def press(window: MainWindow, qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    qtbot.keyClick(window.grid, key, modifiers)


CTRL = Qt.KeyboardModifier.ControlModifier


def test_two_edits_of_one_cell_undo_twice(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    measure_id = first_measure_id(window)
    original = row_on_disk(small_db, measure_id)
    type_into(window, qtbot, measure_id, "Отметка об исполнении", "первое")
    type_into(window, qtbot, measure_id, "Отметка об исполнении", "второе")
    assert row_on_disk(small_db, measure_id)[3] == "второе"
    press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert row_on_disk(small_db, measure_id)[3] == "первое"
    press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert row_on_disk(small_db, measure_id) == original
    assert window.warnings == []  # type: ignore[attr-defined]
    assert window.undo_stack.count() == 2 and window.undo_stack.canRedo()
    press(window, qtbot, Qt.Key.Key_Y, CTRL)
    press(window, qtbot, Qt.Key.Key_Y, CTRL)
    assert row_on_disk(small_db, measure_id)[3] == "второе"
    assert (
        window.grid_model.measure_index(measure_id, HEADERS.index("Отметка об исполнении")).data() == "второе"
    )


def test_edit_two_cells_delete_then_undo_three_times(
    window: MainWindow, qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    measure_id = first_measure_id(window)
    original = row_on_disk(small_db, measure_id)
    type_into(window, qtbot, measure_id, "Ответственные", "Иванова")
    type_into(window, qtbot, measure_id, "Ожидаемый результат", "Справка")
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, 1))
    press(window, qtbot, Qt.Key.Key_Minus, CTRL)
    assert row_on_disk(small_db, measure_id) is None
    for _ in range(3):
        press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert row_on_disk(small_db, measure_id) == original
    assert window.warnings == []  # type: ignore[attr-defined]
    assert not window.undo_stack.canUndo() and window.undo_stack.canRedo()
    shown = window.grid_model.measure_index(measure_id, HEADERS.index("Ответственные"))
    assert shown.data() == original[1]


def _colleague_writes(small_db: Path, measure_id: int, note: str) -> None:
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    colleague.edit_measure(measure_id, None, {"note": note})
    colleague.db.close()


@pytest.mark.parametrize("choice", ["keep", "mine", "copy"])
def test_a_refused_edit_shows_both_values_and_keeps_what_was_typed(
    choice: str, window: MainWindow, qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure_id = first_measure_id(window)
    _colleague_writes(small_db, measure_id, "их отметка")
    seen: dict[str, object] = {}

    def decide(dialog: ConflictDialog) -> int:
        table = dialog.table
        seen["cells"] = [table.item(0, c).text() for c in range(3)]
        {"keep": dialog.keep_button, "mine": dialog.mine_button, "copy": dialog.copy_button}[choice].click()
        if choice == "copy":
            dialog.keep_button.click()  # then close it keeping theirs
        return 0

    monkeypatch.setattr(ConflictDialog, "exec", decide)
    index = window.grid_model.measure_index(measure_id, HEADERS.index("Отметка об исполнении"))
    window.grid.setCurrentIndex(index)
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    type_text(window.grid, "моя отметка")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "cells" in seen)
    assert seen["cells"] == ["Отметка об исполнении", "их отметка", "моя отметка"]
    stored = row_on_disk(small_db, measure_id)[3]
    shown = window.grid_model.measure_index(measure_id, index.column()).data()
    if choice == "mine":
        assert stored == shown == "моя отметка"
        assert window.undo_stack.count() == 1
        window.undo_stack.undo()  # back to the colleague's value, not to the old one
        assert row_on_disk(small_db, measure_id)[3] == "их отметка"
    else:
        assert stored == shown == "их отметка"
        assert window.undo_stack.count() == 0
    if choice == "copy":
        assert QApplication.clipboard().text() == "моя отметка"


def _list_figures(window: MainWindow) -> tuple[str, str]:
    model = window.list_model
    return model.index(0, 2).data(), model.index(0, 3).data()


def test_the_roadmap_list_follows_edits_pastes_and_inserts(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    measure_id = first_measure_id(window)
    assert _list_figures(window)[0] == "0 из 3"
    type_into(window, qtbot, measure_id, "Статус", "выполнено")
    assert _list_figures(window)[0] == "1 из 3"
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, 1))
    window.rows.insert_measure(below=True)
    assert _list_figures(window)[0] == "1 из 4"
    last = window.grid_model.tree.measures_in_order()[-1]
    window.grid.setCurrentIndex(window.grid_model.measure_index(last.id, HEADERS.index("Статус")))
    QApplication.clipboard().setText("выполнено\nвыполнено\n")
    window.rows.paste_cells()
    assert _list_figures(window)[0] == "3 из 5"
    window.undo_stack.undo()
    assert _list_figures(window)[0] == "1 из 4"
