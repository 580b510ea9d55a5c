"""Report sheets for schools: one workbook per school, made by the command line on a real file and
read back with openpyxl as Excel would open it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop.exports.school_sheets import FILLED, HEAD_ROW, IDS_TITLE, SHEET_TITLE
from desktop.services.identity import file_identity
from models.storage.database import open_database
from tests.conftest import cli_json, run_cli, sha256


def test_a_sheet_per_school_locked_but_for_its_three_columns_and_signed(
    demo_db: Path, tmp_path: Path
) -> None:
    out = cli_json("school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path / "листы"))
    sheets = out["sheets"]
    assert len(sheets) == 5 and all(Path(s["out"]).is_file() for s in sheets)
    assert len({s["out"] for s in sheets}) == 5 and not list((tmp_path / "листы").glob("*.part"))
    first = next(s for s in sheets if "Араслановская" in s["school"])
    assert re.fullmatch(r"Отчёт школы \d{4} — МКОУ «Араслановская СОШ»\.xlsx", Path(first["out"]).name)
    dump = cli_json("dump", "--db", str(demo_db), "--roadmap", "3")["roadmaps"][0]
    concerning = [
        m for s in dump["sections"] for m in s["measures"] if "МКОУ «Араслановская СОШ»" in m["schools"]
    ]
    assert first["measures"] == len(concerning) > 0

    book = load_workbook(first["out"])
    sheet = book[SHEET_TITLE]
    assert sheet.protection.sheet and book.security is not None and book.security.lockStructure
    rows = range(HEAD_ROW + 1, HEAD_ROW + 1 + first["measures"])
    assert [sheet.cell(r, 2).value for r in rows] == [m["title"] for m in concerning]
    for r in rows:
        for column in range(1, 8):
            assert sheet.cell(r, column).protection.locked == (column not in FILLED)
    (validation,) = sheet.data_validations.dataValidation
    assert "выполнено" in validation.formula1 and f"E{HEAD_ROW + 1}" in str(validation.sqref)
    ids = book[IDS_TITLE]
    assert ids.sheet_state == "veryHidden"
    head = json.loads(ids["A1"].value)
    lines = [json.loads(ids.cell(r, 1).value) for r in range(3, 3 + first["measures"])]
    assert [line[0] for line in lines] == [m["id"] for m in concerning]
    database = open_database(demo_db)
    identity = file_identity(database)
    database.close()
    assert head["file"] == identity.file_id and head["school"] == "МКОУ «Араслановская СОШ»"
    assert identity.signed({"head": head, "rows": lines}, ids["A2"].value)
    lines[0][2] = "done" if lines[0][2] != "done" else "planned"  # a base value altered: not ours
    assert not identity.signed({"head": head, "rows": lines}, ids["A2"].value)

    again = cli_json("school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path / "ещё"))
    head_again = json.loads(load_workbook(again["sheets"][0]["out"])[IDS_TITLE]["A1"].value)
    assert head_again["file"] == head["file"] and head_again["sheet"] != head["sheet"]  # same file, new sheet
    assert cli_json(
        "school-sheets", "--db", str(demo_db), "--roadmap", "2", "--out", str(tmp_path / "нет")
    ) == {"sheets": []}  # a roadmap without schools has nobody to report


def _fill(path: Path, rows: dict[int, tuple[str | None, Any, str | None]]) -> None:
    """A director fills the sheet: row offset -> (status, date, note); None leaves a cell."""
    book = load_workbook(path)
    sheet = book[SHEET_TITLE]
    for offset, values in rows.items():
        for column, value in zip(FILLED, values, strict=True):
            if value is not None:
                sheet.cell(HEAD_ROW + 1 + offset, column, value)
    book.save(path)


def test_five_schools_sheets_come_back_conflicts_are_told_and_bad_sheets_change_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    made = cli_json("school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path))["sheets"]
    for number, sheet in enumerate(made):  # each director marks the first row done with evidence
        _fill(Path(sheet["out"]), {0: ("выполнено", date(2026, 3, number + 1), f"Протокол № {number + 1}")})
    first = made[0]
    dry = cli_json("take-sheet", first["out"], "--db", str(demo_db), "--dry-run")
    assert dry["applied"] == 1 and dry["conflicts"] == []
    before = sha256(demo_db)
    assert cli_json("take-sheet", first["out"], "--db", str(demo_db), "--dry-run") == dry
    assert sha256(demo_db) == before  # a dry run writes nothing

    # a colleague changes school 2's record of that measure after the sheets went out
    dump = cli_json("dump", "--db", str(demo_db), "--roadmap", "3")["roadmaps"][0]
    measure = next(m for s in dump["sections"] for m in s["measures"] if made[1]["school"] in m["schools"])
    cli_json(
        "set",
        "--db",
        str(demo_db),
        "--measure",
        str(measure["id"]),
        "--school",
        made[1]["school"],
        "note=Справка координатора",
    )

    results = [cli_json("take-sheet", s["out"], "--db", str(demo_db)) for s in made]
    assert [r["applied"] for r in results] == [1, 1, 1, 1, 1]
    assert results[1]["conflicts"] == [
        {
            "measure": measure["id"],
            "number": measure["number"],
            "school": made[1]["school"],
            "field": "note",
            "file": "Справка координатора",
            "sheet": "Протокол № 2",
        }
    ]  # the file's value kept, the sheet's told
    after = cli_json("dump", "--db", str(demo_db), "--roadmap", "3")["roadmaps"][0]
    records = {
        e["school"]: e
        for s in after["sections"]
        for m in s["measures"]
        if m["id"] == measure["id"]
        for e in m["execution"]
    }
    assert (
        records[made[0]["school"]]["note"] == "Протокол № 1"
        and records[made[0]["school"]]["done_on"] == "2026-03-01"
    )
    assert (
        records[made[1]["school"]]["note"] == "Справка координатора"
        and records[made[1]["school"]]["status"] == "done"
    )
    assert all(r["by"] for r in records.values())

    before = sha256(demo_db)
    twice = run_cli("take-sheet", made[0]["out"], "--db", str(demo_db))
    assert twice.returncode == 1 and "уже принят" in twice.stderr
    fresh = cli_json(
        "school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path / "заново")
    )
    before = sha256(demo_db)  # the file's identity was made with the first sheets: nothing new written
    moved = tmp_path / "переставлен.xlsx"
    book = load_workbook(fresh["sheets"][2]["out"])
    book[SHEET_TITLE].cell(HEAD_ROW + 1, 2, "Другое мероприятие")
    book.save(moved)
    tampered = run_cli("take-sheet", str(moved), "--db", str(demo_db))
    assert tampered.returncode == 1 and "переписаны" in tampered.stderr
    book = load_workbook(fresh["sheets"][3]["out"])
    line = json.loads(book[IDS_TITLE]["A3"].value)
    line[1] += 1  # the record's version as made: altered by hand
    book[IDS_TITLE]["A3"] = json.dumps(line, ensure_ascii=False)
    book.save(tmp_path / "подделан.xlsx")
    forged = run_cli("take-sheet", str(tmp_path / "подделан.xlsx"), "--db", str(demo_db))
    assert forged.returncode == 1 and "изменён вне разрешённых" in forged.stderr
    broken = tmp_path / "сломан.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    damaged = run_cli("take-sheet", str(broken), "--db", str(demo_db))
    assert damaged.returncode == 1 and "не открывается" in damaged.stderr
    assert sha256(demo_db) == before  # none of them changed the file
    assert "Traceback" not in twice.stderr + tampered.stderr + forged.stderr + damaged.stderr


def test_a_sheet_of_another_file_is_refused(demo_db: Path, small_db: Path, tmp_path: Path) -> None:
    made = cli_json("school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path))["sheets"]
    cli_json("school-sheets", "--db", str(small_db), "--roadmap", "1", "--out", str(tmp_path / "малый"))
    before = sha256(small_db)
    foreign = run_cli("take-sheet", made[0]["out"], "--db", str(small_db))
    assert foreign.returncode == 1 and "из другого файла" in foreign.stderr
    assert sha256(small_db) == before


def test_taking_a_sheet_is_one_step_undone_whole(demo_db: Path, tmp_path: Path) -> None:
    from desktop.services.identity import existing_identity
    from desktop.services.roadmap import Actor, RoadmapService
    from desktop.services.sheet_intake import TakeSheetCommand, read_sheet

    made = cli_json("school-sheets", "--db", str(demo_db), "--roadmap", "3", "--out", str(tmp_path))["sheets"]
    sheet = Path(made[4]["out"])
    _fill(sheet, {0: ("не выполнено", None, "Не сформирована группа"), 1: ("выполнено", "12.03.2026", None)})
    before = cli_json("dump", "--db", str(demo_db), "--roadmap", "3")
    service = RoadmapService(open_database(demo_db), Actor("Петрова", "ПК-1", person="Т.Е. Петрова"))
    try:
        identity = existing_identity(service.db)
        assert identity is not None
        reading = read_sheet(sheet, identity, service.db, service.actor)
        assert len(reading.edits) == 2
        command = TakeSheetCommand(reading)
        service.operations.apply(command)
        assert cli_json("dump", "--db", str(demo_db), "--roadmap", "3") != before
        service.operations.revert(command)
        assert cli_json("dump", "--db", str(demo_db), "--roadmap", "3") == before  # all of it back
        again = read_sheet(sheet, identity, service.db, service.actor)
        assert len(again.edits) == 2  # and it may be taken again
    finally:
        service.db.close()


def test_the_window_sends_sheets_and_takes_one_back_choosing_the_schools_value(
    qtbot: Any, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog, QFileDialog, QLabel

    from desktop.services import files
    from ui import export_actions, school_sheet_actions
    from ui.main_window import MainWindow

    opened = files.open_file(demo_db)
    window = MainWindow(opened.service, str(demo_db), session=opened.session)
    qtbot.addWidget(window)
    window.show()
    window.list_view.selectRow(2)  # Нязепетровск: its schools
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(tmp_path))
    monkeypatch.setattr(export_actions, "show_in_folder", lambda _path: None)
    window.school_sheets.send()
    sheets = sorted(tmp_path.glob("*.xlsx"))
    assert len(sheets) == 5
    sheet = next(p for p in sheets if "Араслановская" in p.name)
    _fill(sheet, {0: (None, None, "Протокол школы")})
    tree = window.grid_model.tree
    assert tree is not None
    first = next(m for m in tree.measures_in_order() if m.school_ids)
    school = next(s for s in tree.schools if s.name == "МКОУ «Араслановская СОШ»")
    window.service.edit_school_record(first.id, school.name, None, {"note": "Запись координатора"})

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(sheet), ""))
    previews: list[school_sheet_actions.SheetPreview] = []

    def choose(self: school_sheet_actions.SheetPreview) -> int:
        previews.append(self)
        for box, _conflict in self.boxes:
            box.setChecked(True)  # take the school's value
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(school_sheet_actions.SheetPreview, "exec", choose)
    window.school_sheets.take()
    (preview,) = previews
    assert len(preview.boxes) == 1 and preview.boxes[0][0].text() == "у школы"
    assert any("Запись координатора" in label.text() for label in preview.findChildren(QLabel))
    record = next(r for r in window.service.measure(first.id).execution if r.school_id == school.id)
    assert record.note == "Протокол школы"
    assert window.undo_stack.undoText() == "Принятие отчёта школы"
    window.undo_stack.undo()
    record = next(r for r in window.service.measure(first.id).execution if r.school_id == school.id)
    assert record.note == "Запись координатора"
    window.session.close()
    window.service.db.close()


def test_rows_written_as_text_read_back_as_written(tmp_path: Path) -> None:
    """The rows spliced into a workbook as text (desktop/exports/sheet_rows.py) hold what openpyxl
    itself would: markup and formulas as text, spaces kept, control characters dropped, dates as
    dates, the styles and heights given."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Protection

    from desktop.exports.sheet_rows import RowText, save_with_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист")
    free = WriteOnlyCell(sheet)
    free.protection = Protection(locked=False)
    free.number_format = "DD.MM.YYYY"
    sheet.append(["шапка"])
    rows = RowText()
    hostile = "<b>жирный</b> & «кавычки» =SUM(A1:A9)"
    rows.add(
        2,
        [(hostile, None), ("  с пробелами ", None), ("a\x01b\x0bc", None), (date(2024, 3, 5), free.style_id)],
        45,
    )
    rows.add(3, [(None, free.style_id), ("", None), (7, None)])
    out = tmp_path / "rows.xlsx"
    save_with_rows(book, out, {0: rows})
    page = load_workbook(out)["Лист"]
    assert [page.cell(2, c).value for c in range(1, 4)] == [hostile, "  с пробелами ", "ab\nc"]
    assert page.cell(2, 4).value.date() == date(2024, 3, 5) and page.cell(2, 4).number_format == "DD.MM.YYYY"
    assert page.cell(2, 4).protection.locked is False and page.cell(3, 1).protection.locked is False
    assert page.row_dimensions[2].height == 45 and page.cell(3, 3).value == 7
    assert page.cell(1, 1).value == "шапка" and page.max_row == 3
