"""Exports read back as the ministry's reader sees them: PDF text and pictures, the workbook
reopened, the calendar parsed."""

from __future__ import annotations

import copy
import re
import subprocess
import threading
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from desktop.exports import export_tree, suggested_name
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import CancelledError, write_roadmap
from models.domain.deadlines import read_deadline
from models.domain.errors import DomainError
from models.storage import write_gate
from models.storage.database import create_database, open_database
from tests.conftest import SMALL_ROADMAP, cli_json, operations_of, run_cli, sha256

HOSTILE_TITLE = '<img src="/etc/passwd"/> & <b>не жирный</b> <a href="file:///etc/hosts">ссылка</a>'
FORMULA_TITLES = ("=SUM(A1:A3)", "+79001234567", "- подготовить отчёт", "@cmd")


def squash(value: str) -> str:
    """Text without white space: PDF text comes back wrapped at other places than it was written."""
    return re.sub(r"\s+", "", value)


def in_order(value: str, text: str) -> bool:
    """Every word of ``value`` in ``text`` in its order (a row split between pages has the other
    cells and the next page's column heads between its parts)."""
    position = 0
    for word in value.split():
        position = text.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def load_tree(path: Path, roadmap: int = 1) -> Any:
    database = open_database(path)
    try:
        return RoadmapService(database, Actor("Тест", "ПК")).load(roadmap)
    finally:
        database.close()


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A roadmap whose text tries markup, formulas and calendar control characters."""
    data = copy.deepcopy(SMALL_ROADMAP)
    measures = data["sections"][0]["measures"]
    measures[0]["title"] = HOSTILE_TITLE
    measures[1]["responsible"] = "Иванов И.И.; Петров П.П., МКУ «ЦРО»\\методист"
    measures[1]["result"] = "Протокол\x0bсправка\x01 (из Word)"  # a Word line break, a control character
    data["sections"][1]["measures"].append(
        {"number": "2.9", "title": "Двойной срок " + "очень длинного названия " * 9 + "ещё слова окончания",
         "deadline": {"text": "сентябрь 2023, 01.09.2023"}}
    )  # fmt: skip
    data["sections"][1]["measures"] += [
        {"number": f"2.{n}", "title": title, "deadline": {"text": "октябрь 2023 г."}, "result": "-"}
        for n, title in enumerate(FORMULA_TITLES, start=2)
    ]
    path = tmp_path / "hostile.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), data)
    database.close()
    return path


# ---- PDF -------------------------------------------------------------------------------------
def test_pdf_has_the_order_then_every_measure_under_a_header_on_every_page(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.pdf"
    result = cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--pdf", str(out))
    reader = PdfReader(out)
    assert result == {"out": str(out), "pages": len(reader.pages)}
    pages = [page.extract_text() for page in reader.pages]

    first = pages[0]
    assert "П Р И К А З" in first and "ПРИКАЗЫВАЮ" in first
    assert "Об утверждении дорожной карты" in first  # the title put in the genitive
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width < height  # the order is portrait, the roadmap landscape
    assert reader.pages[1].mediabox.width > reader.pages[1].mediabox.height

    tree = load_tree(demo_db)
    everything = squash("".join(pages))
    for measure in tree.measures.values():
        assert in_order(measure.title, everything), measure.title
    for section in tree.sections.values():
        assert squash(section.title) in everything
    table_pages = [n for n, text in enumerate(pages) if "Наименованиемероприятия" in squash(text)]
    assert table_pages == list(range(1, len(pages)))  # every roadmap page shows the column heads
    for number, text in enumerate(pages[1:], start=2):  # page numbers from page 2
        assert re.search(rf"(^|\n){number}\s*(\n|$)", text), f"no number on page {number}"
    assert not re.search(r"(^|\n)1\s*\n", first)

    assert reader.metadata.title == tree.header.title
    assert reader.metadata.author == tree.header.organization


def test_pdf_fonts_are_embedded_and_the_page_has_ink(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    export_tree(load_tree(demo_db, 2), "pdf", out)
    reader = PdfReader(out)
    fonts = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is None:  # a composite font keeps it in its descendant
                descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor, font.get_object()["/BaseFont"]
            fonts += 1
    assert fonts
    picture = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out), str(picture)], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.002 * image.width * image.height  # text was drawn, not an empty page


def test_report_pdf_adds_status_columns_and_the_summary(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--pdf", str(out), "--report")
    pages = PdfReader(out).pages
    text = squash("".join(page.extract_text() for page in pages))
    # A report, not an order: its own title with the day, no order page and no approval stamp.
    first = squash(pages[0].extract_text())
    assert first.startswith(squash("Отчёт об исполнении дорожной карты по оказанию методической помощи"))
    assert squash(f"на {date.today():%d.%m.%Y}") in first
    assert "ПРИКАЗ" not in text and "УТВЕРЖДАЮ" not in text and "ПРИКАЗЫВАЮ" not in text
    assert pages[0].mediabox.width > pages[0].mediabox.height  # the landscape table from page 1
    assert "Статус" in text and "Датавыполнения" in text
    assert "Сводкаисполненияпоразделам" in text and "Итого" in text
    assert text.count("просрочено") >= 3  # the overdue measures say so beside their status
    tree = load_tree(demo_db)
    done = sum(m.status == "done" for m in tree.measures.values())
    assert done and text.count("выполнено") >= done


def test_user_text_prints_as_written_and_opens_nothing(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "hostile.pdf"
    export_tree(load_tree(hostile_db), "pdf", out)
    text = squash("".join(page.extract_text() for page in PdfReader(out).pages))
    assert squash(HOSTILE_TITLE) in text
    raw = out.read_bytes()
    assert b"/XObject" not in raw  # no picture was fetched from the path in the text


def test_a_roadmap_without_an_order_starts_on_a_landscape_page(small_db: Path, tmp_path: Path) -> None:
    database = open_database(small_db)
    try:
        with write_gate.opened("test"), database.write() as conn:
            conn.exec_driver_sql("DELETE FROM orders")
        tree = RoadmapService(database, Actor("Тест", "ПК")).load(1)
    finally:
        database.close()
    out = tmp_path / "plan.pdf"
    pages = export_tree(tree, "pdf", out).pages
    reader = PdfReader(out)
    assert pages == len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    assert "ПРИКАЗ" not in reader.pages[0].extract_text()


# ---- Excel -----------------------------------------------------------------------------------
def test_workbook_is_the_printed_table(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--xlsx", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Дорожная карта", "Школы", "Сводка"]
    sheet = book["Дорожная карта"]
    tree = load_tree(demo_db)

    head = next(r for r in range(1, 30) if sheet.cell(r, 2).value == "Наименование мероприятия")
    assert sheet.print_title_rows == f"${head}:${head}"
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{head}:")
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddHeader.center.text == "&P" and sheet.HeaderFooter.differentFirst

    titles = [sheet.cell(r, 2).value for r in range(head + 1, sheet.max_row + 1)]
    for measure in tree.measures.values():
        assert measure.title.strip() in titles
    merged = {str(r) for r in sheet.merged_cells.ranges}
    sections = 0
    for row in range(head + 1, sheet.max_row + 1):
        value = sheet.cell(row, 1).value or ""
        if sheet.cell(row, 2).value is None and value:
            sections += 1
            assert f"A{row}:{get_column_letter(sheet.max_column)}{row}" in merged
            assert sheet.cell(row, 1).font.b
        assert sheet.row_dimensions[row].height, f"row {row} has no stored height"
    assert sections == len(tree.sections)
    widths = [sheet.column_dimensions[c].width for c in "ABCDE"]
    assert all(w and w > 4 for w in widths)
    assert book.properties.title == tree.header.title
    assert book.properties.creator == tree.header.organization

    schools = book["Школы"]
    assert [schools.cell(r, 2).value for r in range(2, schools.max_row + 1)] == [s.name for s in tree.schools]
    summary = book["Сводка"]
    total_row = next(r for r in range(2, summary.max_row + 1) if summary.cell(r, 1).value == "Итого")
    assert summary.cell(total_row, 2).value == sum(m.status != "cancelled" for m in tree.measures.values())


def test_text_that_looks_like_a_formula_stays_text(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "hostile.xlsx"
    export_tree(load_tree(hostile_db), "xlsx", out)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    sheet = load_workbook(out)["Дорожная карта"]
    values = {sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    for title in FORMULA_TITLES:
        assert title in values
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert HOSTILE_TITLE in values
    assert any(c.value == "-" and c.data_type == "s" for c in cells)
    assert "Протокол\nсправка (из Word)" in {c.value for c in cells}  # line break kept, \x01 dropped


def test_report_workbook_offers_the_statuses_as_a_list(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    export_tree(load_tree(demo_db), "xlsx", out, report=True)
    sheet = load_workbook(out)["Дорожная карта"]
    head = next(r for r in range(1, 30) if sheet.cell(r, 2).value == "Наименование мероприятия")
    status_column = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(head, c).value == "Статус")
    letter = sheet.cell(head, status_column).column_letter
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and "выполнено" in validation.formula1
    statuses = [sheet.cell(r, status_column) for r in range(head + 1, sheet.max_row + 1)]
    red = [c for c in statuses if c.font.color is not None and c.font.color.rgb == "00C62828"]
    # marked, not renamed («(4 из 5 школ)»: a status made from the schools' reports says so)
    assert red and all(c.value.split(" (")[0] in ("запланировано", "выполняется") for c in red)
    assert str(validation.sqref).startswith(f"{letter}{head + 1}:")
    assert "выполнено" in {sheet.cell(r, status_column).value for r in range(head + 1, sheet.max_row + 1)}


def test_every_character_openpyxl_refuses_is_mapped_away() -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from desktop.exports.xlsx import excel_text

    every_control = "".join(chr(code) for code in range(32))
    assert ILLEGAL_CHARACTERS_RE.search(every_control)
    assert not ILLEGAL_CHARACTERS_RE.search(excel_text(every_control))


def test_long_text_gets_a_taller_row() -> None:
    from desktop.exports.text_fit import TextFit

    fit = TextFit(11)
    assert fit.lines("коротко", 30) == 1
    assert fit.lines("слово " * 60, 30) >= 10
    assert fit.lines("первая\nвторая\nтретья", 30) == 3
    assert fit.lines("х" * 100, 20) >= 5  # a word longer than the column breaks inside
    assert fit.lines("Педагоги-психологи, заместители", 20) == 3  # breaks after the hyphen, not inside
    assert "№\xa016" in "".join(fit.wrap("МКОУ СОШ\xa0№\xa016 г.\xa0Москва", 45))  # no-break spaces hold
    assert fit.wrap("Протокол\x0bсправка", 400) == ["Протокол", "справка"]  # Word's line break
    assert fit.height(["слово " * 60, "да"], [30, 10]) > 3 * fit.height(["да", "да"], [30, 10])
    assert TextFit(11, bold=True).lines("Наименование мероприятия " * 3, 20) >= fit.lines(
        "Наименование мероприятия " * 3, 20
    )


def test_a_word_longer_than_its_column_breaks_at_a_syllable_with_a_hyphen(
    small_db: Path, tmp_path: Path
) -> None:
    """Where a word must break — a title pasted from a PDF that lost its spaces — the PDF breaks it
    where Russian hyphenation allows and ends the line with «-»; abbreviations and digits never
    take a hyphen (they break between characters only when nothing else fits)."""
    from desktop.exports.text_fit import TextFit, hyphen_places

    glued = "Организацияметодическогосопровожденияобщеобразовательныхорганизаций"
    service = RoadmapService(open_database(small_db), Actor("Тест", "ПК"))
    first = service.load(1).measures_in_order()[0]
    service.edit_measure(first.id, first.version, {"title": f"Внимание: {glued} района"})
    tree = service.load(1)
    service.db.close()
    out = tmp_path / "карта.pdf"
    export_tree(tree, "pdf", out)
    lines = [line.strip() for page in PdfReader(out).pages for line in page.extract_text().split("\n")]
    start = next(i for i, line in enumerate(lines) if line.endswith("-") and "Внимание" in line)
    pieces = [lines[start].split("Внимание: ")[1]]
    while pieces[-1].endswith("-"):
        pieces.append(lines[start + len(pieces)].split(" ")[0])
    assert len(pieces) >= 2 and "".join(p.removesuffix("-") for p in pieces) == glued
    cuts = [sum(len(p) - 1 for p in pieces[: n + 1]) for n in range(len(pieces) - 1)]
    assert set(cuts) <= set(hyphen_places(glued))  # each cut between syllables
    fit = TextFit(10)
    assert fit.wrap("ШНОР/ШССУ", 20)[0] != "ШН-" and not any(
        p.endswith("-") for p in fit.wrap("МКОУ12345678", 20)
    )


def _libreoffice_judge() -> bool:
    import shutil

    if shutil.which("soffice") is None or not Path("/usr/bin/python3").exists():
        return False
    return subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _libreoffice_judge(), reason="LibreOffice with python3-uno is not installed")
def test_no_table_row_prints_clipped_in_libreoffice(demo_db: Path, tmp_path: Path) -> None:
    from bench.check_xlsx_heights import check

    figures = check(demo_db, 1, tmp_path)
    assert figures["rows"] > 30 and figures["clipped"] == 0, figures["clipped_rows"]
    assert figures["ratio_median"] < 1.3  # rows are not wastefully tall either


# ---- calendar --------------------------------------------------------------------------------
def test_calendar_has_one_event_per_window_with_stable_uids(hostile_db: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    result = cli_json("export", "--db", str(hostile_db), "--roadmap", "1", "--ics", str(first))
    cli_json("export", "--db", str(hostile_db), "--roadmap", "1", "--ics", str(second))
    raw = first.read_bytes()
    assert raw.count(b"\r\n") >= raw.count(b"\n") - 1  # CRLF line ends
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines

    calendar = Calendar.from_ical(raw)
    tree = load_tree(hostile_db)
    assert str(calendar["X-WR-CALNAME"]) == tree.header.title
    events = list(calendar.walk("VEVENT"))
    expected = sum(
        len(read_deadline(m.deadline_text, tree.header.period).windows) for m in tree.measures.values()
    )
    assert len(events) == expected == result["events"]
    assert len({str(e["UID"]) for e in events}) == len(events)
    uids_again = {str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert uids_again == {str(e["UID"]) for e in events}

    work_group = next(e for e in events if "Создание" in str(e["SUMMARY"]) or "img" in str(e["SUMMARY"]))
    assert HOSTILE_TITLE in str(work_group["SUMMARY"])
    assert work_group["DTSTART"].dt == date(2023, 9, 1)
    assert work_group["DTEND"].dt == date(2023, 10, 1)  # all day, end exclusive
    quarterly = [e for e in events if "Семинар" in str(e["SUMMARY"])]
    assert len(quarterly) >= 3
    assert "Иванов И.И.; Петров П.П., МКУ «ЦРО»\\методист" in str(quarterly[0]["DESCRIPTION"])
    assert all(e["DTEND"].dt - e["DTSTART"].dt >= timedelta(days=1) for e in events)
    double = [e for e in events if "Двойной срок" in str(e["SUMMARY"])]
    assert len(double) == 2 and double[0]["DTSTART"].dt == double[1]["DTSTART"].dt  # two windows, two UIDs
    long_title = next(m.title for m in tree.measures.values() if m.title.startswith("Двойной"))
    assert long_title.strip() in str(double[0]["DESCRIPTION"]).replace("\n", " ")  # cut summary: whole title


def test_the_calendar_written_event_by_event_is_the_librarys_whole_calendar(
    hostile_db: Path, tmp_path: Path
) -> None:
    """Streaming keeps 100,000 measures out of memory; the file must not change for it."""
    from datetime import UTC, datetime

    from desktop.exports.ics import events, write_ics

    tree, now = load_tree(hostile_db), datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    out = tmp_path / "streamed.ics"
    count = write_ics(tree, out, now=now)
    whole = Calendar()
    for name, value in Calendar.from_ical(out.read_bytes()).property_items(recursive=False)[1:-1]:
        whole.add(name, value)
    for event in events(tree, now):
        whole.add_component(event)
    assert count == len(whole.subcomponents) > 10
    assert out.read_bytes() == whole.to_ical()


# ---- file names, failures, cancel ------------------------------------------------------------
def test_suggested_names_are_russian_and_safe(small_db: Path, demo_db: Path) -> None:
    assert suggested_name(load_tree(small_db), "pdf") == "Дорожная карта 2023-2024 — Тестовый район.pdf"
    assert (
        suggested_name(load_tree(small_db), "xlsx", report=True)
        == "Отчёт об исполнении дорожной карты 2023-2024 — Тестовый район.xlsx"
    )
    assert suggested_name(load_tree(demo_db), "pdf") == "Дорожная карта 2023 — Мокшанский район.pdf"


def test_unwritable_places_give_a_russian_message_and_keep_the_old_file(
    small_db: Path, tmp_path: Path
) -> None:
    tree = load_tree(small_db)
    with pytest.raises(DomainError, match="папка"):
        export_tree(tree, "pdf", tmp_path)
    with pytest.raises(DomainError, match="не найдена"):
        export_tree(tree, "xlsx", tmp_path / "нет такой папки" / "план.xlsx")
    blocker = tmp_path / "файл"
    blocker.write_text("не папка")
    with pytest.raises(DomainError, match="не найдена"):
        export_tree(tree, "ics", blocker / "план.ics")

    result = run_cli(
        "export", "--db", str(small_db), "--roadmap", "1", "--pdf", str(tmp_path / "нет" / "x.pdf")
    )
    assert result.returncode == 1 and "не найдена" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("export", "--db", str(small_db), "--roadmap", "9", "--pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "ics"])
def test_cancel_leaves_the_old_file_and_no_temporary(
    demo_db: Path, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.exports import ics, xlsx

    tree = load_tree(demo_db)
    out = tmp_path / f"план.{kind}"
    out.write_bytes(b"old version")
    before = sha256(out)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, _text: str) -> None:
        seen.append((done, total))
        cancel.set()

    if kind == "pdf":  # progress comes with each page drawn
        export_tree(tree, kind, tmp_path / "probe.pdf", progress=lambda *_: None)
        (tmp_path / "probe.pdf").unlink()
        with pytest.raises(CancelledError):
            export_tree(tree, kind, out, progress=progress, cancel=cancel)
    else:
        module = xlsx if kind == "xlsx" else ics
        monkeypatch.setattr(module, "STEP", 2)  # report often, so the small demo is cancelled halfway
        with pytest.raises(CancelledError):
            export_tree(tree, kind, out, progress=progress, cancel=cancel)
    assert seen and sha256(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == f".{kind}" or p.suffix == ".tmp"] == [out.name]


def test_the_longest_file_name_the_system_allows_still_exports(small_db: Path, tmp_path: Path) -> None:
    out = tmp_path / ("д" * 123 + ".pdf")  # 250 bytes: a temporary name beside it must not be longer
    export_tree(load_tree(small_db), "pdf", out)
    assert out.read_bytes().startswith(b"%PDF")


def test_export_overwrites_an_existing_file_whole(small_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "план.pdf"
    out.write_bytes(b"x" * 10_000_000)
    export_tree(load_tree(small_db), "pdf", out)
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size < 1_000_000


# ---- huge and odd content ---------------------------------------------------------------------
def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "odd.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), data)
    database.close()
    return path


def test_rows_and_headings_taller_than_a_page_continue_on_the_next_pages(tmp_path: Path) -> None:
    data = copy.deepcopy(SMALL_ROADMAP)
    long_title = "\n".join(f"{n}) пункт длинного перечня мероприятий для школы" for n in range(1, 121))
    data["sections"][0]["title"] = "Очень длинный раздел " * 300
    data["sections"][0]["measures"][0]["title"] = long_title
    data["sections"][1]["measures"][0]["title"] = "Ключевые слова " + "о" * 400  # one word longer than a line
    data["sections"][1]["measures"][0]["responsible"] = "😀 数学 ٱلْعَرَبِيَّة \x01 Ünïcødé"
    tree = load_tree(_write(tmp_path, data))
    out = tmp_path / "long.pdf"
    pages = export_tree(tree, "pdf", out).pages
    reader = PdfReader(out)
    assert pages == len(reader.pages) >= 5
    text = squash("".join(page.extract_text() for page in reader.pages))
    assert "1)пунктдлинного" in text and "120)пунктдлинного" in text
    assert text.index("1)пунктдлинного") < text.index("120)пунктдлинного")
    assert "Ü" in text and "о" * 100 in text


def test_an_empty_roadmap_exports_without_a_table(tmp_path: Path) -> None:
    data = copy.deepcopy(SMALL_ROADMAP)
    data["sections"], data["schools"] = [], []
    tree = load_tree(_write(tmp_path, data))
    for kind in ("pdf", "xlsx", "ics"):
        out = tmp_path / f"empty.{kind}"
        export_tree(tree, kind, out)
        assert out.stat().st_size > 0
    assert len(list(Calendar.from_ical((tmp_path / "empty.ics").read_bytes()).walk("VEVENT"))) == 0
    assert load_workbook(tmp_path / "empty.xlsx")["Дорожная карта"].max_row >= 3


def test_text_longer_than_an_excel_cell_is_cut_with_a_mark(tmp_path: Path) -> None:
    data = copy.deepcopy(SMALL_ROADMAP)
    data["sections"][0]["measures"][0]["result"] = "отчёт " * 7000  # 42,000 characters
    tree = load_tree(_write(tmp_path, data))
    out = tmp_path / "big.xlsx"
    export_tree(tree, "xlsx", out)
    sheet = load_workbook(out)["Дорожная карта"]
    longest = max((c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)), key=len)
    assert len(longest) == 32767 and longest.endswith("[текст сокращён: полностью — в программе]")
    assert max(d.height or 0 for d in sheet.row_dimensions.values()) <= 409


def test_the_stored_letter_widths_are_the_fonts_own() -> None:
    from desktop.exports.text_fit import _widths, measured_widths

    for bold in (False, True):
        assert _widths(bold) == measured_widths(bold)  # run write_width_table() after a font change


def _events(path: Path) -> list[Any]:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_a_calendar_event_keeps_its_uid_when_the_deadline_is_edited(small_db: Path, tmp_path: Path) -> None:
    """Calendars match events by UID: an edited deadline must move the event, not add a second."""
    before, after = tmp_path / "before.ics", tmp_path / "after.ics"
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--ics", str(before))
    tree = load_tree(small_db)
    measure = next(m for m in tree.measures.values() if m.deadline_text == "сентябрь 2023 г.")
    cli_json("set", "--db", str(small_db), "--measure", str(measure.id), "deadline=до 25 октября 2023 г.")
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--ics", str(after))
    old = next(e for e in _events(before) if "Создание рабочей группы" in str(e["SUMMARY"]))
    new = next(e for e in _events(after) if "Создание рабочей группы" in str(e["SUMMARY"]))
    assert str(new["UID"]) == str(old["UID"])
    assert new["DTEND"].dt == date(2023, 10, 26) != old["DTEND"].dt
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])  # the newer one wins on import
    assert {str(e["UID"]) for e in _events(after)} == {str(e["UID"]) for e in _events(before)}


@pytest.mark.parametrize(
    ("days", "trigger"), [(None, -timedelta(days=3, hours=15)), ("1", -timedelta(days=1, hours=15))]
)
def test_each_event_reminds_days_before_its_end_at_nine(
    small_db: Path, tmp_path: Path, days: str | None, trigger: timedelta
) -> None:
    out = tmp_path / "c.ics"
    extra = ["--remind-days", days] if days else []
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--ics", str(out), *extra)
    for event in _events(out):
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0]["TRIGGER"].dt == trigger  # default 3 days: 3 days 15 h before the midnight after
        assert alarms[0]["TRIGGER"].params["RELATED"] == "END"
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--ics", str(out), "--remind-days", "-1")
    assert all(not list(e.walk("VALARM")) for e in _events(out))


def test_a_long_title_is_cut_at_a_word_and_given_whole_in_the_description(
    hostile_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.ics"
    cli_json("export", "--db", str(hostile_db), "--roadmap", "1", "--ics", str(out))
    tree = load_tree(hostile_db)
    long_title = next(m for m in tree.measures.values() if m.title.startswith("Двойной"))
    event = next(e for e in _events(out) if "Двойной" in str(e["SUMMARY"]))
    summary = str(event["SUMMARY"])
    whole = " ".join(f"{long_title.number} {long_title.title}".split())
    assert summary.endswith("…") and len(summary) <= 120
    assert whole.startswith(summary[:-1]) and whole[len(summary) - 1] in " ,;:-–—"  # a whole word
    assert " ".join(long_title.title.split()) in " ".join(str(event["DESCRIPTION"]).split())


def test_a_reminder_past_a_year_is_refused_in_russian_and_writes_nothing(
    small_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.ics"
    far = ["--remind-days", "1000000000"]
    done = run_cli("export", "--db", str(small_db), "--roadmap", "1", "--ics", str(out), *far)
    assert done.returncode == 1 and "Напоминание за 1000000000 дн." in done.stderr
    assert "Внутренняя" not in done.stderr and not out.exists()
    assert not list(tmp_path.glob(".export-*"))


def test_the_monday_page_prints_hostile_text_as_text_and_an_empty_roadmap_says_so(
    hostile_db: Path, tmp_path: Path
) -> None:
    tree = load_tree(hostile_db)
    out = tmp_path / "ближайшие.pdf"
    export_tree(tree, "upcoming", out, today=date(2024, 9, 1))
    printed = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "<img" in printed and "не жирный" in printed  # markup printed as written, nothing run
    empty = copy.deepcopy(SMALL_ROADMAP)
    empty["sections"], empty["measures"] = [], []
    path = tmp_path / "empty.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), empty)
    database.close()
    export_tree(load_tree(path), "upcoming", out, today=date(2024, 2, 20))
    printed = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Просроченных мероприятий и сроков в эти три недели нет." in printed


@pytest.mark.parametrize("report", [False, True])
def test_no_word_is_broken_inside_a_column_of_the_pdf(demo_db: Path, report: bool) -> None:
    """«запланирован/о»: columns at least as wide as their longest word, head words included."""
    from desktop.exports.content import MeasureLine, build_content
    from desktop.exports.pdf import CELL_PADDING, CELL_SIZE, RoadmapPdf
    from desktop.exports.text_fit import TextFit

    def words(text: str) -> list[str]:
        return re.split(r"(?<=-)|\s+", text)

    regular, bold = TextFit(CELL_SIZE), TextFit(CELL_SIZE, bold=True)
    service = RoadmapService(open_database(demo_db), Actor("Тест", "ПК"))
    for roadmap in service.roadmap_ids():
        content = build_content(service.load(roadmap), report=report)
        widths = RoadmapPdf(content).widths
        rooms = [width - 2 * CELL_PADDING - 0.5 for width in widths]
        for column, room in zip(content.columns, rooms, strict=True):
            assert all(bold.word_width(w) <= room for w in words(column.title)), column.title
        for line in content.lines:
            if isinstance(line, MeasureLine):
                for value, room in zip(line.cells, rooms, strict=True):  # lines break after hyphens
                    assert all(regular.word_width(w) <= room for w in words(value)), value
    service.db.close()


def test_hand_altered_document_parts_and_a_page_long_signature_still_export(
    demo_db: Path, tmp_path: Path
) -> None:
    """Nothing in a file is trusted: settings that are a string, tasks that are a number, a mark
    that is a mapping read as none; a signature longer than a page splits across pages."""
    import sqlite3

    long_position = "Начальник Управления образования " * 1500
    cli_json("set", "--db", str(demo_db), "--roadmap", "2", f"signature.position={long_position}")
    with sqlite3.connect(demo_db) as conn:
        conn.execute(
            "UPDATE roadmaps SET settings = '\"oops\"', tasks = '5', approval_lines = '{\"a\": 1}' "
            "WHERE id = 3"
        )
        conn.execute("UPDATE orders SET clauses = '[1, null, \"пункт\"]' WHERE roadmap_id = 3")
    conn.close()
    dumped = cli_json("dump", "--db", str(demo_db), "--roadmap", "3")["roadmaps"][0]
    assert dumped["signature"] is None and dumped["tasks"] == []
    assert dumped["order"]["clauses"] == ["1", "пункт"]
    for roadmap in ("2", "3"):
        for kind in ("pdf", "docx", "xlsx"):
            out = tmp_path / f"{roadmap}.{kind}"
            cli_json("export", "--db", str(demo_db), "--roadmap", roadmap, f"--{kind}", str(out))
            assert out.stat().st_size > 0
    text = squash("".join(page.extract_text() for page in PdfReader(tmp_path / "2.pdf").pages))
    assert text.count(squash("Начальник Управления образования")) >= 1500
