"""The command line of docs/CLI.md, run as a separate process."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from desktop import __version__
from tests.conftest import cli_json, run_cli, sha256


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"roadmap {__version__}"


def test_bad_arguments_exit_2_in_russian() -> None:
    for args in (["frobnicate"], ["set", "--db", "x.sqlite"], ["deadline"], []):
        result = run_cli(*args) if args else run_cli("set")
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("Использование: roadmap") and "Ошибка в параметрах: " in result.stderr
        for english in ("usage", "error", "required", "invalid", "argument"):
            assert english not in result.stderr.lower(), result.stderr


def test_demo_creates_the_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    assert cli_json("demo", "--db", str(path)) == {"db": str(path), "roadmaps": 3}
    before = sha256(path)
    again = run_cli("demo", "--db", str(path))
    assert again.returncode == 1 and "уже существует" in again.stderr
    assert sha256(path) == before


def test_dump_has_the_documented_shape(demo_db: Path) -> None:
    dump = cli_json("dump", "--db", str(demo_db))
    assert len(dump["roadmaps"]) == 3
    roadmap = next(r for r in dump["roadmaps"] if r["order"] and r["order"]["number"] == "31")
    for key in (
        "id",
        "title",
        "organization",
        "period",
        "order",
        "goal",
        "tasks",
        "schools",
        "sections",
        "measures",
    ):
        assert key in roadmap
    assert roadmap["period"] == ["2024-01-01", "2024-12-31"]
    assert roadmap["order"]["date"] == "2024-02-13" and roadmap["order"]["signer"] == "Д.А. Галанов"
    section = roadmap["sections"][0]
    assert section["number"] == "1"
    measure = section["measures"][0]
    assert measure["number"] == "1.1"
    assert measure["deadline"] == {
        "text": "Февраль 2024 год",
        "kind": "fixed",
        "windows": [["2024-02-01", "2024-02-29"]],
        "warnings": [],
    }
    for key in (
        "id",
        "title",
        "form",
        "responsible",
        "result",
        "target_group",
        "status",
        "done_on",
        "note",
        "schools",
    ):
        assert key in measure
    one = cli_json("dump", "--db", str(demo_db), "--roadmap", str(roadmap["id"]))
    assert one["roadmaps"] == [roadmap]


def test_dump_unknown_roadmap(demo_db: Path) -> None:
    result = run_cli("dump", "--db", str(demo_db), "--roadmap", "999")
    assert result.returncode == 1 and "не найдена" in result.stderr


def test_deadline() -> None:
    out = cli_json("deadline", "ежегодно (ноябрь, апрель)", "--period", "2023-09-01:2024-08-31")
    assert out["kind"] == "recurring"
    assert out["windows"] == [["2023-11-01", "2023-11-30"], ["2024-04-01", "2024-04-30"]]
    bad = run_cli("deadline", "март", "--period", "2024-13-01:2024")
    assert bad.returncode == 1 and "Период" in bad.stderr


def test_check(demo_db: Path) -> None:
    out = cli_json("check", "--db", str(demo_db))
    assert out["ok"] is True and out["integrity"] == "ok" and out["schema"] == "0008"
    assert out["roadmaps"] == 3 and out["measures"] == 37 + 22 + 11


def test_set_changes_one_measure_and_dump_shows_it(demo_db: Path) -> None:
    dump = cli_json("dump", "--db", str(demo_db), "--roadmap", "1")
    measure = dump["roadmaps"][0]["sections"][0]["measures"][1]  # one no school reports on
    assert not measure["execution"]
    out = cli_json(
        "set",
        "--db",
        str(demo_db),
        "--measure",
        str(measure["id"]),
        "status=in_progress",
        "note=Протокол № 3\\nот 01.03.2023",
        "done_on=",
    )
    assert set(out["changed"]) <= {"status", "note", "done_on"} and "note" in out["changed"]
    after = cli_json("dump", "--db", str(demo_db), "--roadmap", "1")["roadmaps"][0]["sections"][0][
        "measures"
    ][1]
    assert after["status"] == "in_progress" and after["note"] == "Протокол № 3\nот 01.03.2023"
    assert after["done_on"] is None


def test_set_with_a_stale_version_is_refused(demo_db: Path) -> None:
    measure = cli_json("dump", "--db", str(demo_db), "--roadmap", "1")["roadmaps"][0]["sections"][0][
        "measures"
    ][0]
    seen = str(measure["version"])
    cli_json(
        "set", "--db", str(demo_db), "--measure", str(measure["id"]), "--expect-version", seen, "note=первый"
    )
    before = sha256(demo_db)
    second = run_cli(
        "set", "--db", str(demo_db), "--measure", str(measure["id"]), "--expect-version", seen, "note=второй"
    )
    assert second.returncode == 1 and "уже изменено другим пользователем" in second.stderr
    assert sha256(demo_db) == before


def test_set_user_errors(demo_db: Path) -> None:
    cases = [
        (["--measure", "1", "status=готово"], "Неизвестный статус"),
        (["--measure", "1", "colour=red"], "нельзя изменить"),
        (["--measure", "1", "note"], "ПОЛЕ=ЗНАЧЕНИЕ"),
        (["--measure", "424242", "note=x"], "не найдено"),
        (["--measure", "1", "done_on=вчера"], "дату"),
    ]
    before = sha256(demo_db)
    for args, words in cases:
        result = run_cli("set", "--db", str(demo_db), *args)
        assert result.returncode == 1, args
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert sha256(demo_db) == before


def test_shot_renders_the_window(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "window.png"
    result = cli_json(
        "shot", "--db", str(demo_db), "--view", "window", "--out", str(out), "--size", "1366x768"
    )
    assert result == {"out": str(out), "size": [1366, 768]}
    with Image.open(out) as image:
        assert image.size == (1366, 768)
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or ()) > 20  # not a blank picture
    unknown = run_cli("shot", "--db", str(demo_db), "--view", "gantt-3d", "--out", str(out))
    assert unknown.returncode == 1 and "не реализован" in unknown.stderr


def test_shot_renders_each_tracking_view(demo_db: Path, tmp_path: Path) -> None:
    pictures = []
    for view in ("calendar-month", "calendar-year", "timeline", "report"):
        out = tmp_path / f"{view}.png"
        cli_json("shot", "--db", str(demo_db), "--roadmap", "1", "--view", view, "--out", str(out))
        with Image.open(out) as image:
            grey = image.convert("L")
            assert len(grey.getcolors(maxcolors=1 << 16) or ()) > 20, view
            pictures.append(grey.tobytes())
    assert len(set(pictures)) == 4  # four different screens, not one tab four times


def test_json_is_utf8_not_escaped(demo_db: Path) -> None:
    result = run_cli("dump", "--db", str(demo_db), "--roadmap", "1")
    assert "Управление" in result.stdout
    json.loads(result.stdout)
