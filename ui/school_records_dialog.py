"""«Отчёты школ»: a measure's record per school it concerns — status, date done, note, who —
and below, the files that prove it (ui/evidence_panel.py).

Each change is saved as soon as a field is left or a status chosen, as one undo step (Ctrl+Z in
the window takes it back), like the «Документ» tab; the rows are read again after each save, so
the dialog always shows the file. The measure's status is made from these records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.cell_text import cell_text
from desktop.services.commands import Command, EditSchoolRecordCommand
from desktop.services.dto import MeasureRow
from models.domain.status import STATUS_LABELS
from ui.evidence_panel import EvidenceFiles, EvidencePanel

COLUMNS = ("Школа", "Статус", "Дата выполнения", "Отметка об исполнении", "Кто отметил")


class SchoolRecordsDialog(QDialog):
    def __init__(
        self,
        measure: MeasureRow,
        school_names: dict[int, str],
        execute: Callable[[Command], bool],
        reread: Callable[[int], MeasureRow | None],
        files: EvidenceFiles,
        own_school: int | None = None,
        coordinator: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.measure, self.names = measure, school_names
        self.execute, self.reread = execute, reread
        title = measure.title if len(measure.title) <= 70 else measure.title[:67] + "…"
        self.setWindowTitle(f"Отчёты школ и файлы — {measure.number} {title}".strip())
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, widest in ((1, "не выполнено"), (2, COLUMNS[2]), (4, "не отчиталась")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 48)
        layout.addWidget(self.table, 1)
        self.table.setVisible(bool(measure.school_ids))
        self.evidence = EvidencePanel(
            measure, school_names, self._execute_and_show, files, own_school, coordinator
        )
        layout.addWidget(self.evidence, 1)
        hint = QLabel("Изменения сохраняются сразу; отмена — Ctrl+Z в главном окне.")
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 330 + 34 * min(8, len(measure.school_ids)))
        self._build(len(measure.execution))
        self._show(measure)

    def _build(self, count: int) -> None:
        """A row of editors per school, made once: a save updates them in place, so the focus
        stays where the user is (Tab goes on to the next field)."""
        self.table.setRowCount(count)
        self.schools: list[QTableWidgetItem] = []
        self.whos: list[QTableWidgetItem] = []
        self.boxes: list[QComboBox] = []
        self.dates: list[QLineEdit] = []
        self.notes: list[QLineEdit] = []
        for row in range(count):
            for column, items in ((0, self.schools), (4, self.whos)):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
                items.append(item)
            status = QComboBox()
            for code, label in STATUS_LABELS.items():
                status.addItem(label, code)
            status.activated.connect(lambda _i, r=row, box=status: self._save(r, "status", box.currentData()))
            done = QLineEdit()
            done.setPlaceholderText("ДД.ММ.ГГГГ")
            done.editingFinished.connect(
                lambda r=row, edit=done: self._save(r, "done_on", edit.text().strip())
            )
            note = QLineEdit()
            note.editingFinished.connect(lambda r=row, edit=note: self._save(r, "note", edit.text().strip()))
            for column, widget in ((1, status), (2, done), (3, note)):
                self.table.setCellWidget(row, column, widget)
            self.boxes.append(status)
            self.dates.append(done)
            self.notes.append(note)

    def _show(self, measure: MeasureRow) -> None:
        if len(measure.execution) != self.table.rowCount():
            self._build(len(measure.execution))
        self.measure = measure
        own = " — пока ни одна школа не отчиталась, это статус самого мероприятия"
        if not measure.school_ids:
            own = " (школы у мероприятия не указаны: исполнение отмечается в таблице)"
        shown = cell_text(measure, "status")
        self.summary.setText(f"Статус мероприятия: <b>{shown}</b>" + ("" if measure.derived else own))
        if hasattr(self, "evidence"):
            self.evidence.show_measure(measure)
        for row, record in enumerate(measure.execution):
            self.schools[row].setText(self.names.get(record.school_id, ""))
            self.whos[row].setText(record.by if record.record_id is not None else "не отчиталась")
            self.boxes[row].setCurrentIndex(self.boxes[row].findData(record.status))
            self.dates[row].setText(f"{record.done_on:%d.%m.%Y}" if isinstance(record.done_on, date) else "")
            self.notes[row].setText(record.note)

    def _save(self, row: int, name: str, value: object) -> None:
        record = self.measure.execution[row]
        current = getattr(record, name)
        shown = f"{current:%d.%m.%Y}" if isinstance(current, date) else ("" if current is None else current)
        if value == shown:
            return  # a field left as it was: no save, no undo step
        school = self.names.get(record.school_id, "")
        command = EditSchoolRecordCommand(
            self.measure.id,
            record.school_id,
            record.version,
            {name: value or None},
            self.measure.roadmap_id,
            school,
        )
        self.execute(command)
        self._refresh()  # the file as it is now: the new version, or the refused value put back

    def _execute_and_show(self, command: Command) -> bool:
        done = self.execute(command)
        self._refresh()
        return done

    def _refresh(self) -> None:
        fresh = self.reread(self.measure.id)
        if fresh is not None:
            self._show(fresh)
