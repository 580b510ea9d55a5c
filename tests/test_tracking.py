"""The tracking views: month, year, timeline and progress, as the coordinator uses them."""

from __future__ import annotations

import copy
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.services import files
from desktop.services.filtering import Filter, kept_ids
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.schedule import Schedule
from desktop.services.writer import write_roadmap
from models.storage.database import create_database, open_database
from tests.conftest import SMALL_ROADMAP, operations_of
from ui.main_window import MainWindow
from ui.status_dialog import StatusDialog

TODAY = date(2024, 2, 20)


def roadmap_data() -> dict[str, Any]:
    data = copy.deepcopy(SMALL_ROADMAP)
    data["sections"][1]["measures"].append(
        {
            "number": "2.2",
            "title": "Февральский семинар для учителей математики",
            "deadline": {"text": "с 19 по 23 февраля 2024 г."},
            "responsible": "РМО учителей математики",
            "schools": ["МБОУ «Тубинская СОШ»"],
        }
    )
    data["sections"][1]["measures"].append(
        {
            "number": "2.3",
            "title": "Отчёт о консультациях",
            "deadline": {"text": "до 1 марта 2024 г."},
            "responsible": "РМО",
        }
    )
    return data


@pytest.fixture
def tracking_db(tmp_path: Path) -> Path:
    path = tmp_path / "tracking.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), roadmap_data())
    database.close()
    return path


def load(path: Path) -> Any:
    database = open_database(path)
    try:
        return RoadmapService(database, Actor("Тест", "ПК")).load(1)
    finally:
        database.close()


def by_title(tree: Any, start: str) -> int:
    return next(m.id for m in tree.measures.values() if m.title.startswith(start))


# ---- the schedule ---------------------------------------------------------------------------
def test_a_february_window_is_in_february_and_nowhere_else(tracking_db: Path) -> None:
    tree = load(tracking_db)
    schedule = Schedule(tree, TODAY)
    february = by_title(tree, "Февральский")
    in_february = {e.measure_id for e, _ in schedule.between(date(2024, 2, 1), date(2024, 2, 29))}
    in_march = {e.measure_id for e, _ in schedule.between(date(2024, 3, 1), date(2024, 3, 31))}
    assert february in in_february and february not in in_march
    months, _rows, totals = schedule.month_counts()
    column = months.index(date(2024, 2, 1))
    assert totals[column] >= 1 and totals[months.index(date(2024, 4, 1))] < totals[column] + 1
    undated = [e.title for e in schedule.undated]
    assert undated == ["Консультации учителей"]  # «по запросу»: listed apart, not lost


def test_overdue_and_due_soon_are_counted_and_listed(tracking_db: Path) -> None:
    tree = load(tracking_db)
    schedule = Schedule(tree, TODAY)
    late = [e.title for e in schedule.overdue()]
    assert late == ["Создание рабочей группы"]  # September 2023, still planned
    soon = [e.title for e in schedule.due_soon()]
    assert soon == ["Февральский семинар для учителей математики", "Отчёт о консультациях"]
    sections = schedule.by_section()
    assert sections[0].counts["overdue"] == 1 and sections[1].counts["overdue"] == 0
    assert schedule.overall().total == 5
    schools = {p.label: p.total for p in schedule.by_school()}
    assert schools["МБОУ «Тубинская СОШ»"] == 1 and schools["МКОУ СОШ № 16"] == 1


def test_filters_reduce_the_schedule(tracking_db: Path) -> None:
    tree = load(tracking_db)
    second = next(s.id for s in tree.sections.values() if s.title == "Методическая помощь")
    for criteria, expected in (
        (Filter(section_id=second), 3),
        (Filter(text="семинар"), 2),
        (Filter(responsible="РМО"), 3),
        (Filter(responsible=" рмо "), 3),  # spaces around a name typed do not matter
        (Filter(status="overdue"), 1),
        (Filter(school_id=tree.schools[0].id), 1),
    ):
        schedule = Schedule(tree, TODAY, kept_ids(tree, criteria, TODAY))
        assert len(schedule.entries) == expected, criteria


