"""A power-loss simulator below SQLite, in the spirit of SQLite's own crash tests (test6.c).

An apsw VFS keeps every file in memory in two layers: what is durable ("on the platters") and
the writes, truncations and deletions made since the file was last synced. A power cut at
operation N throws away what was not synced, the way a disk cache loses it:

- writes and truncations of a file become durable only when that file is synced (xSync);
- a new file exists after a crash only once it has been synced (the unix VFS syncs the
  directory when it first syncs a new journal);
- a deletion is durable at once when SQLite asks for the directory to be synced (``syncdir``,
  which it does with ``synchronous=EXTRA``); otherwise it stays volatile until some file is
  synced later, and a crash before that brings the file back.

At the crash, each unsynced 512-byte sector of a pending write is, by a seeded choice, lost,
written, or replaced by garbage (``torn=True``), or simply lost (``torn=False``, test6.c's
default). What it does not model: reordering of synced writes by lying disks, bit rot, and
the operating system's own locking — the workload runs in one process.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import apsw

SECTOR = 512


class CrashNow(Exception):
    """Raised inside the VFS at the chosen operation: the power goes off here."""


@dataclass
class MemFile:
    durable: bytearray = field(default_factory=bytearray)
    durable_exists: bool = False
    current: bytearray = field(default_factory=bytearray)
    exists: bool = True
    # ("write", offset, data) or ("truncate", size, b"") since the last sync
    pending: list[tuple[str, int, bytes]] = field(default_factory=list)


class Disk:
    """The simulated disk: files by name, an operation counter and the crash point."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files: dict[str, MemFile] = {}
        self.pending_deletes: set[str] = set()
        for name, data in (files or {}).items():
            self.files[name] = MemFile(bytearray(data), True, bytearray(data), True)
        self.operations = 0
        self.crash_at: int | None = None
        self.rng = random.Random(0)
        self.torn = False
        self.survivors: dict[str, bytes] | None = None  # the disk as found after the cut

    def tick(self) -> None:
        """Count one durable-state-changing operation; cut the power if it is the chosen one.

        From the cut on, every operation fails: nothing after it can reach the disk.
        """
        if self.survivors is not None:
            raise CrashNow
        self.operations += 1
        if self.crash_at is not None and self.operations >= self.crash_at:
            self.survivors = self.after_power_cut(self.rng, self.torn)
            raise CrashNow

    def sync(self, name: str) -> None:
        for deleted in list(self.pending_deletes):  # a sync flushes earlier metadata changes too
            self.files[deleted].durable_exists = False
            self.files[deleted].durable = bytearray()
        self.pending_deletes.clear()
        memfile = self.files[name]
        memfile.durable = bytearray(memfile.current)
        memfile.durable_exists = True
        memfile.pending.clear()

    def after_power_cut(self, rng: random.Random, torn: bool) -> dict[str, bytes]:
        """The files as found after reboot."""
        survivors: dict[str, bytes] = {}
        for name, memfile in self.files.items():
            if not memfile.durable_exists:
                continue
            data = bytearray(memfile.durable)
            for op, offset, payload in memfile.pending:
                if op == "truncate":
                    if torn and rng.random() < 0.5:
                        del data[offset:]
                    continue
                for start in range(0, len(payload), SECTOR):
                    chunk = payload[start : start + SECTOR]
                    fate = rng.random() if torn else 0.0
                    if fate < 0.5:
                        continue  # lost
                    if fate > 0.9:
                        chunk = bytes(rng.getrandbits(8) for _ in range(len(chunk)))  # garbage
                    at = offset + start
                    if len(data) < at + len(chunk):
                        data.extend(b"\0" * (at + len(chunk) - len(data)))
                    data[at : at + len(chunk)] = chunk
            survivors[name] = bytes(data)
        return survivors


