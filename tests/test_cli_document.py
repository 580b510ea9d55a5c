"""``set --roadmap``: the roadmap's document changed from the command line, through the same
EditDocumentCommand as the «Документ» tab, run as a separate process on a real file; and the
command line's own complaints in Russian."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from desktop.cli import _ARGPARSE_MESSAGES, russian_argparse_message
from tests.conftest import ROOT, cli_json, run_cli, sha256

ROADMAP = "3"  # Нязепетровск in the demo file: order № 31 of 13.02.2024, an appendix mark
NO_ORDER = "2"  # Саров: no order, no mark


def roadmap(db: Path, ident: str) -> dict[str, Any]:
    return cli_json("dump", "--db", str(db), "--roadmap", ident)["roadmaps"][0]


def set_document(db: Path, ident: str, *assignments: str) -> dict[str, Any]:
    return cli_json("set", "--db", str(db), "--roadmap", ident, *assignments)


def pdf_text(db: Path, ident: str, out: Path) -> str:
    cli_json("export", "--db", str(db), "--roadmap", ident, "--pdf", str(out))
    return "\n".join(page.extract_text() for page in PdfReader(out).pages)


def test_order_number_reaches_the_dump_and_the_pdf(demo_db: Path, tmp_path: Path) -> None:
    assert roadmap(demo_db, ROADMAP)["order"]["number"] == "31"
    out = set_document(demo_db, ROADMAP, "order.number=31-п")
    # the appendix mark names the order's number: it follows, as on the «Документ» tab
    assert out["roadmap"] == 3 and out["changed"] == ["order.number", "approval.lines"]
    after = roadmap(demo_db, ROADMAP)
    assert after["order"]["number"] == "31-п"
    assert after["approval"]["lines"][-1] == "от 13.02.2024 г. № 31-п"
    assert "№ 31-п" in pdf_text(demo_db, ROADMAP, tmp_path / "plan.pdf")

    stamp = set_document(demo_db, ROADMAP, "approval.kind=stamp")
    assert stamp["changed"] == ["approval.kind", "approval.lines"]
    assert stamp["version"] == out["version"] + 1
    lines = roadmap(demo_db, ROADMAP)["approval"]["lines"]
    assert lines[0] == "УТВЕРЖДАЮ" and lines[-1] == "Приказ от 13.02.2024 № 31-п"
    text = pdf_text(demo_db, ROADMAP, tmp_path / "stamp.pdf")
    assert "УТВЕРЖДАЮ" in text and "№ 31-п" in text


def test_the_tabs_russian_words_and_both_date_forms(demo_db: Path) -> None:
    out = set_document(
        demo_db, NO_ORDER, "order.date=13.02.2024", "order.number=№ 7", "approval.kind=Приложение"
    )
    assert out["changed"][:3] == ["order.date", "order.number", "approval.kind"]
    after = roadmap(demo_db, NO_ORDER)
    assert after["order"]["date"] == "2024-02-13" and after["order"]["number"] == "7"
    assert after["order"]["directive"] == "ПРИКАЗЫВАЮ:"  # a new order as the tab makes it
    assert after["approval"] == {
        "kind": "appendix",
        "lines": ["Приложение", "УТВЕРЖДЕНА", "приказом от 13.02.2024 № 7"],
    }

    set_document(
        demo_db, NO_ORDER, "order.date=2024-02-14", "approval.kind=«УТВЕРЖДАЮ» в правом верхнем углу"
    )
    after = roadmap(demo_db, NO_ORDER)
    assert after["order"]["date"] == "2024-02-14" and after["approval"]["kind"] == "stamp"
    assert after["approval"]["lines"][-1] == "Приказ от 14.02.2024 № 7"

    out = set_document(
        demo_db,
        NO_ORDER,
        "approval.kind=Без грифа",
        "numbering=Сквозная",
        "period=01.09.2021:2022-08-31",
        "title=План\\nна 2021–2022 годы",
    )
    assert out["changed"] == ["approval.kind", "numbering", "period", "title", "approval.lines"]
    after = roadmap(demo_db, NO_ORDER)
    assert after["approval"] is None and after["numbering"] == "flat"
    assert after["period"] == ["2021-09-01", "2022-08-31"] and after["title"] == "План\nна 2021–2022 годы"

    out = set_document(demo_db, NO_ORDER, "period_end=31.12.2022", "order=none")
    assert out["changed"][:2] == ["period_end", "order"]
    after = roadmap(demo_db, NO_ORDER)
    assert after["period"] == ["2021-09-01", "2022-12-31"] and after["order"] is None


def test_list_fields_take_escaped_lines_or_repeats(demo_db: Path) -> None:
    out = set_document(
        demo_db,
        ROADMAP,
        "tasks=Первая\\nВторая",
        "tasks=Третья",
        "order.clauses=Утвердить.",
        "order.clauses=Контроль оставляю за собой.",
    )
    assert out["changed"] == ["tasks", "order.clauses"]
    after = roadmap(demo_db, ROADMAP)
    assert after["tasks"] == ["Первая", "Вторая", "Третья"]
    assert after["order"]["clauses"] == ["Утвердить.", "Контроль оставляю за собой."]

    out = set_document(demo_db, ROADMAP, "approval.lines=УТВЕРЖДЕНА\\nприказом от 13.02.2024 № 31")
    assert out["changed"] == ["approval.lines"]
    assert roadmap(demo_db, ROADMAP)["approval"]["lines"] == ["УТВЕРЖДЕНА", "приказом от 13.02.2024 № 31"]
    assert set_document(demo_db, ROADMAP, "tasks=")["changed"] == ["tasks"]
    assert roadmap(demo_db, ROADMAP)["tasks"] == []


def test_schools_keep_their_measures(demo_db: Path) -> None:
    before = roadmap(demo_db, ROADMAP)
    linked = {m["id"]: m["schools"] for s in before["sections"] for m in s["measures"] if m["schools"]}
    assert linked
    names = before["schools"]
    same = set_document(demo_db, ROADMAP, "schools=" + "\\n".join(names))
    assert same["changed"] == [] and roadmap(demo_db, ROADMAP) == before  # nothing written

    mentor, kept, gone = names[0], names[1:-1], names[-1]  # one becomes a mentor, one goes
    out = set_document(
        demo_db, ROADMAP, "schools=" + "\\n".join([*kept, "МКОУ «Новая СОШ»"]), f"mentor_schools={mentor}"
    )
    assert out["changed"] == ["schools", "mentor_schools"]
    after = roadmap(demo_db, ROADMAP)
    assert after["schools"] == [*kept, "МКОУ «Новая СОШ»"] and after["mentor_schools"] == [mentor]
    now = {m["id"]: m["schools"] for s in after["sections"] for m in s["measures"]}
    for measure, schools in linked.items():  # a school named again keeps its marks on measures
        assert now[measure] == [name for name in schools if name != gone]


def test_unknown_fields_and_bad_values_are_refused_in_russian(demo_db: Path) -> None:
    cases = [
        (
            "colour=red",
            "Поле «colour» нельзя изменить у дорожной карты. Изменяемые поля: title, organization",
        ),
        ("status=done", "order.number, order.date"),
        ("order.number_text=№ 5", "только для чтения"),
        ("order.date=вчера", "Не удалось понять дату «вчера»"),
        ("period=2024", "Период «2024» не понят"),
        ("period_start=", "дата не может быть пустой"),
        ("approval.kind=гриф", "Вид грифа «гриф» (approval.kind) не понят: укажите stamp"),
        ("numbering=по алфавиту", "Способ нумерации «по алфавиту»"),
        ("order=есть", "order принимает только none"),
        ("title=", "Название дорожной карты не может быть пустым"),
        ("period=2024-12-31:2024-01-01", "позже его конца"),
        ("title", "ожидается ПОЛЕ=ЗНАЧЕНИЕ"),
        ("layout=2020", "Профиль оформления «2020» (layout) не понят: укажите 2025"),
    ]
    before = sha256(demo_db)
    for assignment, words in cases:
        result = run_cli("set", "--db", str(demo_db), "--roadmap", ROADMAP, "order.number=99", assignment)
        assert result.returncode == 1, assignment
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert result.stdout == ""
    no_mark = run_cli("set", "--db", str(demo_db), "--roadmap", NO_ORDER, "approval.lines=УТВЕРЖДАЮ")
    assert no_mark.returncode == 1 and "только с видом грифа" in no_mark.stderr
    missing = run_cli("set", "--db", str(demo_db), "--roadmap", "424242", "title=x")
    assert missing.returncode == 1 and "не найдена" in missing.stderr
    assert sha256(demo_db) == before


def test_a_stale_expect_version_is_refused(demo_db: Path) -> None:
    first = set_document(demo_db, ROADMAP, "goal=Повысить результаты")
    seen = str(first["version"])
    second = set_document(demo_db, ROADMAP, "--expect-version", seen, "order.signer=Е.А. Гомзикова")
    assert second["version"] == first["version"] + 1
    before = sha256(demo_db)
    for assignments in (["goal=Другая цель"], ["goal=Повысить результаты"]):  # a change, or none
        stale = run_cli(
            "set", "--db", str(demo_db), "--roadmap", ROADMAP, "--expect-version", seen, *assignments
        )
        assert stale.returncode == 1 and stale.stdout == ""
        assert "Документ дорожной карты уже изменён другим пользователем" in stale.stderr
    assert sha256(demo_db) == before
    assert roadmap(demo_db, ROADMAP)["goal"] == "Повысить результаты"


_COUNTING = """
import sys
from models.storage import database
writes = []
original = database.Database.write
def write(self, *args, **kwargs):
    writes.append(1)
    return original(self, *args, **kwargs)