# ---- the window -----------------------------------------------------------------------------
@pytest.fixture
def window(qtbot: QtBot, tracking_db: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    opened = files.open_file(tracking_db)
    main = MainWindow(opened.service, str(tracking_db), session=opened.session)
    main.tracking.today = lambda: TODAY
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.list_view.selectRow(0)
    yield main
    main.session.close()
    main.service.db.close()


def show(window: MainWindow, widget: Any) -> None:
    window.tabs.setCurrentWidget(widget)


def test_month_view_shows_the_february_measure_on_its_days(window: MainWindow) -> None:
    tree = window.grid_model.tree
    february = by_title(tree, "Февральский")
    show(window, window.tracking.month)
    window.tracking.month.show_month(date(2024, 2, 1))
    chips = window.tracking.month.grid.chips_of(february)
    assert chips, "the February measure has no chip in February"
    covered = {chip.first for chip in chips} | {chip.last for chip in chips}
    assert min(covered) == date(2024, 2, 19) and max(covered) == date(2024, 2, 23)
    window.tracking.month.show_month(date(2024, 3, 1))
    assert not window.tracking.month.grid.chips_of(february)


def test_what_lasts_all_month_is_listed_once_above_the_weeks(window: MainWindow, qtbot: QtBot) -> None:
    """«ежеквартально»: January to March is one window; in February it is neither a bar across
    every week nor lost: «Весь месяц: 1», and the list opens it in the grid."""
    tree = window.grid_model.tree
    quarterly = by_title(tree, "Семинар для директоров")
    month = window.tracking.month
    show(window, month)
    month.show_month(date(2024, 2, 1))
    assert not month.grid.chips_of(quarterly)
    assert month.whole.isVisible() and month.whole.text() == "Весь месяц: 1 ▾"
    listed = [a for a in month.whole_menu.actions() if "Семинар для директоров" in a.text()]
    assert len(listed) == 1
    listed[0].trigger()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.grid)  # after the double-click wait
    assert window.grid_model.measure_at(window.grid.currentIndex()).id == quarterly
    show(window, month)
    month.show_month(date(2024, 3, 1))  # «до 1 марта»: a one-day chip on that day, not in the band
    report = by_title(tree, "Отчёт о консультациях")
    assert [(c.first, c.last) for c in month.grid.chips_of(report)] == [(date(2024, 3, 1), date(2024, 3, 1))]


def test_timeline_bar_sits_over_february(window: MainWindow) -> None:
    tree = window.grid_model.tree
    february = by_title(tree, "Февральский")
    show(window, window.tracking.timeline)
    canvas = window.tracking.timeline.canvas
    (bar,) = canvas.bar_rects(february)
    assert bar.left() == pytest.approx(canvas._x_of(date(2024, 2, 19)))
    assert bar.width() == pytest.approx(5 * canvas.per_day)  # 19 to 23 February
    labels = [row.text for row in canvas.rows]
    assert any(text.startswith("Без дат") for text in labels)  # «по запросу» shown apart
    assert any("Консультации учителей" in text for text in labels)


def test_filters_reduce_every_view(window: MainWindow, qtbot: QtBot) -> None:
    show(window, window.tracking.year)
    all_months = sum(c.count for c in window.tracking.year.model.totals)
    window.filter_bar.text.setText("семинар")
    window.filter_bar.flush()
    for widget in (
        window.tracking.month,
        window.tracking.year,
        window.tracking.timeline,
        window.tracking.progress,
    ):
        show(window, widget)
        schedule = window.tracking.shown[widget]
        assert schedule is not None and len(schedule.entries) == 2
    assert window.tracking.progress.sections.rows[0].total == 1
    show(window, window.tracking.year)
    assert 0 < sum(c.count for c in window.tracking.year.model.totals) < all_months
    measures = [row for row in window.tracking.timeline.canvas.rows if row.kind == "measure"]
    assert len(measures) == 2
    window.filter_bar.text.clear()
    window.filter_bar.flush()
    show(window, window.tracking.timeline)
    assert len(window.tracking.shown[window.tracking.timeline].entries) == 5


def test_report_counts_and_lists_the_overdue_measure(window: MainWindow) -> None:
    show(window, window.tracking.progress)
    view = window.tracking.progress
    assert view.overdue.topLevelItemCount() == 1
    assert view.overdue.topLevelItem(0).text(1) == "Создание рабочей группы"
    assert view.soon.topLevelItemCount() == 2
    assert "просрочено 1" in view.headline.text()


