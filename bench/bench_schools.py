"""School report sheets: made for 50 schools of a 1,000-measure roadmap, and one taken back
(whole processes, medians). Budgets (issue 17): sheets ≤ 5 s, taking one back ≤ 1 s.

Two layouts of schools, both measured: «spread» — each measure concerns 5 of the 50 schools
(100 measures a sheet), and «all» — each measure concerns all 50 (1,000 rows a sheet, 50,000 in
all: the worst a district can send). JSON goes to bench/results/schools.json.

    python bench/bench_schools.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from process_env import program_env  # noqa: E402
from synthetic import operations_of, roadmap_dict  # noqa: E402

BUDGETS = {"sheets_50_schools_1000_measures_s": 5.0, "take_one_sheet_s": 1.0}
SCHOOLS = [f"МБОУ «Средняя школа № {n}»" for n in range(1, 51)]


def make(path: Path, per_measure: int) -> None:
    from desktop.services.writer import write_roadmap
    from models.storage.database import create_database

    data = roadmap_dict(1000)
    data["schools"] = SCHOOLS
    number = 0
    for section in data["sections"]:
        for measure in section["measures"]:
            measure["schools"] = [SCHOOLS[(number + k) % 50] for k in range(per_measure)]
            number += 1
    database = create_database(path)
    write_roadmap(operations_of(database), data)
    database.close()


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, done.stdout


def fill(sheet: Path) -> int:
    """Every row marked done with a date and a note, as a director would."""
    from openpyxl import load_workbook

    from desktop.exports.school_sheets import HEAD_ROW, SHEET_TITLE

    book = load_workbook(sheet)
    page = book[SHEET_TITLE]
    rows = 0
    for row in range(HEAD_ROW + 1, page.max_row + 1):
        page.cell(row, 5, "выполнено")
        page.cell(row, 6, date(2024, 3, 1))
        page.cell(row, 7, f"Протокол № {row}")
        rows += 1
    book.save(sheet)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    env = program_env()
    results: dict[str, object] = {"budgets_s": BUDGETS, "runs": options.runs}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for layout, per_measure in (("spread", 5), ("all", 50)):
            db = base / f"{layout}.sqlite"
            make(db, per_measure)
            made: list[float] = []
            out = ""
            for run_number in range(options.runs):
                target = base / f"{layout}-sheets-{run_number}"
                seconds, out = run(
                    ["school-sheets", "--db", str(db), "--roadmap", "1", "--out", str(target)], env
                )
                made.append(seconds)
            sheets = json.loads(out)["sheets"]
            biggest = Path(max(sheets, key=lambda s: s["measures"])["out"])
            rows = fill(biggest)
            taken: list[float] = []
            for run_number in range(options.runs):
                copy = base / f"{layout}-take-{run_number}.sqlite"
                shutil.copyfile(db, copy)
                seconds, _ = run(["take-sheet", str(biggest), "--db", str(copy)], env)
                taken.append(seconds)
            results[layout] = {
                "schools": len(sheets),
                "rows_per_sheet": max(s["measures"] for s in sheets),
                "sheets_s": round(statistics.median(made), 3),
                "take_one_s": round(statistics.median(taken), 3),
                "rows_taken": rows,
            }
            print(layout, json.dumps(results[layout], ensure_ascii=False), flush=True)
    out_file = HERE / "results" / "schools.json"
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("->", out_file)


if __name__ == "__main__":
    main()
