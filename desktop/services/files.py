"""File-level operations the window offers: open, new, save a copy, check, list and restore backups."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from desktop import config
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.session import FileSession
from models.domain.roles import RESTORE, check_file_operation
from models.storage import backup as backups
from models.storage.database import FileFacts, create_database, inspect, open_database, restore_from
from models.storage.errors import StorageError
from models.storage.server import open_server


@dataclass
class OpenFile:
    service: RoadmapService
    session: FileSession

    @property
    def path(self) -> Path:
        return self.service.db.path

    def close(self) -> None:
        self.session.close()
        self.service.db.close()


def actor() -> Actor:
    return Actor(config.current_user(), config.current_computer())


def open_file(path: Path, create: bool = False) -> OpenFile:
    """Open (or, with ``create``, make) a roadmap file with its backups and presence record."""
    database = create_database(path) if create else open_database(path, config.backup_root())
    if create:
        database.backup_folder = backups.backup_folder(config.backup_root(), path)
    return OpenFile(RoadmapService(database, actor()), FileSession(database, actor().user, actor().computer))


def open_server_address(address: str) -> OpenFile:
    """Connect to the regional server (an empty database gets the schema) as the window works
    with a file: the same service; no backups or presence records (the server is administered)."""
    database = open_server(address)
    return OpenFile(RoadmapService(database, actor()), FileSession(database, actor().user, actor().computer))


def server_address(host: str, port: int, database: str, user: str, password: str) -> str:
    """The URL for the fields of «Подключиться к серверу…» (names and password quoted)."""
    login = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return f"postgresql://{login}@{host.strip()}:{port}/{quote(database.strip(), safe='')}"


def save_copy(source: Path, target: Path) -> None:
    """A consistent copy of the open file (SQLite backup API), written whole or not at all."""
    if target.resolve() == source.resolve():
        raise StorageError("Копию нельзя сохранить поверх открытого файла. Выберите другое имя.")
    try:
        backups.copy_database(source, target)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(
            f"Не удалось сохранить копию в «{target}»: {exc}. Проверьте папку и место на диске."
        ) from exc


def check_file(path: Path) -> FileFacts:
    return inspect(path, config.backup_root(), with_counts=True)


def list_backups(path: Path) -> list[backups.BackupInfo]:
    return backups.list_backups(backups.backup_folder(config.backup_root(), path))


def restore_backup(chosen: Path, path: Path, actor: Actor) -> None:
    """Put a backup back: checked, upgraded if older, its versions above the live file's.
    NotAllowedError (the file untouched) unless ``actor`` is the coordinator."""
    check_file_operation(actor.role, actor.shown, RESTORE)
    restore_from(chosen, path, backups.backup_folder(config.backup_root(), path))
