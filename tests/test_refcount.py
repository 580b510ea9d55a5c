"""Guard against a class of PySide6 bugs that crash the program after long use.

PySide6 6.10–6.12 drop a reference to None each time a model's data() answers None to C++ (or
QModelIndex.data() returns None to Python). On Python 3.11 None is not immortal, so after enough
repaints its count reaches zero and the interpreter aborts ("none_dealloc"). The grid repaints
constantly: this test fails on any Qt binding or model code that leaks that way.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.main_window import MainWindow


def test_repainting_does_not_consume_references_to_none(qtbot: QtBot, demo_db: Path) -> None:
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    window = MainWindow(service, str(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    model = window.grid_model
    index = model.index(0, 0)
    for _ in range(5):  # warm up caches
        window.grid.viewport().repaint()
    before = sys.getrefcount(None)
    for _ in range(50):
        window.grid.viewport().repaint()
        window.list_view.viewport().repaint()
        model.itemData(index)
        index.data(Qt.ItemDataRole.ToolTipRole)
    assert sys.getrefcount(None) >= before
    service.db.close()
