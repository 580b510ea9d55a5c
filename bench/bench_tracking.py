"""Tracking-view figures in a running (offscreen) window with 5,000 measures, medians.

- switching to «Месяц», «Год», «Шкала», «Отчёт» after the roadmap or filter changed, painted
  (the schedule is rebuilt: the worst case)                          budget ≤ 300 ms each
- month navigation (next month, painted)                             budget ≤ 50 ms
JSON goes to bench/results/tracking.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from PySide6.QtWidgets import QApplication  # noqa: E402
from synthetic import make_file  # noqa: E402

from desktop.services.roadmap import Actor, RoadmapService  # noqa: E402
from models.storage.database import open_database  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

RUNS = 7


def painted(window: MainWindow, app: QApplication) -> None:
    app.processEvents()
    window.tabs.currentWidget().repaint()


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = make_file(folder / "bench_5000.sqlite", 5000)
    app = QApplication.instance() or QApplication([])
    service = RoadmapService(open_database(path), Actor("bench", "bench"))
    window = MainWindow(service, str(path))
    window.resize(1366, 768)
    window.show()
    window.controller.choose_roadmap(service.roadmap_ids()[0])
    window.reload_grid()
    app.processEvents()
    tracking = window.tracking
    results: dict[str, object] = {"measures": len(window.grid_model.tree.measures)}
    for name, widget in (
        ("month", tracking.month),
        ("year", tracking.year),
        ("timeline", tracking.timeline),
        ("report", tracking.progress),
    ):
        times = []
        for _ in range(RUNS):
            window.tabs.setCurrentWidget(window.grid)
            tracking.invalidate()  # as after an edit or a filter change
            start = time.perf_counter()
            window.tabs.setCurrentWidget(widget)
            painted(window, app)
            times.append(time.perf_counter() - start)
        results[f"switch_to_{name}_ms"] = round(statistics.median(times) * 1000, 1)
        results[f"switch_to_{name}_max_ms"] = round(max(times) * 1000, 1)

    window.tabs.setCurrentWidget(tracking.month)
    month_view = tracking.month
    month_view.show_month(date(2023, 1, 1))
    painted(window, app)
    steps = []
    for _ in range(24):
        start = time.perf_counter()
        month_view.following.click()
        painted(window, app)
        steps.append(time.perf_counter() - start)
    results["month_navigation_ms"] = round(statistics.median(steps) * 1000, 1)
    results["month_navigation_max_ms"] = round(max(steps) * 1000, 1)
    results["budgets_ms"] = {"switch": 300, "month_navigation": 50}
    service.db.close()
    out = HERE / "results" / "tracking.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
