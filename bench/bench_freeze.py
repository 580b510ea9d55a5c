"""The built program against the source: size on disk, the C library it needs, start to first paint.

Figures for installer/README.md (issue 14): the one-folder build's size (`make build`), the
.deb's (`make deb`), the highest GLIBC_x.y any shipped ELF file asks for (the oldest system it
runs on), and whole processes from start to the window's first paint — `python -m desktop` from
source vs the built `roadmap` (budget: built ≤ 1.5 s and no slower than source). Each start opens
the same demo file in a fresh data folder made once beforehand; the window writes the moment of
its first paint (ROADMAP_FIRST_PAINT_FILE) and quits. Under Xvfb when it is installed (the real
xcb plugin), else offscreen. Medians of --runs after one warm-up; JSON to bench/results/freeze.json.
Another one-folder build (e.g. Nuitka's roadmap.dist) can be measured beside it with --other.

    python bench/bench_freeze.py [--build build/dist/roadmap] [--deb build/deb/…deb] [--other DIR] [--runs 7]
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
BUDGET_S = 1.5
sys.path.insert(0, str(ROOT / "installer" / "linux"))
from glibc_floor import glibc_floor  # noqa: E402  (the .deb's Depends computes it the same way)


def folder_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def first_paint_s(command: list[str], env: dict[str, str], folder: Path) -> float:
    stamp = folder / "painted"
    stamp.unlink(missing_ok=True)
    start = time.time()
    done = subprocess.run(command, env={**env, "ROADMAP_FIRST_PAINT_FILE": str(stamp)},
                          capture_output=True, text=True, timeout=120, cwd=folder)
    if done.returncode or not stamp.exists():
        raise SystemExit(f"{command[0]}: no first paint (exit {done.returncode})\n{done.stderr[-2000:]}")
    return float(stamp.read_text()) - start


def start_figures(command: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**env, "ROADMAP_DATA_DIR": str(folder / "data")}
        first = first_paint_s(command, env, folder)  # makes the demo file; disk caches warm
        times = [first_paint_s(command, env, folder) for _ in range(runs)]
    return {"first_start_s": round(first, 3), "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3), "max_s": round(max(times), 3)}


def display_env() -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    env = {k: v for k, v in os.environ.items() if k not in {"QT_QPA_PLATFORM", "ROADMAP_DATA_DIR"}}
    if shutil.which("Xvfb"):
        server = subprocess.Popen(["Xvfb", ":57", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        return {**env, "DISPLAY": ":57", "QT_QPA_PLATFORM": "xcb"}, server
    return {**env, "QT_QPA_PLATFORM": "offscreen"}, None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=str(ROOT / "build" / "dist" / "roadmap"))
    parser.add_argument("--deb", default=None)
    parser.add_argument("--other", default=None, help="another one-folder build to compare")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    build = Path(args.build)
    if not (build / "roadmap").exists():
        print(f"bench_freeze: no build in {build}; run `make build` first (nothing measured)")
        return 0
    deb = Path(args.deb) if args.deb else next(iter(sorted((ROOT / "build" / "deb").glob("*.deb"))), None)
    env, server = display_env()
    try:
        results: dict[str, object] = {
            "platform": env["QT_QPA_PLATFORM"],
            "budget_s": BUDGET_S,
            "source": start_figures([sys.executable, "-m", "desktop"], {**env, "PYTHONPATH": str(ROOT)},
                                    args.runs),
            "pyinstaller": {"size_mb": folder_mb(build), "glibc_floor": glibc_floor(build),
                            **start_figures([str(build / "roadmap")], env, args.runs)},
        }
        if deb is not None and deb.exists():
            results["deb"] = {"file": deb.name, "size_mb": round(deb.stat().st_size / 2**20, 1)}
        if args.other:
            other = Path(args.other)
            program = next(p for p in (other / "roadmap", other / "roadmap.bin") if p.exists())
            results["other"] = {"folder": str(other), "size_mb": folder_mb(other),
                                "glibc_floor": glibc_floor(other),
                                **start_figures([str(program)], env, args.runs)}
    finally:
        if server is not None:
            server.terminate()
    out = HERE / "results" / "freeze.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    built = results["pyinstaller"]
    assert isinstance(built, dict)
    source = results["source"]
    assert isinstance(source, dict)
    ok = built["median_s"] <= BUDGET_S and built["median_s"] <= source["median_s"] * 1.1
    print("start budget:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