class CrashFile:
    """One open file of the simulated disk (the VFSFile protocol apsw calls)."""

    def __init__(self, disk: Disk, name: str) -> None:
        self.disk, self.name = disk, name

    @property
    def _file(self) -> MemFile:
        return self.disk.files[self.name]

    def xRead(self, amount: int, offset: int) -> bytes:
        return bytes(self._file.current[offset : offset + amount])

    def xWrite(self, data: bytes, offset: int) -> None:
        self.disk.tick()
        current = self._file.current
        end = offset + len(data)
        if len(current) < end:
            current.extend(b"\0" * (end - len(current)))
        current[offset:end] = data
        self._file.pending.append(("write", offset, bytes(data)))

    def xTruncate(self, size: int) -> None:
        self.disk.tick()
        del self._file.current[size:]
        self._file.pending.append(("truncate", size, b""))

    def xSync(self, flags: int) -> None:
        self.disk.tick()
        self.disk.sync(self.name)

    def xFileSize(self) -> int:
        return len(self._file.current)

    def xLock(self, level: int) -> None:
        return None

    def xUnlock(self, level: int) -> None:
        return None

    def xCheckReservedLock(self) -> bool:
        return False

    def xSectorSize(self) -> int:
        return SECTOR

    def xDeviceCharacteristics(self) -> int:
        return 0

    def xFileControl(self, op: int, pointer: int) -> bool:
        return False

    def xClose(self) -> None:
        return None


class CrashVFS(apsw.VFS):
    """Routes SQLite's file operations to a Disk; registered once, its disk swapped per run."""

    def __init__(self, name: str = "crash") -> None:
        super().__init__(name, "")
        self.name = name
        self.disk = Disk()

    def xOpen(self, name: Any, flags: list[int]) -> CrashFile:
        filename = name if isinstance(name, str) else (name.filename() if name is not None else "temp")
        memfile = self.disk.files.get(filename)
        if memfile is None:
            self.disk.files[filename] = MemFile(exists=True)
        elif not memfile.exists:
            # Re-created after a deletion that may not be durable yet: the old contents would
            # come back after a crash until the new file is synced.
            self.disk.files[filename] = MemFile(memfile.durable, memfile.durable_exists, bytearray(), True)
        return CrashFile(self.disk, filename)

    def xAccess(self, name: str, flags: int) -> bool:
        memfile = self.disk.files.get(name)
        return memfile is not None and memfile.exists

    def xDelete(self, name: str, syncdir: bool) -> None:
        self.disk.tick()
        memfile = self.disk.files.get(name)
        if memfile is None or not memfile.exists:
            raise apsw.IOError("no such file")
        memfile.exists = False
        memfile.current = bytearray()
        memfile.pending.clear()
        if syncdir:
            memfile.durable_exists = False
            memfile.durable = bytearray()
        else:
            self.disk.pending_deletes.add(name)

    def xFullPathname(self, name: str) -> str:
        return name


@dataclass
class RunResult:
    acknowledged: list[int]
    operations: int
    survivors: dict[str, bytes]  # the disk after the power cut (at the end if it never came)


def run_workload(
    vfs: CrashVFS,
    files: dict[str, bytes],
    pragmas: Iterable[str],
    workload: Callable[[apsw.Connection, list[int]], None],
    crash_at: int | None,
    seed: int = 0,
    torn: bool = True,
) -> RunResult:
    """Run ``workload`` on a fresh disk holding ``files``; cut the power at operation ``crash_at``.

    ``workload`` appends the number of each edit to the list once its COMMIT has returned.
    """
    disk = vfs.disk = Disk(files)
    disk.crash_at, disk.rng, disk.torn = crash_at, random.Random(seed), torn
    acknowledged: list[int] = []
    connection = None
    try:
        connection = apsw.Connection("roadmap.sqlite", vfs=vfs.name)
        for pragma in pragmas:
            connection.execute(pragma)
        workload(connection, acknowledged)
    except Exception:  # CrashNow, directly or as the I/O error SQLite made of it
        if disk.survivors is None:
            raise
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close(True)
    survivors = disk.survivors if disk.survivors is not None else disk.after_power_cut(disk.rng, torn)
    return RunResult(acknowledged, disk.operations, survivors)


def reboot(vfs: CrashVFS, files: dict[str, bytes], pragmas: Iterable[str]) -> apsw.Connection:
    """Open the survivors, as the program would after the power came back."""
    vfs.disk = Disk(files)
    connection = apsw.Connection("roadmap.sqlite", vfs=vfs.name)
    for pragma in pragmas:
        connection.execute(pragma)
    return connection
