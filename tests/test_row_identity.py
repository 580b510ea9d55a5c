"""Rows' identity (``uid``): every roadmap, section, measure and school's record has one, unique in
its store; undo and redo bring back the same row, not a look-alike; an older file upgraded gets
identities derived from its lineage, so a copy taken before the upgrade pairs with its file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from desktop.services.commands import DeleteMeasuresCommand, InsertMeasureCommand, InsertSectionCommand
from desktop.services.paste import paste_command
from desktop.services.roadmap import Actor, RoadmapService
from models.storage import migrations
from models.storage.database import open_database
from tests.conftest import cli_json
from tests.stores import Store
from tests.test_copies import downgrade

TABLES = ("roadmaps", "sections", "measures", "school_executions")


def uids(store: Store, table: str) -> dict[int, str]:
    return {int(i): str(u) for i, u in store.rows(f"SELECT id, uid FROM {table}")}


def test_every_row_has_its_own_identity_and_undo_and_redo_keep_it(store: Store) -> None:
    for table in ("roadmaps", "sections", "measures"):
        found = uids(store, table)
        assert found and all(len(u) == 36 for u in found.values())
        assert len(set(found.values())) == len(found)
    service = RoadmapService(store.open(), Actor("Тест", "ПК"))
    try:
        tree = service.load(service.roadmap_ids()[0])
        first = tree.measures_in_order()[0]
        insert = InsertMeasureCommand(tree.header.id, first.section_id, first.position)
        service.operations.apply(insert)
        assert insert.measure_id is not None
        made = uids(store, "measures")[insert.measure_id]
        service.operations.revert(insert)
        assert insert.measure_id not in uids(store, "measures")
        service.operations.apply(insert)  # redo: the same row again
        assert uids(store, "measures")[insert.measure_id] == made

        before = uids(store, "measures")
        delete = DeleteMeasuresCommand([first.id])
        service.operations.apply(delete)
        service.operations.revert(delete)  # the deleted row back with its identity
        assert uids(store, "measures") == before

        section = InsertSectionCommand(tree.header.id, None, 0, "Новый раздел")
        service.operations.apply(section)
        assert section.section_id is not None
        named = uids(store, "sections")[section.section_id]
        service.operations.revert(section)
        service.operations.apply(section)
        assert uids(store, "sections")[section.section_id] == named

        tree = service.load(tree.header.id)
        rows = tree.measures_in_order()
        paste = paste_command(tree, rows[-1].id, 1, [["Первая"], ["Вторая"], ["Третья"]])  # past the end
        assert paste is not None
        service.operations.apply(paste)
        pasted = {i: u for i, u in uids(store, "measures").items() if i not in before}
        assert len(pasted) >= 2 and len(set(pasted.values())) == len(pasted)
        service.operations.revert(paste)
        service.operations.apply(paste)
        again = uids(store, "measures")
        assert all(again[i] == u for i, u in pasted.items() if i in again)
    finally:
        service.db.close()


def test_an_older_file_and_its_copy_upgraded_apart_give_their_rows_the_same_identities(
    demo_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "копия.sqlite"
    cli_json("take-copy", "--db", str(demo_db), "--out", str(copy))  # the copy shares the file's identity
    older = migrations.KNOWN_REVISIONS[-2]
    downgrade(demo_db, older)
    downgrade(copy, older)
    lone = tmp_path / "другой.sqlite"
    shutil.copy(demo_db, lone)
    with sqlite3.connect(lone) as conn:  # a file of another lineage: no identity
        conn.execute("DELETE FROM file_settings WHERE key = 'file_identity'")
    conn.close()
    for path in (demo_db, copy, lone):
        open_database(path).close()  # each upgraded on its own, as the program opens it
    stores = [Store("sqlite", str(path)) for path in (demo_db, copy, lone)]
    for table in TABLES:
        file, copied, other = (uids(s, table) for s in stores)
        assert file and all(file.values()) and len(set(file.values())) == len(file), table
        shared = set(file) & set(copied)
        assert shared and all(file[i] == copied[i] for i in shared), table
        assert not set(file.values()) & set(other.values()), table
