"""File menu work: import with preview, save a copy, open another file, restore a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services import files
from models.storage.database import inspect
from ui.import_dialog import ImportPreviewDialog
from ui.main_window import MainWindow

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    opened = files.open_file(small_db)
    main = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.session.close()
    main.service.db.close()


def test_import_shows_a_preview_then_adds_the_roadmap(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[ImportPreviewDialog] = []

    def accept(dialog: ImportPreviewDialog) -> int:
        seen.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", accept)
    roadmap_id = window.files.import_path(SEEDS / "003.docx")
    assert seen and seen[0].tree.topLevelItemCount() == 3
    assert roadmap_id is not None and window.list_model.rowCount() == 2
    assert window.current_roadmap == roadmap_id
    assert len(window.grid_model.tree.measures) == 11


def test_import_preview_column_mapping_changes_what_is_written(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column read wrongly is corrected in the preview: the tree follows at once and the
    roadmap is written with the corrected mapping."""
    seen: list[ImportPreviewDialog] = []

    def correct_then_accept(dialog: ImportPreviewDialog) -> int:
        seen.append(dialog)
        assert dialog.mapping()[5] == "target_group"
        dialog.set_field(1, None)  # no column of measures: nothing can be read
        assert not dialog.import_button.isEnabled() and "мероприятия" in dialog.error.text()
        dialog.set_field(1, "title")
        dialog.set_field(5, "note")  # «Целевая группа» is really the record of what was done
        assert dialog.import_button.isEnabled()
        assert dialog.tree.headerItem().text(dialog.tree.columnCount() - 1) == "Отметка об исполнении"
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", correct_then_accept)
    roadmap_id = window.files.import_path(SEEDS / "003.docx")
    assert seen and roadmap_id is not None
    first = window.service.load(roadmap_id).measures_in_order()[0]
    assert first.note == "МОУО, ШНОР" and first.target_group == ""
    assert first.title.startswith("Распределение общеобразовательных организаций")


def test_import_cancelled_writes_nothing(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    assert window.files.import_path(SEEDS / "002.txt") is None
    assert inspect(small_db, with_counts=True).counts["roadmaps"] == 1


def test_a_bad_document_gets_a_message(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"not a document")
    assert window.files.import_path(bad) is None
    assert "повреждён" in shown[0]


def test_save_copy_and_open_it(window: MainWindow, tmp_path: Path) -> None:
    copy = tmp_path / "копия.sqlite"
    files.save_copy(Path(window.service.db.path), copy)
    assert inspect(copy, with_counts=True).counts["measures"] == 3
    window.files.switch_to(files.open_file(copy))
    assert window.file_label.text() == str(copy)
    assert window.list_model.rowCount() == 1


def test_restore_from_a_backup(window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    measure = window.grid_model.tree.measures_in_order()[0]
    window.service.edit_measure(measure.id, None, {"note": "после копии"})
    copies = files.list_backups(small_db)
    assert copies  # made when the file was opened
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: (_a[3][0], True))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.files.restore_backup()
    assert window.service.measure(measure.id).note == ""


def test_cancelled_import_writes_nothing(window: MainWindow, small_db: Path) -> None:
    import threading

    from tests.conftest import sha256

    before = sha256(small_db)
    stop = threading.Event()
    stop.set()  # the user pressed «Отмена»
    assert window.files.import_path(SEEDS / "000.docx", confirm=False, cancel=stop) is None
    assert "ничего не записано" in window.statusBar().currentMessage()
    assert sha256(small_db) == before


def test_background_import_reports_progress(window: MainWindow) -> None:
    from ui.tasks import run_with_progress

    seen: list[tuple[int, int]] = []

    def work(progress, _cancel):
        for i in range(3):
            progress(i + 1, 3, "")
            seen.append((i + 1, 3))
        return "готово"

    assert run_with_progress(window, "Проверка", work) == "готово"
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_the_window_takes_no_clicks_or_keys_while_work_runs(window: MainWindow, qtbot: QtBot) -> None:
    """Before the progress dialog appears (half a second) a second export must not start.

    The work lasts until the clicks were made (not a fixed time that a timer must fall into):
    the zero-time timer fires at the first turn of run_with_progress's own event loop."""
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from ui.tasks import run_with_progress

    pressed: list[str] = []
    button = QPushButton("Ещё раз", window)
    button.clicked.connect(lambda: pressed.append("click"))
    button.show()
    window.exports.actions[0].triggered.disconnect()
    window.exports.actions[0].triggered.connect(lambda: pressed.append("Ctrl+P"))
    poked = threading.Event()
    dialog_shown: list[bool] = []

    def poke() -> None:
        dialog_shown.append(any(d.isVisible() for d in window.findChildren(QProgressDialog)))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.keySequence(window, QKeySequence("Ctrl+P"))
        poked.set()

    QTimer.singleShot(0, poke)

    def work(_progress, _cancel):
        return "готово" if poked.wait(timeout=30) else "не дождались щелчков"

    assert run_with_progress(window, "Проверка", work) == "готово"
    assert dialog_shown == [False]  # the clicks came while no dialog stood in their way
    assert pressed == []
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # afterwards the window answers again
    assert pressed == ["click"]
