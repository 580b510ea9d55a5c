"""Two processes editing the same measure: every stale save is refused, no update is lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.conftest import ROOT

ATTEMPTS = 120  # per process: 240 interleaved read-then-save attempts in all


def test_two_writers_never_overwrite_each_other(small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    measure = service.load(service.roadmap_ids()[0]).measures_in_order()[0]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.workers",
                "race",
                str(small_db),
                str(measure.id),
                tag,
                str(ATTEMPTS),
                str(seed),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for tag, seed in (("a", 1), ("b", 2))
    ]
    for worker in workers:  # both started up (Python, the file open) before either edits
        ready = worker.stdout.readline()  # type: ignore[union-attr]
        assert ready == "READY\n", ready + worker.communicate(timeout=60)[1]
    for worker in workers:
        worker.stdin.write("GO\n")  # type: ignore[union-attr]
        worker.stdin.flush()  # type: ignore[union-attr]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        outputs.append(out)
    lines = [line for out in outputs for line in out.splitlines()]
    saved = [line.split()[1] for line in lines if line.startswith("OK ")]
    refused = [line for line in lines if line.startswith("STALE ")]
    assert len(saved) + len(refused) == 2 * ATTEMPTS
    assert refused, "the two writers must actually have collided"
    assert all("уже изменено другим пользователем" in line for line in refused)

    final = service.measure(measure.id)
    tokens = [t for t in final.note.split("|") if t]
    # Every acknowledged save is in the final text exactly once: none was overwritten.
    assert sorted("|" + t for t in tokens) == sorted(saved)
    assert final.version == measure.version + len(saved)
    history = service.history(measure.id)
    assert len([h for h in history if h["field"] == "note"]) == len(saved)
    service.db.close()
