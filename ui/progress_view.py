"""«Отчёт»: how the roadmap is going — per section and per school, done / in progress / overdue /
not started / not done as numbers and stacked bars; below, what is late and what is due in the
next two weeks. A click on a measure selects it in the grid, a double click edits its status."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.dto import MeasureRow
from desktop.services.schedule import PROGRESS_CLASSES, Entry, Schedule
from models.domain.fields import FIELD_HEADERS
from models.domain.progress import Progress
from models.domain.tracking import DUE_SOON_DAYS
from ui.tracking_style import CLASS_LABELS, MUTED_TEXT, colour, one_line, text_colour_on

BAR_ROW = 24
LABEL_SHARE = 0.42


class ProgressBars(QWidget):
    """Rows of label, stacked bar and figures; painted (a table of widgets would be slow and busy)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.rows: list[Progress] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: list[Progress]) -> None:
        self.rows = rows
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, BAR_ROW * (len(self.rows) + 1) + 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        width = self.width()
        label_w = width * LABEL_SHARE
        header = "всего · выполнено · просрочено"
        bold = self.font()
        bold.setBold(True)
        figures_w = float(QFontMetrics(bold).horizontalAdvance(header) + 12)
        bar_w = max(40.0, width - label_w - figures_w - 16)
        painter.setFont(bold)
        painter.drawText(QRectF(4, 0, width, BAR_ROW), Qt.AlignmentFlag.AlignVCenter, self.title)
        if not self.rows:
            painter.end()
            return
        painter.setPen(MUTED_TEXT)
        painter.drawText(
            QRectF(label_w + bar_w + 12, 0, figures_w, BAR_ROW),
            Qt.AlignmentFlag.AlignVCenter,
            header,
        )
        painter.setFont(self.font())
        peak = max((row.total for row in self.rows), default=0) or 1
        for number, row in enumerate(self.rows, start=1):
            y = number * BAR_ROW
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(4, y, label_w - 8, BAR_ROW),
                Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, int(label_w - 8)),
            )
            x = label_w
            scale = bar_w / peak
            for progress_class in PROGRESS_CLASSES:
                count = row.counts.get(progress_class, 0)
                if not count:
                    continue
                piece = QRectF(x, y + 4, count * scale, BAR_ROW - 8)
                fill = colour(progress_class)
                painter.fillRect(piece, fill)
                if piece.width() > metrics.horizontalAdvance(str(count)) + 4:
                    painter.setPen(text_colour_on(fill))
                    painter.drawText(piece, Qt.AlignmentFlag.AlignCenter, str(count))
                x += piece.width()
            painter.setPen(self.palette().text().color())
            done, late = row.counts.get("done", 0), row.counts.get("overdue", 0)
            painter.drawText(
                QRectF(label_w + bar_w + 12, y, figures_w, BAR_ROW),
                Qt.AlignmentFlag.AlignVCenter,
                f"{row.total} · {done} ({row.share('done'):.0%}) · {late}",
            )
        painter.end()


