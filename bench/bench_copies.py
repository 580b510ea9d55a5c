"""Merging a travelling copy: 500 changes made in a copy of a 1,000-measure roadmap (250 measures'
notes, 250 schools' records) merged back, whole processes, medians. Budget (issue 17): ≤ 2 s.
JSON goes to bench/results/copies.json.

    python bench/bench_copies.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from bench_schools import make, run  # noqa: E402
from process_env import program_env  # noqa: E402

BUDGETS = {"merge_500_changes_s": 2.0}


def edit_copy(copy: Path) -> int:
    """500 changes in the copy, as the people who took it would make them (one step each)."""
    from desktop.services.commands import EditMeasureCommand, EditSchoolRecordCommand
    from desktop.services.roadmap import Actor, RoadmapService
    from models.storage.database import open_database

    service = RoadmapService(open_database(copy), Actor("Директор", "ДОМ"))
    try:
        rows = service.load(1).measures_in_order()
        changes = 0
        for row in rows[:250]:
            service.operations.apply(EditMeasureCommand.for_row(row, {"note": f"Сделано: {row.number}"}))
            changes += 1
        for row in rows[250:500]:
            school = row.school_ids[0]
            service.operations.apply(EditSchoolRecordCommand(row.id, school, 0, {"status": "done"}, 1))
            changes += 1
    finally:
        service.db.close()
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    env = program_env()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        db = base / "file.sqlite"
        make(db, 5)
        copy = base / "copy.sqlite"
        run(["take-copy", "--db", str(db), "--out", str(copy)], env)
        changes = edit_copy(copy)
        dry: list[float] = []
        merged: list[float] = []
        out = ""
        for number in range(options.runs):
            target = base / f"merge-{number}.sqlite"
            shutil.copyfile(db, target)
            seconds, _ = run(["merge-copy", str(copy), "--db", str(target), "--dry-run"], env)
            dry.append(seconds)
            seconds, out = run(["merge-copy", str(copy), "--db", str(target)], env)
            merged.append(seconds)
        answer = json.loads(out)
    results = {
        "budgets_s": BUDGETS,
        "runs": options.runs,
        "measures": 1000,
        "changes_in_copy": changes,
        "applied": answer["applied"],
        "conflicts": len(answer["conflicts"]),
        "dry_run_s": round(statistics.median(dry), 3),
        "merge_500_changes_s": round(statistics.median(merged), 3),
    }
    print(json.dumps(results, ensure_ascii=False))
    out_file = HERE / "results" / "copies.json"
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("->", out_file)


if __name__ == "__main__":
    main()
