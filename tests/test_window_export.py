"""The «Экспорт» menu as a user meets it: a suggested file name, the file written, an offer to open it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from desktop.services import files
from ui import export_actions
from ui.export_actions import EXPORT_KINDS
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    opened = files.open_file(small_db)
    main = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(main)
    main.show()
    main.list_view.selectRow(0)
    yield main
    main.session.close()
    main.service.db.close()


def choice(kind: str, report: bool = False) -> export_actions.ExportKind:
    return next(c for c in EXPORT_KINDS if c.kind == kind and c.report == report)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Record what the window asks and what it opens; answer «Открыть файл»."""
    seen: dict[str, object] = {"opened": [], "shown": [], "answer": "open"}
    monkeypatch.setattr(export_actions, "open_file", lambda path: seen["opened"].append(path))
    monkeypatch.setattr(export_actions, "show_in_folder", lambda path: seen["shown"].append(path))
    monkeypatch.setattr(export_actions, "ask_what_next", lambda _parent, result: seen["answer"])
    return seen


def test_menu_and_toolbar_offer_every_export(window: MainWindow) -> None:
    titles = [a.text() for a in window.exports.actions]
    assert len(titles) == 8 and any("отчёт" in t for t in titles) and any("ics" in t for t in titles)
    assert any(t.startswith("&Word") for t in titles)
    assert any("ближайшие сроки" in t for t in titles)
    assert window.exports.reminder in window.exports.menu.actions()  # and the calendar's reminder
    assert "&Экспорт" in [a.text() for a in window.menuBar().actions()]
    buttons = [b for b in window.findChildren(QToolButton) if b.text() == "Экспорт"]
    assert buttons and buttons[0].menu() is window.exports.menu
    window.list_view.clearSelection()
    assert not any(a.isEnabled() for a in window.exports.actions)
    window.list_view.selectRow(0)
    assert all(a.isEnabled() for a in window.exports.actions)


def test_pdf_export_suggests_a_russian_name_remembers_the_folder_and_opens_the_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    folder = tmp_path / "Выгрузки"
    folder.mkdir()
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(folder / "Мой приказ"), _filter  # typed without an extension

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    result = window.exports.export(choice("pdf"))
    assert Path(asked[0]).name == "Дорожная карта 2023-2024 — Тестовый район.pdf"
    assert result is not None and result.out == folder / "Мой приказ.pdf"
    assert len(PdfReader(result.out).pages) == result.pages
    assert answers["opened"] == [result.out]
    assert QSettings().value("export/folder") == str(folder)
    assert "Сохранено" in window.statusBar().currentMessage()

    answers["answer"] = "folder"
    result = window.exports.export(choice("xlsx", report=True))
    assert Path(asked[1]).parent == folder  # the folder used last time
    assert Path(asked[1]).name.startswith("Отчёт об исполнении дорожной карты")
    assert answers["shown"] == [result.out]
    sheet = load_workbook(result.out)["Дорожная карта"]
    assert any(cell.value == "Статус" for row in sheet.iter_rows() for cell in row)


def test_cancelled_save_dialog_writes_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: ("", ""))
    assert window.exports.export(choice("ics")) is None
    assert answers["opened"] == []


def test_a_failed_export_says_why_in_russian(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    missing = tmp_path / "нет такой папки" / "план.xlsx"
    assert window.exports.export(choice("xlsx"), path=missing) is None
    assert warnings and "не найдена" in warnings[0]
    assert not missing.parent.exists() and answers["opened"] == []


def test_cancel_during_the_export_keeps_the_old_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    out = tmp_path / "план.pdf"
    out.write_bytes(b"old")
    real_export = export_actions.export_tree

    def cancelled_midway(tree, kind, path, report, progress, cancel, **options):
        def press_cancel(done: int, total: int, text: str) -> None:
            cancel.set()  # what the progress dialog's «Отмена» does
            progress(done, total, text)

        return real_export(tree, kind, path, report, press_cancel, cancel, **options)

    monkeypatch.setattr(export_actions, "export_tree", cancelled_midway)
    assert window.exports.export(choice("pdf"), path=out) is None
    assert out.read_bytes() == b"old"
    assert "отменён" in window.statusBar().currentMessage()
    assert answers["opened"] == []


def test_a_name_typed_without_extension_does_not_replace_a_file_silently(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    existing = tmp_path / "Отчёт.pdf"
    existing.write_bytes(b"earlier report")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "Отчёт"), ""))
    asked: list[str] = []

    def refuse(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", refuse)
    assert window.exports.export(choice("pdf")) is None
    assert asked and "Отчёт.pdf" in asked[0] and existing.read_bytes() == b"earlier report"


def test_the_export_has_the_value_being_typed(
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, object],
    qtbot: QtBot,
) -> None:

    from PySide6.QtCore import Qt

    out = tmp_path / "план.xlsx"
    grid = window.grid
    index = window.grid_model.measure_index(next(iter(window.grid_model.tree.measures)), 1)
    grid.setCurrentIndex(index)
    window.activateWindow()
    grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    QApplication.processEvents()
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not grid
    editor.selectAll()
    qtbot.keyClicks(editor, "New title 42")  # typed, not yet confirmed with Enter

    def save_as(*_args: object) -> tuple[str, str]:
        window.grid.setFocus()  # what the opening dialog does: the editor loses focus and commits
        QApplication.processEvents()
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window.exports.export(choice("xlsx"))
    values = {c.value for row in load_workbook(out)["Дорожная карта"].iter_rows() for c in row}
    assert any(isinstance(v, str) and "New title 42" in v for v in values)


