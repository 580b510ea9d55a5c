"""The Word export (issue 16): an editable document the program itself reads back the same.

Each test runs the program as a user does (``python -m desktop export --docx``), then reads the
file on disk: python-docx for its structure, the program's own importer for the round trip, and
LibreOffice (when installed) for a PDF it can print.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from desktop.exports.order_text import approval_title
from tests.conftest import cli_json

PLAN_FIELDS = ("number", "title", "form", "responsible", "result", "target_group")
ORDER_FIELDS = ("number", "date", "signer", "signer_position", "issuer", "title", "place")


def dumped(db: Path, roadmap: int) -> dict[str, Any]:
    data: dict[str, Any] = cli_json("dump", "--db", str(db), "--roadmap", str(roadmap))["roadmaps"][0]
    return data


def outline(roadmap: dict[str, Any]) -> list[Any]:
    """Sections and measures in order, with every field the plan prints."""
    rows: list[Any] = []

    def measure(m: dict[str, Any]) -> None:
        fields = {name: m[name] for name in PLAN_FIELDS}
        fields["deadline"] = m["deadline"]["text"]
        fields["schools"] = sorted(m.get("schools", []))
        rows.append(("measure", fields))

    def walk(section: dict[str, Any]) -> None:
        rows.append(("section", section["number"], section["title"]))
        for m in section["measures"]:
            measure(m)
        for child in section["sections"]:
            walk(child)

    for m in roadmap["measures"]:
        measure(m)
    for section in roadmap["sections"]:
        walk(section)
    return rows


@pytest.mark.parametrize("roadmap", [1, 2, 3])
def test_export_then_import_gives_back_the_same_roadmap(demo_db: Path, tmp_path: Path, roadmap: int) -> None:
    out = tmp_path / "Дорожная карта.docx"
    assert cli_json("export", "--db", str(demo_db), "--roadmap", str(roadmap), "--docx", str(out)) == {
        "out": str(out)
    }
    again = tmp_path / "again.sqlite"
    imported = cli_json("import", str(out), "--db", str(again))
    before, after = dumped(demo_db, roadmap), dumped(again, imported["roadmap_id"])
    assert outline(after) == outline(before)
    for name in ("title", "organization", "period", "goal", "tasks"):
        assert after[name] == before[name], name
    if before["order"]:
        # A roadmap without its order's own title prints the one made from its title.
        before["order"]["title"] = before["order"]["title"] or approval_title(before["title"])
        for name in ORDER_FIELDS:
            assert after["order"][name] == before["order"][name], name


def test_the_word_file_is_an_order_then_a_landscape_roadmap_in_named_styles(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "Приказ.docx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--docx", str(out))
    document = Document(str(out))
    order, roadmap = document.sections
    assert order.page_width < order.page_height and roadmap.page_width > roadmap.page_height
    # Page numbers: a PAGE field in the header, none on the first page, every landscape page numbered.
    assert order.different_first_page_header_footer and not roadmap.different_first_page_header_footer
    assert 'w:instr="PAGE"' in order.header._element.xml
    texts = [p.text for p in document.paragraphs]
    assert "П Р И К А З" in texts and any(t.startswith("УТВЕРЖДАЮ") for t in texts)
    styled = [p.style.name for p in document.paragraphs if p.text]
    assert "Normal" not in styled, "every paragraph has its named style"
    table = document.tables[0]
    rows = table._tbl.tr_lst
    head = rows[0].trPr
    assert head is not None and head.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert [c.text for c in table.rows[0].cells][:2] == ["№ п/п", "Наименование мероприятия"]
    section = rows[1]
    spans = section.findall(f"{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:gridSpan')}")
    assert len(section.findall(qn("w:tc"))) == 1 and spans and int(spans[0].get(qn("w:val"))) == len(
        table.columns
    )
    section_style = section.find(f".//{qn('w:pStyle')}").get(qn("w:val"))
    assert document.styles.get_by_id(section_style, 1).font.bold  # bold by its style, restylable
    measures = [r for r in rows[1:] if len(r.findall(qn("w:tc"))) > 1]
    assert all(r.trPr is not None and r.trPr.find(qn("w:cantSplit")) is not None for r in measures)


def test_the_report_has_the_execution_columns_and_no_order(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "Отчёт.docx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--docx", str(out), "--report")
    document = Document(str(out))
    assert len(document.sections) == 1 and document.sections[0].page_width > document.sections[0].page_height
    texts = [p.text for p in document.paragraphs]
    assert "П Р И К А З" not in texts and not any(t.startswith("УТВЕРЖДАЮ") for t in texts)
    heads = [c.text for c in document.tables[0].rows[0].cells]
    # the demo's schools sent scans: the report lists them after the execution columns
    assert heads[-4:] == ["Статус", "Дата выполнения", "Отметка об исполнении", "Подтверждающие документы"]
    assert "Сводка исполнения по разделам" in texts


def test_hostile_text_is_written_as_text_and_the_file_opens(small_db: Path, tmp_path: Path) -> None:
    from desktop.services.roadmap import Actor, RoadmapService
    from models.storage.database import open_database

    service = RoadmapService(open_database(small_db), Actor("Тест", "ПК"))
    roadmap = service.roadmap_ids()[0]
    measure = service.load(roadmap).measures_in_order()[0]
    service.db.close()
    hostile = "<w:p>]]></w:t> & \x01\x0b «ok»\nвторая строка"
    cli_json("set", "--db", str(small_db), "--measure", str(measure.id), f"title={hostile}")
    out = tmp_path / "x.docx"
    cli_json("export", "--db", str(small_db), "--roadmap", str(roadmap), "--docx", str(out))
    cells = [c.text for row in Document(str(out)).tables[0].rows for c in row.cells]
    assert "<w:p>]]></w:t> &  «ok»\nвторая строка" in cells


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_it(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "Приказ.docx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--docx", str(out))
    subprocess.run(
        ["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    from pypdf import PdfReader

    pages = PdfReader(tmp_path / "Приказ.pdf").pages
    assert len(pages) >= 3
    assert "П Р И К А З" in pages[0].extract_text()
    assert "Наименование мероприятия" in pages[2].extract_text()  # the header row repeated


def test_a_synthetic_thousand_measures_come_back_the_same(tmp_path: Path) -> None:
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import make_file

    source = make_file(tmp_path / "тысяча.sqlite", 1000)
    out = tmp_path / "тысяча.docx"
    cli_json("export", "--db", str(source), "--roadmap", "1", "--docx", str(out))
    again = tmp_path / "again.sqlite"
    imported = cli_json("import", str(out), "--db", str(again))
    before, after = dumped(source, 1), dumped(again, imported["roadmap_id"])
    assert imported["measures"] == 1000 and imported["warnings"] == []
    assert outline(after) == outline(before)
    for name in ("title", "period"):
        assert after[name] == before[name], name
    # Stored in capitals, printed in capitals as an order's issuer is; the importer writes it as a name.
    assert after["organization"].lower() == before["organization"].lower()
    assert after["organization"].startswith("Администрация Новосельского")
    for name in ("number", "date", "signer", "signer_position", "place"):
        assert after["order"][name] == before["order"][name], name


def test_the_signature_under_the_table_goes_out_and_comes_back(demo_db: Path, tmp_path: Path) -> None:
    assert cli_json(
        "set", "--db", str(demo_db), "--roadmap", "2",
        "signature.position=Начальник Управления образования", "signature.name=Д.А. Галанов",
    )["changed"] == ["signature.position", "signature.name"]  # fmt: skip
    signature = {"position": "Начальник Управления образования", "name": "Д.А. Галанов"}
    assert dumped(demo_db, 2)["signature"] == signature
    out = tmp_path / "с подписью.docx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "2", "--docx", str(out))
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "Начальник Управления образования\tД.А. Галанов" in texts
    again = tmp_path / "again.sqlite"
    imported = cli_json("import", str(out), "--db", str(again))
    assert dumped(again, imported["roadmap_id"])["signature"] == signature
    assert dumped(demo_db, 1)["signature"] is None  # the others have none
    # The workbook prints it under its table too: the position on the left, the name on the right.
    from openpyxl import load_workbook

    book = tmp_path / "с подписью.xlsx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "2", "--xlsx", str(book))
    sheet = load_workbook(book)["Дорожная карта"]
    last = [cell.value for cell in sheet[sheet.max_row] if cell.value]
    assert last == ["Начальник Управления образования", "Д.А. Галанов"]
    assert str(sheet.print_area).rstrip("'").endswith(f"${sheet.max_row}"), sheet.print_area
