"""Progress and «Отмена» between pieces of an export, the same for every format."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop.services.writer import CancelledError

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Steps:
    """Reports ``done`` of ``total`` under ``label``; raises CancelledError once Cancel is pressed."""

    progress: Progress | None
    cancel: threading.Event | None
    label: str

    def __call__(self, done: int, total: int) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CancelledError("Экспорт отменён.")
        if self.progress is not None:
            self.progress(done, total, self.label)
