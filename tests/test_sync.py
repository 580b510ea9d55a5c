"""A district's file synced with the region's server: the first sync carries the roadmap whole,
changes then go both ways, conflicts are reported both ways and never settled silently, a second
run changes nothing, and a run killed between the server's commit and the file's leaves both
sides consistent for the next run to complete — driven through ``python -m desktop sync`` on real
SQLite files and a real PostgreSQL, reading both sides back."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import psycopg
import pytest

from desktop.services.commands import DeleteMeasuresCommand, InsertMeasureCommand
from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import Database, open_database
from models.storage.server import open_server
from tests.conftest import cli_json, run_cli
from tests.test_server_security import account, make_account

SEED = Path(__file__).parent / "data" / "seeds"
ACTOR = Actor("Тест", "ПК")


@pytest.fixture
def districts(pg_url: str, tmp_path: Path) -> dict[str, Any]:
    """A region with two districts working in their own files, and the ministry."""
    assert cli_json("server-setup", "--db", pg_url) == {"ok": True}
    make_account(pg_url, "mokshan", "--district", "Мокшанский район")
    make_account(pg_url, "kusa", "--district", "Кусинский район")
    make_account(pg_url, "ministry", "--ministry")
    files = {"mokshan": tmp_path / "mokshan.sqlite", "kusa": tmp_path / "kusa.sqlite"}
    cli_json("import", str(SEED / "000.docx"), "--db", str(files["mokshan"]))
    cli_json("import", str(SEED / "003.docx"), "--db", str(files["kusa"]))
    return {
        "admin": pg_url,
        "files": files,
        "urls": {name: account(pg_url, name) for name in ("mokshan", "kusa", "ministry")},
    }


def sync(districts: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(cli_json("sync", "--db", str(districts["files"][name]), "--server", districts["urls"][name]))


def service(where: str | Path) -> tuple[Database, RoadmapService]:
    database = open_server(where) if isinstance(where, str) else open_database(where)
    return database, RoadmapService(database, ACTOR)


def measures(where: str | Path) -> list[dict[str, Any]]:
    """Every measure of every roadmap there, in document order, as a user reads it."""
    database, roadmaps = service(where)
    try:
        out = []
        for ident in roadmaps.roadmap_ids():
            tree = roadmaps.load(ident)
            names = {s.id: s.name for s in tree.schools}
            for row in tree.measures_in_order():
                out.append(
                    {
                        "number": row.number,
                        "title": row.title,
                        "responsible": row.responsible,
                        "status": row.status,
                        "note": row.note,
                        "schools": sorted(names[s] for s in row.school_ids),
                    }
                )
        return out
    finally:
        database.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def first_measure(where: str | Path, index: int = 0) -> int:
    database, roadmaps = service(where)
    try:
        tree = roadmaps.load(roadmaps.roadmap_ids()[0])
        return tree.measures_in_order()[index].id
    finally:
        database.close()


def edit(where: str | Path, index: int, **changes: Any) -> None:
    database, roadmaps = service(where)
    try:
        roadmaps.edit_measure(first_measure(where, index), None, changes)
    finally:
        database.close()


def test_the_first_sync_carries_the_roadmap_whole_and_a_second_changes_nothing(
    districts: dict[str, Any],
) -> None:
    files, urls = districts["files"], districts["urls"]
    first = sync(districts, "mokshan")
    rows = measures(files["mokshan"])
    assert first["roadmaps_pushed"] == 1 and first["pushed"] >= len(rows) > 30 and first["conflicts"] == []
    assert measures(urls["mokshan"]) == measures(files["mokshan"])  # the server has it as the file
    assert measures(urls["kusa"]) == []  # the other district sees none of it
    assert len(measures(urls["ministry"])) == len(measures(files["mokshan"]))

    before = file_digest(files["mokshan"])
    with psycopg.connect(districts["admin"]) as admin:
        lines = admin.execute("SELECT count(*) FROM change_log").fetchone()
        settings = admin.execute("SELECT key, version FROM file_settings ORDER BY key").fetchall()
    again = sync(districts, "mokshan")
    assert again == {
        "pushed": 0, "pulled": 0, "conflicts": [], "roadmaps_pushed": 0, "roadmaps_pulled": 0, "other": 0,
    }  # fmt: skip
    assert file_digest(files["mokshan"]) == before  # the file is not even written
    with psycopg.connect(districts["admin"]) as admin:
        assert admin.execute("SELECT count(*) FROM change_log").fetchone() == lines
        assert admin.execute("SELECT key, version FROM file_settings ORDER BY key").fetchall() == settings


def test_changes_go_both_ways_and_conflicts_are_kept_on_both_sides_until_they_agree(
    districts: dict[str, Any],
) -> None:
    files, urls = districts["files"], districts["urls"]
    sync(districts, "mokshan")
    edit(files["mokshan"], 0, note="отметка района")
    edit(urls["mokshan"], 1, responsible="Петрова А. А. (регион)")
    edit(files["mokshan"], 2, status="done")
    edit(urls["mokshan"], 2, status="not_done")

    answer = sync(districts, "mokshan")
    assert (answer["pushed"], answer["pulled"]) == (1, 1)
    [conflict] = answer["conflicts"]
    assert (conflict["field"], conflict["file"], conflict["server"]) == ("status", "done", "not_done")
    here, there = measures(files["mokshan"]), measures(urls["mokshan"])
    assert here[0]["note"] == there[0]["note"] == "отметка района"
    assert here[1]["responsible"] == there[1]["responsible"] == "Петрова А. А. (регион)"
    assert (here[2]["status"], there[2]["status"]) == ("done", "not_done")  # each keeps its own

    # not settled silently: the next run says it again, with nothing else to carry
    again = sync(districts, "mokshan")
    assert (again["pushed"], again["pulled"], len(again["conflicts"])) == (0, 0, 1)
    # a person on the server agrees with the district: the conflict is gone
    edit(urls["mokshan"], 2, status="done")
    settled = sync(districts, "mokshan")
    assert settled["conflicts"] == []
    assert measures(files["mokshan"]) == measures(urls["mokshan"])
