"""Importing the three real roadmaps (as Word files and as converted text) against their labels."""

from __future__ import annotations

import json
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cli_json

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
_QUOTES = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "−": "-",
        "\u00a0": " ",
        "ё": "е",
        "Ё": "Е",
    }
)


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def similar(a: str | None, b: str | None) -> float:
    a, b = norm(a), norm(b)
    return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()


def flatten(node: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    sections, measures = [], list(node.get("measures") or [])
    for section in node.get("sections") or []:
        sections.append(section)
        inner_sections, inner_measures = flatten(section)
        sections += inner_sections
        measures += inner_measures
    return sections, measures


def text_of(measure: dict, name: str) -> str:
    value = measure.get(name)
    return (value or {}).get("text", "") if name == "deadline" else value or ""


def imported(source: Path, tmp_path: Path) -> dict:
    db = tmp_path / "import.sqlite"
    result = cli_json("import", str(source), "--db", str(db))
    return cli_json("dump", "--db", str(db), "--roadmap", str(result["roadmap_id"]))["roadmaps"][0]


CASES = [(n, ext) for n in ("000", "002", "003") for ext in ("docx", "txt")]


@pytest.mark.parametrize(("seed", "ext"), CASES, ids=[f"{n}.{e}" for n, e in CASES])
def test_seed_import_matches_its_label(seed: str, ext: str, tmp_path: Path) -> None:
    truth = json.loads((SEEDS / f"{seed}.json").read_text(encoding="utf-8"))["roadmaps"][0]
    got = imported(SEEDS / f"{seed}.{ext}", tmp_path)
    t_sections, t_measures = flatten(truth)
    g_sections, g_measures = flatten(got)
    matched = fields_ok = 0
    j = 0
    for want in t_measures:
        for k in range(j, min(len(g_measures), j + 6)):
            have = g_measures[k]
            if similar(want["title"], have["title"]) >= 0.9:
                j = k + 1
                matched += 1
                fields_ok += all(
                    similar(text_of(want, f), text_of(have, f)) >= 0.9
                    for f in ("deadline", "responsible", "result")
                )
                break
    bar = 0.98 if ext == "docx" else 0.95
    assert matched >= bar * len(t_measures), (matched, len(t_measures))
    assert fields_ok >= bar * len(t_measures), (fields_ok, len(t_measures))
    section_bar = 0.9 if ext == "docx" else 0.85
    found = sum(any(similar(s["title"], g["title"]) >= 0.8 for g in g_sections) for s in t_sections)
    assert found >= section_bar * len(t_sections)
    assert got["period"] == truth["period"]
    if truth["order"]:
        assert got["order"]["number"] == truth["order"]["number"]
        assert got["order"]["date"] == truth["order"]["date"]
        assert truth["order"]["signer"].split()[-1] in got["order"]["signer"]


def test_order_parts_of_a_full_order(tmp_path: Path) -> None:
    got = imported(SEEDS / "003.docx", tmp_path)
    order = got["order"]
    assert order["place"] == "г. Нязепетровск"
    assert order["title"].startswith("О сопровождении общеобразовательных организаций")
    assert order["preamble"].startswith("В соответствии с планом работы")
    assert len(order["clauses"]) == 4 and order["clauses"][-1].startswith("Контроль за исполнением")
    assert order["signer"] == "Д.А. Галанов"
    assert got["organization"].startswith("Управление образования администрации Нязепетровского")
    assert got["approval"]["kind"] == "appendix"
    assert "МКОУ «Араслановская СОШ»" in got["schools"]
    assert got["numbering"] == "hierarchical"


def test_stamp_and_roman_subsections(tmp_path: Path) -> None:
    got = imported(SEEDS / "000.docx", tmp_path)
    assert got["approval"]["kind"] == "stamp" and got["approval"]["lines"][0] == "УТВЕРЖДАЮ"
    section_two = got["sections"][1]
    assert [s["number"] for s in section_two["sections"]] == ["I", "II", "III"]
    numbers = [m["number"] for s in section_two["sections"] for m in s["measures"]]
    assert numbers == [f"2.{i}" for i in range(1, 10)]
    assert got["sections"][-1]["number"] == "4"


def test_flat_list_keeps_its_numbers_and_line_breaks(tmp_path: Path) -> None:
    got = imported(SEEDS / "002.txt", tmp_path)
    assert got["sections"] == [] and len(got["measures"]) == 22
    assert [m["number"] for m in got["measures"][:3]] == ["1", "2", "3"]
    assert got["measures"][0]["number_as_written"] == "1."


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-measure roadmap as DOCX and XLSX, made by the benchmark generator."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("generated")
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, str(root / "bench" / "make_docs.py"), "40", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder


@pytest.mark.parametrize("ext", ["docx", "xlsx"])
def test_generated_word_and_excel_roadmaps(generated: Path, ext: str, tmp_path: Path) -> None:
    got = imported(generated / f"roadmap_40.{ext}", tmp_path)
    sections, measures = flatten(got)
    assert len(measures) == 40 and len(sections) == 3
    assert got["title"].startswith("Дорожная карта по повышению качества образования")
    assert got["period"] == ["2023-01-01", "2024-12-31"]
    assert all(m["title"] and m["deadline"]["text"] and m["responsible"] for m in measures)
    assert measures[0]["form"]
    if ext == "docx":
        assert got["order"]["number"] == "47-од" and got["order"]["date"] == "2023-02-15"
