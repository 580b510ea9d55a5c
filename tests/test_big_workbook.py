"""A workbook whose rows go on empty for a million lines (styled, no values) is read in a moment
with its three measures: the sheet is streamed and ends where hundreds of empty rows follow one
another (figures: bench/bench_big_workbook.py, ≤ 200 MB and ≤ 3 s)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from desktop.importers import read_source, recognise
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from big_workbook import make_big_workbook


def test_empty_formatted_rows_end_the_sheet(tmp_path: Path) -> None:
    source = make_big_workbook(tmp_path / "много пустых строк.xlsx", empty_rows=200_000)
    roadmap = recognise(read_source(source)).roadmap
    measures = [m for s in roadmap.get("sections") or [] for m in s.get("measures") or []]
    measures += roadmap.get("measures") or []
    assert [m["title"] for m in measures] == ["Мероприятие 1", "Мероприятие 2", "Мероприятие 3"]


def test_merged_cells_are_still_read_from_a_streamed_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственные"])
    sheet.append(["1. Организационные мероприятия", None, None, None])
    sheet.merge_cells("A2:D2")
    sheet.append([1, "Семинар", "март 2024 г.", "РМО"])
    sheet.append([2, "Совещание", "апрель 2024 г.", "УО"])
    sheet.merge_cells("D3:D4")
    path = tmp_path / "объединённые.xlsx"
    workbook.save(path)
    table = read_source(path).blocks[0]
    assert table.rows[1][0].text.startswith("1. Организационные") and table.rows[1][0].span == 4
    assert table.rows[3][3].merged_up and table.rows[2][3].text == "РМО"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory read from /proc")
def test_a_million_empty_rows_stay_far_from_the_memory_of_an_old_pc(tmp_path: Path) -> None:
    """Peak memory of the whole import process (VmHWM: ru_maxrss would carry pytest's own
    across exec). It took 0.9 GB; the budget is 200 MB, asserted here with room, so that the
    test says «bounded», not «fast» (figures: bench/bench_big_workbook.py)."""
    import subprocess

    source = make_big_workbook(tmp_path / "миллион.xlsx")
    code = (
        "import runpy, sys\n"
        "sys.argv = ['desktop', 'import', sys.argv[1], '--db', sys.argv[2]]\n"
        "try:\n    runpy.run_module('desktop', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(peak, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(tmp_path / "out.sqlite")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert '"measures": 3' in done.stdout, done.stderr
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < 300
