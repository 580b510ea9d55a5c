"""Cyclic garbage is freed by the GUI thread's timer, never by a worker thread; and the program
really runs that way (automatic collection off, the timer installed by run_window).

conftest.py switches automatic collection off during every GUI test, so each test here switches
it back on first, as Python starts a program: otherwise removing the collector's ``gc.disable()``
would go unnoticed."""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
import weakref
from pathlib import Path

import pytest
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from ui.garbage import CHECK_INTERVAL_MS, GuiGarbageCollector


class Sentinel:
    pass


class Node:
    def __init__(self, sentinel: Sentinel) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it…
        self.sentinel = sentinel  # …and what it holds


def garbage_cycle() -> weakref.ref[Sentinel]:
    """Unreachable garbage in a cycle; the weak reference dies when a collection frees it."""
    sentinel = Sentinel()
    Node(sentinel)
    return weakref.ref(sentinel)


def test_collection_happens_on_the_gui_timer_not_in_a_busy_worker(qtbot: QtBot) -> None:
    gc.enable()
    collector = GuiGarbageCollector(interval_ms=20)
    kept: list[list[list[int]]] = []
    try:
        assert not gc.isenabled()
        alive = garbage_cycle()
        assert alive() is not None

        def allocate() -> None:  # a worker making many objects (an import, an export)
            kept.append([[i] for i in range(20_000)])

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert alive() is not None  # the worker's allocations did not start a collection
        assert gc.get_count()[0] > collector.threshold[0]
        qtbot.waitUntil(lambda: alive() is None, timeout=3000)  # the GUI thread's timer freed it
    finally:
        collector.stop()
        assert gc.isenabled()
        gc.disable()  # back to conftest's state for the rest of this GUI test


def test_the_program_collects_only_on_its_gui_timer(
    qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_window itself, with its event loop replaced by one that looks around inside it."""
    from PySide6.QtWidgets import QApplication

    from desktop import app as program
    from ui.main_window import MainWindow

    seen: dict[str, bool] = {}

    def running_program(_app: object = None) -> int:  # QApplication.exec: the program is up now
        seen["automatic collection"] = gc.isenabled()
        alive = garbage_cycle()
        churn = [[i] for i in range(gc.get_threshold()[0] * 2)]  # a collection is due
        seen["freed before the loop"] = alive() is None
        with contextlib.suppress(WaitTimeout):  # the program's loop, a few collector intervals
            qtbot.waitUntil(lambda: alive() is None, timeout=CHECK_INTERVAL_MS * 5)
        seen["freed by the loop"] = alive() is None
        del churn
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()
        return 0

    monkeypatch.setattr(program, "_application", QApplication.instance)  # names, settings: the tests'
    monkeypatch.setattr(program, "setup_logging", lambda: None)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(QApplication, "exec", running_program)
    gc.enable()  # as when Python starts the program
    try:
        assert program.run_window(small_db) == 0
    finally:
        application = QApplication.instance()
        for child in application.children() if application is not None else []:
            if isinstance(child, GuiGarbageCollector):
                child.stop()  # what quitting does
                child.setParent(None)
        gc.disable()  # back to conftest's state for the rest of this GUI test
    assert seen == {
        "automatic collection": False,
        "freed before the loop": False,
        "freed by the loop": True,
    }
