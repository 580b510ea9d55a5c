"""A process killed at a random moment (SIGKILL) never leaves a damaged file or loses an edit
that was acknowledged. (Power loss below SQLite is simulated in test_crash_vfs.py.)"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from desktop.services.roadmap import Actor, RoadmapService
from models.entities import ChangeLogEntry
from models.storage.database import inspect, open_database
from tests.conftest import ROOT, run_cli

KILLS = 30


def _acknowledged(lines: list[str]) -> list[int]:
    return [int(line.split()[1]) for line in lines if line.startswith("ACK ")]


class _Reader(threading.Thread):
    """Collects a worker's stdout lines as they come, so the test can wait for a given one."""

    def __init__(self, stream: object) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.arrived: queue.Queue[str | None] = queue.Queue()

    def run(self) -> None:
        for line in self.stream:  # type: ignore[attr-defined]
            self.lines.append(line)
            self.arrived.put(line)
        self.arrived.put(None)  # end of output: the worker exited

    def wait_for_acks(self, count: int, timeout: float = 60) -> None:
        """Block until ``count`` edits are acknowledged (the first one: the worker is running)."""
        seen = 0
        while seen < count:
            line = self.arrived.get(timeout=timeout)
            assert line is not None, "the worker exited before acknowledging an edit"
            seen += line.startswith("ACK ")


def test_sigkill_at_random_moments_loses_nothing_acknowledged(small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    ids = [m.id for m in service.load(service.roadmap_ids()[0]).measures_in_order()]
    service.db.close()
    rng = random.Random(20261124)
    acknowledged: list[int] = []
    next_edit = 0
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for _ in range(KILLS):
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.workers",
                "power",
                str(small_db),
                str(next_edit),
                ",".join(map(str, ids)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        reader = _Reader(worker.stdout)
        reader.start()
        try:
            reader.wait_for_acks(rng.randint(1, 4))  # running (not still starting up), mid-stream
        except BaseException:
            worker.kill()
            worker.wait(timeout=30)
            raise AssertionError(worker.stderr.read()) from None  # type: ignore[union-attr]
        # Where in the next edit the kill lands (an edit takes a few milliseconds); a random
        # moment, not a wait for something: every worker has already acknowledged an edit.
        time.sleep(rng.random() * 0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        reader.join(timeout=30)
        err = worker.stderr.read()  # type: ignore[union-attr]
        worker.stdout.close()  # type: ignore[union-attr]
        worker.stderr.close()  # type: ignore[union-attr]
        assert worker.returncode == -signal.SIGKILL, err
        acked = _acknowledged(reader.lines)
        assert acked, "the worker was killed only after its first acknowledgement"
        acknowledged += acked
        next_edit = (acked[-1] + 2) if acked else next_edit + 1  # skip the one possibly in flight

        facts = inspect(small_db, with_counts=True)  # also rolls back a hot journal, as SQLite does
        assert facts.integrity == "ok" and facts.counts["measures"] == len(ids)
    assert len(acknowledged) > KILLS, "the workers must have committed edits between kills"

    database = open_database(small_db)
    with database.read() as conn:
        logged = {
            row for row in conn.scalars(select(ChangeLogEntry.new).where(ChangeLogEntry.field == "note"))
        }
    database.close()
    missing = [n for n in acknowledged if f"edit {n}" not in logged]
    assert missing == []
    check = run_cli("check", "--db", str(small_db))
    assert check.returncode == 0, check.stderr
