"""`backups --db F` lists a file's backups and `restore --db F --backup B` puts one back, through the
real command line on a real file; the file on disk is checked after each step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.services import files
from tests.conftest import cli_json, run_cli, sha256


def open_in_the_window_way(path: Path) -> None:
    """Opening a file as the window does makes its rolling backup (in the test's data folder,
    which the CLI processes share through ROADMAP_DATA_DIR)."""
    files.open_file(path).close()


def note_of(path: Path, measure_id: int) -> str:
    with sqlite3.connect(path) as conn:
        value = conn.execute("SELECT note FROM measures WHERE id = ?", (measure_id,)).fetchone()[0]
    conn.close()
    return str(value)


def test_backups_are_listed_and_one_is_restored(small_db: Path) -> None:
    open_in_the_window_way(small_db)
    listed = cli_json("backups", "--db", str(small_db))["backups"]
    assert listed and {"path", "made", "reason"} <= set(listed[0])
    assert Path(listed[0]["path"]).is_file()
    before = note_of(small_db, 1)
    cli_json("set", "--db", str(small_db), "--measure", "1", "note=после копии")
    assert note_of(small_db, 1) == "после копии"
    restored = cli_json("restore", "--db", str(small_db), "--backup", listed[0]["path"])
    assert restored == {"restored": listed[0]["path"]}
    assert note_of(small_db, 1) == before
    after = cli_json("backups", "--db", str(small_db))["backups"]
    assert any("восстановлени" in b["reason"] for b in after)  # what was there is kept too
    assert cli_json("check", "--db", str(small_db))["ok"]


def test_a_backup_named_by_its_file_name_alone(small_db: Path) -> None:
    open_in_the_window_way(small_db)
    newest = cli_json("backups", "--db", str(small_db))["backups"][0]["path"]
    assert cli_json("restore", "--db", str(small_db), "--backup", Path(newest).name) == {"restored": newest}


def test_an_unknown_backup_is_refused_in_russian_and_changes_nothing(small_db: Path, tmp_path: Path) -> None:
    open_in_the_window_way(small_db)
    stranger = tmp_path / "чужой.sqlite"
    stranger.write_bytes(small_db.read_bytes())
    digest = sha256(small_db)
    result = run_cli("restore", "--db", str(small_db), "--backup", str(stranger))
    assert result.returncode == 1
    assert "Резервной копии" in result.stderr and "Traceback" not in result.stderr
    assert sha256(small_db) == digest
    missing = run_cli("backups", "--db", str(tmp_path / "нет.sqlite"))
    assert missing.returncode == 1 and "не найден" in missing.stderr
