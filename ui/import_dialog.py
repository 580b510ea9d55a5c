"""Import preview: what was recognised, before anything is written."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _ru_date(iso: object) -> str:
    text = str(iso or "")
    return f"{text[8:10]}.{text[5:7]}.{text[:4]}" if len(text) == 10 else "—"


def _count(node: dict[str, Any]) -> int:
    return len(node.get("measures") or []) + sum(_count(s) for s in node.get("sections") or [])


class ImportPreviewDialog(QDialog):
    def __init__(
        self, roadmap: dict[str, Any], warnings: list[str], source_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Импорт: {source_name}")
        self.resize(1000, 650)
        layout = QVBoxLayout(self)
        start, end = roadmap["period"]
        order = roadmap.get("order") or {}
        summary = QLabel(
            f"<b>{html.escape(roadmap['title'])}</b><br>Период: {start[8:10]}.{start[5:7]}.{start[:4]} – "
            f"{end[8:10]}.{end[5:7]}.{end[:4]}; мероприятий: {_count(roadmap)}"
            + (
                f"; приказ № {html.escape(str(order.get('number') or ''))} от {_ru_date(order.get('date'))}"
                if order
                else ""
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["№", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат"])
        self.tree.setColumnWidth(0, 90)
        self.tree.setColumnWidth(1, 380)
        self._fill(self.tree.invisibleRootItem(), roadmap)
        self.tree.expandAll()
        layout.addWidget(self.tree, 1)
        if warnings:
            layout.addWidget(QLabel("Замечания:"))
            notes = QListWidget()
            notes.addItems(warnings)
            notes.setMaximumHeight(110)
            layout.addWidget(notes)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Импортировать", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self, parent: QTreeWidgetItem, node: dict[str, Any]) -> None:
        for measure in node.get("measures") or []:
            QTreeWidgetItem(
                parent,
                [
                    measure.get("number", ""),
                    measure.get("title", ""),
                    (measure.get("deadline") or {}).get("text", ""),
                    measure.get("responsible", ""),
                    measure.get("result", ""),
                ],
            )
        for section in node.get("sections") or []:
            item = QTreeWidgetItem(
                parent, [f"{section.get('number', '')} {section.get('title', '')}".strip()]
            )
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFirstColumnSpanned(True)
            self._fill(item, section)