def test_the_calendar_reminds_as_many_days_before_as_chosen(
    window: MainWindow, answers: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from icalendar import Calendar
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getInt", lambda *_a, **_k: (5, True))
    window.exports.reminder.trigger()
    assert window.exports.reminder.text() == "Календарь: напоминать за 5 дн. до конца срока…"
    out = tmp_path / "карта.ics"
    assert window.exports.export(choice("ics"), out) is not None
    alarms = [a for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT") for a in e.walk("VALARM")]
    assert alarms and all(a["TRIGGER"].dt == -timedelta(days=5, hours=15) for a in alarms)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *_a, **_k: (-1, True))
    window.exports.reminder.trigger()
    assert window.exports.export(choice("ics"), out) is not None
    assert not [a for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT") for a in e.walk("VALARM")]
    QSettings().remove(export_actions.REMIND_KEY)


def test_a_damaged_reminder_setting_falls_back_to_the_default(window: MainWindow) -> None:
    for damaged in ("99999999", "-40"):
        QSettings().setValue(export_actions.REMIND_KEY, damaged)
        assert window.exports.remind_days() == 3
    QSettings().remove(export_actions.REMIND_KEY)


def test_word_export_from_the_menu_writes_an_editable_document_and_cancel_keeps_the_old_one(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> None:
    from docx import Document

    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "Приказ"), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    action = next(a for a in window.exports.actions if a.text().startswith("&Word"))
    assert action.shortcut().toString() == "Ctrl+Shift+W"
    result = window.exports.export(choice("docx"))
    assert Path(asked[0]).name == "Дорожная карта 2023-2024 — Тестовый район.docx"
    assert result is not None and result.out == tmp_path / "Приказ.docx"
    document = Document(str(result.out))
    assert document.tables and document.tables[0].rows[0].cells[1].text == "Наименование мероприятия"
    assert answers["opened"] == [result.out]

    before = result.out.read_bytes()
    real_export = export_actions.export_tree

    def cancelled_midway(tree, kind, path, report, progress, cancel, **options):
        def press_cancel(done: int, total: int, text: str) -> None:
            cancel.set()
            progress(done, total, text)

        return real_export(tree, kind, path, report, press_cancel, cancel, **options)

    monkeypatch.setattr(export_actions, "export_tree", cancelled_midway)
    assert window.exports.export(choice("docx"), path=result.out) is None
    assert result.out.read_bytes() == before


@pytest.mark.parametrize(
    ("title", "place", "approves"),
    [
        (
            "План мероприятий (дорожная карта) по сопровождению школ в Н-ском муниципальном районе",
            "Н-ский район",
            "Об утверждении плана мероприятий (дорожной карты) по сопровождению школ в Н-ском",
        ),
        (
            "КОМПЛЕКСНЫЙ ПЛАН-ГРАФИК поддержки ШНОР Кусинского муниципального района",
            "Кусинский район",
            "Об утверждении комплексного плана-графика поддержки ШНОР Кусинского",
        ),
        (
            "Муниципальная программа «Школа» в Ашинском муниципальном округе",
            "Ашинский округ",
            "Об утверждении муниципальной программы «Школа» в Ашинском",
        ),
        (
            "Повышение качества образования в Сосновском районе",
            "Сосновский район",
            "Об утверждении дорожной карты «Повышение качества образования в Сосновском",
        ),
    ],
)
def test_the_title_is_declined_in_the_order_and_the_district_named_in_the_file_name(
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, object],
    title: str,
    place: str,
    approves: str,
) -> None:
    """The roadmap retitled on «Документ» and exported from the menu: the order (which has no
    title of its own) approves the roadmap by its title in the genitive, and the suggested file
    name names the district in the nominative — both by the morphology dictionary."""
    window.tabs.setCurrentIndex(1)
    editor = window.document_editor
    editor.title_edit.setPlainText(title)
    editor.title_edit.setFocus()
    QApplication.processEvents()
    editor.title_edit.clearFocus()
    QApplication.processEvents()
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / Path(suggested).name), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    result = window.exports.export(choice("pdf"))
    assert Path(asked[0]).name == f"Дорожная карта 2023-2024 — {place}.pdf"
    assert result is not None and result.out.exists()
    first = " ".join(PdfReader(result.out).pages[0].extract_text().split())
    assert approves in first
