"""The window the way the user left it: the first time maximised on a 1366×768 screen, then the
same size, the same roadmap of the same file and the same split between list and table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.main_window import MainWindow


def window_on(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(RoadmapService(open_database(path), Actor("Тест", "ПК")), str(path))
    qtbot.addWidget(window)
    return window


def test_first_start_is_maximised_on_a_small_screen(qtbot: QtBot, demo_db: Path) -> None:
    window = window_on(qtbot, demo_db)
    screen = window.screen().availableGeometry()
    assert screen.width() < 1600  # the offscreen screen stands for 1366×768
    window.show_placed()
    qtbot.waitUntil(window.isMaximized)
    window.close()
    window.service.db.close()


def test_the_roadmap_and_the_split_are_remembered_per_file(qtbot: QtBot, demo_db: Path) -> None:
    window = window_on(qtbot, demo_db)
    window.show_placed()
    assert window.current_roadmap == window.list_model.summary(0).id  # the first, the first time
    third = window.list_model.summary(2).id
    window.select_roadmap(third)
    assert window.current_roadmap == third
    window.splitter.setSizes([220, 480])  # the list keeps room for three roadmaps
    sizes = window.splitter.sizes()
    window.close()
    window.service.db.close()
    QApplication.processEvents()

    again = window_on(qtbot, demo_db)
    again.show_placed()
    qtbot.wait(50)  # the split is restored once the window has its size
    assert again.current_roadmap == third
    share = again.splitter.sizes()[0] / sum(again.splitter.sizes())
    assert abs(share - sizes[0] / sum(sizes)) < 0.01  # the same split (the height may differ)
    assert again.isMaximized()  # restored as it was left
    again.close()
    again.service.db.close()
