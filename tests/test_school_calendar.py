"""The file's school calendar: quarters and holidays, as deadlines, storage and the dialog use them."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services import files
from desktop.services.commands import EditSchoolCalendarCommand
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.settings import read_school_calendar
from models.domain.deadlines import DEFAULT_CALENDAR, SchoolCalendar, read_deadline
from models.domain.errors import StaleEditError, ValidationError
from models.storage.database import open_database
from tests.conftest import sha256
from ui.main_window import MainWindow
from ui.school_calendar_dialog import SchoolCalendarDialog

SCHOOL_YEAR = (date(2023, 9, 1), date(2024, 8, 31))
LATE_QUARTERS = SchoolCalendar(
    (((9, 1), (10, 29)), ((11, 7), (12, 28)), ((1, 10), (3, 20)), ((4, 2), (5, 24))),
    DEFAULT_CALENDAR.holidays,
)


def test_holiday_phrases_follow_the_calendar() -> None:
    autumn = read_deadline("в период осенних каникул", SCHOOL_YEAR)
    assert autumn.kind == "recurring" and autumn.windows == ((date(2023, 10, 28), date(2023, 11, 4)),)
    every = read_deadline("в каникулы", SCHOOL_YEAR).windows
    assert len(every) == 4 and every[-1] == (date(2024, 5, 27), date(2024, 8, 31))
    both = read_deadline("во время зимних и весенних каникул", SCHOOL_YEAR).windows
    assert both == ((date(2023, 12, 30), date(2024, 1, 8)), (date(2024, 3, 23), date(2024, 3, 31)))
    dated = read_deadline("25.10.2023 (перед осенними каникулами)", SCHOOL_YEAR)
    assert dated.kind == "fixed" and dated.windows == ((date(2023, 10, 25), date(2023, 10, 25)),)
    three_years = (date(2023, 9, 1), date(2026, 8, 31))
    summer = read_deadline("летние каникулы 2024 г.", three_years).windows
    assert summer == ((date(2024, 5, 27), date(2024, 8, 31)),)  # the year written limits it
    autumn = read_deadline("осенние каникулы 2024-2025 учебного года", three_years).windows
    assert autumn == ((date(2024, 10, 28), date(2024, 11, 4)),)
    assert read_deadline("после осенних каникул", SCHOOL_YEAR).kind == "after_event"
    renamed = SchoolCalendar.from_settings(
        {
            **DEFAULT_CALENDAR.to_settings(),
            "holidays": [{"name": "Осенние каникулы", "from": "30.10", "to": "06.11"}],
        }
    )
    assert read_deadline("в период осенних каникул", SCHOOL_YEAR, renamed).windows == (
        (date(2023, 10, 30), date(2023, 11, 6)),
    )
    moved = read_deadline("в конце каждой четверти", SCHOOL_YEAR, LATE_QUARTERS).windows
    assert moved[0] == (date(2023, 10, 23), date(2023, 10, 29))


def test_calendar_settings_round_trip_and_refuse_nonsense() -> None:
    assert SchoolCalendar.from_settings(LATE_QUARTERS.to_settings()) == LATE_QUARTERS
    for broken in (
        None,
        {"quarters": [["01.09", "27.10"]]},  # one quarter
        {"quarters": [["31.09", "27.10"], ["05.11", "29.12"], ["09.01", "22.03"], ["01.04", "26.05"]]},
        {"quarters": [["01.09", "27.10"], ["20.10", "29.12"], ["09.01", "22.03"], ["01.04", "26.05"]]},
        {"quarters": "четверти"},
    ):
        with pytest.raises(ValidationError):
            SchoolCalendar.from_settings(broken)


def test_saved_calendar_changes_how_the_roadmap_reads(small_db: Path) -> None:
    database = open_database(small_db)
    service = RoadmapService(database, Actor("Петрова", "ПК-1"))
    try:
        assert read_school_calendar(database) == (DEFAULT_CALENDAR, 0)
        service.operations.apply(EditSchoolCalendarCommand(0, DEFAULT_CALENDAR, LATE_QUARTERS))
        assert read_school_calendar(database) == (LATE_QUARTERS, 1)
        tree = service.load(1)
        assert tree.header.school_calendar == LATE_QUARTERS
        assert tree.header.deadline("в конце каждой четверти").windows[0][1] == date(2023, 10, 29)
        with pytest.raises(StaleEditError):  # a colleague saved version 1 meanwhile
            service.operations.apply(EditSchoolCalendarCommand(0, DEFAULT_CALENDAR, LATE_QUARTERS))
        command = EditSchoolCalendarCommand(1, LATE_QUARTERS, DEFAULT_CALENDAR)
        service.operations.apply(command)
        assert read_school_calendar(database) == (DEFAULT_CALENDAR, 2)
        service.operations.revert(command)
        assert read_school_calendar(database) == (LATE_QUARTERS, 3)
    finally:
        database.close()
    with sqlite3.connect(small_db) as connection:
        logged = connection.execute("SELECT count(*) FROM change_log WHERE entity = 'settings'").fetchone()[0]
    assert logged == 3


def test_a_damaged_calendar_does_not_stop_the_file_from_opening(small_db: Path) -> None:
    with sqlite3.connect(small_db) as connection:
        connection.execute(
            "INSERT INTO file_settings (key, value, updated_at, version) "
            "VALUES ('school_calendar', '\"мусор\"', '2024-01-01 00:00:00', 4)"
        )
    before = sha256(small_db)
    database = open_database(small_db, read_only=True)
    try:
        tree = RoadmapService(database, Actor("a", "b")).load(1)
        assert tree.header.school_calendar == DEFAULT_CALENDAR
        assert read_school_calendar(database) == (DEFAULT_CALENDAR, 4)
    finally:
        database.close()
    assert sha256(small_db) == before


def test_dialog_edits_the_calendar_and_undo_restores_it(
    qtbot: QtBot, small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = files.open_file(small_db)
    window = MainWindow(opened.service, str(small_db), session=opened.session)
    qtbot.addWidget(window)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))

    def edit(dialog: SchoolCalendarDialog) -> int:
        first, last = dialog.quarter_edits[0]
        first.setDate(QDate(2000, 10, 10))
        last.setDate(QDate(2000, 10, 5))  # ends before it starts: refused with a message
        dialog.accept()
        assert dialog.result_calendar is None and "1-я четверть" in warnings[-1]
        first.setDate(QDate(2000, 9, 1))
        last.setDate(QDate(2000, 10, 29))
        dialog.add_holiday("дополнительные", (2, 19), (2, 25))
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SchoolCalendarDialog, "exec", edit)
    try:
        window.edit_school_calendar()
        calendar, version = window.service.school_calendar()
        assert version == 1 and calendar.quarters[0] == ((9, 1), (10, 29))
        assert ("дополнительные", (2, 19), (2, 25)) in calendar.holidays
        assert window.grid_model.tree.header.school_calendar == calendar
        window.undo_stack.undo()
        assert window.service.school_calendar() == (DEFAULT_CALENDAR, 2)
    finally:
        window.session.close()
        window.service.db.close()


def test_dialog_rows_can_be_removed_added_and_reset_any_number_of_times(qtbot: QtBot) -> None:
    dialog = SchoolCalendarDialog(DEFAULT_CALENDAR)
    qtbot.addWidget(dialog)
    rows = dialog.holidays
    first_name = dialog.holiday_edits[0][0]
    dialog._drops[id(dialog.holiday_edits[0])]()  # «Убрать» on the autumn holidays
    dialog.add_holiday("дополнительные", (2, 19), (2, 25))
    positions = [rows.getItemPosition(rows.indexOf(name))[0] for name, _a, _b in dialog.holiday_edits]
    assert len(set(positions)) == len(positions) == 4  # no row drawn over another
    assert first_name not in [name for name, _a, _b in dialog.holiday_edits]
    dialog.reset_to_defaults()
    dialog.reset_to_defaults()  # twice: it used to loop for ever
    assert dialog.calendar() == DEFAULT_CALENDAR
