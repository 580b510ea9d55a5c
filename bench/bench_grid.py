"""Grid figures of the main-window issue, in a running (offscreen) window, medians.

- open a 5,000-measure roadmap into a filled grid                    budget ≤ 0.5 s
- whole process to first paint (`shot --view grid`)                  budget ≤ 1.5 s
- a cell edit committed and repainted                                budget ≤ 20 ms
- scrolling through all rows: the longest single step                budget ≤ 50 ms
  (also scrolled right, with № and the title frozen over the grid)
- peak memory (max RSS)                                              budget ≤ 300 MB
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from process_env import program_env  # noqa: E402  (bench/ is the script's folder)
from PySide6.QtWidgets import QApplication  # noqa: E402
from synthetic import make_file  # noqa: E402

from desktop.services.roadmap import Actor, RoadmapService  # noqa: E402
from models.storage.database import open_database  # noqa: E402
from ui.garbage import GuiGarbageCollector  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.roadmap_model import COLUMNS  # noqa: E402


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = make_file(folder / "bench_5000.sqlite", 5000)
    app = QApplication.instance() or QApplication([])
    collector = GuiGarbageCollector()  # as the program runs: no automatic collection mid-step
    service = RoadmapService(open_database(path), Actor("bench", "bench"))
    window = MainWindow(service, str(path))
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    roadmap = service.roadmap_ids()[0]

    opens = []
    for _ in range(5):
        start = time.perf_counter()
        window.controller.current_roadmap = roadmap
        window.reload_grid()
        window.grid.viewport().repaint()
        opens.append(time.perf_counter() - start)

    model = window.grid_model
    note_column = [c[0] for c in COLUMNS].index("Отметка об исполнении")
    ids = list(model.tree.measures)[:60]
    edits = []
    for i, measure_id in enumerate(ids):
        index = model.measure_index(measure_id, note_column)
        start = time.perf_counter()
        model.setData(index, f"правка {i} {time.time_ns()}")
        window.grid.viewport().repaint()
        edits.append(time.perf_counter() - start)

    bar = window.grid.verticalScrollBar()
    collector.check()  # the program's GC timer runs in the second before a user scrolls
    steps = []
    bar.setValue(0)
    while bar.value() < bar.maximum():
        start = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()
        window.grid.viewport().repaint()
        steps.append(time.perf_counter() - start)

    # Scrolled right to the last column: the frozen № and title (ui/frozen_columns.py) scroll too.
    for name in ("form", "target_group", "schools"):
        window.columns.set_shown(name, True)
    app.processEvents()
    window.grid.horizontalScrollBar().setValue(window.grid.horizontalScrollBar().maximum())
    frozen_steps = []
    bar.setValue(0)
    app.processEvents()
    while bar.value() < bar.maximum():
        start = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()
        window.grid.viewport().repaint()
        frozen_steps.append(time.perf_counter() - start)

    env = program_env()
    shots = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop",
                "shot",
                "--db",
                str(path),
                "--view",
                "grid",
                "--out",
                str(folder / "grid.png"),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
        shots.append(time.perf_counter() - start)

    results = {
        "measures": len(model.tree.measures),
        "open_grid_s_median": round(statistics.median(opens), 3),
        "process_to_first_paint_s_median": round(statistics.median(shots), 3),
        "edit_commit_repaint_ms_median": round(statistics.median(edits) * 1000, 2),
        "scroll_steps": len(steps),
        "scroll_longest_step_ms": round(max(steps) * 1000, 1) if steps else None,
        "scroll_step_ms_median": round(statistics.median(steps) * 1000, 1) if steps else None,
        "frozen_columns_shown": window.grid.frozen is not None and window.grid.frozen.view.isVisible(),
        "scrolled_right_longest_step_ms": round(max(frozen_steps) * 1000, 1),
        "scrolled_right_step_ms_median": round(statistics.median(frozen_steps) * 1000, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "budgets": {
            "open_grid_s": 0.5,
            "process_to_first_paint_s": 1.5,
            "edit_ms": 20,
            "scroll_step_ms": 50,
            "peak_rss_mb": 300,
        },
    }
    collector.stop()
    service.db.close()
    out = HERE / "results" / "grid.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
