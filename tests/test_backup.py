"""Rolling backups on open, kept to the last ten, and restore."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop import config
from models.storage import backup, migrations
from models.storage.database import inspect, open_database


def test_open_makes_a_consistent_backup(small_db: Path) -> None:
    open_database(small_db, config.backup_root()).close()
    folder = backup.backup_folder(config.backup_root(), small_db)
    copies = backup.list_backups(folder)
    assert len(copies) == 1
    facts = inspect(copies[0].path, with_counts=True)
    assert facts.integrity == "ok" and facts.counts["measures"] == 3


def test_reopening_soon_does_not_pile_up_copies(small_db: Path) -> None:
    for _ in range(3):
        open_database(small_db, config.backup_root()).close()
    assert len(backup.list_backups(backup.backup_folder(config.backup_root(), small_db))) == 1


def test_only_the_last_ten_rolling_copies_are_kept(small_db: Path) -> None:
    folder = backup.backup_folder(config.backup_root(), small_db)
    made = [backup.make_backup(small_db, folder) for _ in range(13)]
    special = backup.make_backup(small_db, folder, "перед обновлением 0001")
    for i, path in enumerate(made):  # make their ages distinct and old enough
        os.utime(path, (time.time() - 10_000 + i, time.time() - 10_000 + i))
    backup.prune(folder)
    kept = backup.list_backups(folder)
    assert len([b for b in kept if not b.reason]) == 10
    assert special in [b.path for b in kept]


def test_restore_brings_back_the_data_and_keeps_a_safety_copy(small_db: Path) -> None:
    folder = backup.backup_folder(config.backup_root(), small_db)
    saved = backup.make_backup(small_db, folder)
    with sqlite3.connect(small_db) as conn:
        conn.execute("DELETE FROM measures")
    conn.close()
    safety = backup.restore(saved, small_db, folder)
    assert inspect(small_db, with_counts=True).counts["measures"] == 3
    assert safety is not None and inspect(safety, with_counts=True).counts["measures"] == 0


# A 122-character Russian name, 222 bytes in UTF-8 (with ".sqlite"); and one near the limit
# where SQLite's own "-journal" still fits in 255 bytes.
LONG_NAME = (
    "Дорожная карта реализации программы развития образовательной организации " + "я" * 34 + " 2025-26.sqlite"
)
LONGEST_NAME = "Д" * 120 + ".sqlite"


@pytest.mark.parametrize("name", [LONG_NAME, LONGEST_NAME])
def test_a_long_name_is_backed_up_listed_and_restored(tmp_path: Path, small_db: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(small_db.read_bytes())
    open_database(path, config.backup_root()).close()
    folder = backup.backup_folder(config.backup_root(), path)
    assert len(folder.name.encode()) <= 255
    copies = backup.list_backups(folder)
    assert len(copies) == 1 and copies[0].reason == ""
    made = copies[0].path
    assert len(made.name.encode()) + len(".tmp") <= 255
    assert made.name.startswith("Д")  # still recognisable
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM measures")
    conn.close()
    safety = backup.restore(made, path, folder)
    assert inspect(path, with_counts=True).counts["measures"] == 3
    assert safety is not None and inspect(safety, with_counts=True).counts["measures"] == 0
    listed = backup.list_backups(folder)
    assert {b.path for b in listed} == {made, safety}
    assert [b.reason for b in listed if b.path == safety] == ["перед восстановлением"]


def test_backup_paths_stay_within_windows_260_characters(tmp_path: Path, small_db: Path) -> None:
    """Windows stops at 259 characters per path unless long paths are on (administrator rights):
    a long Latin name (1 byte a letter, so the byte limit alone let 120 letters through) and a
    long Russian one both give backups whose path, with SQLite's journal, fits under a typical
    profile's data folder."""
    root = Path("C:/Users/Administrator.DISTRICT/AppData/Local/roadmap/backups")  # 59 characters
    for name in ("Roadmap of the district " + "x" * 150 + ".sqlite", LONG_NAME):
        path = tmp_path / name
        path.write_bytes(small_db.read_bytes())
        folder = backup.backup_folder(root, path)
        made = folder / backup._backup_name(path.stem, "2026-12-04 10-00-00-3", "перед обновлением 0001")
        assert len(str(made)) + len(".tmp-journal") <= 259, (len(str(made)), made.name)
        assert made.name.startswith(name[:20])  # still recognisable
        real = backup.make_backup(path, backup.backup_folder(tmp_path / "data", path))
        assert backup.list_backups(real.parent)[0].path == real


