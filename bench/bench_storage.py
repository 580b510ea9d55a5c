"""Storage figures of the Foundation issue (medians; JSON on stdout and in bench/results/).

- committed single-field edit latency with the whole roadmap loaded (200 edits)  budget ≤ 5 ms
- loading a whole roadmap                                                          budget ≤ 0.2 s at 5,000
- `dump` as a whole process                                                        budget ≤ 1.5 s at 5,000
- `--version` as a whole process                                                   budget ≤ 0.3 s
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)
from synthetic import make_file  # noqa: E402

from desktop.services.roadmap import Actor, RoadmapService  # noqa: E402
from models.storage.database import open_database  # noqa: E402


def _process_seconds(args: list[str], runs: int) -> float:
    env = program_env()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "desktop", *args], check=True, capture_output=True, cwd=ROOT, env=env
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, folder: Path) -> dict[str, float]:
    path = make_file(folder / f"bench_{n}.sqlite", n)
    service = RoadmapService(open_database(path), Actor("bench", "bench"))
    roadmap_id = service.roadmap_ids()[0]
    load_times = []
    for _ in range(7):
        start = time.perf_counter()
        tree = service.load(roadmap_id)
        load_times.append(time.perf_counter() - start)
    versions = {m.id: m.version for m in tree.measures.values()}
    ids = list(versions)
    rng = random.Random(n)
    edit_times = []
    for i in range(200):
        measure_id = rng.choice(ids)
        start = time.perf_counter()
        changed = service.edit_measure(
            measure_id, versions[measure_id], {"note": f"правка {i} {time.time_ns()}"}
        )
        assert changed == ["note"], "every timed edit must really write"
        edit_times.append(time.perf_counter() - start)
        versions[measure_id] += 1
    service.db.close()
    return {
        "measures": n,
        "edit_ms_median": round(statistics.median(edit_times) * 1000, 2),
        "edit_ms_p95": round(sorted(edit_times)[int(len(edit_times) * 0.95)] * 1000, 2),
        "load_s_median": round(statistics.median(load_times), 4),
        "dump_process_s_median": round(_process_seconds(["dump", "--db", str(path)], 5), 3),
    }


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    results = {
        "budgets": {
            "edit_ms": 5,
            "load_s_at_5000": 0.2,
            "dump_process_s_at_5000": 1.5,
            "version_process_s": 0.3,
        },
        "sizes": [measure(n, folder) for n in (1000, 5000)],
        "version_process_s_median": round(_process_seconds(["--version"], 10), 3),
    }
    out = HERE / "results" / "storage.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
