"""`roadmap diagnose` and Справка → О программе: what a district's IT person asks for first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import __version__
from tests.conftest import cli_json


def test_diagnose_says_versions_folders_space_and_qt(tmp_path: Path) -> None:
    facts = cli_json("diagnose")
    assert facts["version"] == __version__ and facts["python"]["version"].startswith("3.")
    data = Path(facts["folders"]["data"]["path"])
    assert data.is_dir() and facts["folders"]["data"]["writable"] is True
    assert Path(facts["folders"]["backups"]["path"]).parent == data
    assert isinstance(facts["free_disk_mb"], int) and facts["free_disk_mb"] > 0
    assert facts["fonts"]["LiberationSerif-Regular.ttf"] is True
    qt = facts["qt"]
    assert qt["qt"].startswith("6.") and qt["russian_translation_loads"] is True
    assert qt["cancel_button"] == "Отмена"  # what a message box says
    assert "libqxcb.so" in qt["platform_plugins"] or "qwindows.dll" in qt["platform_plugins"]
    assert qt["xcb_missing_libraries"] == []  # the window can start on this machine


def test_about_shows_the_same_facts_and_copies_them(qtbot: QtBot) -> None:
    from ui.about_dialog import AboutDialog, summary_lines

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    lines = summary_lines(dialog.facts)
    assert lines[0].startswith(f"Версия {__version__}")
    assert any("Русский перевод кнопок Qt: загружен" in line for line in lines)
    dialog.copy()
    copied = QApplication.clipboard().text()
    assert '"free_disk_mb"' in copied and dialog.facts["folders"]["data"]["path"] in copied