def test_a_click_opens_the_measure_in_the_grid(window: MainWindow, qtbot: QtBot) -> None:
    tree = window.grid_model.tree
    february = by_title(tree, "Февральский")
    show(window, window.tracking.month)
    month = window.tracking.month
    month.show_month(date(2024, 2, 1))
    chip = month.grid.chips_of(february)[0]
    qtbot.mouseClick(month.grid, Qt.MouseButton.LeftButton, pos=chip.rect.center().toPoint())
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.grid, timeout=3000)
    current = window.grid_model.measure_at(window.grid.currentIndex())
    assert current is not None and current.id == february


def test_a_double_click_edits_the_status_and_undo_restores_it(
    window: MainWindow, qtbot: QtBot, tracking_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = window.grid_model.tree
    late = by_title(tree, "Создание рабочей")

    def mark_done(dialog: StatusDialog) -> int:
        dialog.status.setCurrentIndex(dialog.status.findData("done"))
        dialog.note.setPlainText("Приказ № 5 от 20.02.2024")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StatusDialog, "exec", mark_done)
    show(window, window.tracking.timeline)
    canvas = window.tracking.timeline.canvas
    row = canvas.row_of[late] - canvas.verticalScrollBar().value()
    point = QPoint(100, 38 + row * 22 + 11)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)

    def stored() -> tuple[str, str | None, str]:
        with sqlite3.connect(tracking_db) as connection:
            return connection.execute(
                "SELECT status, done_on, note FROM measures WHERE id = ?", (late,)
            ).fetchone()

    status, done_on, note = stored()
    assert status == "done" and done_on is not None and note == "Приказ № 5 от 20.02.2024"
    assert window.tracking.shown[window.tracking.timeline].by_id[late].progress_class == "done"
    assert window.tabs.currentWidget() is window.tracking.timeline  # the double click did not jump away
    window.undo_stack.undo()
    assert stored() == ("planned", None, "")
    show(window, window.tracking.progress)
    assert window.tracking.progress.overdue.topLevelItemCount() == 1


def test_opening_a_file_tells_what_is_late_and_due(window: MainWindow) -> None:
    window.list_model.set_rows(window.service.list_roadmaps(TODAY))  # the list as read on that day
    text = window.show_due_notice()
    assert text.startswith("Просрочено: 1, в ближайшие 14 дней: 2")
    assert window.statusBar().currentMessage() == text
    summary = window.list_model.summary(0)
    assert (summary.overdue, summary.due_soon) == (1, 2)


def test_year_view_opens_a_month_and_navigation_moves_it(window: MainWindow, qtbot: QtBot) -> None:
    show(window, window.tracking.year)
    year = window.tracking.year
    column = year.model.months.index(date(2024, 2, 1))
    year.table.clicked.emit(year.model.index(0, column))
    assert window.tabs.currentWidget() is window.tracking.month
    month = window.tracking.month
    assert month.grid.month == date(2024, 2, 1) and month.title.text() == "Февраль 2024"
    month.following.click()
    assert month.grid.month == date(2024, 3, 1)
    month.previous.click()
    month.previous.click()
    assert month.title.text() == "Январь 2024"
    assert "Мероприятий в месяце" in month.summary.text()


def test_timeline_zoom_changes_the_scale_not_the_dates(window: MainWindow) -> None:
    tree = window.grid_model.tree
    february = by_title(tree, "Февральский")
    show(window, window.tracking.timeline)
    canvas = window.tracking.timeline.canvas
    wide = canvas.bar_rects(february)[0].width()
    canvas.set_zoom("year")
    narrow = canvas.bar_rects(february)[0]
    assert narrow.width() < wide / 3
    assert canvas._date_at(narrow.left() + 0.1) == date(2024, 2, 19)


def test_keyboard_moves_between_measures_and_edits_or_opens(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    monkeypatch.setattr(StatusDialog, "exec", lambda dialog: opened.append(dialog.measure.id) or 0)
    show(window, window.tracking.month)
    month = window.tracking.month
    month.show_month(date(2024, 2, 1))
    grid = month.grid
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    first = grid.selected
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert first is not None and grid.selected not in (None, first)
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.selected == first
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert opened == [first]

    show(window, window.tracking.timeline)
    canvas = window.tracking.timeline.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    second = [row.entry.measure_id for row in canvas.rows if row.entry is not None][1]
    assert canvas.selected == second
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.grid, timeout=3000)
    assert window.grid_model.measure_at(window.grid.currentIndex()).id == second


