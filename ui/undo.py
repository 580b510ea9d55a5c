"""QUndoCommand over a service command: the service writes, the stack remembers.

The command is executed before it is pushed, so the first ``redo()`` that ``push()`` calls does
nothing. A failing undo or redo (a colleague changed the row meanwhile) is reported through
``on_failure``; the window then shows the message, clears the stack and reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop.services.commands import Command
from desktop.services.dto import MeasureRow
from desktop.services.roadmap import RoadmapService
from models.domain.errors import DomainError


class ServiceUndoCommand(QUndoCommand):
    def __init__(
        self,
        command: Command,
        service: RoadmapService,
        on_done: Callable[[MeasureRow | None, Command], None],
        on_failure: Callable[[DomainError], None],
    ) -> None:
        super().__init__(command.label)
        self.command, self.service = command, service
        self.on_done, self.on_failure = on_done, on_failure
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # already applied before push()
            self._pushed = True
            return
        self._run(self.command.apply)

    def undo(self) -> None:
        self._run(self.command.revert)

    def _run(self, step: Callable[[RoadmapService], MeasureRow | None]) -> None:
        try:
            self.on_done(step(self.service), self.command)
        except DomainError as error:
            self.setObsolete(True)
            self.on_failure(error)
