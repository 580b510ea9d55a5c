"""One small roadmap in a store of either engine — a SQLite file or a database on the test's
PostgreSQL — and the raw rows as another program reads them, so the service-level tests run
unchanged on both (issue 18: «run the service-level test suite on both»)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from models.storage.database import Database, open_database
from models.storage.server import open_server


@dataclass
class Store:
    kind: str  # "sqlite" or "postgresql"
    address: str  # the file's path or the database's URL
    district: bool = False  # a district's account of a region's server (not the owner)

    def open(self) -> Database:
        if self.kind == "postgresql":
            return open_server(self.address)
        return open_database(Path(self.address))

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """``sql`` (with ? placeholders) straight on the store; dates as ISO text on both."""
        if self.kind == "postgresql":
            with psycopg.connect(self.address) as conn:
                found = conn.execute(sql.replace("?", "%s"), params).fetchall()
        else:
            with sqlite3.connect(self.address) as conn:
                found = conn.execute(sql, params).fetchall()
            conn.close()
        return [tuple(_plain(v) for v in row) for row in found]

    def tables(self) -> list[str]:
        if self.kind == "postgresql":
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return sorted(name for (name,) in self.rows(query))

    def columns(self, table: str) -> list[str]:
        if self.kind == "postgresql":
            query = (
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position"
            )
            return [name for (name,) in self.rows(query, (table,))]
        return [row[1] for row in self.rows(f"PRAGMA table_info('{table}')")]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
