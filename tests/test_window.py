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
    assert model.index(0, 2).data().endswith("из 35")  # cancelled measures are not counted (37 in all)
    window.list_view.selectRow(2)
    window.tabs.setCurrentIndex(1)
    editor = window.document_editor
    assert "Нязепетровск" in editor.title_edit.toPlainText()
    assert editor.state is not None and editor.state["order"]["signer"] == "Д.А. Галанов"
    assert "мероприятий:</b> 11" in editor.summary.text()
    assert str(demo_db) in window.windowTitle()
    service.db.close()


def test_list_model_passes_qt_model_tester(qtmodeltester: object, demo_db: Path) -> None:
    from ui.roadmap_list_model import RoadmapListModel

    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    model = RoadmapListModel()
    model.set_rows(service.list_roadmaps())
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    service.db.close()


def test_first_start_creates_the_demo_file_in_the_data_folder(qtbot: QtBot, data_dir: Path) -> None:
    from desktop import app, config

    database = app._open_or_create(config.default_database())
    try:
        assert database.path == data_dir / "Дорожные карты.sqlite"
        assert len(app._service(database).list_roadmaps()) == 3
    finally:
        database.close()


def test_damaged_file_offers_its_newest_backup(qtbot: QtBot, small_db: Path, monkeypatch: object) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop import app, config
    from models.storage.database import open_database as reopen
    from models.storage.errors import DamagedFileError
    from tests.test_storage_open import corrupt

    reopen(small_db, config.backup_root()).close()  # the rolling backup
    corrupt(small_db)
    try:
        reopen(small_db, config.backup_root())
    except DamagedFileError as error:
        damaged = error
    shown: list[str] = []

    def click_restore(box: QMessageBox) -> int:
        shown.append(box.text())
        restore = next(b for b in box.buttons() if b.text() == "Восстановить из копии")
        restore.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restore)  # type: ignore[attr-defined]
    database = app._show_open_error(damaged, small_db)
    assert "повреждён" in shown[0]
    assert database is not None
    assert [s.measures for s in app._service(database).list_roadmaps()] == [3]
    database.close()
