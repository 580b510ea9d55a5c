"""Cyclic garbage is freed by the GUI thread's timer, never by a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref

from pytestqt.qtbot import QtBot

from ui.garbage import GuiGarbageCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_collection_happens_on_the_gui_timer_not_in_a_busy_worker(qtbot: QtBot) -> None:
    collector = GuiGarbageCollector(interval_ms=20)
    kept: list[list[list[int]]] = []
    try:
        assert not gc.isenabled()
        node = Node()
        alive = weakref.ref(node)
        del node

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
