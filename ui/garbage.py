"""Python's cyclic garbage collector run only on the GUI thread, between events.

CPython collects in whichever thread crosses the allocation threshold: during an import or an
export that is a worker thread, which would then destroy Qt objects left in reference cycles
(closed dialogs, their slots) off the GUI thread, and a collection inside Qt's event dispatch can
free a widget Qt is still delivering events to. Both crash PySide programs at random. So the
automatic collector is switched off and a timer on the GUI thread collects when the counts say
a collection is due (the approach of pyqtgraph's and others' GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 1000


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        # What exists now — modules, classes, the application — lives as long as the program:
        # leaving it out of every later collection makes a full one several times shorter
        # (a 60 ms pause on the GUI thread while scrolling 5,000 rows, otherwise).
        gc.collect()
        gc.freeze()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; objects found."""
        counts = gc.get_count()
        found = 0
        for generation in range(3):
            if counts[generation] <= self.threshold[generation]:
                break
            found += gc.collect(generation)
        return found

    def stop(self) -> None:
        """Automatic collection back on (when the window closes)."""
        self.timer.stop()
        gc.unfreeze()
        gc.enable()
