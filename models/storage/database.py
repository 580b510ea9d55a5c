"""Opening a roadmap file safely, and the transactions every read and edit goes through.

Opening checks, in this order and without changing the file: it exists and is a file, it is a
SQLite database, it is one of ours, it is not from a newer program, it passes ``quick_check``.
Only then is it backed up (rolling copies) and, if it is older, backed up again and upgraded.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from models.storage import backup as backups
from models.storage import migrations, schema_check, text_check, write_gate
from models.storage.engine import (
    APPLICATION_ID,
    BEGIN_OPTION,
    BUSY_TIMEOUT_MS,
    WAIT_OPTION,
    make_engine,
    sqlite_uri,
)
from models.storage.errors import (
    SQLITE_FULL,
    AlteredFileError,
    BusyError,
    DamagedFileError,
    FileMissingError,
    NewerVersionError,
    NotADatabaseError,
    NotRoadmapFileError,
    ReadOnlyError,
    StorageError,
    damaged_message,
    sqlite_code,
    translate,
)
from models.storage.location import is_network_path

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileFacts:
    """What a read-only inspection of a roadmap file found."""

    path: Path
    revision: str
    integrity: str
    read_only: bool
    network: bool
    counts: dict[str, int] = field(default_factory=dict)


def is_read_only_file(path: Path) -> bool:
    """True when the user may not write the file, or has marked it read-only.

    The mode bits are looked at too: root (and Windows' read-only attribute) would otherwise
    write to a file its owner protected.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


MAX_PATH_BYTES = 511  # SQLite's longest file name (SQLITE_MAX_PATHNAME 512, with its terminator)


def _check_path_length(path: Path) -> None:
    full = str(path.absolute())
    if len(full.encode("utf-8")) > MAX_PATH_BYTES:
        raise StorageError(
            f"Путь к файлу «{path.name}» слишком длинный ({len(full)} символов): SQLite открывает файлы "
            f"с путём не длиннее {MAX_PATH_BYTES} байт (около 250 русских букв). Файл не повреждён: "
            "перенесите его или его папку туда, где путь короче (например, ближе к корню диска)."
        )


def _check_container(path: Path) -> None:
    _check_path_length(path)
    if not path.exists():
        raise FileMissingError(f"Файл «{path}» не найден. Проверьте путь или выберите другой файл.")
    if path.is_dir():
        raise NotADatabaseError(f"«{path}» — это папка, а не файл дорожных карт. Выберите файл.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"Не удалось прочитать файл «{path}»: {exc.strerror or exc}.") from exc
    if not header:
        raise NotADatabaseError(
            f"Файл «{path}» пуст: это не файл дорожных карт. Выберите другой файл или создайте новый."
        )
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            f"Файл «{path}» — не файл дорожных карт (это не база данных SQLite). "
            "Документы Word и Excel добавляются через «Импорт»."
        )


def _raw_connect(path: Path, read_only: bool) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    connection = sqlite3.connect(
        sqlite_uri(path, mode),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
    )
    connection.execute("PRAGMA query_only=ON")
    return connection


def inspect(path: Path, backup_root: Path | None = None, with_counts: bool = False) -> FileFacts:
    """Check ``path`` without changing it; raise a StorageError saying what is wrong."""
    _check_container(path)
    read_only = is_read_only_file(path)
    folder = backups.backup_folder(backup_root, path) if backup_root else None
    try:
        connection = _raw_connect(path, read_only)
    except sqlite3.Error as exc:
        raise _classified(exc, path, folder) from exc
    try:
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            revision = migrations.read_revision(connection)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise _classified(exc, path, folder) from exc
        if revision is None:
            raise NotRoadmapFileError(
                f"Файл «{path}» — база данных SQLite, но не файл дорожных карт. Выберите другой файл."
                if app_id != APPLICATION_ID
                else f"В файле «{path}» нет данных о версии: он не был создан до конца. Выберите другой файл."
            )
        if revision not in migrations.KNOWN_REVISIONS:
            raise NewerVersionError(
                f"Файл «{path}» создан более новой версией программы (версия данных {revision}). "
                "Обновите программу; файл не изменён."
            )
        try:
            parts = schema_check.foreign_parts(
                connection, revision, _head_columns() if revision == migrations.HEAD else None
            )
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise _classified(exc, path, folder) from exc
        if parts:
            newest = backups.newest_backup(folder) if folder else None
            raise AlteredFileError(schema_check.altered_message(path, parts, newest), newest)
        try:
            integrity = backups.quick_check(connection, thorough=with_counts)  # `check`: the full one
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            if not isinstance(known := _classified(exc, path, folder), DamagedFileError):
                raise known from exc  # busy, unreadable: not a verdict on the file's contents
            integrity = str(exc)
        if integrity != "ok":
            raise _damaged(path, integrity, folder)
        if with_counts:  # `check`: text damage SQLite's checks do not see
            try:
                found = text_check.undecodable_cells(connection)
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                raise _classified(exc, path, folder) from exc
            if found:
                raise _damaged(path, text_check.damage_words(found), folder)
        counts = _counts(connection) if with_counts else {}
    finally:
        connection.close()
    return FileFacts(path, revision, integrity, read_only, is_network_path(path), counts)


def _head_columns() -> dict[str, set[str]]:
    """Every table's columns as the current revision's entities declare them."""
    from models.entities import Base

    return {table.name: {c.name for c in table.columns} for table in Base.metadata.tables.values()}


def _counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = {"roadmaps": "roadmaps", "sections": "sections", "measures": "measures"}
    return {
        name: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for name, table in tables.items()
    }


def _classified(exc: sqlite3.Error | UnicodeDecodeError, path: Path, folder: Path | None) -> StorageError:
    """What a failure while inspecting the file means: busy, read-only, unreachable… by its
    SQLite code; anything else found there is damage (naming the newest backup). Text of the
    file's own table list that is not UTF-8 (a flipped bit) is damage too."""
    if isinstance(exc, UnicodeDecodeError) or text_check.is_undecodable(exc):
        return _damaged(path, "часть текста не читается: буквы испорчены", folder)
    known = translate(exc, path)
    if known is not None and not isinstance(known, DamagedFileError):
        return known
    return _damaged(path, str(exc), folder)


def _damaged(path: Path, detail: str, folder: Path | None) -> DamagedFileError:
    newest = backups.newest_backup(folder) if folder else None
    return DamagedFileError(damaged_message(path, detail, newest), newest)


class Database:
    """One open roadmap file: an engine plus the transaction helpers everything must use."""

    def __init__(self, path: Path, engine: Engine, facts: FileFacts, backup_folder: Path | None) -> None:
        self.path = path
        self.engine = engine
        self.facts = facts
        self.backup_folder = backup_folder
        self.backup_problem: str | None = None  # set when opening could not make the backup
        # Set once text that is not UTF-8 was met and told: from then on damaged letters read
        # as «�» (text_check), so the rest of the file stays readable and editable.
        self.damaged_text = False
        self._reader = engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})

    @property
    def read_only(self) -> bool:
        return self.facts.read_only

    @property
    def location(self) -> str:
        """Where it is, for messages and titles: the file's path (a server gives its address)."""
        return str(self.path)

    @property
    def is_server(self) -> bool:
        return False

    def can_write(self) -> bool:
        """Whether this user may change roadmaps here at all (a read-only file: no)."""
        return not self.read_only

    @contextlib.contextmanager
    def write(self, wait_ms: int | None = None) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, rolled back on error.
        ``wait_ms``: how long to wait for a colleague's write lock (default: the full 10 s).
        Only inside the operations' door (models/storage/write_gate.py)."""
        write_gate.check()
        if self.read_only:
            from models.storage.errors import READ_ONLY_MESSAGE

            raise ReadOnlyError(READ_ONLY_MESSAGE)
        engine = self.engine if wait_ms is None else self.engine.execution_options(**{WAIT_OPTION: wait_ms})
        with self._translated(), engine.begin() as connection:
            self._decoding(connection)
            yield connection

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read snapshot (deferred transaction, takes no write lock).

        A value that cannot be decoded (a date, a list, text bytes damaged inside the file —
        damage SQLite's checks do not see) is reported as damage with the newest backup, for
        the window and the command line alike, never as an internal error."""
        try:
            with self._translated(), self._reader.begin() as connection:
                self._decoding(connection)
                yield connection
        except (ValueError, TypeError, UnicodeDecodeError, OverflowError) as exc:
            newest = backups.newest_backup(self.backup_folder) if self.backup_folder else None
            log.warning("unreadable value in %s: %r", self.path, exc)
            detail = "значение в файле не читается: дата, список или текст испорчены"
            raise DamagedFileError(damaged_message(self.path, detail, newest), newest) from exc

    def data_version(self) -> int:
        """Changes when another connection commits (PRAGMA data_version), for refreshing views."""
        with self.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            return int(raw.execute("PRAGMA data_version").fetchone()[0])

    def _decoding(self, connection: Connection) -> None:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.text_factory = text_check.tolerant_text if self.damaged_text else str

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, sqlite3.Error) as exc:
            if text_check.is_undecodable(exc):
                self.damaged_text = True  # told now; later reads show the damaged letters as «�»
                newest = backups.newest_backup(self.backup_folder) if self.backup_folder else None
                log.warning("text that is not UTF-8 in %s: %s", self.path, exc)
                detail = "часть текста не читается: буквы испорчены, они будут показаны знаком «�»"
                raise DamagedFileError(damaged_message(self.path, detail, newest), newest) from exc
            known = translate(exc, self.path)
            if known is None:
                raise
            raise known from exc

    def close(self) -> None:
        self.engine.dispose()


def create_database(path: Path) -> Database:
    """Make a new, empty roadmap file at ``path`` (which must not exist)."""
    _check_path_length(path)
    if path.exists():
        raise StorageError(f"Файл «{path}» уже существует; он не будет перезаписан. Выберите другое имя.")
    if not path.parent.is_dir():
        raise StorageError(f"Папка «{path.parent}» не найдена. Выберите существующую папку.")
    engine = make_engine(path, create=True)
    try:
        migrations.upgrade(engine, application_id=APPLICATION_ID)
    except BaseException as exc:
        engine.dispose()
        for made in (path, path.with_name(path.name + "-journal")):  # nothing half-made is left
            with contextlib.suppress(OSError):
                made.unlink()
        if isinstance(exc, DBAPIError | sqlite3.Error) and (known := translate(exc, path)) is not None:
            raise known from exc  # a full disk, no access: said in Russian, not «внутренняя ошибка»
        raise
    facts = FileFacts(path, migrations.HEAD, "ok", False, is_network_path(path))
    return Database(path, engine, facts, None)


def open_database(
    path: Path, backup_root: Path | None = None, *, create: bool = False, read_only: bool = False
) -> Database:
    """Open ``path`` after the checks of ``inspect``; back it up and upgrade it if older.

    Args:
        backup_root: the data folder's backup root; None disables backups (tests, read-only use).
        create: make the file when it does not exist.
        read_only: the caller will not write (no rolling backup; an older file is still
            upgraded, after its own backup, since it cannot be read otherwise).
    """
    if create and not path.exists():
        database = create_database(path)
        database.backup_folder = backups.backup_folder(backup_root, path) if backup_root else None
        return database
    facts = inspect(path, backup_root)
    folder = backups.backup_folder(backup_root, path) if backup_root else None
    if facts.revision != migrations.HEAD:
        if facts.read_only:
            raise ReadOnlyError(
                f"Файл «{path}» создан прежней версией программы и должен быть обновлён, "
                "но он доступен только для чтения. Снимите атрибут «только чтение» и откройте его снова."
            )
        if folder is not None:
            made = backups.make_backup(path, folder, f"перед обновлением {facts.revision}")
            log.info("backup before upgrade from %s: %s", facts.revision, made)
        upgrade_engine = make_engine(path)
        try:
            migrations.upgrade(upgrade_engine)
        finally:
            upgrade_engine.dispose()
    read_only = read_only or facts.read_only
    engine = make_engine(path, read_only=read_only)
    facts = FileFacts(path, migrations.HEAD, "ok", read_only, facts.network)
    problem = None
    if folder is not None and not read_only:
        try:
            backups.rolling_backup(path, folder)
        except (OSError, sqlite3.Error) as exc:  # a failed backup must not stop the user's work
            log.warning("rolling backup of %s failed: %s", path, exc)
            problem = backup_failure_message(folder, exc)
    database = Database(path, engine, facts, folder)
    database.backup_problem = problem
    return database


def backup_failure_message(folder: Path, exc: BaseException) -> str:
    """Why no backup was made, in Russian, and what to do (the user is told, not only the log)."""
    code = getattr(exc, "errno", None)
    full = isinstance(exc, sqlite3.Error) and sqlite_code(exc) == SQLITE_FULL
    if code == errno.ENOSPC or full:
        why = "на диске нет свободного места"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "нет права записи в папку резервных копий"
    else:  # the technical detail (in English) is in the log
        why = "папку резервных копий не удалось создать или записать"
    return (
        f"Резервная копия файла не сделана: {why} («{folder}»). С файлом можно работать, но "
        "копии, из которой его можно восстановить, сейчас нет. Освободите место на диске или "
        "проверьте доступ к папке, затем откройте файл снова."
    )


_VERSIONED_TABLES = ("roadmaps", "sections", "measures", "file_settings")


def restore_from(backup: Path, path: Path, folder: Path) -> Path | None:
    """Put ``backup`` back into ``path`` (the current contents are backed up first); the copy
    that goes in is checked like any file we open, upgraded when it is from an older revision
    (restoring the program's own «перед обновлением» copy broke every open window), and has every
    version lifted above the live file's, so a colleague's save based on a row loaded before the
    restore is refused instead of silently overwriting it (versions never repeat). Returns the
    safety copy of the replaced contents."""
    facts = inspect(backup)
    folder.mkdir(parents=True, exist_ok=True)
    prepared = folder / f"restore-{os.getpid()}-{id(backup):x}.sqlite.tmp"
    with _restoring(path):
        return _restore_prepared(backup, path, folder, facts, prepared)


RESTORE_LOCK_STALE_S = 600  # a restore takes seconds; a lock older than this was left by a crash


@contextlib.contextmanager
def _restoring(path: Path) -> Iterator[None]:
    """Only one restore of a file at a time, whoever starts it: a mark beside the file, made
    atomically; the second one is told instead of reporting «восстановлено» over the first."""
    mark = path.with_name(f".~restore.{path.name}#")
    for _attempt in range(2):
        try:
            handle = os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                stale = time.time() - mark.stat().st_mtime > RESTORE_LOCK_STALE_S
            except OSError:
                stale = True  # gone meanwhile: try again
            if stale:
                with contextlib.suppress(OSError):
                    mark.unlink()
                continue
            raise BusyError(
                f"Файл «{path.name}» сейчас восстанавливается из резервной копии другим "
                "пользователем. Ваше восстановление не выполнено: подождите минуту и посмотрите, "
                "что в файле теперь."
            ) from None
        os.close(handle)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                mark.unlink()
        return
    raise BusyError(f"Не удалось начать восстановление файла «{path.name}»: повторите.")


def _restore_prepared(
    backup: Path, path: Path, folder: Path, facts: FileFacts, prepared: Path
) -> Path | None:
    try:
        backups.copy_database(backup, prepared)
        if facts.revision != migrations.HEAD:
            engine = make_engine(prepared)
            try:
                migrations.upgrade(engine)
            finally:
                engine.dispose()
        _lift_versions(prepared, _highest_version(path) + 1)
        return backups.restore(prepared, path, folder)
    finally:
        for made in (prepared, prepared.with_name(prepared.name + "-journal")):
            with contextlib.suppress(OSError):
                made.unlink()


def _highest_version(path: Path) -> int:
    """The highest version of any row in the live file (0 when it cannot be read)."""
    try:
        connection = _raw_connect(path, read_only=True)
    except sqlite3.Error:
        return 0
    try:
        highest = 0
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in (t for t in _VERSIONED_TABLES if t in tables):  # a view there could never end
            with contextlib.suppress(sqlite3.Error):
                value = connection.execute(f"SELECT max(version) FROM {table}").fetchone()[0]
                highest = max(highest, int(value or 0))
        return highest
    finally:
        connection.close()


def _lift_versions(path: Path, offset: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        for table in _VERSIONED_TABLES:
            connection.execute(f"UPDATE {table} SET version = version + ?", (offset,))
        connection.execute("COMMIT")
    finally:
        connection.close()
