"""Temporary files left behind by a killed export or backup, removed the next time.

Old PCs get switched off mid-work: an export or backup killed half-way leaves its temporary file
beside the target. The next export into that folder (or backup into that backup folder) sweeps
them away, carefully: only names the program itself makes, only old ones (a colleague's export may
be writing one right now), only plain files (a link is never followed, nor removed), and any
error is ignored (a read-only or vanished folder must not stop the export or backup).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Final

STALE_AFTER_S: Final = 3600.0  # an export or backup that has run for an hour is long dead

# The temporary names the program makes (desktop.exports.export_tree, backup.copy_database).
EXPORT_TEMPORARY: Final = re.compile(r"\.export-[0-9a-f]+\.tmp")
BACKUP_TEMPORARY: Final = re.compile(r".+\.sqlite\.tmp(?:-journal)?")


def remove_stale(
    folder: Path, patterns: Iterable[re.Pattern[str]], older_than: float = STALE_AFTER_S
) -> list[Path]:
    """Remove plain files in ``folder`` whose whole name matches one of ``patterns`` and whose
    modification time is more than ``older_than`` seconds ago; the removed paths (never raises)."""
    patterns = tuple(patterns)
    removed: list[Path] = []
    limit = time.time() - older_than
    try:
        with os.scandir(folder) as entries:
            candidates = [e for e in entries if any(p.fullmatch(e.name) for p in patterns)]
    except OSError:
        return removed
    for entry in candidates:
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= limit:
                continue
            os.unlink(entry.path)  # unlink never follows a link, even one swapped in just now
            removed.append(Path(entry.path))
    return removed
