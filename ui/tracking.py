"""The tracking tabs (Месяц, Год, Шкала, Отчёт, Ближайшие) behind one object for the window.

One ``Schedule`` serves all of them; it is built when a tracking tab is shown after the roadmap, an
edit or the filter changed (never for a tab nobody looks at), so switching stays quick on 5,000
measures. A click on a measure opens it in the grid once the double-click time has passed; a
double click instead asks the window to edit its status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeGuard

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.dto import RoadmapTree
from desktop.services.filtering import Filter, kept_ids
from desktop.services.schedule import Schedule
from ui.month_view import MonthView
from ui.progress_view import ProgressView
from ui.timeline_view import TimelineView
from ui.upcoming_view import UpcomingView
from ui.year_view import YearView


class TrackingViews(QObject):
    open_in_grid = Signal(int)  # a click on a measure
    edit_status = Signal(int)  # a double click
    files_wanted = Signal(int)  # a double click on a file of «Отчёт»
    month_wanted = Signal()  # a month chosen in the year view: show the month tab

    def __init__(
        self,
        tree_source: Callable[[], RoadmapTree | None],
        criteria_source: Callable[[], Filter],
        parent: QObject | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.tree_source, self.criteria_source, self.today = tree_source, criteria_source, today
        self.month = MonthView()
        self.year = YearView()
        self.timeline = TimelineView()
        self.progress = ProgressView()
        self.upcoming = UpcomingView()
        self.schedule: Schedule | None = None
        self.shown: dict[QWidget, Schedule | None] = {}
        self._clicked: int | None = None
        self._click_timer = QTimer(self)
        self._click_timer.setSingleShot(True)
        self._click_timer.timeout.connect(self._open_clicked)
        for view in (self.month, self.timeline, self.progress, self.upcoming):
            view.measure_clicked.connect(self._on_click)
            view.measure_activated.connect(self._on_double_click)
        self.year.month_chosen.connect(self._show_month)
        self.progress.files_wanted.connect(self._on_files)

    def tabs(self) -> list[tuple[QWidget, str]]:
        return [
            (self.month, "Месяц"),
            (self.year, "Год"),
            (self.timeline, "Шкала"),
            (self.progress, "Отчёт"),
            (self.upcoming, "Ближайшие"),
        ]

    def owns(
        self, widget: QWidget | None
    ) -> TypeGuard[MonthView | YearView | TimelineView | ProgressView | UpcomingView]:
        return widget in (self.month, self.year, self.timeline, self.progress, self.upcoming)

    # ---- the schedule --------------------------------------------------------------------
    def invalidate(self) -> None:
        """The roadmap, an edit or the filter changed: rebuild when next shown."""
        self.schedule = None

    def current(self) -> Schedule | None:
        if self.schedule is not None and self.schedule.today != self.today():
            self.schedule = None  # past midnight: what is overdue has changed
        if self.schedule is None:
            tree = self.tree_source()
            if tree is None:
                return None
            criteria = self.criteria_source()
            today = self.today()
            kept = kept_ids(tree, criteria, today) if criteria.active else None
            self.schedule = Schedule(tree, today, kept)
        return self.schedule

    def refresh(self, widget: QWidget | None) -> None:
        """Bring ``widget`` (the tab on screen) up to date, if it is one of ours."""
        if not self.owns(widget):
            return
        assert widget is not None
        schedule = self.current()
        if widget in self.shown and self.shown[widget] is schedule:
            return
        widget.set_schedule(schedule)
        self.shown[widget] = schedule

    # ---- clicks --------------------------------------------------------------------------
    def _on_click(self, measure_id: int) -> None:
        self._clicked = measure_id
        self._click_timer.start(QApplication.doubleClickInterval())

    def _on_double_click(self, measure_id: int) -> None:
        self._click_timer.stop()
        self._clicked = None
        self.edit_status.emit(measure_id)

    def _on_files(self, measure_id: int) -> None:
        self._click_timer.stop()
        self._clicked = None
        self.files_wanted.emit(measure_id)

    def _open_clicked(self) -> None:
        if self._clicked is not None:
            self.open_in_grid.emit(self._clicked)
            self._clicked = None

    def _show_month(self, month: date) -> None:
        if self.shown.get(self.month) is not None and self.shown.get(self.month) is self.current():
            self.month.show_month(month)  # the view already shows this roadmap
        else:
            self.month.ask_month(month)  # kept when the schedule arrives with the tab
        self.month_wanted.emit()
