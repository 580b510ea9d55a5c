"""«Месяц»: a month grid with each measure as a chip on the days of its windows.

Measures whose window covers the whole month (or longer: «в течение года») are not drawn across
every week: they are counted once above the weeks («Весь месяц: 14», a click lists them), so the
days show what starts, ends or happens on them. A shorter window is one bar across the days it
covers, coloured by progress, overdue ones red with «!». Days with more than fits show «+N ещё»;
a click on it lists them. Lanes are laid out only as deep as a day cell can
show, so a month with thousands of windows is laid out in a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop.services.schedule import Entry, Schedule, month_start, next_month, roadmap_key
from ui.tracking_style import (
    GRID_COLOUR,
    MONTHS_NOMINATIVE,
    MUTED_TEXT,
    TODAY_COLOUR,
    WEEKDAYS,
    answer_measure_key,
    colour,
    one_line,
    text_colour_on,
)

HEAD_HEIGHT = 22.0
DAY_LABEL_HEIGHT = 18.0
LANE_HEIGHT = 17.0
MORE_HEIGHT = 15.0


@dataclass(frozen=True)
class Chip:
    """A drawn bar: which measure, where, and in which week row and lane."""

    entry: Entry
    rect: QRectF
    first: date
    last: date


class MonthGrid(QWidget):
    """The painted grid of one month (weeks from Monday)."""

    measure_clicked = Signal(int)
    measure_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule: Schedule | None = None
        self.month = month_start(date.today())
        self.chips: list[Chip] = []
        self.more: list[tuple[QRectF, date, list[Entry]]] = []
        self.selected: int | None = None
        self.setMinimumSize(420, 300)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._laid_out_for: tuple[object, ...] | None = None
        self._whole_for: tuple[object, ...] | None = None
        self._whole: list[Entry] = []

    # ---- state ---------------------------------------------------------------------------
    def set_schedule(self, schedule: Schedule | None) -> None:
        self.schedule = schedule
        self._laid_out_for = self._whole_for = None
        self.update()

    def set_month(self, month: date) -> None:
        self.month = month_start(month)
        self._laid_out_for = None
        self.update()

    def weeks(self) -> list[date]:
        """Mondays of the weeks shown."""
        first = self.month - timedelta(days=self.month.weekday())
        last = next_month(self.month) - timedelta(days=1)
        out = []
        while first <= last:
            out.append(first)
            first += timedelta(days=7)
        return out

    # ---- layout --------------------------------------------------------------------------
    def _cell(self) -> tuple[float, float]:
        weeks = len(self.weeks())
        return self.width() / 7.0, (self.height() - HEAD_HEIGHT) / max(weeks, 1)

    def layout_chips(self) -> None:
        """Chips and «+N» markers for the current month and size (cached until either changes)."""
        key = (id(self.schedule), self.month, self.width(), self.height())
        if self._laid_out_for == key:
            return
        self._laid_out_for = key
        self.chips, self.more = [], []
        if self.schedule is None:
            return
        weeks = self.weeks()
        cell_w, cell_h = self._cell()
        lanes = max(0, int((cell_h - DAY_LABEL_HEIGHT - MORE_HEIGHT) // LANE_HEIGHT))
        whole = {entry.measure_id for entry in self.whole_month()}  # listed once, above the weeks
        pieces = [
            piece
            for piece in self.schedule.between(weeks[0], weeks[-1] + timedelta(days=6))
            if piece[0].measure_id not in whole
        ]
        rank = self.schedule.rank  # document order, not "10.4" after "10.13"
        by_week: dict[int, list[tuple[Entry, date, date]]] = {}
        for entry, (start, end) in pieces:
            week = max(0, (start - weeks[0]).days // 7)
            while week < len(weeks):
                monday = weeks[week]
                sunday = monday + timedelta(days=6)
                if start > sunday:
                    week += 1
                    continue
                if end < monday:
                    break
                by_week.setdefault(week, []).append((entry, max(start, monday), min(end, sunday)))
                week += 1
        for week, segments in by_week.items():
            monday = weeks[week]
            # long bars first, then by start: they keep the top lanes, as in paper planners
            segments.sort(key=lambda s: (-(s[2] - s[1]).days, s[1], rank[s[0].measure_id]))
            taken: list[set[int]] = []  # the weekdays each lane already shows
            hidden: dict[int, list[Entry]] = {}
            for entry, first, last in segments:
                days = set(range((first - monday).days, (last - monday).days + 1))
                lane = next((i for i, used in enumerate(taken) if not used & days), None)
                if lane is None and len(taken) < lanes:
                    lane = len(taken)
                    taken.append(set())
                if lane is None:
                    for day in days:
                        hidden.setdefault(day, []).append(entry)
                    continue
                taken[lane] |= days
                left = (first - monday).days * cell_w + 2
                right = ((last - monday).days + 1) * cell_w - 2
                top = HEAD_HEIGHT + week * cell_h + DAY_LABEL_HEIGHT + lane * LANE_HEIGHT
                self.chips.append(Chip(entry, QRectF(left, top, right - left, LANE_HEIGHT - 2), first, last))
            for day, entries in hidden.items():
                rect = QRectF(
                    day * cell_w + 2, HEAD_HEIGHT + (week + 1) * cell_h - MORE_HEIGHT, cell_w - 4, 14
                )
                self.more.append((rect, monday + timedelta(days=day), entries))

    def whole_month(self) -> list[Entry]:
        """The month's all-month measures, read once per schedule and month (the layout and the
        «Весь месяц» button both ask; a new schedule clears it)."""
        key = (self.month,)
        if self._whole_for != key:
            self._whole_for = key
            self._whole = self.schedule.whole_month(self.month) if self.schedule is not None else []
        return self._whole

    def chip_at(self, point: QPointF) -> Chip | None:
        self.layout_chips()
        return next((chip for chip in self.chips if chip.rect.contains(point)), None)

    def chips_of(self, measure_id: int) -> list[Chip]:
        self.layout_chips()
        return [chip for chip in self.chips if chip.entry.measure_id == measure_id]

    # ---- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self.layout_chips()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        weeks = self.weeks()
        cell_w, cell_h = self._cell()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        bold = QFont(self.font())
        bold.setBold(True)
        today = date.today()
        painter.setPen(MUTED_TEXT)
        for column, name in enumerate(WEEKDAYS):
            painter.drawText(
                QRectF(column * cell_w, 0, cell_w, HEAD_HEIGHT), Qt.AlignmentFlag.AlignCenter, name
            )
        for week, monday in enumerate(weeks):
            for column in range(7):
                day = monday + timedelta(days=column)
                cell = QRectF(column * cell_w, HEAD_HEIGHT + week * cell_h, cell_w, cell_h)
                if day.month != self.month.month:
                    painter.fillRect(cell, self.palette().alternateBase())
                elif column >= 5:
                    painter.fillRect(cell, self.palette().alternateBase().color().lighter(103))
                painter.setPen(QPen(GRID_COLOUR, 1))
                painter.drawRect(cell)
                label = QRectF(cell.left() + 4, cell.top() + 1, cell_w - 8, DAY_LABEL_HEIGHT - 2)
                if day == today:
                    painter.setPen(QPen(TODAY_COLOUR, 2))
                    painter.drawRect(cell.adjusted(1, 1, -1, -1))
                    painter.setFont(bold)
                    painter.setPen(TODAY_COLOUR)
                else:
                    painter.setFont(self.font())
                    painter.setPen(
                        self.palette().text().color() if day.month == self.month.month else MUTED_TEXT
                    )
                painter.drawText(
                    label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(day.day)
                )
        painter.setFont(small)
        metrics = QFontMetrics(small)
        for chip in self.chips:
            self._paint_chip(painter, chip, metrics)
        painter.setPen(MUTED_TEXT)
        for rect, _day, entries in self.more:
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"+{len(entries)} ещё"
            )
        painter.end()

    def _paint_chip(self, painter: QPainter, chip: Chip, metrics: QFontMetrics) -> None:
        entry = chip.entry
        fill = colour(entry.progress_class)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip.rect, 3, 3)
        if entry.measure_id == self.selected:
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(chip.rect.adjusted(-1, -1, 1, 1), 3, 3)
        text = one_line(f"{'! ' if entry.overdue else ''}{entry.number} {entry.title}")
        painter.setPen(text_colour_on(fill))
        inner = chip.rect.adjusted(4, 0, -3, 0)
        painter.drawText(
            inner,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(inner.width())),
        )

    # ---- mouse ---------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows move from chip to chip (left to right, week by week); Enter edits the chosen
        measure's status, Space opens it in the grid."""
        self.layout_chips()
        order = sorted(self.chips, key=lambda chip: (chip.rect.top() // 1, chip.rect.left()))
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up) and order:
            ids = list(dict.fromkeys(chip.entry.measure_id for chip in order))  # a bar per week: once
            step = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            position = ids.index(self.selected) if self.selected in ids else (-1 if step > 0 else 0)
            self.selected = ids[(position + step) % len(ids)]
            chip = next(c for c in order if c.entry.measure_id == self.selected)
            self.setToolTip(f"{chip.entry.number} {chip.entry.title}")
            self.update()
            return
        if answer_measure_key(key, self.selected, self.measure_clicked.emit, self.measure_activated.emit):
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        point = event.position()
        chip = self.chip_at(point)
        if chip is not None:
            self.selected = chip.entry.measure_id
            self.update()
            self.measure_clicked.emit(chip.entry.measure_id)
            return
        for rect, day, entries in self.more:
            if rect.contains(point):
                self._list_hidden(day, entries, event)
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        chip = self.chip_at(event.position())
        if chip is not None:
            self.measure_activated.emit(chip.entry.measure_id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        chip = self.chip_at(event.position())
        if chip is None:
            self.setToolTip("")
            return
        entry = chip.entry
        when = f"{chip.first:%d.%m}" if chip.first == chip.last else f"{chip.first:%d.%m}–{chip.last:%d.%m}"
        late = "\nПросрочено" if entry.overdue else ""
        self.setToolTip(f"{entry.number} {entry.title}\nСрок: {entry.deadline_text} ({when}){late}")

    def _list_hidden(self, day: date, entries: list[Entry], event: QMouseEvent) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addSection(f"{day:%d.%m.%Y}")
        for entry in entries[:40]:
            action = menu.addAction(
                one_line(f"{'! ' if entry.overdue else ''}{entry.number} {entry.title}")[:90]
            )
            action.triggered.connect(lambda _checked=False, i=entry.measure_id: self.measure_clicked.emit(i))
        if len(entries) > 40:
            menu.addAction(f"… и ещё {len(entries) - 40}").setEnabled(False)
        menu.popup(event.globalPosition().toPoint())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._laid_out_for = None
        super().resizeEvent(event)


class MonthView(QWidget):
    """The month grid with its navigation: ◀, «Сегодня», ▶ (PgUp / PgDn / Home too)."""

    measure_clicked = Signal(int)
    measure_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = MonthGrid()
        self.grid.measure_clicked.connect(self.measure_clicked)
        self.grid.measure_activated.connect(self.measure_activated)
        self.previous = QToolButton()
        self.previous.setText("◀")
        self.previous.setToolTip("Предыдущий месяц (PgUp)")
        self.previous.setShortcut("PgUp")
        self.following = QToolButton()
        self.following.setText("▶")
        self.following.setToolTip("Следующий месяц (PgDown)")
        self.following.setShortcut("PgDown")
        self.today_button = QPushButton("Сегодня")
        self.today_button.setShortcut("Home")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {MUTED_TEXT.name()}")
        # The measures that last all month: counted once here, listed on a click.
        self.whole = QToolButton()
        self.whole.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.whole.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.whole.setToolTip("Мероприятия, срок которых занимает весь месяц или дольше: щелчок — список")
        self.whole_menu = QMenu(self.whole)
        self.whole.setMenu(self.whole_menu)
        bar = QHBoxLayout()
        for widget in (self.previous, self.today_button, self.following):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.title)
        bar.addSpacing(12)
        bar.addWidget(self.whole)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.grid, 1)
        self.roadmap_shown: tuple[object, ...] | None = None
        self.month_asked = False
        self.previous.clicked.connect(lambda: self.show_month(self._shifted(-1)))
        self.following.clicked.connect(lambda: self.show_month(self._shifted(+1)))
        self.today_button.clicked.connect(lambda: self.show_month(date.today()))
        self.show_month(date.today())

    def _shifted(self, months: int) -> date:
        month = self.grid.month
        index = month.year * 12 + month.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    def set_schedule(self, schedule: Schedule | None) -> None:
        """Another roadmap opens at today's month when its period has it, else at its first month
        (unless a month of it was just asked for, e.g. from the year view)."""
        self.grid.set_schedule(schedule)
        roadmap = roadmap_key(schedule)
        if schedule is not None and roadmap != self.roadmap_shown and not self.month_asked:
            first, last = schedule.span()
            self.show_month(date.today() if first <= date.today() <= last else first)
        self.roadmap_shown, self.month_asked = roadmap, False
        self._describe()

    def ask_month(self, month: date) -> None:
        """Show ``month`` of the roadmap now chosen, even before the view has its schedule."""
        self.month_asked = True
        self.show_month(month)

    def show_month(self, month: date) -> None:
        self.grid.set_month(month)
        self.title.setText(f"{MONTHS_NOMINATIVE[self.grid.month.month - 1]} {self.grid.month.year}")
        self._describe()

    def _describe(self) -> None:
        schedule = self.grid.schedule
        if schedule is None:
            self.summary.setText("")
            self.whole.hide()
            return
        first = self.grid.month
        last = next_month(first) - timedelta(days=1)
        entries = {entry.measure_id: entry for entry, _ in schedule.between(first, last)}
        late = sum(entry.overdue for entry in entries.values())
        text = f"Мероприятий в месяце: {len(entries)}"
        self.summary.setText(text + (f", просрочено: {late}" if late else ""))
        self._list_whole()

    def _list_whole(self) -> None:
        whole = self.grid.whole_month()
        self.whole.setText(f"Весь месяц: {len(whole)} ▾")
        self.whole.setVisible(bool(whole))
        self.whole_menu.clear()
        for entry in whole[:60]:
            text = one_line(f"{'! ' if entry.overdue else ''}{entry.number} {entry.title}")[:100]
            action = self.whole_menu.addAction(text)
            action.triggered.connect(lambda _checked=False, i=entry.measure_id: self.measure_clicked.emit(i))
        if len(whole) > 60:
            self.whole_menu.addAction(f"… и ещё {len(whole) - 60}").setEnabled(False)
