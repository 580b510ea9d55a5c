"""Import pieces on small made-up documents: goal and tasks, nested and merged cells, bold and
Roman sections, continuation rows, defused XML, LibreOffice missing, all-or-nothing writing."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest

from desktop.importers import read_source, recognise
from desktop.importers.guard import ImportError_
from tests.conftest import operations_of, run_cli, sha256

HEADER = ("№ п/п", "Наименование мероприятия", "Сроки", "Ответственные", "Ожидаемый результат")


def make_docx(
    path: Path,
    rows: list[tuple[str, ...]],
    before: list[str] = (),
    bold_rows: set[int] = frozenset(),
    merge_rows: set[int] = frozenset(),
) -> Path:
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=1 + len(rows), cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, values in enumerate(rows, start=1):
        cells = table.rows[i].cells
        if i in merge_rows:
            merged = cells[0].merge(cells[-1])
            merged.text = values[0]
            continue
        for cell, text in zip(cells, values, strict=False):
            cell.text = text
            if i in bold_rows:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    document.save(path)
    return path


def test_goal_tasks_and_title_are_read(tmp_path: Path) -> None:
    source = make_docx(
        tmp_path / "a.docx",
        [("1.", "Семинар", "Март 2024 г.", "РМО", "Протокол")],
        before=[
            "ДОРОЖНАЯ КАРТА",
            "по поддержке школ с низкими результатами на 2023-2024 учебный год",
            "Цель: повышение качества образования",
            "Задачи:",
            "1. Выявить дефициты.",
            "2. Оказать помощь.",
        ],
    )
    roadmap = recognise(read_source(source)).roadmap
    assert roadmap["title"].startswith("ДОРОЖНАЯ КАРТА по поддержке школ")
    assert roadmap["period"] == ["2023-09-01", "2024-08-31"]
    assert roadmap["goal"] == "повышение качества образования"
    assert roadmap["tasks"] == ["Выявить дефициты.", "Оказать помощь."]


def test_merged_and_bold_section_rows(tmp_path: Path) -> None:
    source = make_docx(
        tmp_path / "b.docx",
        [
            ("1. Муниципальный уровень",),
            ("1.1", "Совещание", "Январь 2024 г.", "МОУО", "Приказ"),
            ("", "Школьный уровень", "", "", ""),
            ("1", "Анализ ВПР", "Май 2024 г.", "ОО", "Справка"),
            ("", "- семинар для учителей", "", "", ""),
        ],
        merge_rows={1},
        bold_rows={3},
    )
    roadmap = recognise(read_source(source)).roadmap
    titles = [s["title"] for s in roadmap["sections"]]
    assert titles == ["Муниципальный уровень", "Школьный уровень"]
    second = roadmap["sections"][1]["measures"][0]
    assert second["title"] == "Анализ ВПР\n- семинар для учителей"


def test_nested_table_text_is_kept_in_its_cell(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "c.docx", [("1.", "Курсы", "Март 2024 г.", "ЦРО", "")])
    document = docx.Document(path)
    cell = document.tables[0].rows[1].cells[4]
    inner = cell.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Школа", (0, 1): "Человек", (1, 0): "СОШ № 1", (1, 1): "12"}.items():
        inner.cell(r, c).text = text
    document.save(path)
    measure = recognise(read_source(path)).roadmap["measures"][0]
    assert "СОШ № 1\t12" in measure["result"]


def test_unknown_columns_are_kept_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "d.tsv"
    source.write_text(
        "№\tМероприятие\tСрок\tОтветственный\tФинансирование\n1\tСеминар\tМарт 2024\tРМО\t10 тыс. руб.\n",
        encoding="utf-8",
    )
    recognised = recognise(read_source(source))
    assert recognised.roadmap["measures"][0]["extra"] == {"Финансирование": "10 тыс. руб."}
    assert any("Финансирование" in w for w in recognised.warnings)


def test_duplicate_numbers_are_kept_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "e.txt"
    source.write_text("№\tМероприятие\tСрок\n1\tА\tМарт 2024\n1\tБ\tАпрель 2024\n", encoding="utf-8")
    recognised = recognise(read_source(source))
    assert [m["title"] for m in recognised.roadmap["measures"]] == ["А", "Б"]
    assert any("несколько раз" in w for w in recognised.warnings)


def test_openpyxl_parses_with_defusedxml() -> None:
    from openpyxl import xml

    assert xml.DEFUSEDXML is True


def test_doc_without_libreoffice_says_how_to_get_it(tmp_path: Path) -> None:
    source = tmp_path / "old.rtf"
    source.write_bytes(b"{\\rtf1\\ansi Roadmap}")
    result = run_cli(
        "import", str(source), "--db", str(tmp_path / "x.sqlite"), env={"PATH": str(tmp_path)}
    )  # no soffice on this PATH
    assert result.returncode == 1 and "LibreOffice" in result.stderr and "apt install" in result.stderr


def test_a_write_failing_halfway_adds_nothing(
    small_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from desktop.importers import import_file
    from desktop.services import writer
    from models.storage.database import open_database

    source = make_docx(
        tmp_path / "f.docx", [(f"{i}.", f"Мероприятие {i}", "Март 2024 г.", "РМО", "") for i in range(1, 30)]
    )
    before = sha256(small_db)
    original = writer._TreeWriter.flush

    def failing_flush(self: writer._TreeWriter) -> list[int]:
        original(self)
        raise OSError("диск отключён")

    monkeypatch.setattr(writer._TreeWriter, "flush", failing_flush)
    database = open_database(small_db)
    with pytest.raises(OSError):
        import_file(operations_of(database), source)
    database.close()
    assert sha256(small_db) == before


def test_guard_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="папка"):
        read_source(tmp_path)
    assert os.path.isdir(tmp_path)


def _tree(roadmap: dict) -> list[tuple[str, list[str]]]:
    return [(s["title"], [m["title"] for m in s["measures"]]) for s in roadmap["sections"]]


@pytest.mark.parametrize(
    "lines",
    [
        # Roman section numbers in the № column, a row numbering the columns, restarting measures.
        [
            "№\tМероприятие\tСрок\tОтветственный\tРезультат",
            "1\t2\t3\t4\t5",
            "I\tОрганизационные мероприятия\t\t\t",
            "1\tСовещание\tЯнварь 2024\tМОУО\tПриказ",
            "2\tСеминар\tФевраль 2024\tЦРО\tПротокол",
            "II\tМетодические мероприятия\t\t\t",
            "1\tКурсы\tМарт 2024\tЦРО\tУдостоверения",
        ],
        # Numbered headings with the rest of the row empty, measures restarting at 1.
        [
            "№\tМероприятие\tСрок\tОтветственный\tРезультат",
            "1.\tОрганизационные мероприятия\t\t\t",
            "1.\tСовещание\tЯнварь 2024\tМОУО\tПриказ",
            "2.\tСеминар\tФевраль 2024\tЦРО\tПротокол",
            "2.\tМетодические мероприятия\t\t\t",
            "1.\tКурсы\tМарт 2024\tЦРО\tУдостоверения",
        ],
    ],
    ids=["roman", "numbered-headings"],
)
def test_restarting_numbering_variants(lines: list[str], tmp_path: Path) -> None:
    source = tmp_path / "v.tsv"
    source.write_text("План мероприятий на 2024 год\n" + "\n".join(lines) + "\n", encoding="utf-8")
    recognised = recognise(read_source(source))
    assert _tree(recognised.roadmap) == [
        ("Организационные мероприятия", ["Совещание", "Семинар"]),
        ("Методические мероприятия", ["Курсы"]),
    ]
    assert not any("несколько раз" in w for w in recognised.warnings)
    assert recognised.roadmap["period"] == ["2024-01-01", "2024-12-31"]


def test_a_table_split_per_section_with_repeated_headers(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("ДОРОЖНАЯ КАРТА на 2024 год")
    for heading, measures in (
        ("1. Организационные мероприятия", ["Совещание", "Семинар"]),
        ("2. Методическая работа", ["Курсы"]),
    ):
        document.add_paragraph(heading)
        table = document.add_table(rows=1 + len(measures), cols=len(HEADER))
        for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
            cell.text = text
        for i, title in enumerate(measures, start=1):
            for cell, text in zip(
                table.rows[i].cells, (f"{heading[0]}.{i}", title, "Май 2024", "РМО", "Справка"), strict=True
            ):
                cell.text = text
    path = tmp_path / "split.docx"
    document.save(path)
    roadmap = recognise(read_source(path)).roadmap
    assert _tree(roadmap) == [
        ("Организационные мероприятия", ["Совещание", "Семинар"]),
        ("Методическая работа", ["Курсы"]),
    ]
    assert roadmap["measures"] == []


def test_a_header_repeated_inside_the_table_is_skipped(tmp_path: Path) -> None:
    source = tmp_path / "r.tsv"
    header = "№\tМероприятие\tСрок\tОтветственный"
    source.write_text(
        "\n".join([header, "1.\tСовещание\tЯнварь 2024\tМОУО", header, "2.\tСеминар\tМай 2024\tЦРО"]),
        encoding="utf-8",
    )
    roadmap = recognise(read_source(source)).roadmap
    assert [m["title"] for m in roadmap["measures"]] == ["Совещание", "Семинар"]
