"""Rolling backups on open, kept to the last ten, and restore."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from desktop import config
from models.storage import backup
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
