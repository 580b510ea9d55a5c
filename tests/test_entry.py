"""The one entry point: a double click passes the file alone (`roadmap %f`, the Windows
association), which must open the window on that file, not fail as an unknown command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import desktop.__main__ as entry
from desktop.cli import build_parser
from tests.conftest import run_cli


def test_the_entry_points_command_list_is_the_parsers() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == entry.COMMANDS


@pytest.mark.parametrize(
    ("args", "opens"),
    [
        (["Дорожные карты.sqlite"], "Дорожные карты.sqlite"),  # not there yet: the window says so
        (["/home/u/Документы/карта школы.sqlite"], "/home/u/Документы/карта школы.sqlite"),
        (["export"], None),
        (["--version"], None),
        (["dump", "--db", "x.sqlite"], None),
        (["нет-такой-команды"], None),  # a typo stays argparse's Russian message
    ],
)
def test_a_lone_file_argument_opens_the_window(
    args: list[str], opens: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path | None] = []
    monkeypatch.setattr("desktop.app.run_window", lambda path=None: opened.append(path) or 0)
    monkeypatch.setattr("desktop.cli.run", lambda argv: 7)
    code = entry.main(args)
    if opens is None:
        assert code == 7 and opened == []
    else:
        assert code == 0 and opened == [Path(opens).resolve()]


def test_an_existing_file_without_suffix_opens_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "карта"
    plain.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    opened: list[Path | None] = []
    monkeypatch.setattr("desktop.app.run_window", lambda path=None: opened.append(path) or 0)
    assert entry.main(["карта"]) == 0 and opened == [plain]


def test_output_is_utf8_whatever_the_code_page(demo_db: Path) -> None:
    """On Windows a pipe gets the ANSI code page (cp1252 on an English system): the dump of a
    Russian roadmap then failed as an internal error."""
    done = run_cli("dump", "--db", str(demo_db), "--roadmap", "1", env={"PYTHONIOENCODING": "cp1252"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["roadmaps"][0]["title"].startswith("ДОРОЖНАЯ КАРТА")
    refused = run_cli("dump", "--db", str(demo_db), "--roadmap", "99", env={"PYTHONIOENCODING": "cp1252"})
    assert refused.returncode == 1 and "99" in refused.stderr and "Внутренняя" not in refused.stderr
