"""The same program against a real PostgreSQL (issue 18, first step): an empty database made ours by
the migrations, a roadmap written, edited, undone and a colleague's stale save refused — on the
server, as on a file; a database that is not ours, or a server that is not there, said in Russian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from desktop.services.commands import EditMeasureCommand
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import write_roadmap
from models.domain.errors import StaleEditError
from models.entities import Base
from models.storage import migrations
from models.storage.errors import NotRoadmapFileError, StorageError
from models.storage.server import is_server_address, open_server, shown_address
from tests.conftest import SMALL_ROADMAP, cli_json, operations_of, run_cli


def test_an_empty_server_database_gets_the_schema_the_models_declare(pg_url: str) -> None:
    database = open_server(pg_url)
    database.close()
    with psycopg.connect(pg_url) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
            )
        }
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
        columns = {
            (table, column)
            for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema='public'"
            )
        }
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert revision == migrations.HEAD
    declared = {(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns}
    assert declared <= columns
    open_server(pg_url).close()  # opened again: nothing to do, nothing refused


def test_a_roadmap_is_edited_undone_and_a_stale_save_refused_on_the_server(pg_url: str) -> None:
    write_roadmap(operations_of(open_server(pg_url)), SMALL_ROADMAP)
    mine = RoadmapService(open_server(pg_url), Actor("Петрова", "ПК-1"))
    theirs = RoadmapService(open_server(pg_url), Actor("Иванов", "ПК-2"))
    try:
        tree = mine.load(1)
        assert len(tree.measures) == 3 and tree.schools
        row = tree.measures_in_order()[0]
        first = EditMeasureCommand.for_row(row, {"note": "первая"})
        second = EditMeasureCommand.for_row(mine.measure(row.id), {"note": "вторая"})
        mine.operations.apply(first)
        second = EditMeasureCommand.for_row(mine.measure(row.id), {"note": "вторая"})
        mine.operations.apply(second)
        mine.operations.revert(second)
        mine.operations.revert(first)
        assert mine.measure(row.id).note == row.note  # two edits of one cell undone in turn
        seen = theirs.measure(row.id)
        mine.edit_measure(row.id, None, {"responsible": "Методист"})
        with pytest.raises(StaleEditError, match="уже изменено другим пользователем"):
            theirs.edit_measure(row.id, seen.version, {"responsible": "Иное"})
        assert theirs.measure(row.id).responsible == "Методист"
        history = mine.history(row.id)
        assert [h["field"] for h in history][:1] == ["responsible"] and history[0]["user"] == "Петрова"
    finally:
        mine.db.close()
        theirs.db.close()


def test_what_is_not_our_server_is_said_in_russian(pg_server: Any) -> None:
    foreign = pg_server.new_database()
    with psycopg.connect(foreign) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    with pytest.raises(NotRoadmapFileError, match="не пуста и не создана этой программой"):
        open_server(foreign)
    missing = pg_server.url("no_such_database")
    with pytest.raises(StorageError, match="нет базы данных"):
        open_server(missing)
    nowhere = "postgresql://user:secret@127.0.0.1:9/region"
    with pytest.raises(StorageError, match="Нет связи с сервером") as refused:
        open_server(nowhere)
    assert "secret" not in refused.value.message  # the password is never shown
    assert is_server_address(nowhere) and not is_server_address("/home/u/Дорожные карты.sqlite")
    assert shown_address(nowhere) == "postgresql://user@127.0.0.1:9/region"


def test_the_commands_work_on_the_server_as_on_a_file(pg_url: str, tmp_path: Path) -> None:
    """The command line with a PostgreSQL URL for --db: a real roadmap imported, dumped, edited,
    checked, exported and read back; what only a file has is refused in Russian."""
    from pypdf import PdfReader

    seed = Path(__file__).parent / "data" / "seeds" / "000.docx"
    imported = cli_json("import", str(seed), "--db", pg_url)
    assert imported["measures"] > 20
    roadmap = cli_json("dump", "--db", pg_url)["roadmaps"][0]
    first = roadmap["sections"][0]["measures"][0]
    changed = cli_json(
        "set", "--db", pg_url, "--measure", str(first["id"]), "status=done", "done_on=01.03.2024"
    )
    assert changed["changed"] == ["status", "done_on"]
    again = cli_json("dump", "--db", pg_url)["roadmaps"][0]["sections"][0]["measures"][0]
    assert (again["status"], again["done_on"], again["version"]) == (
        "done",
        "2024-03-01",
        first["version"] + 1,
    )
    stale = run_cli("set", "--db", pg_url, "--measure", str(first["id"]), "--expect-version",
                    str(first["version"]), "note=x")  # fmt: skip
    assert stale.returncode == 1 and "уже изменено другим пользователем" in stale.stderr
    checked_run = run_cli("check", "--db", pg_url)
    assert "сетевой папке" not in checked_run.stderr  # a server is no file on a share
    checked = cli_json("check", "--db", pg_url)
    assert (
        checked["ok"] and checked["schema"] == migrations.HEAD and checked["measures"] == imported["measures"]
    )
    out = tmp_path / "отчёт.pdf"
    cli_json("export", "--db", pg_url, "--roadmap", str(roadmap["id"]), "--pdf", str(out), "--report")
    assert "выполнено" in "".join(page.extract_text() for page in PdfReader(out).pages)
    for refused in (
        run_cli("backups", "--db", pg_url),
        run_cli("take-copy", "--db", pg_url, "--out", str(tmp_path / "к.sqlite")),
        run_cli("demo", "--db", pg_url),
    ):
        assert refused.returncode == 1 and "Traceback" not in refused.stderr and refused.stderr.strip()
