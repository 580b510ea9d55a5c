"""A copy that travels: taken, edited in other processes (as on another PC), merged back through
the command line and the window; conflicts, a second merge, undo, and copies that are not this
file's — each checked on the files on disk."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop.services.commands import DeleteMeasuresCommand, InsertMeasureCommand, InsertSectionCommand
from desktop.services.copies import read_copy, take_copy
from desktop.services.copy_merge import MergeCopyCommand
from desktop.services.copy_reading import CopyError
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import write_roadmap
from models.storage import migrations
from models.storage.database import create_database, open_database
from tests.conftest import SMALL_ROADMAP, cli_json, operations_of, run_cli, sha256
from tests.test_grid import window  # noqa: F401  # the fixture: the window on the small file

SIXTEEN = "МКОУ СОШ № 16"
PDF = b"%PDF-1.4\n" + b"1" * 3000 + b"\n%%EOF\n"


def measures(db: Path) -> dict[str, dict[str, Any]]:
    """The dump's measures by the first word of their title."""
    roadmap = cli_json("dump", "--db", str(db))["roadmaps"][0]
    found: dict[str, dict[str, Any]] = {}

    def walk(sections: list[dict[str, Any]]) -> None:
        for section in sections:
            for measure in section["measures"]:
                found[measure["title"].split()[0]] = measure
            walk(section.get("sections", []))

    walk(roadmap["sections"])
    return found


def downgrade(path: Path, revision: str) -> None:
    """The file brought back to an earlier schema by the migrations' own downgrade."""
    from alembic import command
    from alembic.config import Config

    from models.storage.engine import make_engine

    config = Config()
    config.set_main_option("script_location", str(migrations.SCRIPT_LOCATION))
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # as the upgrade does: batch mode re-creates tables
            with connection.begin():
                config.attributes["connection"] = connection
                command.downgrade(config, revision)
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)
    conn.close()


