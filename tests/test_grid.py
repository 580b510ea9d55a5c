"""The measures grid: typing into a cell commits to the file, undo and redo go through the file,
a colleague's newer save is never overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.conftest import answer_box
from ui.conflict_dialog import ConflictDialog
from ui.main_window import MainWindow
from ui.roadmap_model import COLUMNS, RoadmapTreeModel


def type_text(target: QWidget, text: str) -> None:
    """Type text as a user does (QTest's key clicks accept only ASCII): the first key goes to
    ``target``, the rest to whatever has focus then (the cell editor it opened)."""
    for char in text:
        QApplication.processEvents()
        widget = QApplication.focusWidget() or target
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def stored(path: Path, measure_id: int, column: str) -> object:
    with sqlite3.connect(path) as conn:
        value = conn.execute(f"SELECT {column} FROM measures WHERE id = ?", (measure_id,)).fetchone()[0]
    conn.close()
    return value


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    service = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    main = MainWindow(service, str(small_db))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    yield main
    service.db.close()


def test_tree_model_passes_qt_model_tester(qtmodeltester: object, small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    model = RoadmapTreeModel()
    model.set_tree(service.load(service.roadmap_ids()[0]))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    service.db.close()


def test_grid_shows_sections_and_numbers(window: MainWindow) -> None:
    model = window.grid_model
    assert model.rowCount() == 2
    first = model.index(0, 0)
    assert model.data(first) == "1 Организационные мероприятия"
    assert [model.index(r, 0, first).data() for r in range(model.rowCount(first))] == ["1.1", "1.2"]
    assert window.grid.isFirstColumnSpanned(0, first.parent())


def test_typing_into_a_cell_commits_and_undo_restores(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    assert measure is not None
    note = model.measure_index(measure.id, [c[0] for c in COLUMNS].index("Отметка об исполнении"))
    window.grid.setCurrentIndex(note)
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    type_text(window.grid, "Протокол № 3")
    QApplication.processEvents()
    editor = QApplication.focusWidget()
    assert editor is not window.grid, "typing must have opened the cell editor"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)  # the delegate commits on the next loop turn
    assert stored(small_db, measure.id, "note") == "Протокол № 3"
    assert note.data() == "Протокол № 3"
    assert window.saved_label.text().startswith("Сохранено в ")

    window.undo_stack.undo()
    assert stored(small_db, measure.id, "note") == ""
    assert model.measure_index(measure.id, note.column()).data() == ""
    window.undo_stack.redo()
    assert stored(small_db, measure.id, "note") == "Протокол № 3"


def test_status_is_entered_in_russian(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    status = model.measure_index(measure.id, [c[0] for c in COLUMNS].index("Статус"))
    assert model.setData(status, "выполнено")
    assert stored(small_db, measure.id, "status") == "done"
    assert status.data() == "выполнено"


def test_a_colleagues_newer_save_is_not_overwritten(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    colleague.edit_measure(measure.id, measure.version, {"note": "от Иванова"})
    colleague.db.close()
    shown: list[str] = []

    def keep_theirs(dialog: ConflictDialog) -> int:
        shown.append(dialog.findChild(QLabel).text())
        dialog.keep_button.click()
        return 0

    monkeypatch.setattr(ConflictDialog, "exec", keep_theirs)
    note = model.measure_index(measure.id, [c[0] for c in COLUMNS].index("Отметка об исполнении"))
    model.setData(note, "моё")
    assert "уже изменено другим пользователем" in shown[0]
    assert stored(small_db, measure.id, "note") == "от Иванова"
    assert model.measure_index(measure.id, note.column()).data() == "от Иванова"  # the row was reloaded
    assert window.undo_stack.count() == 0


def _start_editing(window: MainWindow, qtbot: QtBot, column_name: str) -> tuple[int, QWidget]:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    index = model.measure_index(measure.id, [c[0] for c in COLUMNS].index(column_name))
    window.grid.setCurrentIndex(index)
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    qtbot.keyClick(window.grid, Qt.Key.Key_F2)
    QApplication.processEvents()
    return measure.id, QApplication.focusWidget()


def test_alt_enter_makes_a_line_break_inside_the_cell(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    measure_id, editor = _start_editing(window, qtbot, "Ожидаемый результат")
    assert editor.toPlainText() == "Приказ" and editor.textCursor().position() == len(
        "Приказ"
    )  # F2: at the end
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    type_text(editor, "Протокол")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    assert stored(small_db, measure_id, "result") == "Приказ\nПротокол"


def test_escape_cancels_the_edit(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    measure_id, editor = _start_editing(window, qtbot, "Ожидаемый результат")
    type_text(editor, " и ещё")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert stored(small_db, measure_id, "result") == "Приказ"
    assert window.undo_stack.count() == 0


def test_status_from_the_list(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    from PySide6.QtWidgets import QComboBox

    measure_id, editor = _start_editing(window, qtbot, "Статус")
    assert isinstance(editor, QComboBox)
    editor.setCurrentText("выполняется")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    assert stored(small_db, measure_id, "status") == "in_progress"


def test_typing_replaces_the_cell_as_in_excel(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    index = model.measure_index(measure.id, [c[0] for c in COLUMNS].index("Ожидаемый результат"))
    window.grid.setCurrentIndex(index)
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    type_text(window.grid, "Справка")
    QApplication.processEvents()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    assert stored(small_db, measure.id, "result") == "Справка"


def _numbers_and_titles(path: Path) -> list[tuple[str, str]]:
    service = RoadmapService(open_database(path), Actor("t", "t"))
    rows = service.load(service.roadmap_ids()[0]).measures_in_order()
    service.db.close()
    return [(m.number, m.title.split("\n")[0]) for m in rows]


def _select_first_measure(window: MainWindow) -> None:
    model = window.grid_model
    window.grid.setCurrentIndex(model.index(0, 1, model.index(0, 0)))


def test_insert_below_renumbers_and_undo_removes(window: MainWindow, small_db: Path) -> None:
    _select_first_measure(window)
    window.rows.insert_measure(below=True)
    assert _numbers_and_titles(small_db) == [
        ("1.1", "Создание рабочей группы"),
        ("1.2", ""),
        ("1.3", "Семинар для директоров"),
        ("2.1", "Консультации учителей"),
    ]
    current = window.grid_model.measure_at(window.grid.currentIndex())
    assert current is not None and current.title == "" and current.number == "1.2"  # the new row is current
    window.undo_stack.undo()
    assert [n for n, _ in _numbers_and_titles(small_db)] == ["1.1", "1.2", "2.1"]


def test_alt_down_moves_the_row_and_numbers_follow(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    _select_first_measure(window)
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    qtbot.keyClick(window.grid, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _numbers_and_titles(small_db)[:2] == [
        ("1.1", "Семинар для директоров"),
        ("1.2", "Создание рабочей группы"),
    ]
    moved = window.grid_model.measure_at(window.grid.currentIndex())
    assert moved is not None and moved.title == "Создание рабочей группы"
    window.undo_stack.undo()
    assert _numbers_and_titles(small_db)[0] == ("1.1", "Создание рабочей группы")


def test_delete_asks_with_the_count_and_undo_restores(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer_yes(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    model = window.grid_model
    first_section = model.index(0, 0)
    window.grid.selectionModel().select(
        model.index(0, 1, first_section), window.grid.selectionModel().SelectionFlag.Select
    )
    window.grid.selectionModel().select(
        model.index(1, 1, first_section), window.grid.selectionModel().SelectionFlag.Select
    )
    window.rows.delete_measures()
    assert "(2)" in asked[0]
    assert _numbers_and_titles(small_db) == [("2.1", "Консультации учителей")]
    window.undo_stack.undo()
    assert len(_numbers_and_titles(small_db)) == 3


def _clipboard_text(text: str) -> None:
    QApplication.clipboard().setText(text)


def test_paste_a_block_from_excel_with_a_multiline_cell_and_new_rows(
    window: MainWindow, small_db: Path
) -> None:
    model = window.grid_model
    first = model.index(0, 0)
    names = [c[0] for c in COLUMNS]
    start = model.measure_at(model.index(0, 1, first))
    window.grid.setCurrentIndex(model.measure_index(start.id, names.index("Форма")))
    # 3 rows x 4 columns (Форма, Срок, Ответственные, Ожидаемый результат), as Excel copies them.
    rows = [
        ["семинар", "Март 2024 г.", "РМО", '"Протокол\nи справка"'],
        ["вебинар", "Апрель 2024 г.", "ЦРО", "Запись"],
        ["совещание", "Май 2024 г.", "МОУО", "Приказ"],
    ]
    _clipboard_text("\r\n".join("\t".join(r) for r in rows) + "\r\n")
    window.rows.paste_cells()
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    measures = service.load(service.roadmap_ids()[0]).measures_in_order()
    service.db.close()
    assert [(m.form, m.deadline_text, m.responsible, m.result) for m in measures[:3]] == [
        ("семинар", "Март 2024 г.", "РМО", "Протокол\nи справка"),
        ("вебинар", "Апрель 2024 г.", "ЦРО", "Запись"),
        ("совещание", "Май 2024 г.", "МОУО", "Приказ"),
    ]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert stored(small_db, start.id, "result") == "Приказ"


def test_paste_past_the_last_row_adds_rows(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    names = [c[0] for c in COLUMNS]
    last = model.tree.measures_in_order()[-1]
    window.grid.setCurrentIndex(model.measure_index(last.id, names.index("Мероприятие")))
    _clipboard_text("Новое А\tМарт 2024\nНовое Б\tАпрель 2024\n")
    seen: list[str] = []
    answer_box("Заменить", seen)  # two rows whose first renames the last measure: asked first
    window.rows.paste_cells()
    assert seen == ["Заменить данные 1 мероприятия?"]
    assert [t for _, t in _numbers_and_titles(small_db)][-2:] == ["Новое А", "Новое Б"]
    assert [n for n, _ in _numbers_and_titles(small_db)][-2:] == ["2.1", "2.2"]
    window.undo_stack.undo()
    assert len(_numbers_and_titles(small_db)) == 3


def test_copy_gives_tsv_and_html_and_ctrl_d_fills_down(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    first = model.index(0, 0)
    names = [c[0] for c in COLUMNS]
    selection = window.grid.selectionModel()
    for row in (0, 1):
        selection.select(
            model.index(row, names.index("Ответственные"), first), selection.SelectionFlag.Select
        )
    window.rows.copy_cells()
    mime = QApplication.clipboard().mimeData()
    assert mime.text() == "Отдел образования\r\nМКУ «ЦРО»\r\n"
    assert "<td>МКУ «ЦРО»</td>" in mime.html()
    window.rows.fill_down()
    measures = model.tree.measures_in_order()
    assert stored(small_db, measures[1].id, "responsible") == "Отдел образования"


def _visible_titles(window: MainWindow) -> list[str]:
    model = window.grid_model
    out = []
    for s in range(model.rowCount()):
        section = model.index(s, 0)
        if window.grid.isRowHidden(s, QModelIndex()):
            continue
        out.append("§ " + str(model.data(section)))
        for r in range(model.rowCount(section)):
            if not window.grid.isRowHidden(r, section):
                out.append(str(model.data(model.index(r, 1, section))).split("\n")[0])
    return out


def test_find_and_filters_keep_their_sections(window: MainWindow, small_db: Path, qtbot: QtBot) -> None:
    bar = window.filter_bar
    bar.text.setText("консультации")
    assert bar.shown.text() != "Показано 1 из 3"  # typing is applied when the user pauses
    qtbot.waitUntil(lambda: bar.shown.text() == "Показано 1 из 3", timeout=2000)
    assert _visible_titles(window) == ["§ 2 Методическая помощь", "Консультации учителей"]
    bar.text.setText("")
    qtbot.keyClick(bar.text, Qt.Key.Key_Return)  # Enter applies at once
    bar.school.setCurrentIndex(bar.school.findText("МКОУ СОШ № 16"))
    assert _visible_titles(window) == ["§ 1 Организационные мероприятия", "Создание рабочей группы"]
    bar.school.setCurrentIndex(0)
    bar.status.setCurrentIndex(bar.status.findText("Выполнено"))
    assert _visible_titles(window) == []
    bar.status.setCurrentIndex(0)
    assert len(_visible_titles(window)) == 5  # two sections and three measures


def test_overdue_filter(window: MainWindow, small_db: Path) -> None:
    bar = window.filter_bar
    bar.status.setCurrentIndex(bar.status.findText("Просрочено"))
    # 1.1 "сентябрь 2023" and 1.2 "ежеквартально" are past; "по запросу" never is.
    assert _visible_titles(window) == [
        "§ 1 Организационные мероприятия",
        "Создание рабочей группы",
        "Семинар для директоров",
    ]


def test_history_panel_shows_who_changed_what(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    window.history_dock.show()
    window.grid.setCurrentIndex(model.measure_index(measure.id, 1))
    model.setData(model.measure_index(measure.id, [c[0] for c in COLUMNS].index("Статус")), "выполняется")
    table = window.history.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (1, 2, 3)] == [
        "Петрова (ПК-1)",
        "Статус",
        "запланировано → выполняется",
    ]


def test_deadline_cell_shows_what_the_reader_understood(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    names = [c[0] for c in COLUMNS]
    measure = model.measure_at(model.index(0, 1, model.index(0, 0)))
    cell = model.measure_index(measure.id, names.index("Срок"))
    assert "Понято как: даты" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "01.09.2023 – 30.09.2023" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(cell, Qt.ItemDataRole.DecorationRole) is not None
    model.setData(cell, "когда-нибудь")
    cell = model.measure_index(measure.id, names.index("Срок"))
    assert "срок не распознан" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    model.setData(cell, "до 15 сентября 2030")
    tooltip = model.data(model.measure_index(measure.id, names.index("Срок")), Qt.ItemDataRole.ToolTipRole)
    assert "выходит за период" in tooltip


def test_schools_are_chosen_from_a_checklist(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    from PySide6.QtWidgets import QListWidget

    measure_id, editor = _start_editing(window, qtbot, "Школы")
    assert isinstance(editor, QListWidget)
    assert [editor.item(r).checkState() == Qt.CheckState.Checked for r in range(editor.count())] == [
        False,
        True,
    ]
    editor.item(0).setCheckState(Qt.CheckState.Checked)
    window.grid.delegate.commitData.emit(editor)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    with sqlite3.connect(small_db) as conn:
        linked = conn.execute(
            "SELECT count(*) FROM measure_schools WHERE measure_id = ?", (measure_id,)
        ).fetchone()
    conn.close()
    assert linked == (2,)
    cell = window.grid_model.measure_index(measure_id, [c[0] for c in COLUMNS].index("Школы"))
    assert cell.data() == "МБОУ «Тубинская СОШ», МКОУ СОШ № 16"
    window.undo_stack.undo()
    assert window.grid_model.measure_index(measure_id, cell.column()).data() == "МКОУ СОШ № 16"


def test_insert_a_section_name_it_and_undo(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    model = window.grid_model
    window.grid.setCurrentIndex(model.index(1, 0))  # the row of section 2
    window.rows.insert_section()
    new = model.section_at(window.grid.currentIndex())
    assert new is not None and new.title == "Новый раздел"
    assert model.setData(window.grid.currentIndex(), "Мониторинг")
    sections = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert sections == ["1 Организационные мероприятия", "2 Мониторинг", "3 Методическая помощь"]
    assert _numbers_and_titles(small_db)[-1] == ("3.1", "Консультации учителей")
    window.undo_stack.undo()  # the name
    window.undo_stack.undo()  # the section
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [
        "1 Организационные мероприятия",
        "2 Методическая помощь",
    ]


def test_indent_and_outdent_a_section(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    window.grid.setCurrentIndex(model.index(1, 0))  # section 2
    window.rows.indent_section("indent")
    assert model.rowCount() == 1
    inner = model.index(2, 0, model.index(0, 0))  # after measures 1.1, 1.2 comes the subsection
    assert model.data(inner) == "1.3 Методическая помощь"
    assert _numbers_and_titles(small_db)[-1] == ("1.3.1", "Консультации учителей")
    window.rows.indent_section("outdent")
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [
        "1 Организационные мероприятия",
        "2 Методическая помощь",
    ]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert _numbers_and_titles(small_db)[-1] == ("2.1", "Консультации учителей")


def test_delete_a_section_with_its_measures_and_undo(
    window: MainWindow, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text: asked.append(text) or QMessageBox.StandardButton.Yes
    )
    model = window.grid_model
    window.grid.setCurrentIndex(model.index(0, 0))
    window.rows.delete_section()
    assert "(2)" in asked[0]
    assert _numbers_and_titles(small_db) == [("1.1", "Консультации учителей")]
    window.undo_stack.undo()
    assert len(_numbers_and_titles(small_db)) == 3
    assert model.data(model.index(0, 0)) == "1 Организационные мероприятия"


def _drop(
    window: MainWindow, qtbot: QtBot, dragged: list[QModelIndex], row: int, parent: QModelIndex
) -> None:
    """What the view does on a drop: the dragged rows' data, then dropMimeData at the place."""
    model = window.grid_model
    data = model.mimeData(dragged)
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, row, 0, parent)
    before = window.undo_stack.index()
    model.dropMimeData(data, Qt.DropAction.MoveAction, row, 0, parent)
    qtbot.waitUntil(lambda: window.undo_stack.index() == before + 1)


