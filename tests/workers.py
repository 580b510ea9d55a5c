"""Worker processes for the safety tests: ``python -m tests.workers MODE DB ...``.

Each prints one line per acknowledged (committed) edit and flushes it, so that the parent knows
exactly what was acknowledged before it killed the process.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import StaleEditError
from models.storage.database import open_database


def power(db: Path, start: int, measure_ids: list[int]) -> None:
    """Edit notes for ever: edit n goes to measure ids[n % len]; prints ``ACK n`` after commit."""
    service = RoadmapService(open_database(db), Actor("power", "test"))
    n = start
    while True:
        measure = measure_ids[n % len(measure_ids)]
        service.edit_measure(measure, None, {"note": f"edit {n}", "result": f"result {n}"})
        sys.stdout.write(f"ACK {n}\n")
        sys.stdout.flush()
        n += 1


def race(db: Path, measure_id: int, tag: str, attempts: int, seed: int) -> None:
    """Read, pause, save with the version seen: prints OK/STALE per attempt.

    Prints ``READY`` once the file is open and starts on a line from stdin, so that the parent
    starts both racers together (one must not be done before the other has started up)."""
    rng = random.Random(seed)
    service = RoadmapService(open_database(db), Actor(tag, "test"))
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.readline()
    for i in range(attempts):
        row = service.measure(measure_id)
        time.sleep(rng.random() * 0.004)
        token = f"|{tag}{i}"
        try:
            service.edit_measure(measure_id, row.version, {"note": row.note + token})
        except StaleEditError as exc:
            sys.stdout.write(f"STALE {token} {exc.message}\n")
        else:
            sys.stdout.write(f"OK {token}\n")
        sys.stdout.flush()


def fill(db: Path, limit_file_size: bool) -> None:
    """Save ever longer notes until storage refuses; prints that StorageError's class and message.

    ``limit_file_size``: files may grow only a little past their present size (RLIMIT_FSIZE, with
    SIGXFSZ ignored, so a write fails with EFBIG, which SQLite reports as SQLITE_IOERR_WRITE)."""
    from models.storage.errors import StorageError

    service = RoadmapService(open_database(db), Actor("fill", "test"))
    measure = service.load(service.roadmap_ids()[0]).measures_in_order()[0].id
    if limit_file_size:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (db.stat().st_size + 16_384, hard))
    for n in range(1, 10_000):
        try:
            service.edit_measure(measure, None, {"note": f"{n} " + "x" * (4096 * n)})
        except StorageError as exc:
            cause = getattr(exc.__cause__, "orig", exc.__cause__)
            name = getattr(cause, "sqlite_errorname", None)
            sys.stdout.write(f"{type(exc).__name__}\n{exc.message}\n{name}\n")
            return
    sys.stdout.write("no error\n")


if __name__ == "__main__":
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "power":
        power(path, int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")])
    elif mode == "race":
        race(path, int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif mode == "fill":
        fill(path, sys.argv[3:] == ["--limit-file-size"])
