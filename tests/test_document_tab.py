"""The «Документ» tab: a field left is a committed, undoable change of the file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from ui.document_editor import ProfilesDialog
from ui.main_window import MainWindow


def stored(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    main = MainWindow(service, str(small_db))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.tabs.setCurrentIndex(1)
    yield main
    service.db.close()


def _leave(widget: object) -> None:
    """Focus goes elsewhere, as when the user tabs to the next field."""
    widget.setFocus()  # type: ignore[attr-defined]
    QApplication.processEvents()
    widget.clearFocus()  # type: ignore[attr-defined]
    QApplication.processEvents()


def test_goal_typed_and_left_is_saved_and_undone(window: MainWindow, small_db: Path) -> None:
    editor = window.document_editor
    editor.goal_edit.setPlainText("Повышение качества образования в ШНОР")
    _leave(editor.goal_edit)
    assert stored(small_db, "SELECT goal FROM roadmaps") == [("Повышение качества образования в ШНОР",)]
    assert window.undo_stack.undoText() == "Изменение документа: цель"
    window.undo_stack.undo()
    assert stored(small_db, "SELECT goal FROM roadmaps") == [("",)]
    assert editor.goal_edit.toPlainText() == ""  # the form shows the file again


def test_numbering_style_renumbers_the_grid(window: MainWindow, small_db: Path) -> None:
    editor = window.document_editor
    editor.numbering.setCurrentIndex(editor.numbering.findData("flat"))
    editor.numbering.activated.emit(editor.numbering.currentIndex())
    assert stored(small_db, "SELECT numbering FROM roadmaps") == [("flat",)]
    first = window.grid_model.index(0, 0)
    assert window.grid_model.index(0, 0, first).data() == "1"
    window.undo_stack.undo()
    assert window.grid_model.index(0, 0, window.grid_model.index(0, 0)).data() == "1.1"


def test_title_shows_in_the_list_and_an_empty_title_is_refused(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = window.document_editor
    editor.title_edit.setPlainText("Дорожная карта на 2024 год")
    _leave(editor.title_edit)
    assert window.list_model.index(0, 0).data() == "Дорожная карта на 2024 год"
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    editor.title_edit.setPlainText("   ")
    _leave(editor.title_edit)
    assert "не может быть пустым" in shown[0]
    assert stored(small_db, "SELECT title FROM roadmaps") == [("Дорожная карта на 2024 год",)]
    assert editor.title_edit.toPlainText() == "Дорожная карта на 2024 год"  # the refused text is gone


def test_order_date_and_removing_the_order(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = window.document_editor
    assert editor.order_date.text() == "30.08.2023"
    editor.order_date.setText("01.09.2023")
    editor.order_date.editingFinished.emit()
    assert stored(small_db, "SELECT date FROM orders") == [("2023-09-01",)]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    editor.order_date.setText("31.02.2023")
    editor.order_date.editingFinished.emit()
    assert "31.12.2024" in shown[0] and editor.order_date.text() == "01.09.2023"
    editor.has_order.setChecked(False)
    assert stored(small_db, "SELECT count(*) FROM orders") == [(0,)]
    window.undo_stack.undo()
    assert stored(small_db, "SELECT number, date FROM orders") == [("12", "2023-09-01")]
    assert editor.has_order.isChecked() and editor.order_number.text() == "12"


def test_schools_flags_profiles_add_and_remove(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = window.document_editor
    table = editor.schools
    table.item(0, 1).setCheckState(Qt.CheckState.Checked)  # ШНОР
    assert stored(small_db, "SELECT name, is_shnor FROM schools ORDER BY position")[0] == (
        "МБОУ «Тубинская СОШ»",
        1,
    )
    monkeypatch.setattr(
        ProfilesDialog, "exec", lambda d: d.list.item(1).setCheckState(Qt.CheckState.Checked) or 1
    )
    editor.edit_profiles(0)
    profiles = json.loads(stored(small_db, "SELECT risk_profiles FROM schools ORDER BY position")[0][0])
    assert profiles == ["Дефицит педагогических кадров"]
    editor.add_school()
    assert stored(small_db, "SELECT name FROM schools ORDER BY position")[-1] == ("Новая школа",)
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text: asked.append(text) or QMessageBox.StandardButton.Yes
    )
    table.setCurrentCell(1, 0)  # «МКОУ СОШ № 16», chosen for measure 1.1
    editor.remove_school()
    assert "(1)" in asked[0]
    assert [n for (n,) in stored(small_db, "SELECT name FROM schools ORDER BY position")] == [
        "МБОУ «Тубинская СОШ»",
        "Новая школа",
    ]
    assert window.grid_model.tree.measures_in_order()[0].school_ids == ()
    window.undo_stack.undo()
    assert len(window.grid_model.tree.measures_in_order()[0].school_ids) == 1  # the link is back
    assert table.item(1, 0).text() == "МКОУ СОШ № 16"


def test_a_colleagues_newer_save_of_the_document_is_not_overwritten(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    from desktop.services.commands import EditDocumentCommand
    from desktop.services.document import read_document

    seen = read_document(colleague.db, 1)
    colleague.operations.apply(EditDocumentCommand.for_state(seen, {**seen, "goal": "Их цель"}))
    colleague.db.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    editor = window.document_editor
    editor.goal_edit.setPlainText("Моя цель")
    _leave(editor.goal_edit)
    assert "другим пользователем" in shown[0]
    assert stored(small_db, "SELECT goal FROM roadmaps") == [("Их цель",)]
    assert editor.goal_edit.toPlainText() == "Их цель"


def test_the_signature_under_the_table_is_typed_saved_printed_and_undone(
    qtbot: QtBot, window: MainWindow, small_db: Path, tmp_path: Path
) -> None:
    import json

    from pypdf import PdfReader

    from desktop.exports import export_tree
    from tests.test_grid import type_text

    editor = window.document_editor
    for field, value in (
        (editor.signature_position, "Начальник Управления образования"),
        (editor.signature_name, "Т.Е. Калитурина"),
    ):
        field.setFocus()
        qtbot.waitUntil(lambda field=field: QApplication.focusWidget() is field)
        type_text(field, value)
        _leave(field)
    settings = json.loads(stored(small_db, "SELECT settings FROM roadmaps")[0][0])
    assert settings["table_signature"] == {
        "position": "Начальник Управления образования",
        "name": "Т.Е. Калитурина",
    }
    assert window.undo_stack.undoText() == "Изменение документа: подпись под таблицей: имя"
    tree = window.service.load(window.current_roadmap)
    out = tmp_path / "карта.pdf"
    export_tree(tree, "pdf", out)
    last = PdfReader(out).pages[-1].extract_text()
    assert "Начальник Управления образования" in last and "Т.Е. Калитурина" in last
    window.undo_stack.undo()
    settings = json.loads(stored(small_db, "SELECT settings FROM roadmaps")[0][0])
    assert settings["table_signature"]["name"] == ""
    assert editor.signature_name.text() == ""


def _mark_left_mm(pdf: Path, word: str) -> float:
    """Where the approval mark's word starts on the roadmap's first page, in mm from the left."""
    from pypdf import PdfReader

    found: list[float] = []
    for page in PdfReader(pdf).pages:

        def visit(text: str, cm: list[float], tm: list[float], *_rest: object) -> None:
            if word in text and not found:
                found.append((cm[0] * tm[4] + cm[4]) / 72 * 25.4)

        page.extract_text(visitor_text=visit)
        if found:
            return found[0]
    raise AssertionError(f"«{word}» not in {pdf}")


def test_the_layout_profile_is_chosen_with_keys_remembered_printed_and_undone(
    qtbot: QtBot, window: MainWindow, small_db: Path, tmp_path: Path
) -> None:
    """«Оформление» picks the edition of ГОСТ Р 7.0.97: the 2016 one narrows the corner mark to
    7.5 cm (2025: 8 cm) in the PDF and the Word file; the choice is the roadmap's, in the file."""
    from docx import Document

    from desktop.exports import export_tree

    editor = window.document_editor
    editor.approval_kind.setCurrentIndex(editor.approval_kind.findData("appendix"))
    editor.approval_kind.activated.emit(editor.approval_kind.currentIndex())
    assert editor.layout_profile.currentData() == "2025"  # a file that never chose: the current edition
    editor.layout_profile.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.layout_profile)
    qtbot.keyClick(editor.layout_profile, Qt.Key.Key_Down)
    settings = json.loads(stored(small_db, "SELECT settings FROM roadmaps")[0][0])
    assert settings["layout_profile"] == "2016"
    assert window.undo_stack.undoText() == "Изменение документа: оформление по ГОСТ"

    def exported(name: str) -> tuple[float, float]:
        tree = window.service.load(window.current_roadmap)
        export_tree(tree, "pdf", tmp_path / f"{name}.pdf")
        export_tree(tree, "docx", tmp_path / f"{name}.docx")
        mark = Document(str(tmp_path / f"{name}.docx")).styles["ДК: гриф"].paragraph_format
        return _mark_left_mm(tmp_path / f"{name}.pdf", "УТВЕРЖДЕНА"), mark.left_indent.mm

    pdf_2016, word_2016 = exported("2016")
    assert pdf_2016 == pytest.approx(297 - 10 - 75, abs=0.5)
    assert word_2016 == pytest.approx(297 - 20 - 10 - 75, abs=0.5)
    window.undo_stack.undo()
    assert editor.layout_profile.currentData() == "2025"
    settings = json.loads(stored(small_db, "SELECT settings FROM roadmaps")[0][0] or "{}")
    assert "layout_profile" not in settings
    pdf_2025, word_2025 = exported("2025")
    assert pdf_2025 == pytest.approx(297 - 10 - 80, abs=0.5)
    assert word_2025 == pytest.approx(297 - 20 - 10 - 80, abs=0.5)
