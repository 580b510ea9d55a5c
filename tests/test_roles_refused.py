"""Whole-file writes (import, merge of a copy, school sheets taken in, sync, restore) are the
coordinator's: a viewer or a school's director is refused with a Russian message before anything
is written — the file byte for byte as it was — and the window greys those commands for them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services import files
from desktop.services.copies import read_copy, take_copy
from desktop.services.identity import existing_identity
from desktop.services.sheet_intake import read_sheet
from models.domain.errors import NotAllowedError
from tests.conftest import cli_json, sha256
from tests.test_people import SIXTEEN, _people
from tests.test_school_sheets import _fill
from ui import copy_actions, export_actions, school_sheet_actions, server_dialog, sync_actions, who_dialog
from ui.import_dialog import ImportPreviewDialog
from ui.main_window import COORDINATOR_ONLY, MainWindow

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
# who_dialog's rows: the coordinator first (no PIN), then the director of МКОУ СОШ № 16
SIGN_IN = {"coordinator": (0, ""), "director": (1, "2468"), "viewer": None}


@dataclass
class Setup:
    window: MainWindow
    db: Path
    copy: Path  # a copy taken by the coordinator, changed since
    sheet: Path  # МКОУ СОШ № 16's report sheet, filled in
    told: list[str]  # what message boxes said


@pytest.fixture
def setup(qtbot: QtBot, small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    """The small file with its people, opened in the window; the coordinator (no one signed in
    yet: the account works as the coordinator) has taken a copy and sent the schools' sheets."""
    _people(small_db)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: told.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
    opened = files.open_file(small_db)
    window = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(window)
    window.show()
    copy = tmp_path / "копия.sqlite"
    take_copy(window.service.db, copy, "Т.Е. Петрова")
    cli_json("set", "--db", str(copy), "--measure", "1", "note=из копии")
    folder = tmp_path / "листы"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(folder))
    monkeypatch.setattr(export_actions, "show_in_folder", lambda _path: None)
    window.school_sheets.send()
    (sheet,) = (p for p in folder.glob("*.xlsx") if "№ 16" in p.name)
    _fill(sheet, {0: ("выполнено", "12.03.2026", "Протокол школы")})
    yield Setup(window, small_db, copy, sheet, told)
    window.session.close()
    window.service.db.close()


