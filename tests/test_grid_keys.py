"""The grid's keys as Excel users know them, pressed through the real widgets, the file checked on
disk: typing a row across with Tab and Enter, arrows that commit in enter mode and move the text
cursor after F2, Tab that never leaves the grid, ← that never folds a section, Home/End,
Alt+↓ on a list cell, a pick from the list written at once, Delete that clears cells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from tests.conftest import answer_box, sha256
from tests.test_grid import stored, type_text
from tests.test_window_cursor import _open as open_window
from ui.main_window import MainWindow
from ui.roadmap_model import COLUMNS

HEADERS = [c[0] for c in COLUMNS]
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def column(header: str) -> int:
    return HEADERS.index(header)


@pytest.fixture
def window(qtbot: QtBot, small_db: Path) -> MainWindow:
    main = open_window(qtbot, small_db)
    yield main
    main.service.db.close()


def measure_ids(window: MainWindow) -> list[int]:
    tree = window.grid_model.tree
    assert tree is not None
    return [m.id for m in tree.measures_in_order()]


def put_cursor(window: MainWindow, qtbot: QtBot, measure_id: int, header: str) -> None:
    window.grid.setCurrentIndex(window.grid_model.measure_index(measure_id, column(header)))
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)


def key(qtbot: QtBot, k: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
    """A key to whatever has the focus now (the grid, or the editor typing opened)."""
    QApplication.processEvents()
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, k, modifiers)
    QApplication.processEvents()


def cursor(window: MainWindow) -> tuple[int | None, str]:
    index = window.grid.currentIndex()
    measure = window.grid_model.measure_at(index)
    return (measure.id if measure else None), HEADERS[index.column()]


def test_a_row_typed_across_with_tab_lands_in_its_columns_and_enter_returns(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    first, second, _third = measure_ids(window)
    # No measure has a «Форма»: the column is hidden until the user shows it (header menu).
    assert window.grid.isColumnHidden(column("Форма"))
    window.columns.set_shown("form", True)
    put_cursor(window, qtbot, first, "Мероприятие")
    for text in ("Совещание директоров", "семинар", "до 25 мая", "Иванова И.И."):
        type_text(window.grid, text)
        key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.grid  # Tab never left the grid
    assert cursor(window) == (first, "Ожидаемый результат")
    key(qtbot, Qt.Key.Key_Return)
    assert cursor(window) == (second, "Мероприятие")  # back to the run's first column, next row
    assert stored(small_db, first, "title") == "Совещание директоров"
    assert stored(small_db, first, "form") == "семинар"
    assert stored(small_db, first, "deadline_text") == "до 25 мая"
    assert stored(small_db, first, "responsible") == "Иванова И.И."
    assert window.undo_stack.count() == 4  # one step per cell
    for _ in range(4):
        window.undo_stack.undo()
    assert stored(small_db, first, "title") == "Создание рабочей группы"


def test_arrows_commit_when_typing_over_and_move_the_text_cursor_after_f2(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    first, second, _third = measure_ids(window)
    put_cursor(window, qtbot, first, "Ответственные")
    type_text(window.grid, "РМО")
    key(qtbot, Qt.Key.Key_Down)
    assert stored(small_db, first, "responsible") == "РМО"
    assert cursor(window) == (second, "Ответственные") and QApplication.focusWidget() is window.grid
    key(qtbot, Qt.Key.Key_F2)  # edit mode: ← moves in the text
    key(qtbot, Qt.Key.Key_Left)
    type_text(window.grid, "!")
    key(qtbot, Qt.Key.Key_Return)
    assert stored(small_db, second, "responsible") == "МКУ «ЦРО!»"
    key(qtbot, Qt.Key.Key_Return, SHIFT)  # after the Enter above (down), Shift+Enter comes back up
    type_text(window.grid, "Отдел")
    key(qtbot, Qt.Key.Key_Right)
    assert stored(small_db, second, "responsible") == "Отдел"
    assert cursor(window) == (second, "Ожидаемый результат")


def test_escape_cancels_and_tab_at_the_last_column_goes_to_the_next_measure(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    first, second, third = measure_ids(window)
    put_cursor(window, qtbot, first, "Ответственные")
    type_text(window.grid, "не то")
    key(qtbot, Qt.Key.Key_Escape)
    assert stored(small_db, first, "responsible") == "Отдел образования"
    put_cursor(window, qtbot, second, HEADERS[-1])
    key(qtbot, Qt.Key.Key_Tab)
    assert cursor(window) == (third, "Мероприятие")  # over the section row between them
    key(qtbot, Qt.Key.Key_Tab, SHIFT)
    assert cursor(window) == (second, HEADERS[-1])
    assert QApplication.focusWidget() is window.grid


def test_left_never_folds_a_section_ctrl_arrows_and_minus_do(window: MainWindow, qtbot: QtBot) -> None:
    grid, model = window.grid, window.grid_model
    section = model.index(0, 0, QModelIndex())
    assert model.is_section(section) and grid.isExpanded(section)
    grid.setCurrentIndex(section)
    grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    key(qtbot, Qt.Key.Key_Left)
    assert grid.isExpanded(section)
    key(qtbot, Qt.Key.Key_Left, CTRL)
    assert not grid.isExpanded(section)
    key(qtbot, Qt.Key.Key_Right, CTRL)
    assert grid.isExpanded(section)
    key(qtbot, Qt.Key.Key_Minus)
    assert not grid.isExpanded(section)
    key(qtbot, Qt.Key.Key_Plus)
    assert grid.isExpanded(section)
    first = measure_ids(window)[0]
    put_cursor(window, qtbot, first, "Мероприятие")
    for _ in range(3):
        key(qtbot, Qt.Key.Key_Left)
    assert cursor(window) == (first, "№") and grid.isExpanded(section)


def test_home_end_and_ctrl_home_end(window: MainWindow, qtbot: QtBot) -> None:
    first, second, third = measure_ids(window)
    put_cursor(window, qtbot, second, "Срок")
    key(qtbot, Qt.Key.Key_End)
    assert cursor(window) == (second, HEADERS[-1])
    key(qtbot, Qt.Key.Key_Home)
    assert cursor(window) == (second, "Мероприятие")
    key(qtbot, Qt.Key.Key_End, CTRL)
    assert cursor(window) == (third, "Мероприятие")
    key(qtbot, Qt.Key.Key_Home, CTRL)
    assert cursor(window) == (first, "Мероприятие")


def test_alt_down_opens_the_status_list_and_a_pick_is_written_at_once(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    first = measure_ids(window)[0]
    put_cursor(window, qtbot, first, "Статус")
    key(qtbot, Qt.Key.Key_Down, ALT)
    editor = window.grid.delegate.last_editor
    assert isinstance(editor, QComboBox)
    qtbot.waitUntil(lambda: editor.view().isVisible())
    done = editor.findText("выполнено")
    view = editor.view()
    rect = view.visualRect(view.model().index(done, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    # Written when picked, not when the cell is left.
    qtbot.waitUntil(lambda: stored(small_db, first, "status") == "done")
    assert window.grid.state() != window.grid.State.EditingState
    assert cursor(window) == (first, "Статус")


def test_alt_down_elsewhere_still_moves_the_row(window: MainWindow, qtbot: QtBot, small_db: Path) -> None:
    first, second, _third = measure_ids(window)
    put_cursor(window, qtbot, first, "Мероприятие")
    key(qtbot, Qt.Key.Key_Down, ALT)
    assert measure_ids(window)[:2] == [second, first]


def test_delete_clears_the_selected_cells_in_one_undo_step(
    window: MainWindow, qtbot: QtBot, small_db: Path
) -> None:
    first, second, _third = measure_ids(window)
    grid, model = window.grid, window.grid_model
    put_cursor(window, qtbot, first, "Ответственные")
    selection = grid.selectionModel()
    for measure_id in (first, second):
        for header in ("Ответственные", "Ожидаемый результат", "Статус"):
            selection.select(model.measure_index(measure_id, column(header)), selection.SelectionFlag.Select)
    key(qtbot, Qt.Key.Key_Delete)
    assert [stored(small_db, m, "responsible") for m in (first, second)] == ["", ""]
    assert [stored(small_db, m, "result") for m in (first, second)] == ["", ""]
    assert stored(small_db, first, "status") == "planned"  # a status always has a value
    assert window.undo_stack.count() == 1
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert stored(small_db, second, "result") == "Протокол"
    assert stored(small_db, first, "responsible") == "Отдел образования"


def test_enter_without_an_editor_moves_down(window: MainWindow, qtbot: QtBot) -> None:
    first, second, _third = measure_ids(window)
    put_cursor(window, qtbot, first, "Срок")
    key(qtbot, Qt.Key.Key_Return)
    assert cursor(window) == (second, "Срок")
    assert window.grid.state() != window.grid.State.EditingState


def test_found_words_are_marked_in_their_cells_and_esc_empties_the_find_box(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, _second, third = measure_ids(window)
    bar = window.filter_bar
    bar.text.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar.text)
    type_text(bar.text, "консультаций")
    key(qtbot, Qt.Key.Key_Return)
    model = window.grid_model
    marked = model.measure_index(third, column("Ожидаемый результат")).data(Qt.ItemDataRole.BackgroundRole)
    assert marked is not None  # «Журнал консультаций»
    assert model.measure_index(third, column("Срок")).data(Qt.ItemDataRole.BackgroundRole) is None
    assert bar.shown.text() == "Показано 1 из 3"
    key(qtbot, Qt.Key.Key_Escape)
    assert bar.text.text() == "" and bar.shown.text() == "Мероприятий: 3"
    assert model.measure_index(first, column("Мероприятие")).data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_windows_shortcuts_work_from_the_find_box(window: MainWindow, qtbot: QtBot) -> None:
    from PySide6.QtGui import QAction, QKeySequence

    excel = next(a for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+E"))
    excel.triggered.disconnect()  # the file dialog is not what is tested here
    fired: list[bool] = []
    excel.triggered.connect(lambda *_: fired.append(True))
    window.filter_bar.text.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.filter_bar.text)
    type_text(window.filter_bar.text, "семинар")
    key(qtbot, Qt.Key.Key_E, CTRL)
    assert fired == [True]
    assert window.filter_bar.text.text() == "семинар"


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb: a real X server (make install)")
def test_the_same_keys_on_a_real_x11_display() -> None:
    """Qt's offscreen platform binds fewer keys than X11 (no Ctrl+E «end of line» in a text field,
    which is what kept Ctrl+E from exporting): every test above once more on a real X server."""
    if os.environ.get("QT_QPA_PLATFORM") == "xcb":
        pytest.skip("this run is on X11 already")
    number = 60 + os.getpid() % 200
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", __file__, "-p", "no:cacheprovider", "-k", "not real_x11"],
            capture_output=True, text=True, env=env, timeout=300,
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("choice", ["Вставить новыми строками", "Заменить", "Cancel"])
def test_pasting_titles_over_measures_asks_first(
    window: MainWindow, qtbot: QtBot, small_db: Path, choice: str
) -> None:
    first, second, third = measure_ids(window)
    put_cursor(window, qtbot, first, "Мероприятие")
    QApplication.clipboard().setText("Новое А\tсеминар\r\nНовое Б\tвебинар\r\n")
    before = sha256(small_db)
    seen: list[str] = []
    answer_box(choice, seen)
    key(qtbot, Qt.Key.Key_V, CTRL)
    assert seen == ["Заменить данные 2 мероприятий?"]
    titles = [stored(small_db, m, "title") for m in (first, second, third)]
    if choice == "Cancel":
        assert sha256(small_db) == before and window.undo_stack.count() == 0
        return
    if choice == "Заменить":
        assert titles[:2] == ["Новое А", "Новое Б"]
        assert stored(small_db, first, "form") == "семинар"
    else:  # the originals untouched, two new rows where the cursor was
        assert titles == ["Создание рабочей группы", "Семинар для директоров\n- анализ ВПР\n- планирование",
                          "Консультации учителей"]
        tree = window.grid_model.tree
        assert tree is not None
        shown = [m.title for m in tree.measures_in_order()]
        assert shown[:3] == ["Новое А", "Новое Б", "Создание рабочей группы"]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert [stored(small_db, m, "title") for m in (first, second)] == [
        "Создание рабочей группы", "Семинар для директоров\n- анализ ВПР\n- планирование"]
    assert len(measure_ids(window)) == 3


def test_the_right_click_menu_offers_the_row_commands_history_and_calendar(
    window: MainWindow, qtbot: QtBot
) -> None:
    first = measure_ids(window)[0]
    put_cursor(window, qtbot, first, "Срок")
    menu = window._grid_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Вставить мероприятие &выше", "Вставить мероприятие &ниже", "Вставить &раздел",
                   "&Копировать", "В&ставить", "Заполнить &вниз", "&Удалить мероприятия…",
                   "История изменений (F9)", "Открыть в календаре"):
        assert wanted in texts
    by_text = {a.text(): a for a in menu.actions()}
    assert not by_text["Удалить раздел…"].isEnabled()  # on a measure
    by_text["Открыть в календаре"].trigger()
    assert window.tabs.currentWidget() is window.tracking.month
    assert window.tracking.month.grid.month == date(2023, 9, 1)  # «сентябрь 2023 г.», long past
    window.tabs.setCurrentWidget(window.grid)
    by_text["История изменений (F9)"].trigger()
    assert window.history_dock.isVisible()
    menu.deleteLater()
