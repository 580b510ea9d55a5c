"""Import figures (whole processes, medians): the 1,000- and 5,000-measure DOCX made by
make_docs.py, budgets ≤ 2 s and ≤ 8 s; and the 1,000-measure roadmap as a PDF (that DOCX through
LibreOffice, as a district publishes it), budget ≤ 5 s and ≤ 400 MB for the whole process, with
the DOCX import of the same roadmap beside it."""

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
ROOT = HERE.parent
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    env = program_env()
    results: dict[str, object] = {"budgets_s": {"1000": 2.0, "5000": 8.0}}
    for n in (1000, 5000):
        source = folder / f"roadmap_{n}.docx"
        if not source.exists():
            subprocess.run(
                [sys.executable, str(HERE / "make_docs.py"), str(n), str(folder), "--only", "docx"],
                check=True,
            )
        times, _peak = timed_imports(source, n, folder, env)
        results[f"import_docx_{n}_s_median"] = round(statistics.median(times), 3)
    results.update(pdf_figures(folder, env))
    out_file = HERE / "results" / "import.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


def timed_imports(
    source: Path, measures: int, folder: Path, env: dict[str, str]
) -> tuple[list[float], float]:
    """Three whole-process imports of ``source``: their wall times and the largest resident memory
    (MB) any of the import's processes reached (a PDF is read in a process of its own)."""
    times, peak = [], 0.0
    for run in range(3):
        db = folder / f"import_{source.suffix[1:]}_{measures}_{run}.sqlite"
        db.unlink(missing_ok=True)
        output = folder / "import-output.json"
        start = time.perf_counter()
        with open(output, "w", encoding="utf-8") as handle:
            process = subprocess.Popen(
                [sys.executable, "-m", "desktop", "import", str(source), "--db", str(db)],
                stdout=handle,
                cwd=ROOT,
                env=env,
            )
            _pid, status, usage = os.wait4(process.pid, 0)  # the usage of this import alone
        times.append(time.perf_counter() - start)
        assert status == 0 and json.loads(output.read_text(encoding="utf-8"))["measures"] == measures
        peak = max(peak, usage.ru_maxrss / 1024)
        db.unlink()
    return times, peak


def pdf_figures(folder: Path, env: dict[str, str]) -> dict[str, object]:
    """The 1,000-measure roadmap's PDF imported: wall time and peak memory of the whole process."""
    import shutil

    office = shutil.which("soffice") or shutil.which("libreoffice")
    source = folder / "roadmap_1000.pdf"
    if not source.exists():
        if office is None:
            return {"import_pdf_1000": "LibreOffice не установлен: PDF не из чего сделать"}
        subprocess.run(
            [
                office,
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(folder / "roadmap_1000.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    times, peak = timed_imports(source, 1000, folder, env)
    return {
        "budget_pdf_1000": {"s": 5.0, "mb": 400},
        "import_pdf_1000_s_median": round(statistics.median(times), 3),
        "import_pdf_1000_peak_mb": round(peak),
    }


if __name__ == "__main__":
    main()
