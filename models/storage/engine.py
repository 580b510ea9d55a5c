"""The SQLAlchemy engine over one roadmap file, with the safety settings of docs/storage.md.

Every connection gets: foreign keys on; a rollback journal (DELETE) because WAL needs shared
memory that network shares do not provide; ``synchronous=EXTRA`` because FULL does not make the
journal's deletion durable, so a power cut right after a commit can roll it back; a busy timeout
so that a file held by a colleague waits instead of failing. pysqlite's own transaction handling
is off (``isolation_level=None``) and every transaction is opened by us: ``BEGIN IMMEDIATE`` for
writes (the write lock is taken up front, so a busy file waits at BEGIN instead of failing
mid-transaction with "database is locked") and ``BEGIN`` (deferred) for reads.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS: Final = 10_000
# Stored in the file header (PRAGMA application_id): marks a file as one of ours.
APPLICATION_ID: Final = 0x524D4150  # "RMAP"
SQLITE_PRAGMAS: Final = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=DELETE",
    "PRAGMA synchronous=EXTRA",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
BEGIN_OPTION: Final = "roadmap_begin"  # execution option: "IMMEDIATE" (default) or "DEFERRED"
WAIT_OPTION: Final = "roadmap_wait_ms"  # execution option: how long BEGIN waits for a colleague's lock


def sqlite_uri(path: Path, mode: str) -> str:
    """A SQLite URI for ``path`` opened in ``mode`` ("ro", "rw", "rwc").

    ``Path.as_uri()`` is not enough: for a Windows share (\\\\server\\share) it gives
    ``file://server/share``, an authority SQLite refuses; SQLite wants ``file:////server/share``.
    """
    text = os.path.abspath(path).replace(os.sep, "/")
    if text.startswith("//"):
        text = "//" + text  # UNC: file:////server/share/…
    elif not text.startswith("/"):
        text = "/" + text  # drive letter: file:///C:/…
    return f"file:{quote(text, safe='/:')}?mode={mode}"


def _connect_factory(path: Path, mode: str) -> Any:
    """A connect function for SQLAlchemy's ``creator``: a URI so that ``mode`` is enforced."""
    uri = sqlite_uri(path, mode)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )

    return connect


def make_engine(path: Path, *, read_only: bool = False, create: bool = False) -> Engine:
    """An engine for ``path``; ``create`` allows a missing file to be made."""
    connect = _connect_factory(path, "ro" if read_only else ("rwc" if create else "rw"))
    engine = create_engine(
        "sqlite+pysqlite://", creator=connect, poolclass=QueuePool, pool_size=2, max_overflow=4
    )
    pragmas = SQLITE_PRAGMAS[:1] + SQLITE_PRAGMAS[3:] if read_only else SQLITE_PRAGMAS

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        mode = "DEFERRED" if read_only else options.get(BEGIN_OPTION, "IMMEDIATE")
        # Each transaction says how long it waits (the window waits briefly, then asks the user;
        # scripts wait the full time); a pooled connection never keeps another's setting.
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(options.get(WAIT_OPTION, BUSY_TIMEOUT_MS))}")
        if not read_only:  # a read transaction cannot write, whoever holds its connection
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if mode == 'DEFERRED' else 'OFF'}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