class _ShortList(QTreeWidget):
    """A short list of measures: the number as wide as it is, the second column stretched, the
    last two at ``widths``; a click and a double click say which measure."""

    measure_clicked = Signal(int)
    measure_activated = Signal(int)

    def __init__(self, heads: list[str], widths: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(heads)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The number as wide as it is: «Раздел 2 · 1» where numbering restarts in each section.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in zip((2, 3), widths, strict=True):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        self.itemClicked.connect(
            lambda item, _c: self.measure_clicked.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        self.itemActivated.connect(
            lambda item, _c: self.measure_activated.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )


class MeasureList(_ShortList):
    """A short list of measures (overdue, due soon)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        heads = [FIELD_HEADERS[name] for name in ("number", "title", "deadline", "status")]
        super().__init__(heads, (118, 96), parent)

    def set_entries(self, entries: list[Entry]) -> None:
        self.clear()
        items = []
        for entry in entries:
            item = QTreeWidgetItem(
                [
                    entry.number,
                    one_line(entry.title),
                    one_line(entry.deadline_text),
                    CLASS_LABELS.get(entry.progress_class, ""),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, entry.measure_id)
            item.setToolTip(1, entry.title)
            item.setForeground(3, colour(entry.progress_class))
            items.append(item)
        self.addTopLevelItems(items)


class EvidenceList(_ShortList):
    """The files that prove what was done, measure by measure (the report exports list them
    too); a click shows the measure in the grid, a double click opens its «Отчёты школ и файлы»."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([FIELD_HEADERS["number"], "Файл", "К чему", "Добавил"], (150, 110), parent)

    def set_measures(self, measures: list[MeasureRow], school_names: dict[int, str]) -> int:
        """One line per file; the number of files."""
        self.clear()
        items = []
        for measure in measures:
            for file in measure.evidence:
                whose = "мероприятие" if file.school_id is None else school_names.get(file.school_id, "")
                item = QTreeWidgetItem([measure.number, file.name, whose, file.added_by])
                item.setData(0, Qt.ItemDataRole.UserRole, measure.id)
                item.setToolTip(1, f"{file.name} — {one_line(measure.title)}")
                item.setToolTip(2, whose)
                items.append(item)
        self.addTopLevelItems(items)
        return len(items)


class ProgressView(QWidget):
    measure_clicked = Signal(int)
    measure_activated = Signal(int)
    files_wanted = Signal(int)  # a double click on a file: the measure's files

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        legend = QHBoxLayout()
        for progress_class in PROGRESS_CLASSES:
            swatch = QLabel(f"<span style='color:{colour(progress_class).name()}'>■</span> "
                            f"{CLASS_LABELS[progress_class]}")  # fmt: skip
            legend.addWidget(swatch)
        legend.addStretch(1)
        self.sections = ProgressBars("По разделам")
        self.schools = ProgressBars("По школам")
        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.sections)
        charts_layout.addWidget(self.schools)
        charts_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)
        self.overdue_title = QLabel()
        self.overdue = MeasureList()
        self.soon_title = QLabel()
        self.soon = MeasureList()
        self.files_title = QLabel()
        self.files = EvidenceList()
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.overdue_title,
            self.overdue,
            self.soon_title,
            self.soon,
            self.files_title,
            self.files,
        ):
            lists_layout.addWidget(widget)
        for measure_list in (self.overdue, self.soon):
            measure_list.measure_clicked.connect(self.measure_clicked)
            measure_list.measure_activated.connect(self.measure_activated)
        self.files.measure_clicked.connect(self.measure_clicked)
        self.files.measure_activated.connect(self.files_wanted)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(lists)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.headline)
        layout.addLayout(legend)
        layout.addWidget(splitter, 1)

    def set_schedule(self, schedule: Schedule | None) -> None:
        if schedule is None:
            self.headline.setText("")
            self.sections.set_rows([])
            self.schools.set_rows([])
            self.overdue.set_entries([])
            self.soon.set_entries([])
            self._show_files([], {})
            return
        overall = schedule.overall()
        counts = overall.counts
        self.headline.setText(
            f"<b>На {schedule.today:%d.%m.%Y}:</b> мероприятий {overall.total}; выполнено {counts['done']} "
            f"({overall.share('done'):.0%}), выполняется {counts['in_progress']}, "
            f"<span style='color:{colour('overdue').name()}'><b>просрочено {counts['overdue']}</b></span>, "
            f"не начато {counts['not_started']}, не выполнено {counts['not_done']}"
            + (f"; отменено {overall.cancelled} (не учитываются)." if overall.cancelled else ".")
        )
        self.sections.set_rows(schedule.by_section())
        schools = [row for row in schedule.by_school() if row.total]
        self.schools.title = "По школам" if schools else "По школам: мероприятия не отмечены по школам"
        self.schools.set_rows(schools)
        self.schools.setVisible(bool(schedule.tree.schools))
        late, soon = schedule.overdue(), schedule.due_soon()
        self.overdue_title.setText(f"<b>Просрочено: {len(late)}</b>")
        self.overdue.set_entries(late)
        self.soon_title.setText(f"<b>Срок в ближайшие {DUE_SOON_DAYS} дней: {len(soon)}</b>")
        self.soon.set_entries(soon)
        shown = [m for m in schedule.tree.measures_in_order() if m.evidence and m.id in schedule.by_id]
        self._show_files(shown, {s.id: s.name for s in schedule.tree.schools})

    def _show_files(self, measures: list[MeasureRow], school_names: dict[int, str]) -> None:
        """The files list, shown once a measure has any."""
        count = self.files.set_measures(measures, school_names)
        self.files_title.setText(f"<b>Подтверждающие файлы: {count}</b>")
        self.files_title.setVisible(count > 0)
        self.files.setVisible(count > 0)
