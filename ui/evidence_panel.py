"""«Подтверждающие файлы» of a measure: scans, protocols, photos kept inside the roadmap file.

Add (button, or files dropped on the list) to the measure itself or to one school's record;
open (Enter, double click) in the system's viewer — only when asked, and never a program; save
as; take off (Delete) — each add or take-off is one undo step of the window. The bytes are read
and written by the services (desktop/services/evidence.py); the panel only asks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.commands import AddEvidenceCommand, Command, RemoveEvidenceCommand
from desktop.services.dto import MeasureRow
from desktop.services.evidence import read_file
from models.domain.errors import DomainError
from models.domain.evidence import MAX_BYTES, Evidence, size_label
from ui.messages import show_error

HEADS = ("Файл", "К чему", "Размер", "Добавил")
OWN = "мероприятие"
FOLDER_KEY = "evidence/folder"


class EvidenceFiles(Protocol):
    """What the panel asks of the file (RoadmapService has both)."""

    def evidence_view_copy(self, attachment_id: int) -> Path: ...

    def save_evidence(self, attachment_id: int, target: Path) -> int: ...


class _Files(QTableWidget):
    """The list; Enter opens, Delete takes off, files dropped on it are attached."""

    def __init__(self, panel: EvidencePanel) -> None:
        super().__init__(0, len(HEADS))
        self.panel = panel
        self.setAcceptDrops(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.panel.open_current()
        elif event.matches(QKeySequence.StandardKey.Delete):
            self.panel.remove_current()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.panel.can_add():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]  # same event data
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.panel.attach(paths)


class EvidencePanel(QWidget):
    def __init__(
        self,
        measure: MeasureRow,
        school_names: dict[int, str],
        execute: Callable[[Command], bool],
        service: EvidenceFiles,
        own_school: int | None,
        coordinator: bool,
        parent: QWidget | None = None,
    ) -> None:
        """``own_school``: the school a school's person attaches to (None: a coordinator, who
        may attach to the measure or any of its schools)."""
        super().__init__(parent)
        self.measure, self.names, self.execute, self.service = measure, school_names, execute, service
        self.own_school, self.coordinator = own_school, coordinator
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(f"<b>Подтверждающие файлы</b> (сканы, протоколы, фото; до {size_label(MAX_BYTES)})")
        layout.addWidget(title)
        self.table = _Files(self)
        self.table.setHorizontalHeaderLabels(list(HEADS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.open_current())
        self.table.setMinimumHeight(110)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(QLabel("Приложить к:"))
        self.target = QComboBox()
        row.addWidget(self.target, 1)
        self.add_button = QPushButton("Добавить файл…")
        self.add_button.clicked.connect(self.choose_and_attach)
        self.open_button = QPushButton("Открыть")
        self.open_button.clicked.connect(self.open_current)
        self.save_button = QPushButton("Сохранить как…")
        self.save_button.clicked.connect(self.save_current)
        self.remove_button = QPushButton("Убрать")
        self.remove_button.clicked.connect(self.remove_current)
        for button in (self.add_button, self.open_button, self.save_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in a date or note above saves it, it adds no file
            row.addWidget(button)
        layout.addLayout(row)
        self.table.itemSelectionChanged.connect(self._enable)
        self.show_measure(measure)

    # ---- showing ---------------------------------------------------------------------------
    def show_measure(self, measure: MeasureRow) -> None:
        chosen = self.target.currentData()
        self.measure = measure
        self.target.clear()
        if self.coordinator:
            self.target.addItem("мероприятие в целом", None)
            for school_id in measure.school_ids:
                self.target.addItem(f"отчёт школы «{self.names.get(school_id, '')}»", school_id)
        elif self.own_school in measure.school_ids:
            self.target.addItem(f"отчёт школы «{self.names.get(self.own_school, '')}»", self.own_school)
        self.target.setCurrentIndex(max(0, self.target.findData(chosen)))
        selected = self.current()
        self.table.setRowCount(len(measure.evidence))
        for row, item in enumerate(measure.evidence):
            whose = (
                OWN if item.school_id is None else self.names.get(item.school_id, "школа удалена из списка")
            )
            when = f"{item.added_at:%d.%m.%Y}" if item.added_at else ""
            for column, text in enumerate(
                (item.name, whose, size_label(item.size), f"{item.added_by} {when}")
            ):
                cell = QTableWidgetItem(text.strip())
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            if selected is not None and item.id == selected.id:
                self.table.selectRow(row)
        self._enable()

    def can_add(self) -> bool:
        return self.target.count() > 0

    def _may_change(self, item: Evidence) -> bool:
        return self.coordinator or (item.school_id is not None and item.school_id == self.own_school)

    def _enable(self) -> None:
        item = self.current()
        self.add_button.setEnabled(self.can_add())
        self.target.setEnabled(self.target.count() > 1)
        for button in (self.open_button, self.save_button):
            button.setEnabled(item is not None)
        self.remove_button.setEnabled(item is not None and self._may_change(item))

    def current(self) -> Evidence | None:
        row = self.table.currentRow()
        if not self.table.selectedItems() or not 0 <= row < len(self.measure.evidence):
            return None
        return self.measure.evidence[row]

    # ---- gestures --------------------------------------------------------------------------
    def choose_and_attach(self) -> None:
        settings = QSettings()
        start = str(settings.value(FOLDER_KEY, str(Path.home())))
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "Добавить подтверждающий файл",
            start,
            "Сканы, фото, документы (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.odt *.xls *.xlsx "
            "*.ods *.txt *.rtf *.heic *.webp *.bmp *.gif);;Все файлы (*)",
        )
        if names:
            settings.setValue(FOLDER_KEY, str(Path(names[0]).parent))
            self.attach([Path(n) for n in names])

    def attach(self, paths: list[Path]) -> None:
        """Each file one undo step; a refused one says why and the rest still go in."""
        school_id = self.target.currentData()
        for path in paths:
            try:
                name, data = read_file(path)
            except DomainError as error:
                show_error(self, error)
                continue
            command = AddEvidenceCommand(self.measure.id, school_id, name, data, self.measure.roadmap_id)
            self.execute(command)  # a refusal (too big, a program, not allowed) is told by the window

    def open_current(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            copy = self.service.evidence_view_copy(item.id)
        except DomainError as error:
            show_error(self, error)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def save_current(self) -> None:
        item = self.current()
        if item is None:
            return
        settings = QSettings()
        start = Path(str(settings.value(FOLDER_KEY, str(Path.home())))) / item.name
        name, _ = QFileDialog.getSaveFileName(self, "Сохранить файл", str(start))
        if not name:
            return
        settings.setValue(FOLDER_KEY, str(Path(name).parent))
        try:
            self.service.save_evidence(item.id, Path(name))
        except DomainError as error:
            show_error(self, error)

    def remove_current(self) -> None:
        item = self.current()
        if item is None or not self._may_change(item):
            return
        self.execute(RemoveEvidenceCommand(item.id, self.measure.id, item.name, self.measure.roadmap_id))