database.Database.write = write
from desktop.__main__ import main
code = main(sys.argv[1:])
sys.stderr.write(f"write transactions: {len(writes)}\\n")
sys.exit(code)
"""


def test_a_change_is_one_logged_transaction(demo_db: Path) -> None:
    args = ["set", "--db", str(demo_db), "--roadmap", ROADMAP, "order.number=31-п", "order.date=14.02.2024"]
    args += ["title=Дорожная карта на 2024 год", "tasks=Одна\\nДругая"]
    result = subprocess.run(
        [sys.executable, "-c", _COUNTING, *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "write transactions: 1" in result.stderr
    with sqlite3.connect(demo_db) as conn:
        rows = conn.execute(
            "SELECT at, entity, entity_id, field, old, new FROM change_log WHERE roadmap_id = 3 "
            "AND field != 'insert' ORDER BY id"  # the demo's own line: the roadmap made
        ).fetchall()
        version = conn.execute("SELECT version FROM roadmaps WHERE id = 3").fetchone()[0]
    assert len({row[0] for row in rows}) == 1  # one moment: one transaction's lines
    assert {row[1:3] for row in rows} == {("roadmap", 3)}
    fields = {row[3]: row for row in rows}
    assert set(fields) == {"title", "tasks", "approval_lines", "order"}
    assert '"number": "31-п"' in fields["order"][5] and "2024-02-14" in fields["order"][5]
    assert "от 14.02.2024 г. № 31-п" in fields["approval_lines"][5]
    assert fields["title"][5] == "Дорожная карта на 2024 год"
    assert version == 2  # one versioned write of the roadmap


# ---- the command line's own complaints ------------------------------------------------------
ENGLISH = re.compile(
    r"\b(usage|error|required|arguments?|invalid|choice|choose|expected|unrecognized|options?|"
    r"positional|allowed|ambiguous|could match|ignored|explicit|show|help message|exit)\b",
    re.I,
)


def test_argument_errors_are_russian(demo_db: Path) -> None:
    db = str(demo_db)
    cases = [
        (["set", "--db", db], "не указаны обязательные параметры: ПОЛЕ=ЗНАЧЕНИЕ"),
        (["set", "--db", db, "title=x"], "укажите один из параметров: --measure --roadmap"),
        (
            ["set", "--db", db, "--measure", "1", "--roadmap", "3", "title=x"],
            "параметр --roadmap: нельзя указывать вместе с --measure",
        ),
        (["set", "--db", db, "--roadmap", "три", "title=x"], "параметр --roadmap: «три» — не целое число"),
        (
            ["set", "--db", db, "--roadmap", "3", "--expect-version"],
            "параметр --expect-version: после него нужно",
        ),
        (["dump", "--db", db, "--extra"], "лишние или неизвестные параметры: --extra"),
        (["frobnicate"], "неизвестная команда «frobnicate»; возможные: «demo»"),
        (["export", "--db", db, "--roadmap", "3"], "укажите один из параметров: --pdf --docx --xlsx --ics"),
        (["export", "--db", db, "--roadmap", "3", "--r", "--pdf", "x.pdf"], "параметр --r неоднозначен"),
        (["dump", "--help=x"], "значение «x» здесь не нужно"),
        (["deadline"], "не указаны обязательные параметры: ТЕКСТ, --period"),
    ]
    before = sha256(demo_db)
    for args, words in cases:
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert result.stderr.startswith("Использование: roadmap"), result.stderr
        assert "\nОшибка в параметрах: " in result.stderr and words in result.stderr, result.stderr
        assert not ENGLISH.search(result.stderr), result.stderr
    assert sha256(demo_db) == before


def test_help_is_russian() -> None:
    for args in (["-h"], ["set", "-h"], ["export", "--help"]):
        result = run_cli(*args)
        assert result.returncode == 0 and result.stdout.startswith("Использование: roadmap")
        assert "параметры:" in result.stdout and not ENGLISH.search(result.stdout), result.stdout
    assert "позиционные параметры:" in run_cli("set", "-h").stdout


def test_every_known_argparse_message_has_its_russian() -> None:
    samples = {
        "the following arguments are required: --db": "не указаны обязательные параметры: --db",
        "one of the arguments --pdf --ics is required": "укажите один из параметров: --pdf --ics",
        "unrecognized arguments: --x y": "лишние или неизвестные параметры: --x y",
        "argument --db: expected one argument": "параметр --db: после него нужно указать значение",
        "argument X: expected at most one argument": "параметр X: допускается не больше одного значения",
        "argument X: expected at least one argument": "параметр X: нужно указать хотя бы одно значение",
        "argument X: expected 2 arguments": "параметр X: нужно указать значений: 2",
        "argument --v: invalid choice: 'a' (choose from 'b', 'c')": (
            "параметр --v: недопустимое значение «a»; возможные: «b», «c»"
        ),
        "argument --n: invalid int value: 'x'": "параметр --n: «x» — не целое число",
        "argument --n: invalid float value: 'x'": "параметр --n: недопустимое значение «x»",
        "argument --a: not allowed with argument --b": "параметр --a: нельзя указывать вместе с --b",
        "argument -h/--help: ignored explicit argument 'x'": (
            "параметр -h/--help: значение «x» здесь не нужно"
        ),
        "ambiguous option: --r could match --roadmap, --report": (
            "параметр --r неоднозначен: подходят --roadmap, --report"
        ),
        "argument КОМАНДА: unknown parser 'x' (choices: a, b)": "неизвестная команда «x»; возможные: a, b",
        "unexpected option string: --x": "неожиданный параметр --x",
        "something new in Python 3.99": "параметры команды не поняты",
    }
    for pattern, _russian in _ARGPARSE_MESSAGES:  # each has a sample
        assert any(re.search(pattern, english) for english in samples), pattern
    for english, russian in samples.items():
        assert russian_argparse_message(english) == russian


def test_the_layout_profile_is_set_dumped_and_printed(demo_db: Path, tmp_path: Path) -> None:
    """``layout=2016`` is the «Оформление» choice: in the dump, and the PDF's corner mark is 7.5 cm
    long per line instead of 8 (its block starts 5 mm further right)."""
    from tests.test_document_tab import _mark_left_mm

    assert roadmap(demo_db, ROADMAP)["layout"] == "2025"
    cli_json("export", "--db", str(demo_db), "--roadmap", ROADMAP, "--pdf", str(tmp_path / "2025.pdf"))
    out = set_document(demo_db, ROADMAP, "layout=прежний")
    assert out["changed"] == ["layout"]
    assert roadmap(demo_db, ROADMAP)["layout"] == "2016"
    cli_json("export", "--db", str(demo_db), "--roadmap", ROADMAP, "--pdf", str(tmp_path / "2016.pdf"))
    moved = _mark_left_mm(tmp_path / "2016.pdf", "Утверждена") - _mark_left_mm(
        tmp_path / "2025.pdf", "Утверждена"
    )
    assert moved == pytest.approx(5, abs=0.3)
    assert set_document(demo_db, ROADMAP, "layout=ГОСТ Р 7.0.97-2025")["changed"] == ["layout"]
    assert roadmap(demo_db, ROADMAP)["layout"] == "2025"
