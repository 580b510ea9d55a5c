"""Schema revisions: which the file has, and upgrading it to ours in one transaction.

Alembic is imported only when a file actually needs upgrading: the common path (file already
current) reads one row and costs nothing at start-up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from sqlalchemy import Engine

# Every revision this program knows, oldest first. A file at any other revision was written by
# a newer program. tests/test_migrations.py checks this list against the Alembic scripts.
KNOWN_REVISIONS: Final = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
HEAD: Final = KNOWN_REVISIONS[-1]
SCRIPT_LOCATION: Final = Path(__file__).resolve().parent.parent / "migrations"


def read_revision(connection: sqlite3.Connection) -> str | None:
    """The file's Alembic revision, or None when it has no version table (empty or foreign file)."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not has_table:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def upgrade(engine: Engine, target: str = HEAD, application_id: int | None = None) -> None:
    """Upgrade the file (or the server's database) to ``target`` in a single transaction.

    On SQLite, foreign keys are switched off for the duration because batch mode re-creates tables, which
    would otherwise cascade deletes; ``foreign_key_check`` verifies integrity before commit.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if engine.dialect.name != "sqlite":  # PostgreSQL: DDL is transactional, keys stay on
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
        return
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"foreign key violations after upgrade: {problems[:5]}")
                if application_id is not None:
                    connection.exec_driver_sql(f"PRAGMA application_id={int(application_id)}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
