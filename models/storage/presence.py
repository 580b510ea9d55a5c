"""Who else has the file open: one small record per open session beside the file.

Like LibreOffice's lock file, but one per session so that several colleagues can be listed:
``.~lock.<file name>.<computer>.<pid>#`` holding user, computer and since. A session refreshes
its record every minute; records not refreshed for STALE_AFTER seconds (a crash, a power cut)
are ignored and cleaned up. A read-only folder simply means no records.

The window asks who else is there every few seconds (a directory listing), so a colleague who
closes the file disappears from the status bar at once; the record itself is rewritten only
every REFRESH_EVERY seconds (a small write on a network share), or at once if it vanished.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REFRESH_EVERY = 60.0  # a live session rewrites its record this often…
STALE_AFTER = 300.0  # …so one not rewritten for this long is gone (allows for slow shares and clocks)


@dataclass(frozen=True)
class Presence:
    user: str
    computer: str
    since: datetime


class PresenceRecord:
    def __init__(self, db_path: Path, user: str, computer: str) -> None:
        self.db_path = db_path
        self.user, self.computer = user, computer
        safe = re.sub(r"[^\w.-]", "_", computer)
        self.path = db_path.with_name(f".~lock.{db_path.name}.{safe}.{os.getpid()}#")
        self.since = datetime.now().replace(microsecond=0)
        self._written: float | None = None  # time.monotonic() of the last write
        self._closed = False
        self.heartbeat()

    def heartbeat(self, now: float | None = None) -> None:
        """Rewrite the record when REFRESH_EVERY has passed since the last write, or when it is
        missing (removed by a colleague whose clock runs ahead of the file server's); cheap to
        call often."""
        if self._closed:  # a closed window's last timer tick must not bring the record back
            return
        now = time.monotonic() if now is None else now
        if self._written is not None and now - self._written < REFRESH_EVERY and self.path.exists():
            return
        data = {"user": self.user, "computer": self.computer, "since": self.since.isoformat()}
        with contextlib.suppress(OSError):
            self.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            self._written = now

    def others(self, now: float | None = None) -> list[Presence]:
        """Colleagues with the file open now (this session excluded; stale records removed)."""
        now = time.time() if now is None else now
        found = []
        for record in self.db_path.parent.glob(f".~lock.{glob_escape(self.db_path.name)}.*#"):
            if record == self.path:
                continue
            try:
                age = now - record.stat().st_mtime
                data = json.loads(record.read_text(encoding="utf-8"))
                entry = Presence(
                    str(data["user"]), str(data["computer"]), datetime.fromisoformat(data["since"])
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if age > STALE_AFTER or (entry.computer == self.computer and not _alive(record.name)):
                with contextlib.suppress(OSError):
                    record.unlink()
                continue
            found.append(entry)
        return sorted(found, key=lambda p: p.since)

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self.path.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def _alive(record_name: str) -> bool:
    """Whether the process that wrote a record on this computer still runs (its pid ends the name)."""
    match = re.search(r"\.(\d+)#$", record_name)
    if not match or sys.platform == "win32":  # on Windows os.kill(pid, 0) would terminate the process
        return True
    try:
        os.kill(int(match[1]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or no way to ask (Windows): assume alive
        return True
    return True
