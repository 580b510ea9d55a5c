"""Peak memory of whole processes on a 100,000-measure roadmap (old PCs have 2–4 GB).

The DOCX comes from make_docs.py (made once into BENCH_DIR, ~1.5 min); `python -m desktop import`
reads it into a new file, then `python -m desktop export` writes every format from that file.
Each figure is the process's peak RSS (VmHWM) and its time, medians of --runs.
Budgets: import ≤ 600 MB, any export ≤ 600 MB. JSON goes to bench/results/memory.json.

    python bench/bench_memory.py [--measures 100000] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)

BUDGET_MB = 600
# The command run inside the measured process, then its own peak from /proc (Linux).
PEAK = (
    "import sys, runpy; sys.argv = ['desktop', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('desktop', run_name='__main__')\nexcept SystemExit as exit:\n"
    "    assert not exit.code, exit.code\n"
    "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
    "print(peak[0].split()[1], file=sys.stderr)"
)
EXPORTS = {
    "pdf": ["--pdf", "out.pdf"],
    "pdf_report": ["--pdf", "report.pdf", "--report"],
    "xlsx": ["--xlsx", "out.xlsx"],
    "xlsx_report": ["--xlsx", "report.xlsx", "--report"],
    "ics": ["--ics", "out.ics"],
}


def measured(args: list[str], folder: Path) -> tuple[float, float]:
    """Seconds and peak MB of one `python -m desktop ARGS` process."""
    env = program_env()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *args], capture_output=True, text=True, cwd=folder, env=env, timeout=1800
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def median_of(runs: int, args: list[str], folder: Path, before: object = None) -> dict[str, float]:
    figures = []
    for _ in range(runs):
        if callable(before):
            before()
        figures.append(measured(args, folder))
    return {
        "s": round(statistics.median(f[0] for f in figures), 1),
        "peak_mb": round(statistics.median(f[1] for f in figures), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    n = options.measures
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"roadmap_{n}.docx"
    if not source.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_docs.py"), str(n), str(folder), "--only", "docx"], check=True
        )
    db = folder / f"memory_{n}.sqlite"

    def fresh() -> None:
        for stale in (db, db.with_name(db.name + "-journal")):
            stale.unlink(missing_ok=True)

    results: dict[str, object] = {"measures": n, "runs": options.runs, "budget_peak_mb": BUDGET_MB}
    results["import_docx"] = median_of(options.runs, ["import", str(source), "--db", str(db)], ROOT, fresh)
    for name, args in EXPORTS.items():
        out = [str(folder / a) if a.endswith((".pdf", ".xlsx", ".ics")) else a for a in args]
        command = ["export", "--db", str(db), "--roadmap", "1", *out]
        results[f"export_{name}"] = median_of(options.runs, command, ROOT)
    results["within_budget"] = all(
        v["peak_mb"] <= BUDGET_MB for k, v in results.items() if isinstance(v, dict)
    )
    (HERE / "results" / "memory.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
