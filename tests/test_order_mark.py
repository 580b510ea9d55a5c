"""What the «Документ» tab shows is what the exports print: the order's number and date, and the
approval mark (none, «УТВЕРЖДАЮ» stamp, «Приложение» appendix) with the order's current fields.

The demo's Нязепетровск roadmap is the real case: order № 31 of 13.02.2024, approved by an appendix
mark imported with its own wording («Утверждена / приказом Управления образования / …»).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.exports import export_tree
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.approval import (
    APPENDIX,
    STAMP,
    MarkFacts,
    disagreement,
    follow_order,
    issuer_genitive,
    make_mark,
)
from models.storage.database import open_database
from ui.main_window import MainWindow

ROADMAP = 3  # Нязепетровск in the demo file
TITLE_START = "Дорожная карта реализации"
IMPORTED_MARK = [
    "Утверждена",
    "приказом Управления образования",
    "администрации Нязепетровского",
    "муниципального района",
    "от 13.02.2024 г. № 31",
]


def stored(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def exported(path: Path, tmp_path: Path) -> tuple[str, str, str]:
    """The PDF's order page, the text above the roadmap's title (the mark, after the page number)
    and the workbook's text above its title, as the file holds the roadmap now."""
    database = open_database(path)
    try:
        tree = RoadmapService(database, Actor("Тест", "ПК")).load(ROADMAP)
    finally:
        database.close()
    export_tree(tree, "pdf", tmp_path / "out.pdf")
    export_tree(tree, "xlsx", tmp_path / "out.xlsx")
    pages = [page.extract_text() for page in PdfReader(tmp_path / "out.pdf").pages]
    head = pages[1].split(TITLE_START)[0]
    assert head.lstrip().startswith("2")  # the page number, then the mark if there is one
    sheet = load_workbook(tmp_path / "out.xlsx")["Дорожная карта"]
    title_row = next(r for r in range(1, 10) if str(sheet.cell(r, 1).value or "").startswith(TITLE_START))
    above = "\n".join(
        str(sheet.cell(r, c).value)
        for r in range(1, title_row)
        for c in range(1, sheet.max_column + 1)
        if sheet.cell(r, c).value
    )
    return pages[0], head.lstrip()[1:], above


@pytest.fixture
def window(qtbot: QtBot, demo_db: Path) -> MainWindow:
    service = RoadmapService(open_database(demo_db), Actor("Петрова", "ПК-1"))
    main = MainWindow(service, str(demo_db))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    row = next(
        r for r in range(main.list_model.rowCount()) if "Нязепетровск" in main.list_model.index(r, 0).data()
    )
    main.list_view.selectRow(row)
    main.tabs.setCurrentIndex(1)
    assert main.document_editor.state["roadmap_id"] == ROADMAP
    yield main
    service.db.close()


def _type(edit: object, value: str) -> None:
    """A one-line field typed into and left, as a user does."""
    edit.setFocus()  # type: ignore[attr-defined]
    edit.setText(value)  # type: ignore[attr-defined]
    edit.editingFinished.emit()  # type: ignore[attr-defined]
    QApplication.processEvents()


def _choose_kind(window: MainWindow, kind: str | None) -> None:
    combo = window.document_editor.approval_kind
    combo.setCurrentIndex(combo.findData(kind))
    combo.activated.emit(combo.currentIndex())
    QApplication.processEvents()


def _tab_mark(window: MainWindow) -> str:
    return window.document_editor.approval_lines.toPlainText()


def test_order_number_typed_on_the_tab_is_the_number_every_export_prints(
    window: MainWindow, demo_db: Path, tmp_path: Path
) -> None:
    editor = window.document_editor
    assert editor.order_number.text() == "31" and _tab_mark(window).split("\n") == IMPORTED_MARK
    _type(editor.order_number, "31-п")
    assert stored(demo_db, f"SELECT number FROM orders WHERE roadmap_id = {ROADMAP}") == [("31-п",)]
    order_page, mark, workbook_mark = exported(demo_db, tmp_path)
    assert "№ 31-п" in order_page
    assert not re.search(r"№\s*31(?!-п)", order_page + mark + workbook_mark)
    # The mark keeps the document's wording; only its number followed the order.
    assert _tab_mark(window).split("\n") == [*IMPORTED_MARK[:-1], "от 13.02.2024 г. № 31-п"]
    assert editor.mark_warning.isHidden()
    assert squash(_tab_mark(window)) == squash(mark)  # the PDF's mark is the tab's, line for line
    assert workbook_mark == _tab_mark(window)
    assert stored(demo_db, f"SELECT number_text FROM orders WHERE roadmap_id = {ROADMAP}") == [("",)]

    _type(editor.order_number, "№ 32")  # a «№» typed with the number is not printed twice
    assert stored(demo_db, f"SELECT number FROM orders WHERE roadmap_id = {ROADMAP}") == [("32",)]
    assert "№ 32" in exported(demo_db, tmp_path)[0] and "№ №" not in exported(demo_db, tmp_path)[0]


