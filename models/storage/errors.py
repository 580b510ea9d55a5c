"""Storage failures a user can act on, each with a Russian sentence saying what to do.

``translate()`` maps the driver's exceptions onto them; anything it does not know is a bug and
propagates unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from models.domain.errors import DomainError


class StorageError(DomainError):
    """The roadmap file cannot be used as asked."""


class FileMissingError(StorageError):
    pass


class NotADatabaseError(StorageError):
    """Not SQLite at all, or an empty file."""


class NotRoadmapFileError(StorageError):
    """A SQLite file, but not one this program made."""


class DamagedFileError(StorageError):
    def __init__(self, message: str, newest_backup: Path | None = None) -> None:
        super().__init__(message)
        self.newest_backup = newest_backup


class NewerVersionError(StorageError):
    pass


class ReadOnlyError(StorageError):
    pass


class BusyError(StorageError):
    pass


class DiskFullError(StorageError):
    pass


BUSY_MESSAGE = (
    "Файл дорожных карт занят другой программой или другим пользователем. "
    "Подождите немного и повторите действие."
)
DISK_FULL_MESSAGE = "Недостаточно места на диске: изменение не сохранено. Освободите место и повторите."
READ_ONLY_MESSAGE = (
    "Файл открыт только для чтения: изменения сохранить нельзя. "
    "Снимите атрибут «только чтение» или сохраните копию в другую папку."
)


def damaged_message(path: Path, detail: str, newest_backup: Path | None) -> str:
    """Say that the file is damaged and, if there is one, which backup to restore."""
    text = f"Файл «{path}» повреждён ({detail}). Изменения в него не вносились."
    if newest_backup is not None:
        return text + f" Восстановите последнюю резервную копию: «{newest_backup}»."
    return text + " Резервных копий этого файла не найдено."


def translate(exc: BaseException, path: Path | None = None) -> StorageError | None:
    """The StorageError for a known SQLite failure, or None when it is a bug."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(original, sqlite3.Error):
        return None
    text = str(original).lower()
    if "locked" in text or "busy" in text:
        return BusyError(BUSY_MESSAGE)
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFullError(DISK_FULL_MESSAGE)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(READ_ONLY_MESSAGE)
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        where = path if path is not None else Path("?")
        return DamagedFileError(damaged_message(where, str(original), None))
    return None
