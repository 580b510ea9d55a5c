"""Operation figures of the operations issue, in a running (offscreen) window over 5,000 measures,
medians of several runs, each committed to the file and repainted:

- move a row (Alt+↓)                                   budget ≤ 50 ms
- its undo                                              budget ≤ 50 ms
- fill down 200 rows (Ctrl+D)                           budget ≤ 150 ms
- paste 2,000 rows                                      budget ≤ 1 s
- a cell edit                                           budget ≤ 20 ms
- the roadmap list's figures right after each (checked equal to a fresh count; their share of
  the time is reported apart)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from PySide6.QtCore import QItemSelection, QItemSelectionModel  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from synthetic import make_file  # noqa: E402

from desktop.services.roadmap import Actor, RoadmapService  # noqa: E402
from models.storage.database import open_database  # noqa: E402
from ui.garbage import GuiGarbageCollector  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.roadmap_model import COLUMNS  # noqa: E402

HEADERS = [c[0] for c in COLUMNS]


def timed(window: MainWindow, action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    QApplication.processEvents()
    window.grid.viewport().repaint()
    return time.perf_counter() - start


def figures_match(window: MainWindow) -> bool:
    """The list shows what a fresh count of the file says."""
    model = window.list_model
    shown = [model.summary(r) for r in range(model.rowCount())]
    return shown == window.service.list_roadmaps()


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "roadmap-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = make_file(folder / "bench_ops_5000.sqlite", 5000, fresh=True)
    app = QApplication.instance() or QApplication([])
    collector = GuiGarbageCollector()  # as the program runs: no automatic collection mid-operation
    service = RoadmapService(open_database(path), Actor("bench", "bench"))
    window = MainWindow(service, str(path))
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    model = window.grid_model
    grid = window.grid
    ordered = model.tree.measures_in_order()
    agree: list[bool] = []

    moves, undos = [], []
    target = ordered[2500]
    for _ in range(9):
        grid.setCurrentIndex(model.measure_index(target.id, 1))
        moves.append(timed(window, lambda: window.rows.move_measure(+1)))
        agree.append(figures_match(window))
        undos.append(timed(window, window.undo_stack.undo))
        agree.append(figures_match(window))

    note = HEADERS.index("Отметка об исполнении")
    edits = []
    for i, measure in enumerate(ordered[:40]):
        index = model.measure_index(measure.id, note)
        edits.append(
            timed(window, lambda index=index, i=i: model.setData(index, f"правка {i} {time.time_ns()}"))
        )

    status = HEADERS.index("Статус")
    fills = []
    for run in range(5):
        block = model.tree.measures_in_order()[1000 + run * 200 : 1200 + run * 200]
        model.setData(model.measure_index(block[0].id, status), "выполнено" if run % 2 else "выполняется")
        selection = QItemSelection(
            model.measure_index(block[0].id, status), model.measure_index(block[0].id, status)
        )
        for measure in block[1:]:
            index = model.measure_index(measure.id, status)
            selection.select(index, index)
        grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        fills.append(timed(window, window.rows.fill_down))
        agree.append(figures_match(window))

    pastes = []
    text = "\n".join(f"вставлено {k}\tмарт 2024 г." for k in range(2000)) + "\n"
    for run in range(3):
        start_row = model.tree.measures_in_order()[500 + run]
        grid.setCurrentIndex(model.measure_index(start_row.id, 1))
        QApplication.clipboard().setText(text.replace("вставлено", f"вставлено{run}"))
        pastes.append(timed(window, window.rows.paste_cells))
        agree.append(figures_match(window))

    list_updates = [timed(window, window.update_figures) for _ in range(5)]

    results = {
        "measures": len(ordered),
        "move_row_ms_median": round(statistics.median(moves) * 1000, 1),
        "move_undo_ms_median": round(statistics.median(undos) * 1000, 1),
        "fill_down_200_ms_median": round(statistics.median(fills) * 1000, 1),
        "paste_2000_s_median": round(statistics.median(pastes), 3),
        "cell_edit_ms_median": round(statistics.median(edits) * 1000, 1),
        "list_figures_update_ms_median": round(statistics.median(list_updates) * 1000, 1),
        "list_figures_right_after_each": all(agree),
        "budgets": {
            "move_row_ms": 50,
            "move_undo_ms": 50,
            "fill_down_200_ms": 150,
            "paste_2000_s": 1.0,
            "cell_edit_ms": 20,
        },
    }
    collector.stop()
    service.db.close()
    out = HERE / "results" / "operations.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
