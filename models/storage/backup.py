"""Rolling backups with SQLite's online backup API, integrity checks and restore.

Backups live in the user's data folder (a local disk), not beside the file: the file itself may
sit on a shared network folder that fails together with it. One folder per roadmap file, named
after the file and a hash of its full path so that two files called "карты.sqlite" never mix.

Names fit the file system's 255-byte limit whatever the user's file is called: a long stem is cut
at a character boundary and marked with a hash of the whole stem (``short_stem``). Order and age
come from the date in a backup's name, except that a date later than now (the clock was set back
since) never counts as the newest: see ``list_backups``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from models.storage.engine import sqlite_uri
from models.storage.leftovers import BACKUP_TEMPORARY, remove_stale

KEEP_ROLLING: Final = 10
KEEP_SPECIAL: Final = 5  # of each kind (before upgrade, before restore), apart from the rolling ones
ROLLING_MIN_INTERVAL_S: Final = 300  # a file opened many times in a row keeps older copies too
_STAMP = "%Y-%m-%d %H-%M-%S"
NAME_MAX_BYTES: Final = 255  # one path component on ext4, NTFS (in UTF-16 units), APFS
STEM_MAX_BYTES: Final = 120  # a longer stem is cut, leaving room for the date, reason and suffixes
# …and to 60 characters: Windows counts a whole path in characters and stops at 259 unless long
# paths are switched on (administrator rights). Data root (~55) + folder (≤ 69) + name (≤ 115)
# + "-journal" stays under that however long the user's file name is.
STEM_MAX_CHARS: Final = 60
REASON_MAX_BYTES: Final = 80
# What may follow a backup's name on disk: ".tmp" while it is written, then SQLite's "-journal".
_SPARE_SUFFIX = ".tmp-journal"
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


def _cut(text: str, max_bytes: int) -> str:
    """``text``'s start, at most ``max_bytes`` in UTF-8, never splitting a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def short_stem(stem: str, max_bytes: int = STEM_MAX_BYTES, max_chars: int = STEM_MAX_CHARS) -> str:
    """``stem`` itself if it fits ``max_bytes`` (UTF-8) and ``max_chars``, else its start + "~" +
    a hash of it all, so that two long names with the same start still differ."""
    if len(stem.encode("utf-8")) <= max_bytes and len(stem) <= max_chars:
        return stem
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    start = _cut(stem[: max_chars - len(digest) - 1], max_bytes - len(digest) - 1)
    return f"{start.rstrip()}~{digest}"


def backup_folder(root: Path, db_path: Path) -> Path:
    """The folder for ``db_path``'s backups under ``root``.

    A folder made before long stems were cut (the full stem fitted 255 bytes) is still used."""
    digest = hashlib.sha1(str(db_path.resolve()).encode("utf-8")).hexdigest()[:8]
    folder = root / f"{short_stem(db_path.stem)}-{digest}"
    earlier = (  # the whole stem; then the stem cut by bytes only (before STEM_MAX_CHARS)
        root / f"{db_path.stem}-{digest}",
        root / f"{short_stem(db_path.stem, max_chars=NAME_MAX_BYTES)}-{digest}",
    )
    for legacy in earlier:
        if legacy != folder and len(legacy.name.encode("utf-8")) <= NAME_MAX_BYTES and legacy.is_dir():
            return legacy
    return folder


def quick_check(connection: sqlite3.Connection, thorough: bool = False) -> str:
    """``"ok"`` or SQLite's first complaint about the file's structure; ``thorough`` runs the
    full integrity_check (indexes against their tables too: slower, for «Проверить файл»)."""
    pragma = "integrity_check" if thorough else "quick_check"
    rows = connection.execute(f"PRAGMA {pragma}(5)").fetchall()
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


def _backup_name(stem: str, stamp: str, reason: str) -> str:
    """``"<stem> <stamp> <reason>.sqlite"`` (``stamp`` may carry "-n"), within NAME_MAX_BYTES
    together with _SPARE_SUFFIX: the stem is shortened as far as needed."""
    suffix = f" {_cut(reason, REASON_MAX_BYTES).rstrip()}" if reason else ""
    rest = f" {stamp}{suffix}.sqlite{_SPARE_SUFFIX}"
    budget = min(STEM_MAX_BYTES, NAME_MAX_BYTES - len(rest.encode("utf-8")))
    return f"{short_stem(stem, budget)} {stamp}{suffix}.sqlite"


def make_backup(db_path: Path, folder: Path, reason: str = "", *, now: datetime | None = None) -> Path:
    """Copy ``db_path`` consistently into ``folder`` (written to a temp name, synced, renamed).

    ``now`` (the clock, for tests) dates the copy's name."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, [BACKUP_TEMPORARY])  # left by a backup killed earlier (old ones only)
    stamp = (now or datetime.now()).strftime(_STAMP)
    target = folder / _backup_name(db_path.stem, stamp, reason)
    n = 1
    while target.exists():
        target = folder / _backup_name(db_path.stem, f"{stamp}-{n}", reason)
        n += 1
    copy_database(db_path, target)
    return target


def list_backups(folder: Path, *, now: datetime | None = None) -> list[BackupInfo]:
    """Backups in ``folder``, newest first.

    Newest by the date in the name; but a backup dated after ``now`` (the clock has been set back
    since it was made) was made before every copy dated up to now, so those come first and the
    future-dated ones after them (each group newest first)."""
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match or not entry.is_file():
            continue
        made_at = datetime.strptime(match["stamp"], _STAMP)
        found.append(BackupInfo(entry, made_at, match["reason"] or "", entry.stat().st_size))
    limit = now or datetime.now()
    found.sort(key=lambda b: (b.made_at <= limit, b.made_at, b.path.stat().st_mtime_ns), reverse=True)
    return found


def newest_backup(folder: Path, *, now: datetime | None = None) -> Path | None:
    backups = list_backups(folder, now=now)
    return backups[0].path if backups else None


def _kind(reason: str) -> str:
    """The kind of a special copy: its reason without the revision («перед обновлением»)."""
    words = reason.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].isdigit() else reason


def prune(folder: Path, *, now: datetime | None = None) -> None:
    """Keep the newest KEEP_ROLLING rolling backups and KEEP_SPECIAL of the others, newest in
    ``list_backups``'s order: copies made since the clock was set back are kept first."""
    backups = list_backups(folder, now=now)
    rolling = [b for b in backups if not b.reason]
    by_kind: dict[str, list[BackupInfo]] = {}
    for b in backups:
        if b.reason:  # «перед обновлением 0002» and «перед восстановлением» are kept apart:
            by_kind.setdefault(_kind(b.reason), []).append(b)  # five restores keep the pre-upgrade copy
    special = [old for copies in by_kind.values() for old in copies[KEEP_SPECIAL:]]
    for old in rolling[KEEP_ROLLING:] + special:
        with contextlib.suppress(OSError):
            old.path.unlink()


def rolling_backup(
    db_path: Path,
    folder: Path,
    min_interval_s: float = ROLLING_MIN_INTERVAL_S,
    *,
    now: datetime | None = None,
) -> Path | None:
    """Back up on open unless the newest rolling backup is younger than ``min_interval_s``.

    Age comes from the date in the name; one dated after ``now`` does not hold a new copy back."""
    now = now or datetime.now()
    rolling = [b for b in list_backups(folder, now=now) if not b.reason]
    if rolling and now - timedelta(seconds=min_interval_s) < rolling[0].made_at <= now:
        return None
    made = make_backup(db_path, folder, now=now)
    prune(folder, now=now)
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
