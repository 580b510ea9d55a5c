"""Does any row of our Excel export print clipped? LibreOffice is the judge.

The stored row heights are estimates (no spreadsheet fits heights of a saved file). This script
exports a roadmap, opens it in a headless LibreOffice, asks it for each table row's optimal
height and compares: our height must be at least LibreOffice's. Prints JSON with the count of
clipped rows and how generous the heights are (stored / needed).

    python bench/check_xlsx_heights.py [--db FILE --roadmap ID] [--measures N]

Needs LibreOffice and its Python bridge (Debian: libreoffice-calc, python3-uno;
`make bench-packages` installs them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import make_file  # noqa: E402
from desktop.exports import export_tree  # noqa: E402
from desktop.services.roadmap import Actor, RoadmapService  # noqa: E402
from models.storage.database import open_database  # noqa: E402

SHEET = "Дорожная карта"
SYSTEM_PYTHON = "/usr/bin/python3"  # has LibreOffice's uno module (Debian: python3-uno)


def fitted_heights(book: Path) -> dict[int, list[float]]:
    """{row: [stored, fitted]} from LibreOffice's optimal row height (bench/lo_row_heights.py)."""
    helper = Path(__file__).with_name("lo_row_heights.py")
    done = subprocess.run(
        [SYSTEM_PYTHON, str(helper), str(book), SHEET],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return {int(row): pair for row, pair in json.loads(done.stdout).items()}


def check(db: Path, roadmap: int, work: Path) -> dict[str, object]:
    database = open_database(db, read_only=True)
    try:
        tree = RoadmapService(database, Actor("bench", "bench")).load(roadmap)
    finally:
        database.close()
    ours_path = work / "ours.xlsx"
    export_tree(tree, "xlsx", ours_path)
    ours = load_workbook(ours_path)[SHEET]
    fitted = fitted_heights(ours_path)
    clipped, ratios = [], []
    for row, (stored, needed) in sorted(fitted.items()):
        if stored + 0.5 < needed:
            text = str(ours.cell(row, 2).value)[:60]
            clipped.append({"row": row, "stored": stored, "needed": needed, "text": text})
        ratios.append(stored / needed)
    return {
        "rows": len(fitted),
        "clipped": len(clipped),
        "clipped_rows": clipped[:20],
        "ratio_median": round(statistics.median(ratios), 2) if ratios else None,
        "ratio_max": round(max(ratios), 2) if ratios else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--roadmap", type=int, default=1)
    parser.add_argument("--measures", type=int, default=300, help="synthetic roadmap size without --db")
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        sys.exit("soffice не найден: установите LibreOffice (make bench-packages).")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = args.db or make_file(work / "synthetic.sqlite", args.measures)
        print(json.dumps(check(db, args.roadmap, work), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
