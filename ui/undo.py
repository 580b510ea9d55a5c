"""QUndoCommand over a service command: the operations write, the stack remembers.

The command is applied before it is pushed, so the first ``redo()`` that ``push()`` calls does
nothing. An undo or redo that is refused (a colleague changed the row meanwhile) is reported
through ``on_failure`` and only that step is dropped from the stack (Qt deletes an obsolete
command once undone or redone); the steps below it stay, each checked again when its turn comes.
One that found the file busy wrote nothing and stays: the stack is moved back over it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop.services.changes import Changes
from desktop.services.commands import Command
from desktop.services.operations import Operations
from models.domain.errors import DomainError, FileBusyError


class ServiceUndoCommand(QUndoCommand):
    def __init__(
        self,
        command: Command,
        operations: Operations,
        on_done: Callable[[Changes], None],
        on_failure: Callable[[DomainError], None],
        on_busy: Callable[[DomainError, int], None] | None = None,
    ) -> None:
        super().__init__(command.label)
        self.command, self.operations = command, operations
        self.on_done, self.on_failure, self.on_busy = on_done, on_failure, on_busy
        self._pushed = False
        self._skip_next = False  # the stack is put back after a busy step: that call does nothing

    def redo(self) -> None:
        if not self._pushed:  # already applied before push()
            self._pushed = True
            return
        self._run(self.operations.apply, back=-1)

    def undo(self) -> None:
        self._run(self.operations.revert, back=+1)

    def _run(self, step: Callable[[Command], Changes], back: int) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        try:
            changes = step(self.command)
        except FileBusyError as error:
            if self.on_busy is None:
                self.setObsolete(True)
                self.on_failure(error)
                return
            # Nothing was written (a colleague's write held the file): the step stays in the
            # history, the stack is moved back over it, and the user may simply try again.
            self._skip_next = True
            self.on_busy(error, back)
            return
        except DomainError as error:
            self.setObsolete(True)
            self.on_failure(error)
            return
        self.on_done(changes)
