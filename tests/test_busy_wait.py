"""A colleague's write holds the file: the window waits briefly (not the full 10 s with the window
frozen), then asks whether to try again; nothing is written until it can be, and a retry writes."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.controller import GUI_WAIT_MS
from ui.main_window import MainWindow
from ui.roadmap_model import COLUMNS

NOTE = [c[0] for c in COLUMNS].index("Отметка об исполнении")


def stored_note(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        value = conn.execute("SELECT note FROM measures WHERE id = 1").fetchone()[0]
    conn.close()
    return str(value)


def test_a_held_file_is_asked_about_after_a_short_wait_and_a_retry_writes(
    qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    window = MainWindow(service, str(small_db))
    qtbot.addWidget(window)
    colleague = sqlite3.connect(small_db, isolation_level=None)
    colleague.execute("BEGIN IMMEDIATE")  # a colleague's long write (an import)
    answers = [QMessageBox.StandardButton.Cancel]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        if answers[0] == QMessageBox.StandardButton.Retry:
            colleague.execute("COMMIT")  # meanwhile the colleague finished
        return answers.pop(0) if len(answers) > 1 else answers[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    index = window.grid_model.measure_index(1, NOTE)
    start = time.perf_counter()
    window.grid_model.setData(index, "моя отметка")
    waited = time.perf_counter() - start
    assert asked and "Повторить" in asked[0]
    assert GUI_WAIT_MS / 1000 * 0.8 < waited < 5  # a short wait, not the full 10 s
    assert window.undo_stack.count() == 0
    colleague.execute("COMMIT")
    assert stored_note(small_db) != "моя отметка"
    colleague.execute("BEGIN IMMEDIATE")
    answers[:] = [QMessageBox.StandardButton.Retry]
    window.grid_model.setData(window.grid_model.measure_index(1, NOTE), "моя отметка")
    assert stored_note(small_db) == "моя отметка" and window.undo_stack.count() == 1
    colleague.close()
    service.db.close()


def test_an_undo_that_finds_the_file_busy_stays_in_the_history(
    qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: shown.append(text))
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    window = MainWindow(service, str(small_db))
    qtbot.addWidget(window)
    original = stored_note(small_db)
    window.grid_model.setData(window.grid_model.measure_index(1, NOTE), "моя отметка")
    colleague = sqlite3.connect(small_db, isolation_level=None)
    colleague.execute("BEGIN IMMEDIATE")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown))
    assert "занят" in shown[0]
    assert stored_note(small_db) == "моя отметка"
    assert window.undo_stack.count() == 1 and window.undo_stack.index() == 1  # still undoable
    colleague.execute("COMMIT")
    colleague.close()
    window.undo_stack.undo()
    assert stored_note(small_db) == original
    window.undo_stack.redo()
    assert stored_note(small_db) == "моя отметка"
    service.db.close()
