"""Справка → О программе: the version, and the same facts as `roadmap diagnose` for a district's
IT person, with a button that copies them (to paste into an e-mail to support)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import APP_TITLE
from desktop.services.diagnostics import program_facts
from ui.diagnostics import qt_facts


def summary_lines(facts: dict[str, Any]) -> list[str]:
    """The facts people ask about first, in Russian."""
    folders = facts["folders"]
    qt = facts["qt"]
    free = facts["free_disk_mb"]
    return [
        f"Версия {facts['version']}, Python {facts['python']['version']}, Qt {qt['qt']}",
        f"Система: {facts['platform']['description']}",
        f"Папка данных: {folders['data']['path']}"
        + ("" if folders["data"]["writable"] else " — запись невозможна: копии и журнал не ведутся"),
        f"Резервные копии: {folders['backups']['path']}",
        f"Журнал: {folders['logs']['path']}",
        "Свободно на диске: " + (f"{free:,} МБ".replace(",", " ") if free is not None else "неизвестно"),
        "Русский перевод кнопок Qt: " + ("загружен" if qt["russian_translation_loads"] else "НЕ найден"),
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("О программе")
        self.facts = {**program_facts(), "qt": qt_facts()}
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{APP_TITLE}</b> — версия {self.facts['version']}")
        layout.addWidget(title)
        layout.addWidget(QLabel("\n".join(summary_lines(self.facts)[1:])))
        layout.addWidget(QLabel("Подробно (для специалиста поддержки):"))
        self.details = QPlainTextEdit(json.dumps(self.facts, ensure_ascii=False, indent=2))
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Копировать сведения")
        copy.clicked.connect(self.copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
