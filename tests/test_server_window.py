"""The window on the regional server: Файл → «Подключиться к серверу…», the roadmaps of the server
in the grid, an edit written to the server and undone there; the address remembered, the
password never written to the settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from desktop.services.commands import EditMeasureCommand
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import write_roadmap
from models.storage.server import open_server
from tests.conftest import SMALL_ROADMAP, operations_of
from tests.test_grid import window  # noqa: F401  # the fixture: the window on the small file
from tests.test_server_security import region  # noqa: F401  # the fixture
from ui import server_dialog
from ui.main_window import MainWindow


def answer_with(monkeypatch: pytest.MonkeyPatch, url: str, user: str, password: str) -> None:
    """«Подключиться к серверу» answered as a user would: the fields of ``url``, then «Подключиться»."""
    parts = urlsplit(url)

    def fill(dialog: server_dialog.ServerDialog) -> int:
        dialog.host.setText(parts.hostname or "")
        dialog.port.setValue(parts.port or 5432)
        dialog.database.setText(parts.path.lstrip("/"))
        dialog.user.setText(user)
        dialog.password.setText(password)
        dialog._accept()
        return 1

    monkeypatch.setattr(server_dialog.ServerDialog, "exec", fill)


def test_the_window_works_on_the_server_and_keeps_no_password(
    window: MainWindow,  # noqa: F811  # tests/test_grid.py: the window on the small file
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = open_server(pg_url)
    data = dict(SMALL_ROADMAP, title="Дорожная карта на сервере")
    write_roadmap(operations_of(server), data)
    server.close()
    answer_with(monkeypatch, pg_url, "postgres", "секрет-не-сохранять")
    actions = {a.text(): a for a in window.findChildren(QAction)}
    actions["Подключиться к &серверу…"].trigger()
    try:
        assert window.service.db.is_server
        assert (
            "postgresql://postgres@127.0.0.1" in window.windowTitle() and "секрет" not in window.windowTitle()
        )
        tree = window.grid_model.tree
        assert tree is not None and tree.header.title == "Дорожная карта на сервере"
        row = tree.measures_in_order()[0]
        assert window.execute(EditMeasureCommand.for_row(row, {"note": "из окна"}))
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT note FROM measures WHERE id = %s", (row.id,)).fetchone() == (
                "из окна",
            )
        window.undo_stack.undo()
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT note FROM measures WHERE id = %s", (row.id,)).fetchone() == (
                row.note,
            )
        settings = QSettings()
        stored = {key: str(settings.value(key)) for key in settings.allKeys()}
        assert stored["server/host"] == "127.0.0.1" and stored["server/user"] == "postgres"
        assert not any("секрет" in value for value in stored.values())
        assert not any(
            "секрет" in line for line in Path(settings.fileName()).read_text(encoding="utf-8").splitlines()
        )
    finally:
        window.service.db.close()


def test_the_ministry_sees_the_region_drills_down_read_only_and_exports_it(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811  # tests/test_grid.py: the window on the small file
    region: dict[str, str],  # noqa: F811  # tests/test_server_security.py: two districts, the ministry
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    assert window.tabs.indexOf(window.region_view) < 0  # a file: no «Регион»
    answer_with(monkeypatch, region["ministry"], "ministry", "pass-ministry")
    window.files.connect_server()
    try:
        assert window.tabs.indexOf(window.region_view) >= 0
        window.tabs.setCurrentWidget(window.region_view)
        tree = window.region_view.tree
        districts = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
        assert districts == ["Кусинский район", "Мокшанский район"]
        shown = sum(1 + tree.topLevelItem(i).childCount() for i in range(tree.topLevelItemCount()))
        assert shown == len(window.region_view.lines)  # each district, its schools under it
        tree.itemActivated.emit(tree.topLevelItem(1), 0)  # a double click on «Мокшанский район»
        assert window.tabs.currentWidget() is window.grid
        line = next(x for x in window.region_view.lines if x.district == "Мокшанский район" and not x.school)
        assert window.controller.current_roadmap == line.roadmap_ids[0] and window.grid_model.tree is not None
        # the ministry reads; the server would refuse a write anyway
        qtbot.waitUntil(lambda: window.grid_model.read_only, timeout=3000)
        out = tmp_path / "Сводка.xlsx"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
        window.region_view.export_wanted.emit()
        sheet = load_workbook(out)["Регион"]
        assert sheet.cell(4, 1).value == "Кусинский район" and sheet.max_row == 3 + shown
    finally:
        window.service.db.close()


def test_the_window_syncs_its_file_with_the_server_and_settles_a_conflict_as_chosen(
    qtbot: QtBot,
    small_db: Path,
    region: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.session import FileSession
    from models.storage.database import open_database
    from ui import sync_actions

    database = open_database(small_db)
    main = MainWindow(
        RoadmapService(database, Actor("Петрова", "ПК-1")),
        str(small_db),
        session=FileSession(database, "Петрова", "ПК-1"),  # it watches the file for colleagues' saves
    )
    qtbot.addWidget(main)
    main.show()

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    answer_with(monkeypatch, region["admin"], "mokshan", "pass-mokshan")
    actions = {a.text(): a for a in main.findChildren(QAction)}
    actions["Син&хронизировать с сервером…"].trigger()  # the first: the file's roadmap goes whole
    assert "Дорожных карт отправлено целиком: 1" in told[-1]
    assert not main.service.db.is_server  # the window stays on its file
    main.poll_file()  # the window's own sync wrote the file: not «изменён другим пользователем»
    assert "другим пользователем" not in main.statusBar().currentMessage()
    assert "Синхронизировано с сервером" in main.statusBar().currentMessage()
    mokshan = region["mokshan"]
    with psycopg.connect(mokshan) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM roadmaps ORDER BY id")]
    assert SMALL_ROADMAP["title"] in titles

    tree = main.grid_model.tree
    assert tree is not None
    row = tree.measures_in_order()[0]
    assert main.execute(EditMeasureCommand.for_row(row, {"note": "в файле"}))
    colleague = RoadmapService(open_server(mokshan), Actor("коллега", "сервер"))
    try:  # a colleague on the server changed the same note
        for ident in colleague.roadmap_ids():
            for other in colleague.load(ident).measures_in_order():
                if other.title == row.title and colleague.load(ident).header.title == SMALL_ROADMAP["title"]:
                    colleague.edit_measure(other.id, None, {"note": "на сервере"})
    finally:
        colleague.db.close()
    shown: list[list[str]] = []

    def choose_server(dialog: sync_actions.SyncConflicts) -> int:
        shown.append([conflict.field for _box, conflict in dialog.boxes])
        for box, _conflict in dialog.boxes:
            box.setChecked(True)  # «с сервера»
        return 1

    monkeypatch.setattr(sync_actions.SyncConflicts, "exec", choose_server)
    actions["Син&хронизировать с сервером…"].trigger()
    assert shown == [["note"]]
    assert "Конфликтов осталось" not in told[-1]
    assert "получено с сервера: 1" in told[-1]  # the value chosen came into the file
    tree = main.grid_model.tree
    assert tree is not None and tree.measures[row.id].note == "на сервере"  # the grid shows it
    with psycopg.connect(mokshan) as conn:
        notes = {n for (n,) in conn.execute("SELECT note FROM measures WHERE title = %s", (row.title,))}
    assert notes == {"на сервере"}
    database.close()


def test_enter_after_the_password_connects_and_does_not_cancel(qtbot: QtBot) -> None:
    """A new user types the fields and presses Enter in «Пароль»: that is «Подключиться» (the
    button disabled while the fields were empty had lost being the default: Enter cancelled)."""
    from PySide6.QtCore import Qt, QTimer

    QSettings().remove("server")
    dialog = server_dialog.ServerDialog(None, "Синхронизировать с сервером", "Синхронизировать")
    qtbot.addWidget(dialog)
    for field, text in ((dialog.host, "10.0.0.5"), (dialog.database, "region"), (dialog.user, "mokshan")):
        qtbot.keyClicks(field, text)
    qtbot.keyClicks(dialog.password, "s3kret")  # QTest types ASCII only
    QTimer.singleShot(0, lambda: qtbot.keyClick(dialog.password, Qt.Key.Key_Return))
    assert dialog.exec() == 1
    assert dialog.address() == "postgresql://mokshan:s3kret@10.0.0.5:5432/region"
