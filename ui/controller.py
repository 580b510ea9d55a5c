"""The window's state and the one path every change takes, apart from the widgets that show it.

``WindowController`` knows which file is open (its service and session), which roadmap is
chosen and the undo history. A change is a command: ``execute`` applies it through the file's
operations (one transaction), pushes it on the undo stack and announces its ``Changes`` with
``changed`` — after undo and redo alike. Views only listen; nothing else writes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop.services.changes import Changes
from desktop.services.commands import Command
from desktop.services.files import OpenFile
from desktop.services.roadmap import RoadmapService
from desktop.services.session import FileSession
from models.domain.errors import DomainError, FileBusyError, StaleEditError
from ui.undo import ServiceUndoCommand

log = logging.getLogger(__name__)
GUI_WAIT_MS = 1500  # a colleague's write takes milliseconds; longer than this, the user is asked


class WindowController(QObject):
    changed = Signal(object)  # Changes: after an apply, an undo or a redo
    refused = Signal(object, object)  # (command, StaleEditError): a colleague saved that row first
    failed = Signal(object)  # DomainError: an operation, undo or redo was refused
    busy = Signal(object, object)  # (command, BusyError): a colleague's write holds the file
    file_switched = Signal()  # another file is open: every view reloads

    def __init__(
        self, service: RoadmapService, session: FileSession | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.session = session
        service.operations.wait_ms = GUI_WAIT_MS
        self.undo_stack = QUndoStack(self)
        self.current_roadmap: int | None = None

    @property
    def file_path(self) -> Path:
        return Path(self.service.db.path)

    @property
    def location(self) -> str:
        """What the title shows: the file's path, or the server's address (no password)."""
        return self.service.db.location

    @property
    def location_key(self) -> str:
        """The file (or server) as a settings key, the same from any working folder."""
        db = self.service.db
        return db.location if db.is_server else str(self.file_path.resolve())

    def execute(self, command: Command) -> bool:
        """Apply a change (one committed transaction), make it undoable, announce it."""
        try:
            changes = self.service.operations.apply(command)
        except StaleEditError as error:
            log.info("refused (stale): %s", error.message)
            self.refused.emit(command, error)
            return False
        except FileBusyError as error:  # waited GUI_WAIT_MS, not 10 s with the window frozen
            log.info("busy: %s", error.message)
            self.busy.emit(command, error)
            return False
        except DomainError as error:
            self.failed.emit(error)
            return False
        if changes.empty:  # nothing differed: no undo step that would do nothing
            return True
        self.undo_stack.push(
            ServiceUndoCommand(
                command, self.service.operations, self._announce, self._step_refused, self._step_busy
            )
        )
        self._announce(changes)
        return True

    def _announce(self, changes: Changes) -> None:
        if self.session is not None:
            self.session.acknowledge_own_commit()
        self.changed.emit(changes)

    def _step_refused(self, error: DomainError) -> None:
        """An undo or redo step was refused and dropped; the steps below it stay undoable.
        Told after the stack's own undo() returns (a dialog inside it would re-enter it)."""
        QTimer.singleShot(0, lambda: self.failed.emit(error))

    def _step_busy(self, error: DomainError, back: int) -> None:
        """An undo or redo found the file held by a colleague's write: it wrote nothing, so the
        stack is moved back over it (after the stack's own call returns) and the user told."""

        def put_back() -> None:
            self.undo_stack.setIndex(self.undo_stack.index() + back)
            self.failed.emit(error)

        QTimer.singleShot(0, put_back)

    def choose_roadmap(self, roadmap_id: int | None) -> bool:
        """Work on another roadmap; the undo history is the file's and stays (an undo of another
        roadmap's step shows that roadmap). True when it changed."""
        if roadmap_id == self.current_roadmap:
            return False
        self.current_roadmap = roadmap_id
        return True

    def switch_to(self, opened: OpenFile) -> None:
        """Work on another file: the old session ends, undo history and version ledger go."""
        old_session = self.session
        self.service, self.session = opened.service, opened.session
        self.service.operations.wait_ms = GUI_WAIT_MS
        self.undo_stack.clear()
        self.current_roadmap = None
        if old_session is not None:
            old_session.close()
        self.file_switched.emit()

    def forget_history(self) -> None:
        """After a restore from a backup nothing this window wrote is a base for undo."""
        self.undo_stack.clear()
        self.service.operations.forget()