def test_order_date_changed_on_the_tab_changes_every_printed_date(
    window: MainWindow, demo_db: Path, tmp_path: Path
) -> None:
    editor = window.document_editor
    _type(editor.order_date, "20.02.2024")
    order_page, mark, workbook_mark = exported(demo_db, tmp_path)
    assert "«20» февраля 2024 г." in order_page
    assert "20.02.2024" in mark and "20.02.2024" in workbook_mark
    assert "13.02.2024" not in order_page + mark + workbook_mark and "«13»" not in order_page
    assert _tab_mark(window).split("\n")[-1] == "от 20.02.2024 г. № 31"
    assert stored(demo_db, f"SELECT date, date_text FROM orders WHERE roadmap_id = {ROADMAP}") == [
        ("2024-02-20", "")
    ]


def test_each_approval_kind_prints_its_own_mark_with_the_current_number_and_date(
    window: MainWindow, demo_db: Path, tmp_path: Path
) -> None:
    editor = window.document_editor
    _type(editor.order_number, "31-п")
    _type(editor.order_date, "20.02.2024")

    _choose_kind(window, STAMP)
    assert stored(demo_db, f"SELECT approval_kind FROM roadmaps WHERE id = {ROADMAP}") == [("stamp",)]
    _, mark, workbook_mark = exported(demo_db, tmp_path)
    assert mark.lstrip().startswith("УТВЕРЖДАЮ")
    assert "Начальник Управления образования" in mark and "Д.А. Галанов" in mark
    assert "Приказ от 20.02.2024 № 31-п" in mark and "Приложение" not in mark
    assert squash(_tab_mark(window)) == squash(mark) and workbook_mark == _tab_mark(window)

    window.undo_stack.undo()  # the document's own mark comes back word for word
    assert _tab_mark(window).split("\n") == [*IMPORTED_MARK[:-1], "от 20.02.2024 г. № 31-п"]
    assert squash(_tab_mark(window)) == squash(exported(demo_db, tmp_path)[1])

    _choose_kind(window, STAMP)
    _choose_kind(window, APPENDIX)
    _, mark, workbook_mark = exported(demo_db, tmp_path)
    assert mark.lstrip().startswith("Приложение") and "УТВЕРЖДЕНА" in mark and "УТВЕРЖДАЮ" not in mark
    assert "приказом Управления образования администрации Нязепетровского" in " ".join(mark.split())
    assert "от 20.02.2024 № 31-п" in mark
    assert squash(_tab_mark(window)) == squash(mark) and workbook_mark == _tab_mark(window)

    _choose_kind(window, None)
    assert stored(demo_db, f"SELECT approval_kind, approval_lines FROM roadmaps WHERE id = {ROADMAP}") == [
        (None, "[]")
    ]
    _, mark, workbook_mark = exported(demo_db, tmp_path)
    assert mark.strip() == "" and workbook_mark == ""  # nothing above the title
    assert _tab_mark(window) == "" and not editor.approval_lines.isEnabled()


def test_lines_typed_by_hand_print_as_typed_and_a_mismatch_is_shown(
    window: MainWindow, demo_db: Path, tmp_path: Path
) -> None:
    editor = window.document_editor
    editor.approval_lines.setFocus()
    editor.approval_lines.setPlainText("Приложение 2\nУТВЕРЖДЕН\nприказом от 13.02.2024 № 30")
    editor.approval_lines.clearFocus()
    QApplication.processEvents()
    assert "Приложение 2" in exported(demo_db, tmp_path)[1]
    assert editor.mark_warning.isVisible() and "№ 31" in editor.mark_warning.text()

    editor.remake_mark_button.click()
    assert _tab_mark(window).split("\n") == [
        "Приложение",
        "УТВЕРЖДЕНА",
        "приказом Управления образования администрации Нязепетровского муниципального района "
        "Челябинской области от 13.02.2024 № 31",
    ]
    assert editor.mark_warning.isHidden()
    assert squash(_tab_mark(window)) == squash(exported(demo_db, tmp_path)[1])


