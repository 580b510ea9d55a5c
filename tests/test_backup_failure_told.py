"""A backup that cannot be made is told in Russian in the window, not only in an English log line;
the file still opens and edits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop.app import _notices
from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.main_window import MainWindow


def test_a_failed_backup_is_said_in_the_status_bar_and_the_file_still_edits(
    qtbot: QtBot, small_db: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "не папка"
    blocked.write_text("файл, а не папка: копии сюда не лягут", encoding="utf-8")
    database = open_database(small_db, blocked)
    assert database.backup_problem is not None
    assert database.backup_problem.startswith("Резервная копия файла не сделана: папку")
    assert "Errno" not in database.backup_problem
    notices = _notices(database)
    assert ("⚠ Резервная копия не сделана", database.backup_problem) in notices
    service = RoadmapService(database, Actor("Петрова", "ПК-1"))
    window = MainWindow(service, str(small_db), notices)
    qtbot.addWidget(window)
    shown = [label for label in window.statusBar().findChildren(QLabel) if "Резервная" in label.text()]
    assert shown and "копии, из которой его можно восстановить, сейчас нет" in shown[0].toolTip()
    assert service.edit_measure(1, None, {"note": "работаем дальше"}) == ["note"]
    database.close()
