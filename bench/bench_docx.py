"""Word export figures (issue 16): whole processes, medians, with LibreOffice's time beside.

The 1,000- and 5,000-measure roadmaps of make_docs.py (imported once, as bench_export does) are
exported with `python -m desktop export --docx`; LibreOffice then turns the exported DOCX into
PDF (what a user's office suite does to print it). Budgets: 1,000 ≤ 1.5 s, 5,000 ≤ 6 s.
JSON goes to bench/results/docx.json.

    python bench/bench_docx.py [--runs 5] [--lo-5000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_export import libreoffice_pdf, median_of, prepared  # noqa: E402
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)

BUDGETS = {"1000": 1.5, "5000": 6.0}


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
        _, db = prepared(folder, n, env)
        out = folder / f"export_{n}.docx"
        command = [sys.executable, "-m", "desktop", "export", "--db", str(db), "--roadmap", "1"]
        figures: dict[str, object] = {
            "docx_s": median_of(args.runs, [*command, "--docx", str(out)], env),
            "docx_report_s": median_of(args.runs, [*command, "--docx", str(out), "--report"], env),
            "docx_bytes": out.stat().st_size,
        }
        if n == 1000 or args.lo_5000:
            seconds = libreoffice_pdf(out, folder, env)
            if seconds:
                first, ordinary = seconds
                figures["libreoffice_docx_to_pdf_first_start_s"] = first
                figures["libreoffice_docx_to_pdf_s"] = ordinary
        results[str(n)] = figures
        print(n, json.dumps(figures, ensure_ascii=False), flush=True)
    target = HERE / "results" / "docx.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"-> {target}")


if __name__ == "__main__":
    main()