def unversioned(found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {word: {k: v for k, v in m.items() if k != "version"} for word, m in found.items()}


def test_a_copy_edited_in_other_processes_comes_back_and_a_second_merge_changes_nothing(
    small_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "флешка" / "копия.sqlite"
    copy.parent.mkdir()
    taken = cli_json("take-copy", "--db", str(small_db), "--out", str(copy))
    assert taken["out"] == str(copy) and copy.is_file()
    ids = {word: str(m["id"]) for word, m in measures(small_db).items()}
    # on the other PC: a school's record, a measure's fields, a file attached
    cli_json("set", "--db", str(copy), "--measure", ids["Создание"], "--school", SIXTEEN,
             "status=done", "done_on=12.03.2024", "note=Протокол № 5")  # fmt: skip
    cli_json("set", "--db", str(copy), "--measure", ids["Консультации"], "responsible=Методист Иванова")
    cli_json("set", "--db", str(copy), "--measure", ids["Семинар"], "title=Семинар (перенесён)")
    scan = tmp_path / "протокол.pdf"
    scan.write_bytes(PDF)
    cli_json("attach", str(scan), "--db", str(copy), "--measure", ids["Создание"], "--school", SIXTEEN)
    # meanwhile in the office: the same title changed otherwise, another field left alone
    cli_json("set", "--db", str(small_db), "--measure", ids["Семинар"], "title=Семинар директоров (офис)")

    before = sha256(small_db)
    dry = cli_json("merge-copy", str(copy), "--db", str(small_db), "--dry-run")
    assert sha256(small_db) == before
    merged = cli_json("merge-copy", str(copy), "--db", str(small_db))
    assert merged == dry
    assert merged["applied"] == 2 and merged["unchanged"] == 0
    (conflict,) = merged["conflicts"]
    assert conflict["field"] == "title" and conflict["file"] == "Семинар директоров (офис)"
    assert conflict["sheet"] == conflict["copy"] == "Семинар (перенесён)"

    after = measures(small_db)
    record = after["Создание"]["execution"][0]
    assert (record["school"], record["status"], record["done_on"], record["note"]) == (
        SIXTEEN, "done", "2024-03-12", "Протокол № 5",
    )  # fmt: skip
    assert after["Консультации"]["responsible"] == "Методист Иванова"
    assert after["Семинар"]["title"] == "Семинар директоров (офис)"  # the conflict keeps the file's
    assert [(e["school"], e["name"], e["size"]) for e in after["Создание"]["evidence"]] == [
        (SIXTEEN, "протокол.pdf", len(PDF))
    ]
    with sqlite3.connect(small_db) as conn:
        (data,) = conn.execute("SELECT data FROM attachments").fetchone()
    conn.close()
    assert data == PDF

    settled = sha256(small_db)
    again = cli_json("merge-copy", str(copy), "--db", str(small_db))
    assert again == {"applied": 0, "conflicts": [], "unchanged": 0}
    assert sha256(small_db) == settled
    # the copy goes on being used: only what is new comes back
    cli_json("set", "--db", str(copy), "--measure", ids["Консультации"], "note=Проведены 3 из 4")
    third = cli_json("merge-copy", str(copy), "--db", str(small_db))
    assert third["applied"] == 1 and third["conflicts"] == []
    assert measures(small_db)["Консультации"]["note"] == "Проведены 3 из 4"


def test_copies_that_are_not_this_files_are_refused_and_nothing_changes(
    small_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "другой.sqlite"
    database = create_database(other)
    write_roadmap(operations_of(database), SMALL_ROADMAP)
    database.close()
    foreign = tmp_path / "копия другого.sqlite"
    cli_json("take-copy", "--db", str(other), "--out", str(foreign))
    own = tmp_path / "копия.sqlite"
    cli_json("take-copy", "--db", str(small_db), "--out", str(own))
    of_copy = tmp_path / "копия копии.sqlite"
    cli_json("take-copy", "--db", str(own), "--out", str(of_copy))
    plain = tmp_path / "просто файл.sqlite"
    shutil.copy(small_db, plain)
    damaged = tmp_path / "повреждённая.sqlite"
    damaged.write_bytes(own.read_bytes()[:4096] + b"\x00" * 4096)
    not_a_db = tmp_path / "письмо.sqlite"
    not_a_db.write_text("это не база", encoding="utf-8")
    before = sha256(small_db)
    for path, words in [
        (foreign, "копия другого файла"),
        (plain, "не копия, взятая этой программой"),
        (of_copy, "из другой его копии"),
        (damaged, "не открывается как файл дорожных карт"),
        (not_a_db, "не открывается как файл дорожных карт"),
        (tmp_path / "нет.sqlite", "не найдена"),
        (small_db, "сам открытый файл"),
    ]:
        done = run_cli("merge-copy", str(path), "--db", str(small_db))
        assert done.returncode == 1 and words in done.stderr, (path.name, done.stderr)
        assert "Traceback" not in done.stderr
    assert sha256(small_db) == before
    # the copy of the copy does merge into the copy it was taken from
    cli_json("set", "--db", str(of_copy), "--measure", "1", "note=из копии копии")
    assert cli_json("merge-copy", str(of_copy), "--db", str(own))["applied"] == 1


def test_rows_added_and_deleted_in_the_copy_come_back_and_undo_takes_the_merge_back_whole(
    small_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "копия.sqlite"
    office = RoadmapService(open_database(small_db), Actor("Иванова", "ОФИС"))
    take_copy(office.db, copy, "Иванова")
    away = RoadmapService(open_database(copy), Actor("Петров", "ДОМ"))
    try:
        tree = away.load(1)
        first_section = tree.top[0][1]
        seminar = next(m for m in tree.measures.values() if m.title.startswith("Семинар"))
        section = InsertSectionCommand(1, None, len(tree.top) + 1, "Новый раздел из копии")
        away.operations.apply(section)
        added = InsertMeasureCommand(1, section.section_id, 1)
        away.operations.apply(added)
        assert added.measure_id is not None
        school = tree.schools[0]
        away.edit_measure(added.measure_id, None, {"title": "Выезд в школы", "schools": [school.id]})
        beside = InsertMeasureCommand(1, first_section, 2)  # positions count from 1
        away.operations.apply(beside)
        assert beside.measure_id is not None
        away.edit_measure(beside.measure_id, None, {"title": "Совещание после создания группы"})
        away.operations.apply(DeleteMeasuresCommand.for_rows([away.measure(seminar.id)]))
    finally:
        away.db.close()
    # the office added its own measure meanwhile: the same id the copy's new one got
    own = InsertMeasureCommand(1, office.load(1).top[-1][1], 1)
    office.operations.apply(own)
    office.edit_measure(own.measure_id or 0, None, {"title": "Своё мероприятие офиса"})
    before = measures(small_db)

    reading = read_copy(copy, office.db, office.actor)
    assert len(reading.new_sections) == 1 and len(reading.new_measures) == 2
    assert reading.deletions == [seminar.id]
    merge = MergeCopyCommand(reading)
    office.operations.apply(merge)
    after = measures(small_db)
    assert "Семинар" not in after and after["Своё"]["title"] == "Своё мероприятие офиса"
    assert after["Выезд"]["schools"] == [school.name]
    assert after["Совещание"]["number"] == "1.2"  # placed after the measure it followed in the copy
    assert after["Выезд"]["id"] != after["Своё"]["id"]
    roadmap = cli_json("dump", "--db", str(small_db))["roadmaps"][0]
    assert roadmap["sections"][-1]["title"] == "Новый раздел из копии"

    office.operations.revert(merge)  # undo: the file as it was before the merge (versions go on)
    assert unversioned(measures(small_db)) == unversioned(before)
    office.operations.apply(merge)  # redo
    assert measures(small_db).keys() == after.keys()
    office.operations.revert(merge)
    again = read_copy(copy, office.db, office.actor)  # undone: the copy can be merged again,
    assert again.conflicts == [] and len(again.new_measures) == 2  # with no conflict of its own
    office.db.close()


def test_the_window_merges_a_copy_letting_the_user_take_the_copys_value(
    window: Any,  # noqa: F811  # tests/test_grid.py: the window on the small file
    small_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

    from ui import copy_actions

    copy = tmp_path / "копия.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(copy), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
    actions = {a.text(): a for a in window.findChildren(QAction)}
    take = actions["Взять копию с &собой…"]
    take.trigger()
    assert copy.is_file()
    ids = {word: str(m["id"]) for word, m in measures(small_db).items()}
    cli_json("set", "--db", str(copy), "--measure", ids["Консультации"], "note=из копии")
    cli_json("set", "--db", str(copy), "--measure", ids["Семинар"], "form=очно")
    cli_json("set", "--db", str(small_db), "--measure", ids["Семинар"], "form=дистанционно")

    shown: list[copy_actions.CopyPreview] = []

    def choose(dialog: copy_actions.CopyPreview) -> int:
        shown.append(dialog)
        (box, conflict) = dialog.boxes[0]
        assert conflict.field == "form" and box.text() == "из копии"
        assert any(
            "форма: в файле «дистанционно», в копии «очно»" in label.text()
            for label in dialog.findChildren(QLabel)
        )
        box.setChecked(True)
        return 1

    monkeypatch.setattr(copy_actions.CopyPreview, "exec", choose)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(copy), ""))
    merge = actions["Объединить с коп&ией…"]
    merge.trigger()
    assert shown and window.undo_stack.undoText() == "Объединение с копией"
    after = measures(small_db)
    assert after["Консультации"]["note"] == "из копии" and after["Семинар"]["form"] == "очно"
    window.undo_stack.undo()
    after = measures(small_db)
    assert after["Консультации"]["note"] == "" and after["Семинар"]["form"] == "дистанционно"


def test_a_school_linked_in_the_copy_comes_back_with_its_report(small_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "копия.sqlite"
    cli_json("take-copy", "--db", str(small_db), "--out", str(copy))
    ident = str(measures(small_db)["Консультации"]["id"])
    cli_json("set", "--db", str(copy), "--measure", ident, f"schools={SIXTEEN}")
    cli_json(
        "set", "--db", str(copy), "--measure", ident, "--school", SIXTEEN, "status=done", "done_on=2024-04-02"
    )
    assert cli_json("merge-copy", str(copy), "--db", str(small_db))["applied"] == 1
    merged = measures(small_db)["Консультации"]
    assert merged["schools"] == [SIXTEEN] and merged["status"] == "done"
    assert [(e["school"], e["status"], e["done_on"]) for e in merged["execution"]] == [
        (SIXTEEN, "done", "2024-04-02")
    ]


def test_the_attacks_on_merging_are_refused_with_both_files_left_as_they_were(
    small_db: Path, tmp_path: Path
) -> None:
    """A plain file copy of a copy, edited apart, merged after its twin; a copy at an older schema
    (read, never upgraded in place); a copy written over an existing file; a merge read before
    another merge of the same copy was applied; a program planted in a copy."""
    copy = tmp_path / "копия.sqlite"
    cli_json("take-copy", "--db", str(small_db), "--out", str(copy))
    twin = tmp_path / "копия копии проводником.sqlite"
    shutil.copy(copy, twin)
    ids = {word: str(m["id"]) for word, m in measures(small_db).items()}
    cli_json("set", "--db", str(copy), "--measure", ids["Семинар"], "note=из копии")
    cli_json("set", "--db", str(twin), "--measure", ids["Консультации"], "note=из двойника")
    assert cli_json("merge-copy", str(copy), "--db", str(small_db))["applied"] == 1
    before = sha256(small_db)
    twin_before = sha256(twin)
    refused = run_cli("merge-copy", str(twin), "--db", str(small_db))
    assert refused.returncode == 1 and "ещё одна копия той же копии" in refused.stderr
    assert sha256(small_db) == before and sha256(twin) == twin_before

    # never over an existing file from the command line; a directory that is not there is said
    taken = run_cli("take-copy", "--db", str(small_db), "--out", str(copy))
    assert taken.returncode == 1 and "уже есть" in taken.stderr
    nowhere = run_cli("take-copy", "--db", str(small_db), "--out", str(tmp_path / "нет" / "к.sqlite"))
    assert nowhere.returncode == 1 and "Папки" in nowhere.stderr and "Traceback" not in nowhere.stderr
    # the window may replace a file the user chose — but not a copy with changes not merged yet
    cli_json("set", "--db", str(copy), "--measure", ids["Семинар"], "note=ещё")
    office = RoadmapService(open_database(small_db), Actor("Иванова", "ОФИС"))
    try:
        with pytest.raises(CopyError, match="ещё не объединены"):
            take_copy(office.db, copy, "Иванова", replace=True)
        # two merges read at once: the second, applied after the first, is refused
        first, second = (read_copy(copy, office.db, office.actor) for _ in range(2))
        office.operations.apply(MergeCopyCommand(first))
        with pytest.raises(CopyError, match="уже объединили"):
            office.operations.apply(MergeCopyCommand(second))
    finally:
        office.db.close()
    assert measures(small_db)["Семинар"]["note"] == "ещё"

    # a copy at an older schema is read from a snapshot: the copy on the stick stays as it was
    old = tmp_path / "старая.sqlite"
    cli_json("take-copy", "--db", str(small_db), "--out", str(old))
    downgrade(old, migrations.KNOWN_REVISIONS[-2])  # as the previous version of the program wrote it
    stick = sha256(old)
    assert cli_json("merge-copy", str(old), "--db", str(small_db), "--dry-run")["applied"] == 0
    assert sha256(old) == stick

    # a program planted in a copy is left out and said; the rest of the merge goes on
    planted = tmp_path / "с программой.sqlite"
    cli_json("take-copy", "--db", str(small_db), "--out", str(planted))
    scan = tmp_path / "акт.pdf"
    scan.write_bytes(PDF)
    cli_json("attach", str(scan), "--db", str(planted), "--measure", ids["Консультации"])
    with sqlite3.connect(planted) as conn:
        conn.execute("UPDATE attachments SET data = ?", (b"MZ" + b"\0" * 64,))  # a program named as a scan
    conn.close()
    cli_json("set", "--db", str(planted), "--measure", ids["Консультации"], "form=выезд")
    done = run_cli("merge-copy", str(planted), "--db", str(small_db))
    assert done.returncode == 0 and "Из копии не перенесён файл" in done.stderr and "акт.pdf" in done.stderr
    assert measures(small_db)["Консультации"]["form"] == "выезд"
    assert measures(small_db)["Консультации"]["evidence"] == []
