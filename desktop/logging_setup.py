"""Logging to a rotating file in the user's data folder; Qt's own messages go to the ``qt`` logger."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_configured = False
problem: str | None = None  # why there is no log file, in Russian, for the window to say


def log_path() -> Path:
    from desktop import config

    return config.log_dir() / "roadmap.log"


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log line that cannot be written (a full disk, a removed folder) is dropped: the logging
    module would print its own English traceback over the user's Russian message."""

    def handleError(self, record: logging.LogRecord) -> None:
        return


def setup_logging(level: int = logging.INFO) -> None:
    """Configure the root logger once (1 MB × 5 files)."""
    global _configured, problem
    if _configured:
        return
    try:
        handler = _QuietRotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        problem = (
            f"Журнал работы не ведётся: папку «{log_path().parent}» не удалось создать или записать "
            "(профиль только для чтения или защищённый от записи носитель). Программа работает, "
            "но резервные копии и журнал сейчас не сохраняются."
        )
        _configured = True
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
