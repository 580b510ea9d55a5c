"""A process killed at a random moment (SIGKILL) never leaves a damaged file or loses an edit
that was acknowledged. (Power loss below SQLite is simulated in test_crash_vfs.py.)"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from desktop.services.roadmap import Actor, RoadmapService
from models.entities import ChangeLogEntry
from models.storage.database import inspect, open_database
from tests.conftest import ROOT, run_cli

KILLS = 30


def _acknowledged(output: str) -> list[int]:
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("ACK ")]


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
        time.sleep(0.35 + rng.random() * 0.5)  # start-up, then a random moment mid-edit
        worker.send_signal(signal.SIGKILL)
        out, err = worker.communicate(timeout=30)
        assert worker.returncode == -signal.SIGKILL, err
        acked = _acknowledged(out)
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
