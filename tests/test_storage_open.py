"""Opening files: every bad file gets a clear Russian message and stays byte-for-byte unchanged."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop import config
from models.storage import backup, write_gate
from models.storage.database import create_database, inspect, open_database
from models.storage.engine import APPLICATION_ID
from models.storage.errors import (
    DamagedFileError,
    FileMissingError,
    NewerVersionError,
    NotADatabaseError,
    NotRoadmapFileError,
    ReadOnlyError,
    StorageError,
)
from tests.conftest import run_cli, sha256


def corrupt(path: Path) -> None:
    """Overwrite the middle of the file (b-tree pages) with junk, keeping the header."""
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 6), 7):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))


def test_new_file_has_the_safety_settings(tmp_path: Path) -> None:
    database = create_database(tmp_path / "new.sqlite")
    with database.read() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 3  # EXTRA
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    database.close()


def test_create_refuses_to_overwrite(small_db: Path) -> None:
    before = sha256(small_db)
    with pytest.raises(StorageError, match="уже существует"):
        create_database(small_db)
    assert sha256(small_db) == before


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", NotADatabaseError, "пуст"),
        (b"PK\x03\x04 this is a zip, not a database" * 100, NotADatabaseError, "не база данных SQLite"),
        (b"\x00" * 10_000, NotADatabaseError, "не база данных SQLite"),
        ("Привет, это текст".encode() * 1000, NotADatabaseError, "не база данных SQLite"),
    ],
)
def test_not_a_database(tmp_path: Path, content: bytes, error: type[StorageError], words: str) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(error, match=words):
        open_database(path, config.backup_root())
    assert path.read_bytes() == content


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="не найден"):
        open_database(tmp_path / "nope.sqlite")
    with pytest.raises(NotADatabaseError, match="папка"):
        open_database(tmp_path)


def test_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes(x)")
        conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    before = sha256(path)
    with pytest.raises(NotRoadmapFileError, match="не файл дорожных карт"):
        open_database(path, config.backup_root())
    assert sha256(path) == before


def test_newer_version_refused_untouched(small_db: Path) -> None:
    with sqlite3.connect(small_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
    conn.close()
    before = sha256(small_db)
    with pytest.raises(NewerVersionError, match="более новой версией"):
        open_database(small_db, config.backup_root())
    result = run_cli("check", "--db", str(small_db))
    assert result.returncode == 1 and "более новой версией" in result.stderr
    result = run_cli("set", "--db", str(small_db), "--measure", "1", "note=x")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sha256(small_db) == before


def test_damaged_file_names_the_newest_backup(small_db: Path) -> None:
    open_database(small_db, config.backup_root()).close()  # makes the rolling backup
    folder = backup.backup_folder(config.backup_root(), small_db)
    newest = backup.newest_backup(folder)
    assert newest is not None
    corrupt(small_db)
    before = sha256(small_db)
    with pytest.raises(DamagedFileError) as caught:
        open_database(small_db, config.backup_root())
    assert caught.value.newest_backup == newest
    assert "повреждён" in caught.value.message and str(newest) in caught.value.message
    result = run_cli("check", "--db", str(small_db))
    assert result.returncode == 1
    assert "повреждён" in result.stderr and "Traceback" not in result.stderr
    assert sha256(small_db) == before
    # …and restoring that backup gives the data back.
    backup.restore(newest, small_db, folder)
    facts = inspect(small_db, with_counts=True)
    assert facts.counts["measures"] == 3


def test_truncated_file(small_db: Path) -> None:
    data = small_db.read_bytes()
    small_db.write_bytes(data[: len(data) // 2])
    before = sha256(small_db)
    result = run_cli("check", "--db", str(small_db))
    assert result.returncode == 1 and "повреждён" in result.stderr
    assert sha256(small_db) == before


def test_read_only_file_can_be_read_not_written(small_db: Path) -> None:
    os.chmod(small_db, stat.S_IRUSR | stat.S_IRGRP)
    try:
        before = sha256(small_db)
        database = open_database(small_db, config.backup_root())
        assert database.read_only
        with write_gate.opened("test"), pytest.raises(ReadOnlyError, match="только для чтения"):
            database.write().__enter__()
        database.close()
        result = run_cli("set", "--db", str(small_db), "--measure", "1", "note=проверка")
        assert result.returncode == 1 and "только для чтения" in result.stderr
        dump = run_cli("dump", "--db", str(small_db))
        assert dump.returncode == 0, dump.stderr
        check = run_cli("check", "--db", str(small_db))
        assert check.returncode == 0 and '"read_only": true' in check.stdout
        assert sha256(small_db) == before
    finally:
        os.chmod(small_db, stat.S_IRUSR | stat.S_IWUSR)


def test_check_changes_nothing(small_db: Path, data_dir: Path) -> None:
    before = sha256(small_db)
    result = run_cli("check", "--db", str(small_db), env={"ROADMAP_DATA_DIR": str(data_dir)})
    assert result.returncode == 0
    assert sha256(small_db) == before
    assert not (data_dir / "backups").exists() or not any((data_dir / "backups").rglob("*.sqlite"))


def test_huge_and_hostile_files(tmp_path: Path) -> None:
    """A 200 MB sparse junk file, and SQLite's header over megabytes of garbage: quick, clear, untouched."""
    sparse = tmp_path / "huge.sqlite"
    with open(sparse, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + os.urandom(5 * 1024 * 1024))
    for path, words in ((sparse, "не база данных SQLite"), (garbage, "повреждён")):
        before = sha256(path)
        result = run_cli("check", "--db", str(path), timeout=30)
        assert result.returncode == 1 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert sha256(path) == before


def test_odd_characters_in_the_path(tmp_path: Path) -> None:
    """Spaces, Cyrillic, '#', '?', '%' and '&' in folder and file names (users name files freely)."""
    folder = tmp_path / "Отдел #1 ? 100% & Ко"
    folder.mkdir()
    path = folder / "карта №5 (копия).sqlite"
    create_database(path).close()
    database = open_database(path, config.backup_root())
    assert database.facts.revision and not database.read_only
    database.close()
    assert inspect(path, with_counts=True).counts["roadmaps"] == 0
    assert [p.name for p in folder.iterdir()] == [path.name]
