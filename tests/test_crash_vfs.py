"""Power loss below SQLite (see crash_vfs.py): with the shipped settings a cut at any of ≥ 100
points leaves an intact file with every acknowledged edit; the same harness catches the losses
of weaker settings, so it can fail."""

from __future__ import annotations

from dataclasses import dataclass

import apsw
import pytest

from desktop.services.writer import write_roadmap
from models.storage.database import create_database
from models.storage.engine import SQLITE_PRAGMAS
from tests.conftest import SMALL_ROADMAP, operations_of
from tests.crash_vfs import CrashVFS, reboot, run_workload

EDITS = 36
BULK_EVERY = 12  # every 12th transaction rewrites a column of every measure: many pages, big journal
CRASH_POINTS = 200  # of about 1,250 operations: one every ~6


@pytest.fixture(scope="module")
def vfs() -> CrashVFS:
    crash = CrashVFS("crash-test")
    yield crash
    crash.unregister()


@pytest.fixture(scope="module")
def initial_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A real roadmap file (the program's schema, 300 measures) as the disk's starting content."""
    path = tmp_path_factory.mktemp("crash") / "roadmap.sqlite"
    database = create_database(path)
    roadmap = dict(SMALL_ROADMAP)
    roadmap["sections"] = [
        {
            "number": str(s),
            "title": f"Раздел {s}",
            "sections": [],
            "measures": [
                {
                    "number": f"{s}.{k}",
                    "title": f"Мероприятие {s}.{k} " + "текст " * 20,
                    "deadline": {"text": "Март 2024 г."},
                    "responsible": "РМО",
                    "result": "Справка",
                }
                for k in range(1, 31)
            ],
        }
        for s in range(1, 11)
    ]
    write_roadmap(operations_of(database), roadmap)
    database.close()
    return {"roadmap.sqlite": path.read_bytes()}


def with_sync(level: str) -> list[str]:
    return [p if "synchronous" not in p else f"PRAGMA synchronous={level}" for p in SQLITE_PRAGMAS]


def edits(connection: apsw.Connection, acknowledged: list[int]) -> None:
    """Committed edits as the program makes them: version-guarded update plus its log row."""
    ids = [row[0] for row in connection.execute("SELECT id FROM measures ORDER BY id")]
    for i in range(EDITS):
        connection.execute("BEGIN IMMEDIATE")
        if i % BULK_EVERY == BULK_EVERY - 1:
            connection.execute("UPDATE measures SET result = ?, version = version + 1", (f"bulk {i} " * 30,))
            connection.execute(
                "INSERT INTO change_log (at, user, computer, entity, entity_id, field, new) "
                "VALUES ('2024-01-01 00:00:00', 't', 't', 'roadmap', 0, 'bulk', ?)",
                (f"bulk {i}",),
            )
        else:
            measure = ids[(i * 7) % len(ids)]
            (version,) = connection.execute(
                "SELECT version FROM measures WHERE id = ?", (measure,)
            ).fetchone()
            connection.execute(
                "UPDATE measures SET note = ?, version = ? WHERE id = ? AND version = ?",
                (f"edit {i}", version + 1, measure, version),
            )
            connection.execute(
                "INSERT INTO change_log (at, user, computer, entity, entity_id, field, new) "
                "VALUES ('2024-01-01 00:00:00', 't', 't', 'measure', ?, 'note', ?)",
                (measure, f"edit {i}"),
            )
        connection.execute("COMMIT")
        acknowledged.append(i)


@dataclass
class Verdict:
    corrupt: int = 0
    lost: int = 0
    inconsistent: int = 0
    runs: int = 0


def verify(vfs: CrashVFS, survivors: dict[str, bytes], acknowledged: list[int], pragmas: list[str]) -> str:
    """ "ok", "corrupt", "lost" or "inconsistent" for the disk found after the cut."""
    try:
        connection = reboot(vfs, survivors, pragmas)
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            return "corrupt"
        logged = {row[0] for row in connection.execute("SELECT new FROM change_log")}
        if any(f"edit {i}" not in logged and f"bulk {i}" not in logged for i in acknowledged):
            return "lost"
        # No half-applied transaction: each measure's note and version agree with its log.
        rows = connection.execute(
            "SELECT m.id, m.note,"
            " (SELECT count(*) FROM change_log c WHERE c.entity = 'measure' AND c.entity_id = m.id),"
            " (SELECT new FROM change_log c WHERE c.entity = 'measure' AND c.entity_id = m.id"
            "  ORDER BY c.id DESC LIMIT 1),"
            " m.version FROM measures m"
        ).fetchall()
        bulks = connection.execute("SELECT count(*) FROM change_log WHERE field = 'bulk'").fetchone()[0]
        for _id, note, count, last, version in rows:
            if (last or "") != note or version != 1 + count + bulks:
                return "inconsistent"
        connection.close()
    except apsw.Error:
        return "corrupt"
    return "ok"


def crash_everywhere(vfs: CrashVFS, initial: dict[str, bytes], pragmas: list[str], torn: bool) -> Verdict:
    total = run_workload(vfs, initial, pragmas, edits, None).operations
    points = sorted({1 + (k * (total - 1)) // (CRASH_POINTS - 1) for k in range(CRASH_POINTS)} | {total + 1})
    verdict = Verdict()
    for seed, point in enumerate(points):
        result = run_workload(vfs, initial, pragmas, edits, point, seed=seed, torn=torn)
        outcome = verify(vfs, result.survivors, result.acknowledged, pragmas)
        verdict.runs += 1
        if outcome != "ok":
            setattr(verdict, outcome, getattr(verdict, outcome) + 1)
    return verdict


@pytest.mark.parametrize("torn", [False, True], ids=["unsynced-lost", "unsynced-torn"])
def test_shipped_settings_survive_power_loss_at_every_point(
    vfs: CrashVFS, initial_file: dict, torn: bool
) -> None:
    assert any("synchronous=EXTRA" in p for p in SQLITE_PRAGMAS)
    verdict = crash_everywhere(vfs, initial_file, list(SQLITE_PRAGMAS), torn)
    assert verdict.runs >= 200
    assert (verdict.corrupt, verdict.lost, verdict.inconsistent) == (0, 0, 0)


def test_harness_catches_losses_without_sync(vfs: CrashVFS, initial_file: dict) -> None:
    verdict = crash_everywhere(vfs, initial_file, with_sync("OFF"), torn=True)
    assert verdict.lost + verdict.corrupt + verdict.inconsistent > 0


def test_full_can_lose_the_last_commit_extra_cannot(vfs: CrashVFS, initial_file: dict) -> None:
    """Why EXTRA: with FULL the journal's deletion is not made durable, so a cut right after a
    commit can bring the journal back and roll the acknowledged transaction back."""
    full = crash_everywhere(vfs, initial_file, with_sync("FULL"), torn=False)
    assert full.lost > 0 and full.corrupt == 0
