"""Noticing that someone else changed the file: SQLite's ``PRAGMA data_version``.

The value changes when another connection commits. A dedicated read-only connection is used,
so the program's own commits (through its pool) show up too: the caller acknowledges those.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from models.storage.engine import sqlite_uri


class ChangeWatcher:
    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(
            sqlite_uri(path, "ro"), uri=True, timeout=1, check_same_thread=False
        )
        self._seen = self._version()

    def _version(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """True once per change committed since the last call (or acknowledge)."""
        try:
            current = self._version()
        except sqlite3.Error:  # busy or briefly unreachable share: ask again next time
            return False
        if current == self._seen:
            return False
        self._seen = current
        return True

    def acknowledge(self) -> None:
        """Our own commit: not a change by someone else."""
        with contextlib.suppress(sqlite3.Error):
            self._seen = self._version()

    def close(self) -> None:
        self._connection.close()
