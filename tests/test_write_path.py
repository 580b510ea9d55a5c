"""One write path: a write transaction opens only through the operations (the role check, one
transaction, the change log); a read transaction cannot write; an import is an operation too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.services.changesets import changes_since
from desktop.services.operations import Actor, Operations
from desktop.services.writer import write_roadmap
from models.domain.errors import NotAllowedError
from models.domain.roles import IMPORT
from models.entities import ChangeLogEntry, Person
from models.storage.database import open_database
from models.storage.write_gate import WriteOutsideOperation
from tests.conftest import SMALL_ROADMAP, sha256


def test_no_write_transaction_opens_outside_an_operation(small_db: Path) -> None:
    before = sha256(small_db)
    database = open_database(small_db)
    try:
        with pytest.raises(WriteOutsideOperation), database.write() as conn:
            conn.execute(text("UPDATE measures SET note = 'мимо операций'"))
        with database.read() as conn, pytest.raises(WriteOutsideOperation):  # nor an ORM flush
            session = Session(bind=conn)
            session.add(Person(name="мимо операций", created_at=datetime.now()))
            session.flush()
        refused = pytest.raises(Exception, match=r"readonly|read-only|только для чтения")
        with refused, database.read() as conn:  # a read cannot write
            conn.execute(text("UPDATE measures SET note = 'в чтении'"))
    finally:
        database.close()
    assert sha256(small_db) == before


def test_an_import_is_an_operation_refused_to_a_viewer_and_logged_for_the_coordinator(small_db: Path) -> None:
    before = sha256(small_db)
    database = open_database(small_db)
    try:
        viewer = Operations(database, Actor("user", "ПК", "Т.Е. Петрова", role="viewer"))
        with pytest.raises(NotAllowedError, match=r"Т\.Е\. Петрова работает как только просмотр: импорт"):
            write_roadmap(viewer, SMALL_ROADMAP)
        with pytest.raises(NotAllowedError):
            viewer.transact(IMPORT, lambda tx: tx.conn.execute(text("DELETE FROM measures")))
        assert sha256(small_db) == before
        with database.read() as conn:
            last = int(conn.execute(select(func.max(ChangeLogEntry.id))).scalar() or 0)
        made = write_roadmap(Operations(database, Actor("user", "ПК", "Иванова")), SMALL_ROADMAP)
        with database.read() as conn:
            lines = conn.execute(
                select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.field)
                .add_columns(ChangeLogEntry.person)
                .where(ChangeLogEntry.id > last)
            ).all()
            found = changes_since(conn, last)
        assert lines == [("roadmap", made.roadmap_id, "insert", "Иванова")]
        assert found.other == 0 and found.empty  # a sync carries a new roadmap whole, not as a change
    finally:
        database.close()
