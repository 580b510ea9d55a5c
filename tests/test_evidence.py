"""Evidence files kept inside the roadmap file: attached through the command line as a separate
process, read back byte for byte, hostile ones refused with the file untouched, taken off and put
back by undo, surviving a measure's deletion undone, and dropped for good on the next opening."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop.services.commands import DeleteMeasuresCommand, RemoveEvidenceCommand
from desktop.services.evidence import copy_to_view, save_evidence
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.session import FileSession
from models.domain.errors import NotAllowedError, ValidationError
from models.domain.evidence import safe_name
from models.storage.database import open_database
from tests.conftest import cli_json, run_cli, sha256

SIXTEEN = "МКОУ СОШ № 16"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def first_with_school(db: Path) -> dict[str, Any]:
    roadmap = cli_json("dump", "--db", str(db))["roadmaps"][0]
    return next(m for s in roadmap["sections"] for m in s["measures"] if m["schools"])


def test_a_scan_is_attached_listed_and_read_back_whole(small_db: Path, tmp_path: Path) -> None:
    scan = tmp_path / "Протокол № 3.pdf"
    scan.write_bytes(PDF * 1000)
    measure = first_with_school(small_db)
    out = cli_json("attach", str(scan), "--db", str(small_db), "--measure", str(measure["id"]))
    assert out["name"] == "Протокол № 3.pdf" and out["size"] == len(PDF) * 1000
    photo = tmp_path / "фото.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    school = cli_json(
        "attach",
        str(photo),
        "--db",
        str(small_db),
        "--measure",
        str(measure["id"]),
        "--school",
        "мкоу сош № 16",
    )
    dumped = first_with_school(small_db)["evidence"]
    assert [(e["school"], e["name"]) for e in dumped] == [("", "Протокол № 3.pdf"), (SIXTEEN, "фото.jpg")]
    assert all(e["by"] for e in dumped)

    database = open_database(small_db)
    try:
        with database.read() as conn:
            copy = tmp_path / "saved.jpg"
            assert save_evidence(conn, school["id"], copy) == photo.stat().st_size
            viewed = copy_to_view(conn, out["id"])
    finally:
        database.close()
    assert copy.read_bytes() == photo.read_bytes()
    assert viewed.name == "Протокол № 3.pdf" and viewed.read_bytes() == scan.read_bytes()
    with sqlite3.connect(small_db) as conn:
        logged = conn.execute(
            "SELECT field, new FROM change_log WHERE field LIKE 'evidence%' ORDER BY id"
        ).fetchall()
    conn.close()
    assert logged[0] == ("evidence", "Протокол № 3.pdf") and logged[1][1] == "фото.jpg"
    assert logged[1][0].startswith("evidence#")


def test_hostile_files_are_refused_and_the_file_stays_as_it_was(small_db: Path, tmp_path: Path) -> None:
    measure = str(first_with_school(small_db)["id"])
    before = sha256(small_db)
    huge = tmp_path / "видео.mp4"
    with huge.open("wb") as out:
        out.truncate(20 * 1024 * 1024 + 1)  # sparse: the size is what counts
    program = tmp_path / "акт.pdf.exe"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    disguised = tmp_path / "скан.pdf"
    disguised.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)  # a program named as a scan
    macros = tmp_path / "отчёт.docm"
    macros.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    empty = tmp_path / "пусто.pdf"
    empty.write_bytes(b"")
    old_macros = tmp_path / "протокол.doc"  # an old Word file with a VBA project inside
    old_macros.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "_VBA_PROJECT".encode("utf-16-le")
    )
    rtf_object = tmp_path / "справка.rtf"
    rtf_object.write_bytes(b"{\\rtf1 text {\\object\\objemb {\\*\\objdata 0102}}}")
    long_program = tmp_path / ("a" * 200 + ".application")
    long_program.write_bytes(b"PK" + b"\x00" * 100)
    pipe = tmp_path / "канал.pdf"
    os.mkfifo(pipe)
    for path, words in [
        (huge, "слишком большой: 20 971 521 байт, а можно не больше 20 МБ"),
        (old_macros, "программа или файл с макросами"),
        (rtf_object, "программа или файл с макросами"),
        (long_program, "программа или файл с макросами"),
        (pipe, "не обычный файл"),
        (Path("/dev/zero"), "не обычный файл"),
        (tmp_path, "папка, а не файл"),
        (program, "программа или файл с макросами"),
        (disguised, "программа или файл с макросами"),
        (macros, "программа или файл с макросами"),
        (empty, "пустой"),
        (tmp_path / "нет.pdf", "Не удалось прочитать файл «нет.pdf»"),
    ]:
        done = run_cli("attach", str(path), "--db", str(small_db), "--measure", measure)
        assert done.returncode == 1 and words in done.stderr, (path.name, done.stderr)
        assert "Traceback" not in done.stderr
    other = run_cli(
        "attach", str(empty), "--db", str(small_db), "--measure", measure, "--school", "Школа № 999"
    )
    assert other.returncode == 1
    assert sha256(small_db) == before


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("..\\..\\Windows\\System32\\акт.pdf", "акт.pdf"),
        ("../../etc/passwd", "passwd"),
        ("про\x00то\x1bкол\u202e.pdf", "про то кол .pdf"),
        ("CON.txt", "_CON.txt"),
        ("..", "вложение"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("скан:1?.jpg", "скан_1_.jpg"),
        ("COM¹.txt", "_COM¹.txt"),
        ("CONIN$", "_CONIN$"),
        ("con .txt", "_con .txt"),
        ("..pdf", "вложение.pdf"),
        ("\udcff\udcfe.pdf", "вложение.pdf"),
        ("а" * 200 + ".application", "а" * 108 + ".application"),
    ],
)
def test_names_are_kept_as_plain_file_names(given: str, kept: str) -> None:
    assert safe_name(given) == kept


def test_a_row_planted_in_the_file_is_never_opened_or_trusted(small_db: Path, tmp_path: Path) -> None:
    """Someone else's program wrote attachment rows: a path for a name, a lying size, a program's
    bytes; a name as a BLOB, bytes for who added it, a date that is none, schools that are none.
    Names are cut, sizes counted, opening refused, and the file still dumps and exports."""
    measure = first_with_school(small_db)["id"]
    insert = (
        "INSERT INTO attachments (measure_id, school_id, name, size, sha256, data, added_at, added_by, "
        "removed, version) VALUES (?, ?, ?, 5, '', ?, ?, ?, 0, 1)"
    )
    with sqlite3.connect(small_db) as conn:
        conn.execute(insert, (measure, None, "..\\..\\autorun.pdf", b"MZ" + b"\x00" * 1000, None, "x"))
        conn.execute(insert, (measure, "abc", "скан.pdf".encode(), PDF, "not a date", b"\xff\x00"))
        conn.execute(insert, (measure, 99999, "фото.jpg", PDF, 12345, "y"))
    conn.close()
    listed = first_with_school(small_db)["evidence"]
    assert [(e["name"], e["size"]) for e in listed] == [
        ("autorun.pdf", 1002),
        ("скан.pdf", len(PDF)),
        ("фото.jpg", len(PDF)),
    ]
    assert [e["school"] for e in listed] == [
        "",
        "(школа не найдена в списке школ)",
        "(школа не найдена в списке школ)",
    ]
    for kind in ("pdf", "docx", "xlsx"):
        cli_json(
            "export",
            "--db",
            str(small_db),
            "--roadmap",
            "1",
            f"--{kind}",
            str(tmp_path / f"r.{kind}"),
            "--report",
        )
    listed = listed[0]
    database = open_database(small_db)
    try:
        with database.read() as conn, pytest.raises(ValidationError, match="не открывается из программы"):
            copy_to_view(conn, listed["id"])
    finally:
        database.close()


def test_taken_off_put_back_kept_through_a_deletion_and_dropped_on_the_next_opening(
    small_db: Path, tmp_path: Path
) -> None:
    scan = tmp_path / "акт.pdf"
    scan.write_bytes(PDF)
    measure = first_with_school(small_db)
    kept = cli_json("attach", str(scan), "--db", str(small_db), "--measure", str(measure["id"]))
    gone = cli_json(
        "attach", str(scan), "--db", str(small_db), "--measure", str(measure["id"]), "--school", SIXTEEN
    )
    service = RoadmapService(open_database(small_db), Actor("Иванова", "ПК-1"))
    try:
        row = service.measure(measure["id"])
        removal = RemoveEvidenceCommand(gone["id"], row.id, "акт.pdf", row.roadmap_id)
        service.operations.apply(removal)
        assert [e.id for e in service.measure(row.id).evidence] == [kept["id"]]
        service.operations.revert(removal)
        assert len(service.measure(row.id).evidence) == 2
        service.operations.apply(removal)
        deletion = DeleteMeasuresCommand.for_rows([service.measure(row.id)])
        service.operations.apply(deletion)
        service.operations.revert(deletion)  # the measure comes back with its file
        assert [e.id for e in service.measure(row.id).evidence] == [kept["id"]]
    finally:
        service.db.close()
    with sqlite3.connect(small_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 2  # one marked removed
    conn.close()
    database = open_database(small_db)
    FileSession(database, "Иванова", "ПК-1").close()  # a window opens the file alone
    database.close()
    with sqlite3.connect(small_db) as conn:
        assert conn.execute("SELECT id FROM attachments").fetchall() == [(kept["id"],)]
    conn.close()


def test_a_director_attaches_only_to_the_own_schools_record(small_db: Path, tmp_path: Path) -> None:
    scan = tmp_path / "акт.pdf"
    scan.write_bytes(PDF)
    measure = first_with_school(small_db)["id"]
    director = Actor("Петрова", "ПК-1", person="Т.Е. Петрова", role="director", school="МБОУ «Тубинская СОШ»")
    service = RoadmapService(open_database(small_db), director)
    try:
        with pytest.raises(NotAllowedError, match="только к отчёту своей школы"):
            service.attach(measure, None, scan)
        with pytest.raises(NotAllowedError, match="только своей школы"):
            service.attach(measure, SIXTEEN, scan)
    finally:
        service.db.close()
    assert first_with_school(small_db)["evidence"] == []


def test_the_report_exports_list_the_files_the_plan_does_not(small_db: Path, tmp_path: Path) -> None:
    """Exported through the command line and read back: the report's PDF, Word and Excel carry
    «Подтверждающие документы» with each file (a school's with its name); the plan has no such
    column (it is not about what was done)."""
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    scan = tmp_path / "Протокол-3.pdf"
    scan.write_bytes(PDF)
    measure = str(first_with_school(small_db)["id"])
    cli_json("attach", str(scan), "--db", str(small_db), "--measure", measure)
    cli_json("attach", str(scan), "--db", str(small_db), "--measure", measure, "--school", SIXTEEN)
    outs = {kind: tmp_path / f"report.{kind}" for kind in ("pdf", "docx", "xlsx")}
    for kind, out in outs.items():
        cli_json("export", "--db", str(small_db), "--roadmap", "1", f"--{kind}", str(out), "--report")
    pdf = "".join(page.extract_text() for page in PdfReader(outs["pdf"]).pages).replace("\n", " ")
    assert "Подтверждающие" in pdf and "Протокол-3.pdf" in pdf and "СОШ № 16)" in pdf
    word = Document(str(outs["docx"]))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "Подтверждающие документы" in cells
    assert f"Протокол-3.pdf\nПротокол-3.pdf ({SIXTEEN})" in cells
    sheet = load_workbook(outs["xlsx"])["Дорожная карта"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Подтверждающие документы" in values and f"Протокол-3.pdf\nПротокол-3.pdf ({SIXTEEN})" in values
    plan = tmp_path / "plan.docx"
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--docx", str(plan))
    plan_cells = [c.text for t in Document(str(plan)).tables for row in t.rows for c in row.cells]
    assert "Подтверждающие документы" not in plan_cells
