"""SQLite failures on real files get their Russian message by SQLite's result code, never by the
English text: a file locked by another connection, a read-only file, a full disk, a damaged file,
a file that is not a database, a file that cannot be opened, a failing write."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from models.storage import write_gate
from models.storage.database import inspect, open_database
from models.storage.engine import sqlite_uri
from models.storage.errors import (
    BUSY_MESSAGE,
    DISK_FULL_MESSAGE,
    READ_ONLY_MESSAGE,
    BusyError,
    DamagedFileError,
    DiskFullError,
    FileUnavailableError,
    NotADatabaseError,
    ReadOnlyError,
    sqlite_code,
    translate,
)
from tests.conftest import ROOT


def raised(action: Callable[[], object]) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        action()
    return caught.value


@pytest.fixture
def locked(small_db: Path) -> Iterator[Path]:
    """The file with another connection holding an exclusive lock (a colleague mid-write)."""
    holder = sqlite3.connect(small_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield small_db
    holder.execute("ROLLBACK")
    holder.close()


def test_a_file_locked_by_another_connection_is_busy(locked: Path) -> None:
    reader = sqlite3.connect(sqlite_uri(locked, "rw"), uri=True, timeout=0)
    error = raised(lambda: reader.execute("SELECT count(*) FROM measures").fetchone())
    reader.close()
    assert error.sqlite_errorcode == sqlite3.SQLITE_BUSY
    known = translate(error, locked)
    assert isinstance(known, BusyError) and known.message == BUSY_MESSAGE


def test_the_code_is_read_through_sqlalchemys_wrapper(locked: Path) -> None:
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(sqlite_uri(locked, "rw"), uri=True, timeout=0),
        poolclass=NullPool,
    )
    with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM measures"))
    engine.dispose()
    assert sqlite_code(caught.value) == sqlite3.SQLITE_BUSY
    assert isinstance(translate(caught.value, locked), BusyError)


def test_a_table_locked_within_one_connection_is_busy_too(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "t.sqlite", isolation_level=None)
    connection.execute("CREATE TABLE t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    reading = connection.execute("SELECT x FROM t")
    reading.fetchone()
    error = raised(lambda: connection.execute("DROP TABLE t"))
    connection.close()
    assert error.sqlite_errorcode == sqlite3.SQLITE_LOCKED
    assert isinstance(translate(error), BusyError)


def test_writing_a_file_opened_read_only(small_db: Path) -> None:
    """mode=ro (chmod would not stop root, who runs these tests in containers)."""
    database = open_database(small_db, read_only=True)
    with pytest.raises(ReadOnlyError) as caught, database.read() as connection:
        connection.execute(text("UPDATE measures SET note = 'x'"))
    database.close()
    assert caught.value.message == READ_ONLY_MESSAGE
    assert sqlite_code(caught.value.__cause__) == sqlite3.SQLITE_READONLY  # type: ignore[arg-type]


def test_an_extended_code_counts_as_its_primary_code(tmp_path: Path) -> None:
    """The file moved away under an open connection: SQLITE_READONLY_DBMOVED (1032 = 8 | 4 << 8)."""
    path = tmp_path / "moved.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE t (x)")
    path.rename(tmp_path / "elsewhere.sqlite")
    error = raised(lambda: connection.execute("INSERT INTO t VALUES (1)"))
    connection.close()
    assert error.sqlite_errorcode == sqlite3.SQLITE_READONLY_DBMOVED != sqlite3.SQLITE_READONLY
    assert isinstance(translate(error, path), ReadOnlyError)


def test_a_file_at_its_size_limit_is_full(small_db: Path) -> None:
    """SQLITE_FULL without a full disk: the file may not grow (PRAGMA max_page_count)."""
    database = open_database(small_db)
    with pytest.raises(DiskFullError) as caught, write_gate.opened("test"), database.write() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        connection.exec_driver_sql("UPDATE measures SET note = ?", ("x" * 100_000,))
    database.close()
    assert caught.value.message == DISK_FULL_MESSAGE
    assert inspect(small_db).integrity == "ok"


def _fill(db: Path, *extra: str) -> list[str]:
    """tests.workers fill: the class, message and SQLite error name of the first refusal."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.workers", "fill", str(db), *extra],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a private tmpfs mount is Linux only")
