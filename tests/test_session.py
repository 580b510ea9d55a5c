"""Two people on one file: changes by others are noticed and shown; who else has it open."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.commands import EditMeasureCommand
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.session import FileSession
from models.storage.database import open_database
from models.storage.presence import REFRESH_EVERY, STALE_AFTER, PresenceRecord
from tests.conftest import ROOT
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


def _others_text(window: MainWindow) -> str:
    return window.others_label.text()


def test_the_label_clears_within_a_poll_after_the_colleague_closes_the_file(
    qtbot: QtBot, small_db: Path
) -> None:
    """Two real windows on one real file; the colleague's window closes as the program closes it
    (run_window: the window closes, then the session and the file)."""
    their_db = open_database(small_db)
    theirs = FileSession(their_db, "Иванов", "ПК-2")
    their_window = MainWindow(
        RoadmapService(their_db, Actor("Иванов", "ПК-2")), str(small_db), session=theirs
    )
    qtbot.addWidget(their_window)
    their_window.show()
    my_db = open_database(small_db)
    mine = FileSession(my_db, "Петрова", "ПК-1")
    window = MainWindow(RoadmapService(my_db, Actor("Петрова", "ПК-1")), str(small_db), session=mine)
    qtbot.addWidget(window)
    window.show()
    assert "Иванов (ПК-2)" in _others_text(window)
    qtbot.waitUntil(lambda: "Петрова (ПК-1)" in _others_text(their_window), timeout=10_000)

    their_window.close()
    theirs.close()
    their_db.close()
    qtbot.waitUntil(lambda: _others_text(window) == "", timeout=10_000)  # the 2-second poll, not 60 s
    window.close()
    mine.close()
    my_db.close()
    assert not any(small_db.parent.glob(".~lock.*"))


def _colleague_process(db: Path, computer: str) -> subprocess.Popen[str]:
    """A real process holding a presence record: says "ready" once it is written, then waits."""
    code = (
        "import sys; from pathlib import Path; from models.storage.presence import PresenceRecord; "
        "PresenceRecord(Path(sys.argv[1]), 'Сидоров', sys.argv[2]); print('ready', flush=True); "
        "sys.stdin.read()"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", code, str(db), computer],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    return worker


@pytest.mark.skipif(sys.platform == "win32", reason="a dead pid is recognised only where it can be probed")
def test_a_colleague_process_killed_on_this_computer_leaves_the_label_at_the_next_poll(
    qtbot: QtBot, small_db: Path
) -> None:
    database = open_database(small_db)
    session = FileSession(database, "Петрова", "ПК-1")
    window = MainWindow(RoadmapService(database, Actor("Петрова", "ПК-1")), str(small_db), session=session)
    qtbot.addWidget(window)
    worker = _colleague_process(small_db, "ПК-1")
    try:
        window._heartbeat()
        assert "Сидоров (ПК-1)" in _others_text(window)
    finally:
        worker.kill()
        worker.wait(timeout=30)
        worker.stdin.close()  # type: ignore[union-attr]
        worker.stdout.close()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: _others_text(window) == "", timeout=10_000)
    assert not any(p.name.endswith(f".{worker.pid}#") for p in small_db.parent.glob(".~lock.*"))
    window.close()
    session.close()
    database.close()


def test_a_colleague_on_another_computer_whose_process_died_goes_once_stale(
    qtbot: QtBot, small_db: Path
) -> None:
    """Another computer's pid cannot be probed: its record goes when not refreshed for STALE_AFTER."""
    database = open_database(small_db)
    session = FileSession(database, "Петрова", "ПК-1")
    window = MainWindow(RoadmapService(database, Actor("Петрова", "ПК-1")), str(small_db), session=session)
    qtbot.addWidget(window)
    worker = _colleague_process(small_db, "ПК-3")
    worker.kill()
    worker.wait(timeout=30)
    worker.stdin.close()  # type: ignore[union-attr]
    worker.stdout.close()  # type: ignore[union-attr]
    (record,) = small_db.parent.glob(".~lock.*ПК-3*#")
    window._heartbeat()
    assert "Сидоров (ПК-3)" in _others_text(window)  # a power cut over there looks the same for a while
    old = time.time() - STALE_AFTER - 1
    os.utime(record, (old, old))
    qtbot.waitUntil(lambda: _others_text(window) == "", timeout=10_000)
    assert not record.exists()
    window.close()
    session.close()
    database.close()


def test_the_record_is_rewritten_once_a_minute_or_when_it_vanished(small_db: Path) -> None:
    record = PresenceRecord(small_db, "Петрова", "ПК-1")
    start = time.monotonic()
    old = time.time() - 100
    os.utime(record.path, (old, old))
    record.heartbeat(now=start + 1)  # called every poll: no write on a share every 2 seconds
    assert record.path.stat().st_mtime == pytest.approx(old)
    record.heartbeat(now=start + REFRESH_EVERY + 1)
    assert record.path.stat().st_mtime > old + 50
    record.path.unlink()  # a colleague with a fast clock took it for stale
    record.heartbeat(now=start + REFRESH_EVERY + 2)
    assert record.path.exists()
    assert REFRESH_EVERY * 3 <= STALE_AFTER  # a few missed writes before a live session looks gone
    record.close()


def test_a_closed_window_does_not_say_again_that_it_has_the_file_open(qtbot: QtBot, small_db: Path) -> None:
    """The colleague's window is closed but not yet deleted: its last timer tick must not write
    its presence record back (it did: the label stayed on the other computer)."""
    their_db = open_database(small_db)
    theirs = FileSession(their_db, "Иванов", "ПК-2")
    their_window = MainWindow(
        RoadmapService(their_db, Actor("Иванов", "ПК-2")), str(small_db), session=theirs
    )
    qtbot.addWidget(their_window)
    their_window.show()
    their_window.close()
    theirs.close()
    their_window._heartbeat()  # what a tick of its timer would do
    theirs.heartbeat()
    assert not any(small_db.parent.glob(".~lock.*ПК-2*"))
    assert not their_window._watch.isActive()
    their_db.close()
