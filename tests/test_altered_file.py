"""A file altered by another program — a trigger, a view, a table or a column the migrations do
not make — is refused before anything reads or writes it, and `check` says so (it said «ok»
while a trigger in the file deleted 69 of 70 measures on one ordinary edit)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from models.storage.errors import AlteredFileError
from tests.conftest import run_cli, sha256

ALTERATIONS = {
    "a trigger deleting measures on an edit": (
        "CREATE TRIGGER wipe AFTER UPDATE ON measures BEGIN DELETE FROM measures WHERE id <> NEW.id; END",
        "триггер «wipe»",
    ),
    "a trigger wiping the change log": (
        "CREATE TRIGGER forget AFTER INSERT ON change_log BEGIN DELETE FROM change_log; END",
        "триггер «forget»",
    ),
    "a recursive view": (
        "CREATE VIEW endless AS WITH RECURSIVE r(x) AS "
        "(SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r",
        "представление «endless»",
    ),
    "a table replaced by a view": (
        "ALTER TABLE schools RENAME TO schools_old; CREATE VIEW schools AS SELECT * FROM schools_old",
        "представление «schools»",
    ),
    "an extra column": ("ALTER TABLE measures ADD COLUMN secret TEXT", "лишний столбец measures.secret"),
    "a missing column": ("ALTER TABLE measures DROP COLUMN note", "нет столбца measures.note"),
    "a foreign table": ("CREATE TABLE notes (x TEXT)", "таблица «notes»"),
}


def alter(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("name", list(ALTERATIONS))
def test_an_altered_file_is_refused_and_left_as_it_is(name: str, small_db: Path) -> None:
    sql, words = ALTERATIONS[name]
    alter(small_db, sql)
    digest = sha256(small_db)
    with pytest.raises(AlteredFileError) as refused:
        open_database(small_db)
    assert "изменён другой программой" in refused.value.message and words in refused.value.message
    result = run_cli("check", "--db", str(small_db), timeout=30)  # a recursive view must not hang it
    assert result.returncode == 1 and words in result.stderr and "Traceback" not in result.stderr
    assert run_cli("dump", "--db", str(small_db), timeout=30).returncode == 1
    assert sha256(small_db) == digest


def test_the_newest_backup_is_offered(small_db: Path, data_dir: Path) -> None:
    from desktop.services import files

    files.open_file(small_db).close()  # as the window opens it: a rolling backup
    alter(small_db, ALTERATIONS["a trigger deleting measures on an edit"][0])
    with pytest.raises(AlteredFileError) as refused:
        files.open_file(small_db)
    assert refused.value.newest_backup is not None and refused.value.newest_backup.is_file()
    assert "Восстановите последнюю резервную копию" in refused.value.message


def test_our_own_files_pass(small_db: Path, demo_db: Path) -> None:
    for path in (small_db, demo_db):
        service = RoadmapService(open_database(path), Actor("t", "t"))
        assert service.roadmap_ids()
        service.db.close()


def test_check_runs_the_full_integrity_check(small_db: Path) -> None:
    """An index that no longer matches its table passes quick_check (used on every open, fast)
    but not integrity_check, which `check` and «Проверить файл» run."""
    conn = sqlite3.connect(small_db)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_measures_parent ON measures "
        "(roadmap_id, position, section_id)' WHERE name = 'ix_measures_parent'"
    )
    conn.commit()
    conn.close()
    result = run_cli("check", "--db", str(small_db))
    assert result.returncode == 1 and "повреждён" in result.stderr and "ix_measures_parent" in result.stderr
