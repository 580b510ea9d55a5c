"""The regional server: the same entities and Alembic migrations on PostgreSQL (through psycopg).

What the file's storage does with SQLite's own means, the server does with PostgreSQL's:
- one writer at a time, as SQLite's ``BEGIN IMMEDIATE`` gives: each write transaction first takes
  a transaction-level advisory lock, so positions, numbering and settings are changed by one
  operation at a time; how long it waits is the same option (``WAIT_OPTION``) as SQLite's busy
  timeout, as ``lock_timeout`` — a colleague holding it past the wait is a BusyError;
- reads see one consistent snapshot (REPEATABLE READ, READ ONLY), as a deferred SQLite read;
- every edit is still checked against the row's version (UPDATE … WHERE version = seen), so two
  people never silently overwrite each other;
- no backups, presence files or file checks: the server is the administrator's (its own backups).
The password of an address is never shown (``shown_address``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError

from models.storage import migrations
from models.storage.database import Database, FileFacts
from models.storage.engine import BEGIN_OPTION, BUSY_TIMEOUT_MS, WAIT_OPTION
from models.storage.errors import BusyError, NewerVersionError, NotRoadmapFileError, StorageError

log = logging.getLogger(__name__)
SCHEMES: Final = ("postgresql://", "postgres://", "postgresql+psycopg://")
WRITE_LOCK: Final = 0x524D4150  # the advisory lock every write takes ("RMAP", as the file's id)
HELD_LOCKS: Final = 0x524D  # the key space of locks held across transactions (ServerDatabase.held)
CONNECT_TIMEOUT_S: Final = 5


def is_server_address(text: str | Path) -> bool:
    """Whether ``--db`` names a server (a PostgreSQL URL) rather than a file."""
    return str(text).strip().lower().startswith(SCHEMES)


_ADDRESS_HELP: Final = "ожидается postgresql://учётная_запись@сервер:порт/база"
_KNOWN_OPTIONS: Final = frozenset({"sslmode", "sslrootcert", "connect_timeout", "target_session_attrs"})


def check_address(address: str) -> None:
    """A server's address as the program can use it, or StorageError saying what is wrong with it
    (a port out of range, a broken IPv6 host, no database, options libpq does not know)."""
    try:
        parts = urlsplit(address.strip())
        port = parts.port
    except ValueError:
        raise StorageError(
            f"Адрес сервера записан неверно (порт или адрес сервера): {_ADDRESS_HELP}."
        ) from None
    if not parts.hostname:
        raise StorageError(f"В адресе сервера не указан сервер: {_ADDRESS_HELP}.")
    if not parts.username:
        raise StorageError(f"В адресе сервера не указана учётная запись: {_ADDRESS_HELP}.")
    if not parts.path.strip("/"):
        raise StorageError(f"В адресе сервера не указана база данных: {_ADDRESS_HELP}.")
    unknown = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)} - _KNOWN_OPTIONS)
    if unknown:
        raise StorageError(
            f"В адресе сервера неизвестные параметры ({', '.join(unknown)}): уберите всё после «?». "
            f"Порт {port or 5432} и база указываются так: {_ADDRESS_HELP}."
        )


def shown_address(address: str) -> str:
    """The address without its password: «postgresql://district@server:5432/region»."""
    try:
        parts = urlsplit(address.strip())
        port = parts.port
    except ValueError:
        return "postgresql://(адрес записан неверно)"
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if port:
        netloc += f":{port}"
    return urlunsplit(("postgresql", netloc, parts.path, "", ""))


def _driver_url(address: str) -> str:
    parts = urlsplit(address.strip())
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, parts.query, ""))


def make_server_engine(address: str) -> Engine:
    engine = create_engine(
        _driver_url(address),
        pool_size=2,
        max_overflow=4,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "roadmap"},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(BEGIN_OPTION) == "DEFERRED":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return
        wait = int(options.get(WAIT_OPTION, BUSY_TIMEOUT_MS))
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, wait)}")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


BUSY_MESSAGE: Final = (
    "Сервер занят изменением, которое вносит другой пользователь; ничего не записано. "
    "Повторите действие через несколько секунд."
)


def translate_server(exc: BaseException, address: str) -> StorageError | None:
    """What a server failure means, in Russian (None: a bug, not the server)."""
    orig = getattr(exc, "orig", exc)
    state = getattr(getattr(orig, "diag", None), "sqlstate", None) or getattr(orig, "sqlstate", None)
    said = str(orig)
    if state is None:  # refused while connecting: libpq gives the server's words only
        if "does not exist" in said and "database" in said:
            state = "3D000"
        elif "password authentication failed" in said or "no password supplied" in said:
            state = "28P01"
    if state == "55P03":  # lock_not_available: lock_timeout passed
        return BusyError(BUSY_MESSAGE)
    if state in ("28P01", "28000"):
        return StorageError(
            f"Сервер {shown_address(address)} не принял имя или пароль. Проверьте их у администратора."
        )
    if state == "3D000":
        return StorageError(
            f"На сервере нет базы данных из адреса {shown_address(address)}. Проверьте адрес."
        )
    if state == "42501":
        return StorageError(
            "У этой учётной записи нет права на это действие на сервере (его задаёт администратор): "
            "ничего не записано."
        )
    if isinstance(exc, OperationalError) or (state or "").startswith("08"):
        return StorageError(
            f"Нет связи с сервером {shown_address(address)}: он выключен, недоступен по сети или адрес "
            "неверен. Ничего не записано; проверьте сеть и повторите."
        )
    return None


