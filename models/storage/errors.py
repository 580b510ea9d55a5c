"""Storage failures a user can act on, each with a Russian sentence saying what to do.

``translate()`` maps the driver's exceptions onto them by SQLite's result code; anything it does
not know is a bug and propagates unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from models.domain.errors import DomainError, FileBusyError


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


class AlteredFileError(DamagedFileError):
    """The file holds triggers, views, tables or columns the program's migrations do not make."""


class NewerVersionError(StorageError):
    pass


class ReadOnlyError(StorageError):
    pass


class BusyError(StorageError, FileBusyError):
    pass


class DiskFullError(StorageError):
    pass


class FileUnavailableError(StorageError):
    """SQLite could not open the file (or its journal beside it): moved, deleted, no access."""


BUSY_MESSAGE = (
    "Файл дорожных карт занят другой программой или другим пользователем. "
    "Подождите немного и повторите действие."
)
DISK_FULL_MESSAGE = (
    "Недостаточно места на диске: изменение не сохранено. Освободите место и повторите. "
    "Не копируйте файл, пока программа снова не откроет его: служебный файл рядом с ним "
    "(«-journal») возвращает его в прежнее состояние."
)
READ_ONLY_MESSAGE = (
    "Файл открыт только для чтения: изменения сохранить нельзя. "
    "Снимите атрибут «только чтение» или сохраните копию в другую папку."
)


def unavailable_message(path: Path) -> str:
    return (
        f"Не удалось открыть файл «{path}»: он перемещён, удалён или недоступен "
        "(нет прав на файл или его папку, нет связи с сетевой папкой). Проверьте это и повторите."
    )


def damaged_message(path: Path, detail: str, newest_backup: Path | None) -> str:
    """Say that the file is damaged and, if there is one, which backup to restore."""
    text = f"Файл «{path}» повреждён ({detail}). Изменения в него не вносились."
    if newest_backup is not None:
        return text + f" Восстановите последнюю резервную копию: «{newest_backup}»."
    return text + " Резервных копий этого файла не найдено."


# SQLite's primary result codes (https://www.sqlite.org/rescode.html). An extended code keeps its
# primary code in the low byte: SQLITE_READONLY_DBMOVED (1032) is SQLITE_READONLY (8) | 4 << 8.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver exception (wrapped by SQLAlchemy or not)."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlite_errorcode", None) if isinstance(original, sqlite3.Error) else None
    return None if code is None else code & 0xFF


def translate(exc: BaseException, path: Path | None = None) -> StorageError | None:
    """The StorageError for a known SQLite failure, or None when it is a bug.

    Classified by ``sqlite_errorcode`` (Python 3.11+), never by the English message, which SQLite
    may word differently from one version to the next. No message fallback is needed: every
    error SQLite itself reports carries its code; an exception without one is raised by the
    sqlite3 module's own checks (a closed connection, a wrong parameter), which is a bug.
    """
    code = sqlite_code(exc)
    where = path if path is not None else Path("?")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return BusyError(BUSY_MESSAGE)
    if code == SQLITE_FULL:
        return DiskFullError(DISK_FULL_MESSAGE)
    if code == SQLITE_READONLY:
        return ReadOnlyError(READ_ONLY_MESSAGE)
    if code == SQLITE_CANTOPEN:
        return FileUnavailableError(unavailable_message(where))
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR):
        original = exc.orig if isinstance(exc, DBAPIError) else exc
        return DamagedFileError(damaged_message(where, str(original), None))
    return None
