"""Execution school by school: each school's record of a measure, the measure's status made from
them, written through the command line as a separate process on a real file, and undone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from desktop.services.commands import EditSchoolRecordCommand
from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.conftest import cli_json, run_cli, sha256

TUBA, SIXTEEN = "МБОУ «Тубинская СОШ»", "МКОУ СОШ № 16"


def measure(db: Path, title: str) -> dict[str, Any]:
    roadmap = cli_json("dump", "--db", str(db))["roadmaps"][0]
    found = [m for s in roadmap["sections"] for m in s["measures"] if m["title"].startswith(title)]
    return found[0]


def test_schools_report_one_by_one_and_the_measure_follows(small_db: Path) -> None:
    seminar = measure(small_db, "Семинар")
    ident = str(seminar["id"])
    out = cli_json("set", "--db", str(small_db), "--measure", ident, f"schools={TUBA}; мкоу сош № 16")
    assert out["changed"] == ["schools"]
    seminar = measure(small_db, "Семинар")
    assert seminar["schools"] == [TUBA, SIXTEEN] and seminar["status"] == "planned"
    assert [(e["school"], e["status"], e["by"]) for e in seminar["execution"]] == [
        (TUBA, "planned", ""),
        (SIXTEEN, "planned", ""),
    ]

    done = cli_json(
        "set", "--db", str(small_db), "--measure", ident, "--school", "мкоу сош № 16",
        "status=выполнено", "done_on=05.03.2024", "note=Протокол № 3",
    )  # fmt: skip
    assert done["changed"] == ["status", "done_on", "note"] and done["version"] == 1
    seminar = measure(small_db, "Семинар")
    assert seminar["status"] == "in_progress"  # one of two schools done
    record = seminar["execution"][1]
    assert (
        record["status"] == "done" and record["done_on"] == "2024-03-05" and record["note"] == "Протокол № 3"
    )
    assert record["by"]  # the computer's account: nobody said who they are

    cli_json(
        "set",
        "--db",
        str(small_db),
        "--measure",
        ident,
        "--school",
        TUBA,
        "status=done",
        "done_on=2024-04-01",
    )
    seminar = measure(small_db, "Семинар")
    assert seminar["status"] == "done" and seminar["done_on"] == "2024-04-01"  # all done: on the last date
    service = RoadmapService(open_database(small_db), Actor("Тест", "ПК"))
    assert service.list_roadmaps()[0].done == 1  # the roadmap list counts it as the grid shows it
    service.db.close()

    with sqlite3.connect(small_db) as conn:
        logged = conn.execute(
            "SELECT field, old, new FROM change_log "
            "WHERE entity='measure' AND entity_id=? AND field LIKE 'status#%'",
            (seminar["id"],),
        ).fetchall()
    conn.close()
    assert len(logged) == 2 and all(new == "done" for _f, _o, new in logged)


def test_the_measures_own_status_is_refused_once_schools_report(small_db: Path) -> None:
    first = measure(small_db, "Создание")  # concerns МКОУ СОШ № 16
    ident = str(first["id"])
    cli_json("set", "--db", str(small_db), "--measure", ident, "--school", SIXTEEN, "status=in_progress")
    before = sha256(small_db)
    typed = run_cli("set", "--db", str(small_db), "--measure", ident, "status=done")
    assert typed.returncode == 1 and "складывается из отчётов школ" in typed.stderr
    other = run_cli("set", "--db", str(small_db), "--measure", ident, "--school", TUBA, "status=done")
    assert other.returncode == 1 and "не указана у мероприятия" in other.stderr and SIXTEEN in other.stderr
    unknown = run_cli("set", "--db", str(small_db), "--measure", ident, "schools=Школа № 999")
    assert unknown.returncode == 1 and "нет в дорожной карте" in unknown.stderr and TUBA in unknown.stderr
    wrong = run_cli("set", "--db", str(small_db), "--measure", ident, "--school", SIXTEEN, "title=x")
    assert wrong.returncode == 1 and "не относится к отчёту школы" in wrong.stderr
    assert sha256(small_db) == before
    assert "Traceback" not in typed.stderr + other.stderr + unknown.stderr + wrong.stderr


def test_a_first_report_undone_leaves_the_school_unreported(small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1", person="Т.Е. Петрова"))
    try:
        tree = service.load(1)
        row = next(m for m in tree.measures.values() if m.school_ids)
        school_id = row.school_ids[0]
        command = EditSchoolRecordCommand(row.id, school_id, 0, {"status": "done"}, row.roadmap_id, SIXTEEN)
        service.operations.apply(command)
        after = service.measure(row.id)
        assert after.status == "done" and after.execution[0].by == "Т.Е. Петрова"
        assert command.label == f"Отчёт школы «{SIXTEEN}»: статус"
        service.operations.revert(command)
        back = service.measure(row.id)
        assert back.status == row.status and back.derived is None and back.execution[0].record_id is None
        service.operations.apply(command)  # redo
        assert service.measure(row.id).status == "done"
    finally:
        service.db.close()
    with sqlite3.connect(small_db) as conn:
        people = {p for (p,) in conn.execute("SELECT person FROM change_log WHERE field LIKE 'status#%'")}
    conn.close()
    assert people == {"Т.Е. Петрова"}  # the change log names the person, not only the account


def test_a_deleted_measure_comes_back_with_its_schools_reports(small_db: Path) -> None:
    """Deleting a measure deletes the schools' records with it; undoing the deletion (of the
    measure or of its section) puts them back as they were, in the file."""
    from desktop.services.commands import DeleteMeasuresCommand, DeleteSectionCommand

    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1", person="Т.Е. Петрова"))
    try:
        tree = service.load(1)
        row = next(m for m in tree.measures.values() if m.school_ids)
        school_id = row.school_ids[0]
        report = EditSchoolRecordCommand(row.id, school_id, 0, {"status": "done", "note": "Акт № 2"})
        service.operations.apply(report)
        reported = service.measure(row.id)
        deletion = DeleteMeasuresCommand.for_rows([reported])
        service.operations.apply(deletion)
        service.operations.revert(deletion)
        back = service.measure(row.id)
        assert back.status == "done" and back.execution[0].note == "Акт № 2"
        assert back.execution[0].by == "Т.Е. Петрова"
        section = DeleteSectionCommand(row.section_id, None, row.roadmap_id)
        service.operations.apply(section)
        service.operations.revert(section)
        assert service.measure(row.id).execution[0].note == "Акт № 2"
    finally:
        service.db.close()
    with sqlite3.connect(small_db) as conn:
        (note,) = conn.execute(
            "SELECT note FROM school_executions WHERE measure_id=? AND school_id=?", (row.id, school_id)
        ).fetchone()
    conn.close()
    assert note == "Акт № 2"


def test_the_history_names_the_school_and_the_person(small_db: Path, tmp_path: Path, qtbot: Any) -> None:
    """F9's history says «Статус — МКОУ СОШ № 16» and the person's name, not «status#2» and the
    computer's account; a file attached reads «добавлен «акт.pdf»»."""
    from ui.history_panel import HistoryPanel

    service = RoadmapService(open_database(small_db), Actor("user1", "ПК-1", person="Т.Е. Петрова"))
    try:
        row = next(m for m in service.load(1).measures.values() if m.school_ids)
        service.edit_school_record(row.id, SIXTEEN, None, {"status": "done"})
        scan = tmp_path / "акт.pdf"
        scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
        service.attach(row.id, SIXTEEN, scan)
        entries = service.history(row.id)
        panel = HistoryPanel()
        qtbot.addWidget(panel)
        panel.show_entries(entries)
    finally:
        service.db.close()
    lines = [[panel.table.item(r, c).text() for c in range(4)] for r in range(panel.table.rowCount())]
    assert lines[0][1:] == ["Т.Е. Петрова (ПК-1)", f"файл — {SIXTEEN}", "добавлен «акт.pdf»"]
    assert lines[1][1:] == ["Т.Е. Петрова (ПК-1)", f"Статус — {SIXTEEN}", "запланировано → выполнено"]