@contextlib.contextmanager
def translated(address: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        known = translate_server(exc, address)
        if known is None:
            raise
        raise known from exc


def read_server_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def prepare_server(engine: Engine, address: str) -> str:
    """The server database's revision after making it ours: an empty database gets the schema,
    an older one is upgraded (in one transaction); a foreign or newer one is refused."""
    with translated(address), engine.connect() as connection:
        revision = read_server_revision(connection)
        tables = set(inspect(connection).get_table_names())
    if revision is None:
        if tables:
            raise NotRoadmapFileError(
                f"База данных {shown_address(address)} не пуста и не создана этой программой: выберите "
                "другую базу или пустую."
            )
        with translated(address):
            migrations.upgrade(engine)
        return migrations.HEAD
    if revision not in migrations.KNOWN_REVISIONS:
        raise NewerVersionError(
            f"База данных {shown_address(address)} создана более новой версией программы (версия "
            f"данных {revision}). Обновите программу; ничего не изменено."
        )
    if revision != migrations.HEAD:
        log.info("upgrading server %s from %s", shown_address(address), revision)
        with translated(address):
            migrations.upgrade(engine)
    return migrations.HEAD


class ServerDatabase(Database):
    """The server as the services see a file: the same transactions, on PostgreSQL."""

    def __init__(self, address: str, engine: Engine, facts: FileFacts) -> None:
        super().__init__(facts.path, engine, facts, None)
        self.address = address

    @property
    def location(self) -> str:
        return shown_address(self.address)

    @property
    def is_server(self) -> bool:
        return True

    def _decoding(self, connection: Connection) -> None:
        return  # psycopg decodes text itself; the server holds no damaged letters

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        with translated(self.address):
            yield

    def can_write(self) -> bool:
        """Whether this account may change roadmaps at all (the ministry's may not)."""
        if self.read_only:
            return False
        with self.read() as connection:
            return bool(connection.execute(text("SELECT has_table_privilege('measures', 'UPDATE')")).scalar())

    @contextlib.contextmanager
    def held(self, name: str, wait_s: float, busy: str) -> Iterator[None]:
        """A lock of this account's district named ``name`` (its account's, on a server that has no
        districts), held across several transactions by a connection of its own (a session-level
        advisory lock, in its own key space apart from the write lock): a second holder waits up
        to ``wait_s`` and then gets BusyError(``busy``). Released when the block ends, and by the
        server itself when the connection is lost (a process killed)."""
        import psycopg  # the driver the engine already loaded

        raw = self.engine.raw_connection()
        conn = raw.driver_connection
        assert conn is not None
        try:
            conn.autocommit = True  # no transaction around the wait: the lock outlives them
            has_districts = conn.execute(
                "SELECT to_regprocedure('public.roadmap_my_district()') IS NOT NULL"
            ).fetchone()
            owner = "session_user"
            if has_districts and has_districts[0]:
                owner = "coalesce(public.roadmap_my_district(), session_user)"
            conn.execute(f"SET lock_timeout = {max(1, int(wait_s * 1000))}")
            conn.execute(f"SELECT pg_advisory_lock({HELD_LOCKS}, hashtext(%s || ':' || {owner}))", (name,))
        except psycopg.Error as exc:
            raw.invalidate()
            if getattr(exc, "sqlstate", None) == "55P03":
                raise BusyError(busy) from None
            known = translate_server(exc, self.address)
            if known is None:
                raise
            raise known from exc
        try:
            yield
        finally:
            try:
                conn.execute("SELECT pg_advisory_unlock_all()")
                conn.execute("RESET lock_timeout")
                conn.autocommit = False
                raw.close()
            except psycopg.Error:
                raw.invalidate()  # the server drops the lock with the connection

    def data_version(self) -> int:
        """Changes when anyone commits an edit: the change log's last line."""
        with self.read() as connection:
            return int(connection.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one())


def open_server(address: str, *, read_only: bool = False) -> ServerDatabase:
    """Connect to the server's database, making it ours when empty, upgrading it when older;
    StorageError in Russian when the server cannot be reached or is not ours."""
    check_address(address)
    engine = make_server_engine(address)
    try:
        revision = prepare_server(engine, address)
    except BaseException:
        engine.dispose()
        raise
    facts = FileFacts(Path(shown_address(address)), revision, "ok", read_only, network=True)
    return ServerDatabase(address, engine, facts)


def server_facts(address: str) -> FileFacts:
    """`check` on a server: reachable, ours, its revision (not upgraded: nothing is changed) and
    how many roadmaps, sections and measures it holds."""
    check_address(address)
    engine = make_server_engine(address)
    try:
        with translated(address), engine.connect() as connection:
            revision = read_server_revision(connection)
            if revision is None:
                raise NotRoadmapFileError(
                    f"База данных {shown_address(address)} не создана этой программой (или пуста)."
                )
            counts = {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in ("roadmaps", "sections", "measures")
            }
    finally:
        engine.dispose()
    return FileFacts(Path(shown_address(address)), revision, "ok", False, True, counts)