def test_a_file_whose_mark_already_disagrees_says_so_on_the_tab(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved by the old program: number changed, mark and number_text left at № 31."""
    with sqlite3.connect(demo_db) as conn:
        conn.execute(f"UPDATE orders SET number = '31-п' WHERE roadmap_id = {ROADMAP}")
    conn.close()
    order_page, mark, _ = exported(demo_db, tmp_path)
    assert "№ 31-п" in order_page  # the order page prints the field, never number_text
    service = RoadmapService(open_database(demo_db), Actor("Петрова", "ПК-1"))
    try:
        main = MainWindow(service, str(demo_db))
        qtbot.addWidget(main)
        main.show()
        main.list_view.selectRow(
            next(r for r in range(3) if "Нязепетровск" in main.list_model.index(r, 0).data())
        )
        main.tabs.setCurrentIndex(1)
        editor = main.document_editor
        assert "№ 31" in mark and editor.mark_warning.isVisible()
        assert "№ 31-п" in editor.mark_warning.text()
        monkeypatch.setattr(QMessageBox, "warning", lambda *_a: pytest.fail("no warning expected"))
        editor.remake_mark_button.click()
        assert "№ 31-п" in exported(demo_db, tmp_path)[1]
    finally:
        service.db.close()


# ---- the mark's rules, without a file --------------------------------------------------------
FACTS = MarkFacts(True, "31", date(2024, 2, 13), "Д.А. Галанов", "Начальник Управления образования",
                  "Управление образования администрации Нязепетровского муниципального района")  # fmt: skip


def test_a_number_or_date_written_once_is_replaced_in_the_documents_own_words() -> None:
    words = ["УТВЕРЖДЕНА", "приказом от «13» февраля 2024 г. № 31"]
    new = MarkFacts(True, "31-п", date(2024, 3, 1), FACTS.signer, FACTS.signer_position, FACTS.issuer)
    assert follow_order(words, APPENDIX, APPENDIX, FACTS, new) == [
        "УТВЕРЖДЕНА",
        "приказом от «01» марта 2024 г. № 31-п",
    ]


def test_a_mark_that_cannot_be_followed_exactly_is_made_anew() -> None:
    twice = ["Приложение к приказу № 31", "от 13.02.2024 № 31"]  # which «№ 31» is the order's?
    new = MarkFacts(True, "32", FACTS.date, FACTS.signer, FACTS.signer_position, FACTS.issuer)
    assert follow_order(twice, APPENDIX, APPENDIX, FACTS, new) == make_mark(APPENDIX, new)
    resigned = MarkFacts(True, "31", FACTS.date, "И.И. Иванов", FACTS.signer_position, FACTS.issuer)
    stamp = make_mark(STAMP, FACTS)
    assert follow_order(stamp, STAMP, STAMP, FACTS, resigned)[2] == "_____________ И.И. Иванов"
    assert follow_order(stamp, STAMP, None, FACTS, FACTS) == []
    assert follow_order(stamp, STAMP, STAMP, FACTS, FACTS) == stamp


def test_marks_made_from_the_order_and_blanks_without_one() -> None:
    assert make_mark(STAMP, FACTS) == [
        "УТВЕРЖДАЮ",
        "Начальник Управления образования",
        "_____________ Д.А. Галанов",
        "Приказ от 13.02.2024 № 31",
    ]
    blank = ["Приложение", "УТВЕРЖДЕНА", "приказом от ____________ № ____"]
    assert make_mark(APPENDIX, MarkFacts(False)) == blank
    assert make_mark(STAMP, MarkFacts(False))[-1] == "«___» ____________ 20__ г."
    assert make_mark(None, FACTS) == []
    assert issuer_genitive("Отдел образования администрации Тестового района") == (
        "Отдела образования администрации Тестового района"
    )
    assert issuer_genitive("МКУ «Управление образования»") == "МКУ «Управление образования»"
    assert issuer_genitive("Глава района") == "Главы района"  # a person: the dictionary knows
    assert issuer_genitive("Муниципальное казённое учреждение «Управление образования»") == (
        "Муниципального казённого учреждения «Управление образования»"  # adjectives agree
    )
    assert issuer_genitive("МИНИСТЕРСТВО ОБРАЗОВАНИЯ") == "МИНИСТЕРСТВА ОБРАЗОВАНИЯ"
    assert issuer_genitive("При администрации района") == ""  # left out rather than declined wrongly
    assert disagreement(APPENDIX, ["от 13.02.2024 г. № 31"], FACTS) == ""
    assert "№ 31" in disagreement(APPENDIX, ["от 13.02.2024 г. № 310"], FACTS)
