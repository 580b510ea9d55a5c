"""Import of a workbook with three measures and a million empty formatted rows, whole process
(`python -m desktop import`), medians of 3. Budgets: peak RSS ≤ 200 MB, time ≤ 3 s."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from big_workbook import make_big_workbook  # noqa: E402


def run_once(source: Path, folder: Path, n: int) -> tuple[float, float]:
    db = folder / f"out{n}.sqlite"
    code = (
        "import sys, runpy; sys.argv = ['desktop', 'import', sys.argv[1], '--db', sys.argv[2]];"
        "\ntry:\n    runpy.run_module('desktop', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
        "print(peak[0].split()[1], file=sys.stderr)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(db)], capture_output=True, text=True, cwd=HERE.parent
    )
    elapsed = time.perf_counter() - start
    assert json.loads(done.stdout)["measures"] == 3, done.stderr
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "million_empty_rows.xlsx"
    if not source.exists():
        make_big_workbook(source)
    runs = [run_once(source, folder, n) for n in range(3)]
    results = {
        "workbook_mb": round(source.stat().st_size / 2**20, 2),
        "import_s_median": round(statistics.median(r[0] for r in runs), 2),
        "peak_rss_mb_median": round(statistics.median(r[1] for r in runs), 1),
        "budgets": {"import_s": 3, "peak_rss_mb": 200},
    }
    (HERE / "results" / "big_workbook.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
