"""Logging to a rotating file in the user's data folder; Qt's own messages go to the ``qt`` logger."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_configured = False


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
    global _configured
    if _configured:
        return
    handler = _QuietRotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