def sign_in(window: MainWindow, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """«Кто работает?» answered as ``role`` (none chosen: viewing only)."""
    choice = SIGN_IN[role]

    def answer(dialog: who_dialog.WhoDialog) -> int:
        if choice is None:
            return QDialog.DialogCode.Rejected
        dialog.list.setCurrentRow(choice[0])
        dialog.pin.setText(choice[1])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(who_dialog.WhoDialog, "exec", answer)
    window.ask_who()
    assert window.service.actor.role == role


def no_dialog(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a refused command asks nothing")


@pytest.mark.parametrize("role", ["viewer", "director"])
def test_a_viewer_or_director_is_refused_every_whole_file_write_and_the_file_stays_the_same(
    setup: Setup, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, told = setup.window, setup.told
    sign_in(window, role, monkeypatch)
    actor = window.service.actor
    who = "И.И. Сидоров работает как директор школы" if role == "director" else "работает как только просмотр"
    actions = {a.text(): a for a in window.findChildren(QAction)}
    assert all(not actions[text].isEnabled() for text in COORDINATOR_ONLY)  # greyed in the menu
    assert actions["Сменить &пользователя…"].isEnabled() and actions["&Открыть файл…"].isEnabled()
    before = sha256(setup.db)

    # the commands themselves (a shortcut, a script): refused before any file dialog
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, no_dialog)
    monkeypatch.setattr(QInputDialog, "getItem", no_dialog)
    monkeypatch.setattr(server_dialog.ServerDialog, "exec", no_dialog)
    monkeypatch.setattr(ImportPreviewDialog, "exec", no_dialog)
    connected: list[str] = []
    import models.storage.server as server_storage

    monkeypatch.setattr(server_storage, "open_server", lambda address, **_k: connected.append(address))
    expected = [
        ("импорт документа в файл", lambda: window.files.import_document()),
        ("импорт документа в файл", lambda: window.files.import_path(SEEDS / "003.docx", confirm=False)),
        ("объединение с копией", lambda: window.copies.merge()),
        ("приём отчётов школ", lambda: window.school_sheets.take()),
        ("синхронизацию с сервером", lambda: window.syncing.run()),
        (
            "синхронизацию с сервером",
            lambda: window.syncing._sync("postgresql://район@127.0.0.1:1/нет", None),
        ),
        ("восстановление из резервной копии", lambda: window.files.restore_backup()),
    ]
    label = "директор школы" if role == "director" else "только просмотр"
    for what, command in expected:
        told.clear()
        assert command() is None
        assert told == [f"{actor.shown} работает как {label}: {what} делает координатор. Файл не изменён."]
        assert who in told[0]
    assert connected == []  # the server was never reached

    # the services refuse on their own, whoever calls them
    refused = f"{who}.*делает координатор. Файл не изменён"
    with pytest.raises(NotAllowedError, match=refused):
        window.service.add_roadmap({"title": "Чужая карта"})
    with pytest.raises(NotAllowedError, match=refused):
        read_copy(setup.copy, window.service.db, actor)
    with pytest.raises(NotAllowedError, match=refused):
        read_sheet(setup.sheet, existing_identity(window.service.db), window.service.db, actor)
    backup = files.list_backups(setup.db)[0].path
    with pytest.raises(NotAllowedError, match=refused):
        files.restore_backup(backup, setup.db, actor)
    assert sha256(setup.db) == before  # nothing written: the file byte for byte as it was
    assert window.list_model.rowCount() == 1


def test_the_coordinator_still_imports_merges_takes_sheets_syncs_and_restores(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = setup.window
    sign_in(window, "director", monkeypatch)
    sign_in(window, "coordinator", monkeypatch)  # «Сменить пользователя…»: the commands come back
    actions = {a.text(): a for a in window.findChildren(QAction)}
    assert all(actions[text].isEnabled() for text in COORDINATOR_ONLY)

    roadmap_id = window.files.import_path(SEEDS / "003.docx", confirm=False)
    assert roadmap_id is not None and window.list_model.rowCount() == 2

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(setup.copy), ""))
    monkeypatch.setattr(copy_actions.CopyPreview, "exec", lambda _d: QDialog.DialogCode.Accepted)
    window.copies.merge()
    assert window.undo_stack.undoText() == "Объединение с копией"
    assert window.service.measure(1).note == "из копии"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(setup.sheet), ""))
    monkeypatch.setattr(school_sheet_actions.SheetPreview, "exec", lambda _d: QDialog.DialogCode.Accepted)
    window.school_sheets.take()
    assert window.undo_stack.undoText() == "Принятие отчёта школы"
    reported = [
        (r.status, r.note)
        for m in window.service.load(1).measures.values()
        for r in m.execution
        if r.record_id
    ]
    assert reported == [("done", "Протокол школы")]

    reached: list[str] = []  # no server here: the check is passed and the sync goes to connect
    monkeypatch.setattr(sync_actions, "sync_with_server", lambda _db, address, *_a: reached.append(address))
    window.syncing._sync("postgresql://район@127.0.0.1:1/нет", None)
    assert reached == ["postgresql://район@127.0.0.1:1/нет"]

    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: (_a[3][-1], True))  # the oldest
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.files.restore_backup()
    assert setup.told == []
    assert window.list_model.rowCount() == 1  # the file as it was opened: the import is gone
    assert window.service.measure(1).note == ""
    assert SIXTEEN in {s.name for s in window.service.load(1).schools}