def test_a_really_full_disk(small_db: Path, tmp_path: Path) -> None:
    """The file on a tiny tmpfs, mounted in a private mount namespace (gone with the process)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to mount a small disk privately")
    probe = subprocess.run([unshare, "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"mount namespaces not allowed here: {probe.stderr.decode(errors='replace').strip()}")
    disk = tmp_path / "disk"
    disk.mkdir()
    size_kb = small_db.stat().st_size // 1024 + 96
    script = (
        f'mount -t tmpfs -o size={size_kb}k tmpfs "$1" || exit 77\n'
        'cp "$2" "$1/small.sqlite" && exec "$3" -m tests.workers fill "$1/small.sqlite"'
    )
    arguments = [str(disk), str(small_db), sys.executable]  # $1 $2 $3 of the script
    result = subprocess.run(
        [unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=300,
    )
    if result.returncode == 77:
        pytest.skip(f"mounting a tmpfs is not allowed here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["DiskFullError", DISK_FULL_MESSAGE, "SQLITE_FULL"]
    assert not any(disk.iterdir())  # the small disk was private to that process


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_a_failing_write_is_an_io_error(small_db: Path) -> None:
    """The file may not grow (RLIMIT_FSIZE): the write fails with EFBIG, SQLITE_IOERR_WRITE."""
    kind, message, name = _fill(small_db, "--limit-file-size")
    assert (kind, name) == ("DamagedFileError", "SQLITE_IOERR_WRITE")
    assert "повреждён" in message
    assert inspect(small_db).integrity == "ok"  # the failed write was rolled back


def test_a_damaged_file(small_db: Path) -> None:
    data = small_db.read_bytes()
    small_db.write_bytes(data[: len(data) // 2])  # cut short: pages missing
    connection = sqlite3.connect(sqlite_uri(small_db, "ro"), uri=True)
    error = raised(lambda: connection.execute("SELECT * FROM measures").fetchall())
    connection.close()
    assert error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CORRUPT
    known = translate(error, small_db)
    assert isinstance(known, DamagedFileError) and f"Файл «{small_db}» повреждён" in known.message


def test_garbage_bytes_are_not_a_database(tmp_path: Path) -> None:
    garbage = tmp_path / "мусор.sqlite"
    garbage.write_bytes(bytes(range(256)) * 32)
    error = raised(lambda: sqlite3.connect(garbage).execute("PRAGMA application_id").fetchone())
    assert error.sqlite_errorcode == sqlite3.SQLITE_NOTADB
    assert isinstance(translate(error, garbage), DamagedFileError)
    with pytest.raises(NotADatabaseError, match="не база данных SQLite"):
        open_database(garbage)  # the program looks at the header before SQLite does
    garbage.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 32)  # a header, then garbage
    with pytest.raises(DamagedFileError, match="повреждён"):
        open_database(garbage)


def test_a_file_that_cannot_be_opened(small_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "нет такого.sqlite"
    error = raised(lambda: sqlite3.connect(sqlite_uri(missing, "rw"), uri=True))
    assert error.sqlite_errorcode == sqlite3.SQLITE_CANTOPEN
    known = translate(error, missing)
    assert isinstance(known, FileUnavailableError) and f"Не удалось открыть файл «{missing}»" in known.message

    database = open_database(small_db)
    database.engine.dispose()  # no connection kept: the next read opens the file again…
    small_db.rename(tmp_path / "перенесён.sqlite")  # …after a colleague moved it (or the share went)
    with pytest.raises(FileUnavailableError), database.read() as connection:
        connection.execute(text("SELECT 1"))
    database.close()


def test_english_words_in_other_errors_do_not_mislead(tmp_path: Path) -> None:
    """SQLITE_ERROR whose text says "locked" or "readonly" is a bug, not a busy or read-only file."""
    connection = sqlite3.connect(tmp_path / "t.sqlite")
    for statement in ("SELECT * FROM locked", "SELECT readonly FROM sqlite_master", "SELECT malformed()"):
        error = raised(lambda statement=statement: connection.execute(statement))
        assert error.sqlite_errorcode == sqlite3.SQLITE_ERROR
        assert translate(error) is None, statement
    connection.close()
    error = raised(lambda: connection.execute("SELECT 1"))  # from the sqlite3 module: no code
    assert getattr(error, "sqlite_errorcode", None) is None
    assert translate(error) is None
