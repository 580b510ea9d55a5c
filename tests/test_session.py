"""Two people on one file: changes by others are noticed and shown; who else has it open."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.services.commands import EditMeasureCommand
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.session import FileSession
from models.storage.database import open_database
from models.storage.presence import STALE_AFTER
from ui.main_window import MainWindow


def test_a_colleagues_commit_refreshes_the_grid(qtbot: QtBot, small_db: Path) -> None:
    database = open_database(small_db)
    session = FileSession(database, "Петрова", "ПК-1")
    window = MainWindow(RoadmapService(database, Actor("Петрова", "ПК-1")), str(small_db), session=session)
    qtbot.addWidget(window)
    window.show()
    measure = window.grid_model.tree.measures_in_order()[0]

    window.execute(EditMeasureCommand.for_row(measure, {"note": "моё"}))
    assert not session.changed_by_others()  # our own commit is not "someone else"

    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    colleague.edit_measure(measure.id, None, {"note": "от Иванова"})
    colleague.db.close()
    window.poll_file()
    assert window.grid_model.tree.measures[measure.id].note == "от Иванова"
    assert "изменён другим пользователем" in window.statusBar().currentMessage()
    session.close()
    database.close()


def test_presence_lists_colleagues_and_forgets_stale_sessions(small_db: Path) -> None:
    mine = FileSession(open_database(small_db), "Петрова", "ПК-1")
    theirs = FileSession(open_database(small_db), "Иванов", "ПК-2")
    others = mine.others()
    assert [(p.user, p.computer) for p in others] == [("Иванов", "ПК-2")]
    old = time.time() - STALE_AFTER - 10
    os.utime(theirs.presence.path, (old, old))  # a session that died in a power cut
    assert mine.others() == []
    assert not theirs.presence.path.exists()
    mine.close()
    assert not any(small_db.parent.glob(".~lock.*"))
    theirs.watcher.close()


def test_a_record_left_by_a_dead_process_on_this_computer_is_ignored(small_db: Path) -> None:
    mine = FileSession(open_database(small_db), "Петрова", "ПК-1")
    dead = small_db.with_name(f".~lock.{small_db.name}.ПК-1.999999999#")
    dead.write_text(
        '{"user": "Петрова", "computer": "ПК-1", "since": "2026-11-24T09:00:00"}', encoding="utf-8"
    )
    assert mine.others() == []
    assert not dead.exists()
    mine.close()
