"""The «Экспорт» menu: PDF, PDF report, Excel, calendar.

Choosing one asks where to save under a name people recognise («Дорожная карта 2023-2024 —
Мокшанский район.pdf», in the folder used last time), writes the file off the GUI thread with
progress and Cancel, then offers to open it or show it in its folder. The writing itself is
``desktop.exports.export_tree``: this module only talks to the user.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QProcess, QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from desktop.config import APP_TITLE
from desktop.exports import SUFFIXES, ExportResult, export_tree, suggested_name
from desktop.exports.ics import REMIND_DAYS
from desktop.services.dto import RoadmapTree
from desktop.services.writer import CancelledError
from models.domain.errors import DomainError
from ui.tasks import run_with_progress

FOLDER_KEY = "export/folder"
REMIND_KEY = "export/remind_days"
MAX_REMIND_CHOICE = 60  # days: the dialog's upper end


@dataclass(frozen=True)
class ExportKind:
    label: str
    kind: str  # desktop.exports.KINDS
    report: bool
    file_filter: str
    keys: str
    document: str = ""  # the file name's first words when not the roadmap's («Ближайшие сроки»)

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.kind]


EXPORT_KINDS = (
    ExportKind("&PDF (приказ и дорожная карта)…", "pdf", False, "Документ PDF (*.pdf)", "Ctrl+P"),
    ExportKind("PDF — &отчёт об исполнении…", "pdf", True, "Документ PDF (*.pdf)", "Ctrl+Shift+P"),
    ExportKind("&Word (приказ и дорожная карта)…", "docx", False, "Документ Word (*.docx)", "Ctrl+Shift+W"),
    ExportKind("Word — отчёт об ис&полнении…", "docx", True, "Документ Word (*.docx)", ""),
    ExportKind("&Excel…", "xlsx", False, "Книга Excel (*.xlsx)", "Ctrl+E"),
    ExportKind("Excel — о&тчёт об исполнении…", "xlsx", True, "Книга Excel (*.xlsx)", ""),
    ExportKind("&Календарь (.ics)…", "ics", False, "Календарь iCalendar (*.ics)", ""),
    ExportKind(
        "PDF — &ближайшие сроки…", "upcoming", False, "Документ PDF (*.pdf)", "", "Ближайшие сроки"
    ),
)
UPCOMING = EXPORT_KINDS[-1]


def open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> None:
    """The file selected in Explorer on Windows; elsewhere its folder opened."""
    if sys.platform == "win32":
        QProcess.startDetached("explorer", ["/select,", str(path).replace("/", "\\")])
    else:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def confirm_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        APP_TITLE,
        f"Файл «{path.name}» уже есть в папке «{path.parent}». Заменить его?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_what_next(parent: QWidget, result: ExportResult) -> str:
    """«open», «folder» or «» (closed), asked after the file is written."""
    pages = f" ({result.pages} стр.)" if result.pages else ""
    events = f" ({result.events} событий)" if result.events is not None else ""
    box = QMessageBox(parent)
    box.setWindowTitle(APP_TITLE)
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(f"Файл сохранён{pages}{events}:\n{result.out}")
    opening = box.addButton("Открыть файл", QMessageBox.ButtonRole.AcceptRole)
    folder = box.addButton("Показать в папке", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Закрыть", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(opening)
    box.exec()
    answers: dict[QAbstractButton, str] = {opening: "open", folder: "folder"}
    answer = answers.get(box.clickedButton(), "")
    box.deleteLater()
    return answer


class ExportActions(QObject):
    """Menu actions of the window; ``current_tree`` gives the roadmap to export (None: none chosen)."""

    def __init__(self, parent: QWidget, current_tree: Callable[[], RoadmapTree | None]) -> None:
        super().__init__(parent)
        self.window = parent
        self.current_tree = current_tree
        self.menu = QMenu("&Экспорт", parent)
        self.actions: list[QAction] = []
        for choice in EXPORT_KINDS:
            action = QAction(choice.label, self)
            if choice.keys:
                action.setShortcut(QKeySequence(choice.keys))
            action.triggered.connect(lambda _checked=False, c=choice: self.export(c))
            self.menu.addAction(action)
            self.actions.append(action)
            if choice.report or choice.kind == "ics":  # PDF | Excel | calendar | the Monday page
                self.menu.addSeparator()
        self.reminder = QAction("", self)  # its text says the days now chosen
        self.reminder.triggered.connect(self.choose_reminder)
        self.menu.addAction(self.reminder)
        self._name_reminder()

    def remind_days(self) -> int:
        """Days before a measure's end that its calendar event reminds (-1: no reminder)."""
        days = cast(int, QSettings().value(REMIND_KEY, REMIND_DAYS, int))  # the type argument makes it one
        return days if -1 <= days <= MAX_REMIND_CHOICE else REMIND_DAYS  # a damaged setting: the default

    def choose_reminder(self) -> None:
        days, chosen = QInputDialog.getInt(
            self.window, APP_TITLE, "За сколько дней до конца срока напоминать в календаре\n"
            "(0 — в последний день, -1 — без напоминаний):", self.remind_days(), -1, MAX_REMIND_CHOICE,
        )
        if chosen:
            QSettings().setValue(REMIND_KEY, days)
            self._name_reminder()

    def _name_reminder(self) -> None:
        days = self.remind_days()
        if days < 0:
            said = "без напоминаний"
        else:
            said = f"напоминать за {days} дн. до конца срока" if days else "напоминать в последний день"
        self.reminder.setText(f"Календарь: {said}…")

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions:
            action.setEnabled(enabled)

    def folder(self) -> Path:
        stored = cast(str, QSettings().value(FOLDER_KEY, "", str))  # the type argument makes it one
        if stored and Path(stored).is_dir():
            return Path(stored)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def choose_path(self, tree: RoadmapTree, choice: ExportKind) -> Path | None:
        suggested = self.folder() / suggested_name(tree, choice.suffix, choice.report, choice.document)
        name, _ = QFileDialog.getSaveFileName(self.window, "Экспорт", str(suggested), choice.file_filter)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != f".{choice.suffix}":
            path = path.with_name(f"{path.name}.{choice.suffix}")
            # the dialog asked about the name as typed; the file really written may exist
            if path.exists() and not confirm_replace(self.window, path):
                return None
        QSettings().setValue(FOLDER_KEY, str(path.parent))
        return path

    def export(self, choice: ExportKind, path: Path | None = None) -> ExportResult | None:
        """Ask for the file (unless given), write it with progress and Cancel, offer to open it."""
        tree = self.current_tree()
        if tree is None:
            QMessageBox.information(
                self.window, APP_TITLE, "Выберите дорожную карту в списке, затем повторите."
            )
            return None
        path = path or self.choose_path(tree, choice)
        if path is None:
            return None
        tree = self.current_tree()  # again: a cell being typed in was saved when the dialog took focus
        if tree is None:
            return None
        remind = self.remind_days()
        try:
            result: ExportResult = run_with_progress(
                self.window,
                f"Экспорт «{path.name}»…",
                lambda progress, cancel: export_tree(
                    tree, choice.kind, path, choice.report, progress, cancel, remind_days=remind
                ),
            )
        except CancelledError:
            self._status("Экспорт отменён: файл не записан.")
            return None
        except DomainError as error:
            QMessageBox.warning(self.window, APP_TITLE, error.message)
            return None
        self._status(f"Сохранено: {result.out}")
        answer = ask_what_next(self.window, result)
        if answer == "open":
            open_file(result.out)
        elif answer == "folder":
            show_in_folder(result.out)
        return result

    def _status(self, text: str) -> None:
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(text, 10_000)
