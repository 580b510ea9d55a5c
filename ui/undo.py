"""QUndoCommand over a service command: the operations write, the stack remembers.

The command is applied before it is pushed, so the first ``redo()`` that ``push()`` calls does
nothing. An undo or redo that is refused (a colleague changed the row meanwhile) is reported
through ``on_failure`` and only that step is dropped from the stack (Qt deletes an obsolete
command once undone or redone); the steps below it stay, each checked again when its turn comes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop.services.changes import Changes
from desktop.services.commands import Command
from desktop.services.operations import Operations
from models.domain.errors import DomainError


class ServiceUndoCommand(QUndoCommand):
    def __init__(
        self,
        command: Command,
        operations: Operations,
        on_done: Callable[[Changes], None],
        on_failure: Callable[[DomainError], None],
    ) -> None:
        super().__init__(command.label)
        self.command, self.operations = command, operations
        self.on_done, self.on_failure = on_done, on_failure
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # already applied before push()
            self._pushed = True
            return
        self._run(self.operations.apply)

    def undo(self) -> None:
        self._run(self.operations.revert)

    def _run(self, step: Callable[[Command], Changes]) -> None:
        try:
            changes = step(self.command)
        except DomainError as error:
            self.setObsolete(True)
            self.on_failure(error)
            return
        self.on_done(changes)
