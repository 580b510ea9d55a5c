"""Export figures (whole processes, medians of several runs), side by side with LibreOffice.

The 1,000- and 5,000-measure DOCX from make_docs.py are imported with the CLI, then
`python -m desktop export` writes PDF, XLSX and ICS from them. LibreOffice turns the same DOCX
into PDF in the same run (the incumbent way), at 1,000 measures; at 5,000 it takes minutes, so
only with --lo-5000. Budgets: PDF ≤ 1 s / ≤ 5 s and ≥ 10× faster than LibreOffice; XLSX ≤ 0.5 s /
≤ 1.5 s; cost linear. JSON goes to bench/results/export.json.

    python bench/bench_export.py [--runs 5] [--lo-5000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)

BUDGETS = {"pdf": {"1000": 1.0, "5000": 5.0}, "xlsx": {"1000": 0.5, "5000": 1.5}, "pdf_vs_libreoffice": 10}


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=cwd, timeout=1800)
    return time.perf_counter() - start


def median_of(runs: int, command: list[str], env: dict[str, str]) -> float:
    return round(statistics.median(timed(command, env) for _ in range(runs)), 3)


def prepared(folder: Path, n: int, env: dict[str, str]) -> tuple[Path, Path]:
    """The DOCX of n measures and a roadmap file with it imported (made once, then reused)."""
    source = folder / f"roadmap_{n}.docx"
    if not source.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_docs.py"), str(n), str(folder), "--only", "docx"], check=True
        )
    db = folder / f"export_{n}.sqlite"
    if not db.exists():
        subprocess.run(
            [sys.executable, "-m", "desktop", "import", str(source), "--db", str(db)],
            check=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
        )
    return source, db


def libreoffice_pdf(source: Path, folder: Path, env: dict[str, str]) -> tuple[float, float] | None:
    """Seconds LibreOffice needs to turn the DOCX into PDF: its very first start (it builds its
    profile then) and an ordinary start with the profile made."""
    if shutil.which("soffice") is None:
        return None
    out = folder / "libreoffice"
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    command = [
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(source),
    ]
    made = out / f"{source.stem}.pdf"
    made.unlink(missing_ok=True)
    first = timed(command, env)
    ordinary = timed(command, env)
    shutil.rmtree(profile, ignore_errors=True)
    if not made.exists():  # soffice exits 0 without Writer («source file could not be loaded»)
        print("LibreOffice made no PDF (is libreoffice-writer installed?); not compared", file=sys.stderr)
        return None
    return round(first, 2), round(ordinary, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lo-5000", action="store_true", help="also time LibreOffice at 5,000 (minutes)")
    args = parser.parse_args()
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    env = program_env()
    results: dict[str, object] = {"budgets_s": BUDGETS, "runs": args.runs}
    for n in (1000, 5000):
        source, db = prepared(folder, n, env)
        figures: dict[str, object] = {}
        for kind in ("pdf", "xlsx", "ics"):
            out = folder / f"export_{n}.{kind}"
            command = [
                sys.executable,
                "-m",
                "desktop",
                "export",
                "--db",
                str(db),
                "--roadmap",
                "1",
                f"--{kind}",
            ]
            figures[f"{kind}_s"] = median_of(args.runs, [*command, str(out)], env)
            if kind == "pdf":
                done = subprocess.run(
                    [*command, str(out)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=ROOT,
                )
                figures["pdf_report_s"] = median_of(args.runs, [*command, str(out), "--report"], env)
                figures["pdf_pages"] = json.loads(done.stdout)["pages"]
        if n == 1000 or args.lo_5000:
            seconds = libreoffice_pdf(source, folder, env)
            if seconds:
                first, ordinary = seconds
                figures["libreoffice_docx_to_pdf_first_start_s"] = first
                figures["libreoffice_docx_to_pdf_s"] = ordinary
                figures["pdf_times_faster_than_libreoffice"] = round(ordinary / figures["pdf_s"], 1)
        results[str(n)] = figures
        print(n, json.dumps(figures, ensure_ascii=False), flush=True)
    small, large = results["1000"], results["5000"]
    results["growth_5000_over_1000"] = {
        kind: round(large[f"{kind}_s"] / small[f"{kind}_s"], 2) for kind in ("pdf", "xlsx", "ics")
    }
    # Linear cost: each further 1,000 measures costs the same; what 1,000 cost beyond that is the
    # fixed start (interpreter, imports, opening the file).
    results["seconds_per_further_1000_measures"] = {
        kind: round((large[f"{kind}_s"] - small[f"{kind}_s"]) / 4, 3) for kind in ("pdf", "xlsx", "ics")
    }
    out = HERE / "results" / "export.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results["growth_5000_over_1000"]), f"-> {out}")


if __name__ == "__main__":
    main()
