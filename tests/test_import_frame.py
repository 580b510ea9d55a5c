"""What surrounds the table, as real copies write it (issue 16): legal-database copies with a
Latin «N», the order's date and number on lines of their own in either order, ministries as
issuing bodies, schools named in the order only by their numbers. Each case goes through the
importer whole (a Word file made here, read by ``recognise``), as a user's import does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from desktop.importers import read_source, recognise
from tests.test_import_parts import make_docx

ROWS = [("1", "Совещание с директорами", "Сентябрь 2023 г.", "Отдел образования", "Протокол")]


def imported(tmp_path: Path, before: list[str]) -> dict[str, Any]:
    path = make_docx(tmp_path / "карта.docx", ROWS, before=before)
    roadmap: dict[str, Any] = recognise(read_source(path)).roadmap
    return roadmap


ORDER_HEAD = ["МИНИСТЕРСТВО ОБРАЗОВАНИЯ ПЕНЗЕНСКОЙ ОБЛАСТИ", "ПРИКАЗ"]
ORDER_TAIL = [
    "Об утверждении дорожной карты",
    "ПРИКАЗЫВАЮ:",
    "1. Утвердить дорожную карту.",
    "Министр А.Н. Кузнецов",
    "Дорожная карта по сопровождению школ на 2023-2024 учебный год",
]


@pytest.mark.parametrize(
    "requisites",
    [
        ["от 01.09.2023 N 245"],  # ГАРАНТ / КонсультантПлюс
        ["« 1 » сентября 2023 г.", "№ 245"],
        ["№ 245", "01.09.2023г."],
        ["01.09.2023", "", "N 245"],
        ["«01» сентября 2023 г.\t№ 245"],
    ],
)
def test_the_orders_date_and_number_however_written(tmp_path: Path, requisites: list[str]) -> None:
    roadmap = imported(tmp_path, [*ORDER_HEAD, *requisites, *ORDER_TAIL])
    order = roadmap["order"]
    assert (order["number"], order["date"]) == ("245", "2023-09-01")
    assert order["title"] == "Об утверждении дорожной карты"
    assert order["signer"] == "А.Н. Кузнецов"


def test_a_latin_n_in_the_approval_mark_and_a_ministry_as_the_issuer(tmp_path: Path) -> None:
    roadmap = imported(
        tmp_path,
        [
            "Приложение",
            "к приказу министерства образования Пензенской области",
            "от 01.09.2023 N 245",
            "Дорожная карта по сопровождению школ на 2023-2024 учебный год",
        ],
    )
    order = roadmap["order"]
    assert (order["number"], order["date"]) == ("245", "2023-09-01")
    assert roadmap["organization"] == "Министерство образования Пензенской области"


def test_schools_named_by_their_numbers_in_the_orders_clauses(tmp_path: Path) -> None:
    tail = list(ORDER_TAIL)
    tail[2] = "1. Утвердить дорожную карту сопровождения МБОУ СОШ (№ 3, № 7, № 12)."
    tail.insert(3, "2. Руководителям школ (№ 5 и № 9) обеспечить участие.")
    tail.insert(4, "3. Признать утратившим силу приказ (№ 17).")
    roadmap = imported(tmp_path, [*ORDER_HEAD, "от 01.09.2023 № 245", *tail])
    assert roadmap["schools"] == [
        "МБОУ СОШ № 3", "МБОУ СОШ № 7", "МБОУ СОШ № 12", "Школа № 5", "Школа № 9",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "after",
    [
        ["Начальник отдела образования\t\tИ.И. Иванов"],
        ["", "Начальник отдела образования ____________ И.И.Иванов"],
        ["Начальник отдела образования", "И.И. Иванов"],
    ],
)
def test_the_signature_under_the_table_is_kept(tmp_path: Path, after: list[str]) -> None:
    path = make_docx(tmp_path / "карта.docx", ROWS, before=["Дорожная карта на 2023 год"])
    document = docx.Document(str(path))
    for line in after:
        document.add_paragraph(line)
    document.save(str(path))
    roadmap = recognise(read_source(path)).roadmap
    signature = {"position": "Начальник отдела образования", "name": "И.И. Иванов"}
    assert roadmap["settings"]["table_signature"] == signature


def test_no_signature_when_none_stands_under_the_table(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "карта.docx", ROWS, before=["Дорожная карта на 2023 год"])
    assert recognise(read_source(path)).roadmap["settings"] == {}
