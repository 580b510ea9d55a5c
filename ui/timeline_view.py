"""«Шкала»: the roadmap as a Gantt chart — sections and measures down, months across, each window
a bar, today's line; zoom by month, quarter or year. Measures without dates (по запросу, по плану)
are listed at the end under their own heading, never hidden.

Only the rows in view are painted, so 5,000 measures scroll like 50.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSettings, Qt, Signal
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
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.schedule import Entry, Schedule, months_between, roadmap_key
from models.domain.fields import FIELD_HEADERS
from ui.tracking_style import (
    GRID_COLOUR,
    MONTHS_SHORT,
    MUTED_TEXT,
    TODAY_COLOUR,
    answer_measure_key,
    colour,
    one_line,
)

ROW_HEIGHT = 22
HEAD_HEIGHT = 38
LABEL_WIDTH = 340
ZOOMS = {"month": 5.0, "quarter": 1.8, "year": 0.7}  # pixels per day
ZOOM_KEY = "timeline/zoom"
ZOOM_LABELS = (("month", "Месяц"), ("quarter", "Квартал"), ("year", "Год"))


@dataclass(frozen=True)
class Row:
    kind: str  # "section", "measure", "heading"
    text: str
    entry: Entry | None = None
    depth: int = 1


class TimelineCanvas(QAbstractScrollArea):
    measure_clicked = Signal(int)
    measure_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule: Schedule | None = None
        self.rows: list[Row] = []
        self.first = self.last = date.today()
        self.per_day = ZOOMS["month"]
        self.selected: int | None = None
        self.row_of: dict[int, int] = {}
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # ---- content -------------------------------------------------------------------------
    def set_schedule(self, schedule: Schedule | None) -> None:
        self.schedule = schedule
        self.rows = []
        if schedule is not None:
            self.first, self.last = schedule.span()
            self.first = self.first.replace(day=1)
            by_section: dict[int | None, list[Entry]] = {}
            for entry in schedule.dated:
                by_section.setdefault(entry.section_id, []).append(entry)
            for entry in by_section.pop(None, []):
                self.rows.append(Row("measure", f"{entry.number} {entry.title}", entry))
            for section in schedule.sections:
                entries = by_section.get(section.id, [])
                self.rows.append(Row("section", section.label, depth=section.depth))
                self.rows += [Row("measure", f"{e.number} {e.title}", e, section.depth) for e in entries]
            undated = schedule.undated
            if undated:
                self.rows.append(Row("heading", f"Без дат (по запросу, по плану и т. п.): {len(undated)}"))
                self.rows += [Row("measure", f"{e.number} {e.title}", e) for e in undated]
        self.row_of = {row.entry.measure_id: n for n, row in enumerate(self.rows) if row.entry is not None}
        self._update_ranges()
        self.viewport().update()

    def set_zoom(self, zoom: str) -> None:
        centre = self._date_at(
            self.horizontalScrollBar().value() + (self.viewport().width() - LABEL_WIDTH) / 2
        )
        self.per_day = ZOOMS[zoom]
        self._update_ranges()
        self.scroll_to_date(centre)

    def chart_width(self) -> float:
        return ((self.last - self.first).days + 1) * self.per_day

    def _update_ranges(self) -> None:
        visible_w = max(1, self.viewport().width() - LABEL_WIDTH)
        self.horizontalScrollBar().setRange(0, max(0, int(self.chart_width()) - visible_w))
        self.horizontalScrollBar().setPageStep(visible_w)
        visible_rows = max(1, (self.viewport().height() - HEAD_HEIGHT) // ROW_HEIGHT)
        self.verticalScrollBar().setRange(0, max(0, len(self.rows) - visible_rows))
        self.verticalScrollBar().setPageStep(visible_rows)

    def _x_of(self, day: date) -> float:
        """Chart x (before horizontal scrolling) of a day's start."""
        return (day - self.first).days * self.per_day

    def _date_at(self, x: float) -> date:
        return self.first + timedelta(days=int(max(0.0, x) / self.per_day))

    def scroll_to_date(self, day: date) -> None:
        visible_w = self.viewport().width() - LABEL_WIDTH
        self.horizontalScrollBar().setValue(int(self._x_of(day) - visible_w / 2))

    def bar_rects(self, measure_id: int) -> list[QRectF]:
        """The measure's bars in chart coordinates (x from the period's first day, y from row 0)."""
        row = self.row_of.get(measure_id)
        entry = None if row is None else self.rows[row].entry
        if row is None or entry is None:
            return []
        top = row * ROW_HEIGHT + 4
        return [
            QRectF(self._x_of(start), top, max(3.0, ((end - start).days + 1) * self.per_day), ROW_HEIGHT - 8)
            for start, end in entry.windows
        ]

    def show_measure(self, measure_id: int) -> None:
        row = self.row_of.get(measure_id)
        if row is None:
            return
        self.selected = measure_id
        bar = self.verticalScrollBar()
        if not bar.value() <= row < bar.value() + bar.pageStep():
            bar.setValue(max(0, row - bar.pageStep() // 2))
        entry = self.rows[row].entry
        if entry is not None and entry.windows:
            self.scroll_to_date(entry.windows[0][0])
        self.viewport().update()

    # ---- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(0, 0, width, height, self.palette().base())
        shift = self.horizontalScrollBar().value()
        first_row = self.verticalScrollBar().value()
        count = (height - HEAD_HEIGHT) // ROW_HEIGHT + 2
        chart_left = LABEL_WIDTH
        visible_first = self._date_at(shift)
        visible_last = self._date_at(shift + width - chart_left)
        metrics = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        painter.setClipRect(chart_left, 0, width - chart_left, height)
        months = months_between(max(self.first, visible_first), min(self.last, visible_last))
        for month in months:  # month lines and labels
            x = chart_left + self._x_of(month) - shift
            painter.setPen(QPen(GRID_COLOUR, 1))
            painter.drawLine(int(x), HEAD_HEIGHT // 2, int(x), height)
            label_width = 30 * self.per_day
            if label_width >= 24 or month.month in (1, 4, 7, 10):
                painter.setPen(MUTED_TEXT)
                text = (
                    MONTHS_SHORT[month.month - 1]
                    if label_width >= 24
                    else f"{(month.month - 1) // 3 + 1} кв."
                )
                painter.drawText(
                    QRectF(x + 3, HEAD_HEIGHT / 2, 60, HEAD_HEIGHT / 2), Qt.AlignmentFlag.AlignVCenter, text
                )
            if month.month == 1 or month == months[0]:
                painter.setPen(self.palette().text().color())
                painter.setFont(bold)
                painter.drawText(
                    QRectF(x + 3, 0, 80, HEAD_HEIGHT / 2), Qt.AlignmentFlag.AlignVCenter, str(month.year)
                )
                painter.setFont(self.font())
        for offset in range(count):  # bars
            index = first_row + offset
            if index >= len(self.rows):
                break
            row = self.rows[index]
            y = HEAD_HEIGHT + offset * ROW_HEIGHT
            if row.kind != "measure":
                painter.fillRect(QRectF(chart_left, y, width, ROW_HEIGHT), self.palette().alternateBase())
                continue
            entry = row.entry
            assert entry is not None
            if entry.measure_id == self.selected:
                painter.fillRect(
                    QRectF(chart_left, y, width, ROW_HEIGHT), self.palette().highlight().color().lighter(175)
                )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour(entry.progress_class))
            for start, end in entry.windows:
                if end < visible_first or start > visible_last:
                    continue
                left = chart_left + self._x_of(start) - shift
                span = max(3.0, ((end - start).days + 1) * self.per_day)
                painter.drawRoundedRect(QRectF(left, y + 4, span, ROW_HEIGHT - 8), 2, 2)
        today = date.today()
        if self.first <= today <= self.last:
            x = chart_left + self._x_of(today) - shift
            painter.setPen(QPen(TODAY_COLOUR, 2))
            painter.drawLine(int(x), HEAD_HEIGHT // 2, int(x), height)
        painter.setClipping(False)
        # labels on the left, over a plain background
        painter.fillRect(0, 0, chart_left, height, self.palette().base())
        painter.setPen(QPen(GRID_COLOUR, 1))
        painter.drawLine(chart_left - 1, 0, chart_left - 1, height)
        painter.drawLine(0, HEAD_HEIGHT - 1, width, HEAD_HEIGHT - 1)
        for offset in range(count):
            index = first_row + offset
            if index >= len(self.rows):
                break
            row = self.rows[index]
            y = HEAD_HEIGHT + offset * ROW_HEIGHT
            rect = QRectF(6 + 10 * (row.depth - 1), y, chart_left - 12 - 10 * (row.depth - 1), ROW_HEIGHT)
            if row.kind != "measure":
                painter.fillRect(QRectF(0, y, chart_left - 1, ROW_HEIGHT), self.palette().alternateBase())
                painter.setFont(bold)
                painter.setPen(self.palette().text().color())
            else:
                painter.setFont(self.font())
                late = row.entry is not None and row.entry.overdue
                painter.setPen(colour("overdue") if late else self.palette().text().color())
            text = ("! " if row.entry is not None and row.entry.overdue else "") + one_line(row.text)
            shown = (metrics if row.kind == "measure" else bold_metrics).elidedText(
                text, Qt.TextElideMode.ElideRight, int(rect.width())
            )
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.setFont(bold)
        painter.setPen(self.palette().text().color())
        painter.drawText(
            QRectF(6, 0, chart_left - 12, HEAD_HEIGHT), Qt.AlignmentFlag.AlignVCenter, FIELD_HEADERS["title"]
        )
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    # ---- mouse ---------------------------------------------------------------------------
    def entry_at(self, point: QPointF) -> Entry | None:
        if point.y() < HEAD_HEIGHT:
            return None
        index = self.verticalScrollBar().value() + int((point.y() - HEAD_HEIGHT) // ROW_HEIGHT)
        return self.rows[index].entry if 0 <= index < len(self.rows) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up and Down move from measure to measure (the chart follows); Enter edits the status,
        Space opens the measure in the grid; other keys scroll as usual."""
        key = event.key()
        measures = [n for n, row in enumerate(self.rows) if row.entry is not None]
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and measures:
            current = self.row_of.get(self.selected) if self.selected is not None else None
            if current is None:
                target = measures[0] if key == Qt.Key.Key_Down else measures[-1]
            else:
                at = measures.index(current) + (1 if key == Qt.Key.Key_Down else -1)
                target = measures[max(0, min(at, len(measures) - 1))]
            entry = self.rows[target].entry
            assert entry is not None
            self.show_measure(entry.measure_id)
            return
        if answer_measure_key(key, self.selected, self.measure_clicked.emit, self.measure_activated.emit):
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        entry = self.entry_at(event.position())
        if entry is not None:
            self.selected = entry.measure_id
            self.viewport().update()
            self.measure_clicked.emit(entry.measure_id)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        entry = self.entry_at(event.position())
        if entry is not None:
            self.measure_activated.emit(entry.measure_id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        entry = self.entry_at(event.position())
        if entry is None:
            self.viewport().setToolTip("")
            return
        late = "\nПросрочено" if entry.overdue else ""
        self.viewport().setToolTip(f"{entry.number} {entry.title}\nСрок: {entry.deadline_text or '—'}{late}")


class TimelineView(QWidget):
    measure_clicked = Signal(int)
    measure_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas()
        self.canvas.measure_clicked.connect(self.measure_clicked)
        self.canvas.measure_activated.connect(self.measure_activated)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Масштаб:"))
        self.zoom_buttons = QButtonGroup(self)
        zoom = QSettings().value(ZOOM_KEY, "month", str)
        zoom = zoom if zoom in ZOOMS else "month"
        self.canvas.per_day = ZOOMS[zoom]
        for key, label in ZOOM_LABELS:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setChecked(key == zoom)
            button.clicked.connect(lambda _checked=False, k=key: self.set_zoom(k))
            self.zoom_buttons.addButton(button)
            bar.addWidget(button)
        today = QPushButton("Сегодня")
        today.clicked.connect(lambda: self.canvas.scroll_to_date(date.today()))
        bar.addSpacing(12)
        bar.addWidget(today)
        bar.addStretch(1)
        legend = QLabel("Красная линия — сегодня; «!» — просрочено.")
        legend.setStyleSheet(f"color: {MUTED_TEXT.name()}")
        bar.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    def set_zoom(self, zoom: str) -> None:
        """Change the scale and remember it for next time."""
        self.canvas.set_zoom(zoom)
        QSettings().setValue(ZOOM_KEY, zoom)

    def set_schedule(self, schedule: Schedule | None) -> None:
        before = roadmap_key(self.canvas.schedule)
        self.canvas.set_schedule(schedule)
        if schedule is not None and before != roadmap_key(schedule):
            first, last = schedule.span()
            today = date.today()
            self.canvas.horizontalScrollBar().setValue(0)
            if first <= today <= last:
                self.canvas.scroll_to_date(today)