def test_the_last_view_and_zoom_are_remembered(qtbot: QtBot, tracking_db: Path) -> None:
    opened = files.open_file(tracking_db)
    first = MainWindow(opened.service, str(tracking_db), session=opened.session)
    qtbot.addWidget(first)
    first.show()
    first.list_view.selectRow(0)
    first.tabs.setCurrentWidget(first.tracking.timeline)
    first.tracking.timeline.set_zoom("quarter")
    first.close()
    second = MainWindow(opened.service, str(tracking_db), session=opened.session)
    qtbot.addWidget(second)
    try:
        assert second.tabs.currentWidget() is second.tracking.timeline
        assert second.tracking.timeline.canvas.per_day == pytest.approx(1.8)
        checked = [b.text() for b in second.tracking.timeline.zoom_buttons.buttons() if b.isChecked()]
        assert checked == ["Квартал"]
    finally:
        opened.session.close()
        opened.service.db.close()


def test_arrows_visit_every_measure_of_the_month_once_per_round(window: MainWindow, qtbot: QtBot) -> None:
    show(window, window.tracking.month)
    month = window.tracking.month
    month.show_month(date(2024, 2, 1))
    grid = month.grid
    grid.layout_chips()
    distinct = {chip.entry.measure_id for chip in grid.chips}
    assert len(distinct) >= 2
    grid.setFocus()
    seen = []
    for _ in range(len(distinct)):
        qtbot.keyClick(grid, Qt.Key.Key_Right)
        seen.append(grid.selected)
    assert set(seen) == distinct  # a month-long bar (a chip per week) is one stop, not four


