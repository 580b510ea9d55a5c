"""Import preview: what was recognised, before anything is written.

The user sees the tree of sections and measures, the period, the order and the warnings, and can
correct which field each column of the document's table holds; every correction reads the table
again (``recognise`` with a mapping), so the tree always shows what «Импортировать» will write.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.importers.recognise import Recognised
from models.domain.errors import DomainError
from models.domain.fields import BY_NAME, TABLE_FIELDS

# Fields a column may hold, as the user sees them (the grid's headers); None keeps the column as
# extra text.
FIELD_CHOICES: tuple[tuple[str | None, str], ...] = (
    *((name, BY_NAME[name].header) for name in TABLE_FIELDS),
    (None, "— дополнительный текст —"),
)
FIELD_TITLES = {name: title for name, title in FIELD_CHOICES if name}

Reread = Callable[[dict[int, str | None]], Recognised]


def _ru_date(iso: object) -> str:
    text = str(iso or "")
    return f"{text[8:10]}.{text[5:7]}.{text[:4]}" if len(text) == 10 else "—"


def _count(node: dict[str, Any]) -> int:
    return len(node.get("measures") or []) + sum(_count(s) for s in node.get("sections") or [])


def _cell(measure: dict[str, Any], name: str) -> str:
    value = measure.get(name, "")
    if name == "deadline":
        value = (value or {}).get("text", "")
    return str(value or "")


class ImportPreviewDialog(QDialog):
    """``reread(mapping)`` recognises the same document with the user's column mapping."""

    def __init__(
        self,
        recognised: Recognised,
        source_name: str,
        reread: Reread | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.recognised = recognised
        self.reread = reread
        self.setWindowTitle(f"Импорт: {source_name}")
        self.resize(1100, 650)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        splitter.addWidget(self.tree)
        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("<b>Столбцы таблицы</b><br>Если столбец понят неверно, выберите, что в нём:")
        hint.setWordWrap(True)
        mapping_layout.addWidget(hint)
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["В документе", "Что в нём"])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_table.setWordWrap(True)
        mapping_layout.addWidget(self.mapping_table, 1)
        splitter.addWidget(mapping_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 320])
        layout.addWidget(splitter, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.notes_label = QLabel("Замечания:")
        layout.addWidget(self.notes_label)
        self.notes = QListWidget()
        self.notes.setMaximumHeight(110)
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Импортировать", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_mapping(recognised.roadmap)
        self._show(recognised)

    # ---- column mapping --------------------------------------------------------------------
    def _fill_mapping(self, roadmap: dict[str, Any]) -> None:
        names: list[str] = list(roadmap.get("columns") or [])
        fields: list[str | None] = list(roadmap.get("column_fields") or [])
        self.mapping_table.setRowCount(len(names))
        self.combos: list[QComboBox] = []
        for row, name in enumerate(names):
            label = QTableWidgetItem(" ".join(name.split()) or f"(столбец {row + 1} без заголовка)")
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            label.setToolTip(name)
            self.mapping_table.setItem(row, 0, label)
            combo = QComboBox()
            for field_name, title in FIELD_CHOICES:
                combo.addItem(title, field_name)
            current = fields[row] if row < len(fields) else None
            combo.setCurrentIndex(next(i for i, (f, _) in enumerate(FIELD_CHOICES) if f == current))
            combo.currentIndexChanged.connect(self._remap)
            combo.setEnabled(self.reread is not None)
            self.mapping_table.setCellWidget(row, 1, combo)
            self.combos.append(combo)
        self.mapping_table.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.mapping_table.resizeRowsToContents()  # wrapped headers need the laid-out width

    def mapping(self) -> dict[int, str | None]:
        """Column index -> field as chosen now."""
        return {row: combo.currentData() for row, combo in enumerate(self.combos)}

    def set_field(self, column: int, field_name: str | None) -> None:
        """Choose what a column holds (as the user does with its list)."""
        combo = self.combos[column]
        combo.setCurrentIndex(next(i for i, (f, _) in enumerate(FIELD_CHOICES) if f == field_name))

    def _remap(self) -> None:
        if self.reread is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            recognised = self.reread(self.mapping())
        except DomainError as error:
            self.error.setText(error.message)
            self.error.show()
            self.import_button.setEnabled(False)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.error.hide()
        self.import_button.setEnabled(True)
        self.recognised = recognised
        self._show(recognised)

    # ---- what was recognised ---------------------------------------------------------------
    def _show(self, recognised: Recognised) -> None:
        roadmap = recognised.roadmap
        start, end = roadmap["period"]
        order = roadmap.get("order") or {}
        self.summary.setText(
            f"<b>{html.escape(roadmap['title'])}</b><br>Период: {_ru_date(start)} – {_ru_date(end)}; "
            f"мероприятий: {_count(roadmap)}"
            + (
                f"; приказ № {html.escape(str(order.get('number') or ''))} от {_ru_date(order.get('date'))}"
                if order
                else ""
            )
        )
        mapped = set(roadmap.get("column_fields") or [])
        self.shown_fields = [name for name, _ in FIELD_CHOICES[1:-1] if name in mapped]
        self.tree.clear()
        self.tree.setHeaderLabels(["№"] + [FIELD_TITLES[name] for name in self.shown_fields if name])
        self.tree.resizeColumnToContents(0)
        if self.shown_fields and self.shown_fields[0] == "title":
            self.tree.setColumnWidth(1, 340)
        self._fill(self.tree.invisibleRootItem(), roadmap)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), 110))
        self.notes.clear()
        self.notes.addItems(recognised.warnings)
        self.notes.setVisible(bool(recognised.warnings))
        self.notes_label.setVisible(bool(recognised.warnings))

    def _fill(self, parent: QTreeWidgetItem, node: dict[str, Any]) -> None:
        for measure in node.get("measures") or []:
            values = [str(measure.get("number", ""))]
            values += [_cell(measure, name) for name in self.shown_fields if name]
            QTreeWidgetItem(parent, values)
        for section in node.get("sections") or []:
            item = QTreeWidgetItem(
                parent, [f"{section.get('number', '')} {section.get('title', '')}".strip()]
            )
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFirstColumnSpanned(True)
            self._fill(item, section)
