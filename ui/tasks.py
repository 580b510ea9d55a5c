"""Long work off the GUI thread, with a window-modal progress dialog and Cancel.

``run_with_progress`` runs ``work(progress, cancel)`` on a worker thread and waits in a local
event loop, so the window keeps painting; the dialog appears only if the work takes longer than
half a second. Workers never touch widgets: progress arrives through a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

Progress = Callable[[int, int, str], None]
T = TypeVar("T")


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


class _InputBlocker(QObject):
    """Swallows the user's clicks and keys everywhere but the progress dialog while work runs: the
    window-modal dialog appears only after half a second and hides when Cancel is pressed, and in
    those moments a second export or import must not start inside the first one's wait."""

    INPUT = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.Wheel,
            QEvent.Type.Shortcut,
            QEvent.Type.ShortcutOverride,
        }
    )

    def __init__(self, dialog: QWidget) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in self.INPUT:
            return False
        widget = watched if isinstance(watched, QWidget) else None
        inside = widget is not None and (widget is self.dialog or self.dialog.isAncestorOf(widget))
        return not inside


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[Progress, threading.Event], T],
    cancel: threading.Event | None = None,
) -> T:
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
    blocker = _InputBlocker(dialog)
    app = QApplication.instance()
    worker.start()
    if not worker.isFinished():
        if app is not None:
            app.installEventFilter(blocker)
        try:
            loop.exec()
        finally:
            if app is not None:
                app.removeEventFilter(blocker)
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    result: T = worker.result  # what ``work`` returned
    return result