def test_backups_made_under_the_byte_only_rule_are_still_found(tmp_path: Path, small_db: Path) -> None:
    path = tmp_path / ("Roadmap " + "y" * 100 + ".sqlite")
    path.write_bytes(small_db.read_bytes())
    root = tmp_path / "data"
    digest_folder = backup.backup_folder(root, path).name.rsplit("-", 1)[1]
    old_folder = root / f"{backup.short_stem(path.stem, max_chars=255)}-{digest_folder}"
    old_folder.mkdir(parents=True)
    made = backup.make_backup(path, old_folder)
    assert backup.backup_folder(root, path) == old_folder
    assert backup.list_backups(backup.backup_folder(root, path))[0].path == made


def test_two_long_names_with_the_same_start_do_not_mix(tmp_path: Path, small_db: Path) -> None:
    first, second = tmp_path / ("Ж" * 110 + " 1.sqlite"), tmp_path / ("Ж" * 110 + " 2.sqlite")
    names = set()
    for path in (first, second):
        path.write_bytes(small_db.read_bytes())
        folder = backup.backup_folder(config.backup_root(), path)
        names.add(folder.name)
        names.add(backup.make_backup(path, folder).name)
    assert len(names) == 4


def test_an_older_file_with_a_long_name_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    from tests.test_migrations import make_old_file

    assert len(LONG_NAME) == 122 and len(LONG_NAME.encode()) == 222
    path = tmp_path / LONG_NAME
    revision = migrations.KNOWN_REVISIONS[0]
    make_old_file(path, revision)
    open_database(path, config.backup_root()).close()
    assert inspect(path).revision == migrations.HEAD
    copies = backup.list_backups(backup.backup_folder(config.backup_root(), path))
    before_upgrade = [c for c in copies if c.reason == f"перед обновлением {revision}"]
    assert len(before_upgrade) == 1
    assert inspect(before_upgrade[0].path).revision == revision


def test_a_backup_dated_in_the_future_does_not_stop_new_ones(small_db: Path) -> None:
    """The clock was set back: copies made before carry later dates than "now"."""
    folder = backup.backup_folder(config.backup_root(), small_db)
    future = datetime(2031, 5, 1, 12, 0, 0)
    ahead = [backup.make_backup(small_db, folder, now=future + timedelta(hours=i)) for i in range(12)]
    now = datetime(2026, 3, 1, 9, 0, 0)
    made = backup.rolling_backup(small_db, folder, now=now)
    assert made is not None and made not in ahead
    # Five minutes later another one is due; a minute later it is not.
    assert backup.rolling_backup(small_db, folder, now=now + timedelta(minutes=1)) is None
    later = [
        backup.rolling_backup(small_db, folder, now=now + timedelta(minutes=10 * i)) for i in range(1, 4)
    ]
    assert all(later)
    kept = backup.list_backups(folder, now=now + timedelta(minutes=30))
    paths = [b.path for b in kept]
    assert len(paths) == backup.KEEP_ROLLING
    # Every copy made after the clock change is kept, and they count as the newest.
    assert paths[:4] == [*reversed(later), made]  # type: ignore[list-item]
    assert paths[4:] == list(reversed(ahead))[: backup.KEEP_ROLLING - 4]
    assert backup.newest_backup(folder, now=now + timedelta(minutes=30)) == later[-1]
