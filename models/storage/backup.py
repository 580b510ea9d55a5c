"""Rolling backups with SQLite's online backup API, integrity checks and restore.

Backups live in the user's data folder (a local disk), not beside the file: the file itself may
sit on a shared network folder that fails together with it. One folder per roadmap file, named
after the file and a hash of its full path so that two files called "карты.sqlite" never mix.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from models.storage.engine import sqlite_uri

KEEP_ROLLING: Final = 10
KEEP_SPECIAL: Final = 5  # before-upgrade / before-restore copies, kept apart from the rolling ones
ROLLING_MIN_INTERVAL_S: Final = 300  # a file opened many times in a row keeps older copies too
_STAMP = "%Y-%m-%d %H-%M-%S"
_NAME = re.compile(
    r"^(?P<stem>.+) (?P<stamp>\d{4}-\d\d-\d\d \d\d-\d\d-\d\d)(?:-(?P<n>\d+))?"
    r"(?: (?P<reason>[^.]+))?\.sqlite$"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str  # "" for a rolling backup, else e.g. "перед обновлением 0001"
    size: int


def backup_folder(root: Path, db_path: Path) -> Path:
    """The folder for ``db_path``'s backups under ``root``."""
    digest = hashlib.sha1(str(db_path.resolve()).encode("utf-8")).hexdigest()[:8]
    return root / f"{db_path.stem}-{digest}"


def quick_check(connection: sqlite3.Connection) -> str:
    """``"ok"`` or SQLite's first complaint about the file's structure."""
    rows = connection.execute("PRAGMA quick_check(5)").fetchall()
    text = "; ".join(str(r[0]) for r in rows)
    return "ok" if text == "ok" else text


def copy_database(source_path: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API: written to a temporary name, synced, renamed,
    so ``target`` is either the whole copy or not there at all."""
    temp = target.with_name(target.name + ".tmp")
    try:
        source = sqlite3.connect(sqlite_uri(source_path, "ro"), uri=True, timeout=10)
        try:
            dest = sqlite3.connect(temp)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def make_backup(db_path: Path, folder: Path, reason: str = "") -> Path:
    """Copy ``db_path`` consistently into ``folder`` (written to a temp name, synced, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime(_STAMP)
    suffix = f" {reason}" if reason else ""
    target = folder / f"{db_path.stem} {stamp}{suffix}.sqlite"
    n = 1
    while target.exists():
        target = folder / f"{db_path.stem} {stamp}-{n}{suffix}.sqlite"
        n += 1
    copy_database(db_path, target)
    return target


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first."""
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match or not entry.is_file():
            continue
        made_at = datetime.strptime(match["stamp"], _STAMP)
        found.append(BackupInfo(entry, made_at, match["reason"] or "", entry.stat().st_size))
    found.sort(key=lambda b: (b.made_at, b.path.stat().st_mtime_ns), reverse=True)
    return found


def newest_backup(folder: Path) -> Path | None:
    backups = list_backups(folder)
    return backups[0].path if backups else None


def prune(folder: Path) -> None:
    """Keep the newest KEEP_ROLLING rolling backups and KEEP_SPECIAL of the others."""
    backups = list_backups(folder)
    rolling = [b for b in backups if not b.reason]
    special = [b for b in backups if b.reason]
    for old in rolling[KEEP_ROLLING:] + special[KEEP_SPECIAL:]:
        with contextlib.suppress(OSError):
            old.path.unlink()


def rolling_backup(
    db_path: Path, folder: Path, min_interval_s: float = ROLLING_MIN_INTERVAL_S
) -> Path | None:
    """Back up on open unless the newest rolling backup is younger than ``min_interval_s``."""
    rolling = [b for b in list_backups(folder) if not b.reason]
    if rolling and time.time() - rolling[0].path.stat().st_mtime < min_interval_s:
        return None
    made = make_backup(db_path, folder)
    prune(folder)
    return made


def restore(backup: Path, db_path: Path, folder: Path) -> Path | None:
    """Replace ``db_path``'s contents with ``backup``; the current contents are backed up first.

    The copy goes through SQLite (backup API into the live file), so a colleague who has the file
    open sees either the old or the restored data, never a half-written file.
    Returns the safety copy of the replaced contents (None if the old file was unreadable).
    """
    source = sqlite3.connect(sqlite_uri(backup, "ro"), uri=True)
    try:
        verdict = quick_check(source)
        if verdict != "ok":
            from models.storage.errors import DamagedFileError

            raise DamagedFileError(
                f"Резервная копия «{backup}» тоже повреждена ({verdict}). Выберите другую."
            )
        safety: Path | None = None
        if db_path.exists():
            with contextlib.suppress(sqlite3.DatabaseError):
                safety = make_backup(db_path, folder, "перед восстановлением")
        dest = sqlite3.connect(db_path, timeout=10)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    prune(folder)
    return safety
