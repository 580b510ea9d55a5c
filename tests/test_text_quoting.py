"""Tab-separated text as Excel writes it: a cell holding a line break, a tab or a quote is quoted
with ``"`` (a quote inside doubled), and is read as one cell; quotes outside that pattern stay text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.importers import read_source, recognise

HEAD = "№\tМероприятие\tСрок\tОтветственный\tРезультат\n"


def measures(
    tmp_path: Path, body: str, newline: str = "\n", name: str = "a.txt", before: str = ""
) -> list[dict[str, Any]]:
    source = tmp_path / name
    source.write_bytes((before + HEAD + body).replace("\n", newline).encode("utf-8"))
    result: list[dict[str, Any]] = recognise(read_source(source)).roadmap["measures"]
    return result


def test_quoted_cell_with_line_break_is_one_cell(tmp_path: Path) -> None:
    got = measures(
        tmp_path, '1\tСеминар\tМарт 2024\tРМО\t"Протокол\nи справка"\n2\tКурсы\tАпрель 2024\tЦРО\tПриказ\n'
    )
    assert [m["title"] for m in got] == ["Семинар", "Курсы"]
    assert got[0]["result"] == "Протокол\nи справка"
    assert got[0]["responsible"] == "РМО"
    assert got[1]["result"] == "Приказ"


def test_quoted_first_cell_with_line_break(tmp_path: Path) -> None:
    got = measures(tmp_path, '1\t"Семинар\nдля учителей"\tМарт 2024\tРМО\tПротокол\n')
    assert len(got) == 1
    assert got[0]["title"] == "Семинар\nдля учителей"
    assert got[0]["result"] == "Протокол"


def test_doubled_quote_inside_a_quoted_cell(tmp_path: Path) -> None:
    got = measures(tmp_path, '1\t"Приказ ""О мерах"""\tМарт 2024\tРМО\tПротокол\n')
    assert got[0]["title"] == 'Приказ "О мерах"'
    assert got[0]["responsible"] == "РМО"


def test_quoted_cell_containing_a_tab(tmp_path: Path) -> None:
    got = measures(tmp_path, '1\tСеминар\tМарт 2024\tРМО\t"СОШ № 1\t12"\n')
    assert got[0]["result"] == "СОШ № 1\t12"
    assert got[0]["responsible"] == "РМО"
    assert not got[0].get("extra")


def test_lone_quote_stays_text_and_swallows_nothing(tmp_path: Path) -> None:
    body = (
        '1\t"Семинар\tМарт 2024\tРМО\tПротокол\n'
        "2\tКурсы\tАпрель 2024\tЦРО\tПриказ\n"
        "3\tСовещание\tМай 2024\tУО\tСправка\n"
    )
    got = measures(tmp_path, body)
    assert [m["title"] for m in got] == ['"Семинар', "Курсы", "Совещание"]
    assert got[2]["result"] == "Справка"


def test_lone_quote_in_a_paragraph_stays_text(tmp_path: Path) -> None:
    before = 'Дорожная карта "Успех\nна 2024 год\n'
    got = measures(
        tmp_path, '1\tСеминар\tМарт 2024\tРМО\tПротокол\n2\tКурсы\t"Апрель\tЦРО\tПриказ\n', before=before
    )
    assert [m["title"] for m in got] == ["Семинар", "Курсы"]
    assert got[1]["responsible"] == "ЦРО"


def test_quotes_excel_would_not_write_are_kept(tmp_path: Path) -> None:
    got = measures(tmp_path, '1\t"Семинар"\tМарт 2024\tРМО\tПриказ "О мерах" по школам\n')
    assert got[0]["title"] == '"Семинар"'
    assert got[0]["result"] == 'Приказ "О мерах" по школам'


def test_windows_line_endings(tmp_path: Path) -> None:
    body = '1\tСеминар\tМарт 2024\tРМО\t"Протокол\nи справка"\n2\tКурсы\tАпрель 2024\tЦРО\t"А ""Б"""\n'
    got = measures(tmp_path, body, newline="\r\n", name="b.tsv")
    assert [m["title"] for m in got] == ["Семинар", "Курсы"]
    assert got[0]["result"] == "Протокол\nи справка"
    assert got[1]["result"] == 'А "Б"'