def test_drag_a_measure_into_another_section_and_undo(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    model = window.grid_model
    first_section, second_section = model.index(0, 0), model.index(1, 0)
    dragged = model.index(0, 0, first_section)  # 1.1 Создание рабочей группы, by its number
    _drop(window, qtbot, [dragged], 1, second_section)  # below 2.1
    assert _numbers_and_titles(small_db) == [
        ("1.1", "Семинар для директоров"),
        ("2.1", "Консультации учителей"),
        ("2.2", "Создание рабочей группы"),
    ]
    assert window.grid_model.data(window.grid.currentIndex().siblingAtColumn(0)) == "2.2"  # follows the row
    window.undo_stack.undo()
    assert _numbers_and_titles(small_db)[0] == ("1.1", "Создание рабочей группы")
    window.undo_stack.redo()
    assert _numbers_and_titles(small_db)[-1] == ("2.2", "Создание рабочей группы")


def test_drag_two_measures_keeps_their_order_and_a_section_moves_with_its_rows(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    model = window.grid_model
    first_section = model.index(0, 0)
    rows = [model.index(0, 0, first_section), model.index(1, 0, first_section)]
    _drop(window, qtbot, rows, -1, QModelIndex())  # on the empty area: to the end of the roadmap
    assert _numbers_and_titles(small_db) == [
        ("2.1", "Консультации учителей"),
        ("3", "Создание рабочей группы"),
        ("4", "Семинар для директоров"),
    ]
    window.undo_stack.undo()
    assert [n for n, _ in _numbers_and_titles(small_db)] == ["1.1", "1.2", "2.1"]
    second_section = window.grid_model.index(1, 0)
    _drop(window, qtbot, [second_section], 0, QModelIndex())  # section 2 above section 1
    assert _numbers_and_titles(small_db)[0] == ("1.1", "Консультации учителей")
    assert window.grid_model.data(window.grid_model.index(0, 0)) == "1 Методическая помощь"


def test_a_section_cannot_be_dropped_into_itself(window: MainWindow, small_db: Path) -> None:
    model = window.grid_model
    section = model.index(0, 0)
    data = model.mimeData([section])
    assert model.move_command(data, 0, section) is None
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, 0, 0, model.index(0, 0, section))
