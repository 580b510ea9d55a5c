"""Report sheets for schools: one workbook per school, made by the command line on a real file and
read back with openpyxl as Excel would open it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook

from desktop.exports.school_sheets import FILLED, HEAD_ROW, IDS_TITLE, SHEET_TITLE
from desktop.services.identity import file_identity
from models.storage.database import open_database
from tests.conftest import cli_json


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
