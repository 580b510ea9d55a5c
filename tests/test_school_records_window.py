"""«Отчёты школ» in the window: a director's marks school by school, typed with the keyboard,
saved at once (the file on disk), shown in the grid as «выполняется (1 из 2 школ)», undone with
the window's undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.test_grid import type_text
from ui import school_records_dialog
from ui.main_window import MainWindow
from ui.roadmap_model import STATUS_COLUMN


def records(path: Path) -> list[tuple[str, str | None, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT s.name, e.status, e.done_on FROM school_executions e JOIN schools s ON s.id = e.school_id"
        ).fetchall()
    conn.close()
    return rows


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    tree = service.load(1)
    seminar = next(m for m in tree.measures.values() if m.title.startswith("Семинар"))
    service.edit_measure(seminar.id, seminar.version, {"schools": [s.id for s in tree.schools]})
    main = MainWindow(service, str(small_db))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    yield main
    service.db.close()


def test_reports_typed_school_by_school_show_in_the_grid_and_undo(
    qtbot: QtBot, window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[school_records_dialog.SchoolRecordsDialog] = []
    monkeypatch.setattr(
        school_records_dialog.SchoolRecordsDialog, "exec", lambda self: (opened.append(self), self.show())[0]
    )
    model = window.grid_model
    section = model.index(0, 0)
    seminar = model.index(1, STATUS_COLUMN, section)
    assert model.data(seminar).startswith("запланировано")
    window.grid.setCurrentIndex(seminar)
    window.grid.setFocus()
    qtbot.keyClick(
        window.grid, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert opened, "Ctrl+Shift+O opens «Отчёты школ»"
    dialog = opened[0]
    assert dialog.table.rowCount() == 2 and dialog.table.item(1, 0).text() == "МКОУ СОШ № 16"

    status = dialog.table.cellWidget(1, 1)
    assert isinstance(status, QComboBox)
    status.setFocus()
    qtbot.keyClick(status, Qt.Key.Key_Down)  # planned -> in progress, saved at once
    qtbot.waitUntil(lambda: records(small_db) == [("МКОУ СОШ № 16", "in_progress", None)])
    done_on = dialog.table.cellWidget(1, 2)
    assert isinstance(done_on, QLineEdit)
    done_on.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is done_on)
    type_text(done_on, "05.03.2024")
    qtbot.keyClick(done_on, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: records(small_db) == [("МКОУ СОШ № 16", "in_progress", "2024-03-05")])

    assert dialog.table.cellWidget(1, 1) is status  # updated in place: the focus stays put
    status.setFocus()
    qtbot.keyClick(status, Qt.Key.Key_Down)  # -> done
    qtbot.waitUntil(lambda: records(small_db)[0][1] == "done")
    qtbot.waitUntil(lambda: "1 из 2 школ" in dialog.summary.text())
    dialog.close()

    seminar = model.index(1, STATUS_COLUMN, section)
    assert model.data(seminar) == "выполняется (1 из 2 школ)"
    assert not model.flags(seminar) & Qt.ItemFlag.ItemIsEditable  # made from the reports: not typed
    assert window.undo_stack.undoText() == "Отчёт школы «МКОУ СОШ № 16»: статус"

    for _ in range(3):  # done, the date, the first report (offscreen Qt binds no window shortcuts)
        window.undo_stack.undo()
    assert records(small_db) == []  # the first report undone: the school has not reported
    assert model.data(model.index(1, STATUS_COLUMN, section)) == "запланировано"


def attachments(path: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, length(data), removed FROM attachments ORDER BY id").fetchall()
    conn.close()
    return rows


def test_files_attached_to_a_schools_record_opened_saved_taken_off_and_undone(
    qtbot: QtBot, window: MainWindow, small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coordinator drops nothing blindly: picks a scan for one school's record, the file is in
    the roadmap file at once; Enter opens it in the system's viewer (a copy), a program is never
    handed over; «Сохранить как…» writes the same bytes; Delete takes it off; undo puts it back."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QFileDialog

    from ui import evidence_panel, messages

    opened: list[school_records_dialog.SchoolRecordsDialog] = []
    monkeypatch.setattr(
        school_records_dialog.SchoolRecordsDialog, "exec", lambda self: (opened.append(self), self.show())[0]
    )
    viewed: list[str] = []
    monkeypatch.setattr(
        evidence_panel.QDesktopServices, "openUrl", lambda url: viewed.append(url.toLocalFile())
    )
    told: list[str] = []
    monkeypatch.setattr(evidence_panel, "show_error", lambda _parent, error: told.append(error.message))
    monkeypatch.setattr(messages, "show_error", lambda _parent, error: told.append(str(error)))
    monkeypatch.setattr("ui.main_window.show_error", lambda _parent, error: told.append(error.message))
    scan = tmp_path / "Протокол заседания.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n")
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\x00" * 500)
    picked = [[str(scan)], [str(program)]]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (picked.pop(0), ""))
    saved = tmp_path / "копия.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(saved), ""))

    model = window.grid_model
    seminar = model.index(1, STATUS_COLUMN, model.index(0, 0))
    window.grid.setCurrentIndex(seminar)
    window.open_school_records()
    panel = opened[0].evidence
    assert panel.target.count() == 3  # the measure, and each of its two schools
    panel.target.setCurrentIndex(panel.target.findData(window.grid_model.measure_at(seminar).school_ids[1]))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert attachments(small_db) == [("Протокол заседания.pdf", len(scan.read_bytes()), 0)]
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "МКОУ СОШ № 16"
    assert window.undo_stack.undoText() == "Добавление файла «Протокол заседания.pdf»"

    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)  # the program: refused, told
    assert len(attachments(small_db)) == 1 and any("программа" in t for t in told)

    panel.table.setFocus()
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert len(viewed) == 1 and Path(viewed[0]).read_bytes() == scan.read_bytes()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert saved.read_bytes() == scan.read_bytes()

    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert attachments(small_db)[0][2] == 1 and panel.table.rowCount() == 0
    window.undo_stack.undo()  # the take-off undone: the file is back, in the file on disk
    assert attachments(small_db)[0][2] == 0
    window.undo_stack.undo()  # the adding undone
    assert attachments(small_db)[0][2] == 1
    assert window.grid_model.measure_at(seminar).evidence == ()

    # files dropped on the list from a file manager: each one undo step, to the chosen record
    photo = tmp_path / "фото.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"1" * 2000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo)), QUrl.fromLocalFile(str(scan))])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.table.dropEvent(drop)
    assert [a[0] for a in attachments(small_db) if not a[2]] == ["фото.jpg", "Протокол заседания.pdf"]
    assert (
        panel.table.rowCount() == 2
        and window.undo_stack.undoText() == "Добавление файла «Протокол заседания.pdf»"
    )