def test_a_short_bar_takes_a_free_lane_beside_a_longer_one(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.month_view import MonthGrid

    data = copy.deepcopy(SMALL_ROADMAP)
    data["sections"] = [
        {
            "number": "1",
            "title": "Раздел",
            "sections": [],
            "measures": [
                {"number": "1.1", "title": "Длинная", "deadline": {"text": "с 07.09.2023 по 10.09.2023"}},
                {"number": "1.2", "title": "Короткая", "deadline": {"text": "с 04.09.2023 по 05.09.2023"}},
            ],
        }
    ]
    path = tmp_path / "lanes.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), data)
    database.close()
    grid = MonthGrid()
    qtbot.addWidget(grid)
    grid.setFixedSize(700, 300)  # room for one lane a week
    grid.set_schedule(Schedule(load(path), TODAY))
    grid.set_month(date(2023, 9, 1))
    grid.layout_chips()
    assert {chip.entry.title for chip in grid.chips} == {"Длинная", "Короткая"}
    assert not grid.more  # nothing hidden behind «+N ещё»


def test_a_renamed_roadmap_is_the_same_roadmap_to_the_views(tracking_db: Path) -> None:
    from dataclasses import replace

    from desktop.services.schedule import roadmap_key

    tree = load(tracking_db)
    renamed = replace(tree, header=replace(tree.header, title="Новое название"))
    other_file = replace(tree, header=replace(tree.header, created_at=None))
    assert roadmap_key(Schedule(renamed, TODAY)) == roadmap_key(Schedule(tree, TODAY))  # month kept
    assert roadmap_key(Schedule(other_file, TODAY)) != roadmap_key(Schedule(tree, TODAY))


def test_year_cells_are_coloured_by_how_their_measures_stand(tracking_db: Path) -> None:
    from ui.year_view import DONE, LATE, YearModel

    tree = load(tracking_db)
    model = YearModel()
    model.set_schedule(Schedule(tree, TODAY))
    september = model.months.index(date(2023, 9, 1))
    late = model.index(0, september).data(Qt.ItemDataRole.BackgroundRole)  # «Создание рабочей группы»
    assert late.rgb() & 0xFFFFFF == LATE.rgb() & 0xFFFFFF
    assert "просрочено или не выполнено 1" in model.index(0, september).data(Qt.ItemDataRole.ToolTipRole)
    database = open_database(tracking_db)
    service = RoadmapService(database, Actor("Тест", "ПК"))
    service.edit_measure(by_title(tree, "Создание"), None, {"status": "done"})
    database.close()
    model.set_schedule(Schedule(load(tracking_db), TODAY))
    done = model.index(0, september).data(Qt.ItemDataRole.BackgroundRole)
    assert done.rgb() & 0xFFFFFF == DONE.rgb() & 0xFFFFFF
    row, column = next(
        (r, c) for r, (_ref, cells) in enumerate(model.rows) for c, cell in enumerate(cells) if not cell.count
    )
    assert model.index(row, column).data(Qt.ItemDataRole.BackgroundRole) is None  # an empty month: white


def test_numbers_that_restart_in_each_section_say_their_section(tmp_path: Path) -> None:
    """«1» alone says nothing in a calendar that shows every section together."""
    data = copy.deepcopy(SMALL_ROADMAP)
    for section in data["sections"]:
        for number, measure in enumerate(section["measures"], start=1):
            measure["number"] = str(number)
    path = tmp_path / "restart.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), data)
    database.close()
    tree = load(path)
    numbers = [e.number for e in Schedule(tree, TODAY).entries]
    assert numbers == ["Раздел 1 · 1", "Раздел 1 · 2", "Раздел 2 · 1"]
    assert [e.number for e in Schedule(load_small(tmp_path), TODAY).entries] == ["1.1", "1.2", "2.1"]


def load_small(tmp_path: Path) -> Any:
    path = tmp_path / "small.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), copy.deepcopy(SMALL_ROADMAP))
    database.close()
    return load(path)


def test_the_monday_page_lists_late_and_coming_measures_by_responsible(
    tracking_db: Path, window: MainWindow, qtbot: QtBot
) -> None:
    """«Ближайшие» on 20 February 2024 (a Tuesday): late first, then what falls due by 10 March
    (this week and the next two), grouped by responsible."""
    tree = load(tracking_db)
    groups = Schedule(tree, TODAY).upcoming()
    flat = [(g.responsible, i.entry.title, i.due, i.late) for g in groups for i in g.items]
    assert flat[0] == ("Отдел образования", "Создание рабочей группы", date(2023, 9, 30), True)
    titles = [title for _who, title, _due, _late in flat]
    assert "Февральский семинар для учителей математики" in titles  # 19–23 February
    assert "Отчёт о консультациях" in titles  # 1 March
    assert "Консультации учителей" not in titles  # no dates
    assert all(due <= date(2024, 3, 10) for _w, _t, due, late in flat if not late)
    seminar = next(g for g in groups if g.responsible == "РМО учителей математики")
    assert [i.entry.title for i in seminar.items] == ["Февральский семинар для учителей математики"]

    view = window.tracking.upcoming
    show(window, view)
    assert view.tree.topLevelItemCount() == len(groups)
    first_group = view.tree.topLevelItem(0)
    assert first_group.text(0) == "Отдел образования" and "просрочено 1" in first_group.text(2)
    late_row = first_group.child(0)
    assert late_row.text(0).startswith("! 1.1 Создание рабочей группы")
    assert late_row.text(2).startswith("просрочено на ")
    view.tree.itemClicked.emit(late_row, 0)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.grid)
    assert window.grid_model.measure_at(window.grid.currentIndex()).title == "Создание рабочей группы"


def test_the_monday_page_prints_what_the_tab_lists(tracking_db: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from desktop.exports import export_tree
    from tests.conftest import cli_json

    tree = load(tracking_db)
    out = tmp_path / "Ближайшие сроки.pdf"
    result = export_tree(tree, "upcoming", out, today=TODAY)
    assert result.pages == 1
    printed = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    for group in Schedule(tree, TODAY).upcoming():
        assert group.responsible in printed
        for item in group.items:
            assert f"{item.due:%d.%m.%Y}" in printed and item.state(TODAY) in printed
    assert "Создание рабочей группы" in printed and "просрочено на 143 дн." in printed
    assert "Консультации учителей" not in printed  # no dates: not on the page
    data = cli_json("export", "--db", str(tracking_db), "--roadmap", "1", "--upcoming", str(out))
    assert data["pages"] >= 1 and out.read_bytes().startswith(b"%PDF-")


def test_the_monday_page_button_writes_the_pdf(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from ui import export_actions

    target = tmp_path / "понедельник"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(export_actions, "ask_what_next", lambda *_a: "")
    show(window, window.tracking.upcoming)
    window.tracking.upcoming.print_button.click()
    written = target.with_name("понедельник.pdf")
    qtbot.waitUntil(written.exists)
    assert written.read_bytes().startswith(b"%PDF-")
