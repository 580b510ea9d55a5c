"""The main window lists the file's roadmaps with progress, and shows the selected one."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.main_window import MainWindow


def test_window_lists_roadmaps_and_describes_the_selected(qtbot: QtBot, demo_db: Path) -> None:
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    window = MainWindow(service, str(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    model = window.list_model
    assert model.rowCount() == 3
    assert model.index(0, 2).data().endswith("из 37")
    window.list_view.selectRow(2)
    assert "Нязепетровск" in window.details.toPlainText()
    assert "Д.А. Галанов" in window.details.toPlainText()
    assert str(demo_db) in window.windowTitle()
    service.db.close()


def test_list_model_passes_qt_model_tester(qtmodeltester: object, demo_db: Path) -> None:
    from ui.roadmap_list_model import RoadmapListModel

    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    model = RoadmapListModel()
    model.set_rows(service.list_roadmaps())
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    service.db.close()
