"""Long work off the GUI thread, with a window-modal progress dialog and Cancel.

``run_with_progress`` runs ``work(progress, cancel)`` on a worker thread and waits in a local
event loop, so the window keeps painting; the dialog appears only if the work takes longer than
half a second. Workers never touch widgets: progress arrives through a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[int, int, str], None]


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal()


class _Worker(QThread):
    def __init__(self, work: Callable[[Progress, threading.Event], Any], cancel: threading.Event) -> None:
        super().__init__()
        self.work, self.cancel = work, cancel
        self.signals = _Signals()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work(self.signals.progress.emit, self.cancel)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.error = exc
        finally:
            self.signals.finished.emit()


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[Progress, threading.Event], Any],
    cancel: threading.Event | None = None,
) -> Any:
    """The work's result; its exception is re-raised here, on the GUI thread."""
    cancel = cancel or threading.Event()
    dialog = QProgressDialog(label, "Отмена", 0, 0, parent)
    dialog.setWindowTitle("Дорожные карты")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    worker = _Worker(work, cancel)
    loop = QEventLoop()

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        if text:
            dialog.setLabelText(f"{label}\n{text}")

    worker.signals.progress.connect(on_progress)
    worker.signals.finished.connect(loop.quit)
    worker.start()
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
