"""The window's file work: new, open, recent, save a copy, check, restore a backup, import.

These commands change which file the window works on or what it holds, and talk to the user
about it; the work itself is in ``desktop.services.files`` and the importers, the state in the
window's controller.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox

from desktop.config import APP_TITLE
from desktop.importers import read_source, recognise
from desktop.services import files
from desktop.services.writer import CancelledError
from models.domain.errors import DomainError
from models.domain.roles import IMPORT, RESTORE
from ui.controller import WindowController
from ui.import_dialog import ImportPreviewDialog
from ui.messages import show_error
from ui.recent import recent_files, remember_recent
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class FileActions(QObject):
    """File menu commands of the main window."""

    def __init__(self, window: MainWindow, controller: WindowController) -> None:
        super().__init__(window)
        self.window, self.controller = window, controller

    # ---- files -----------------------------------------------------------------------------
    def _file_path(self) -> Path:
        return self.controller.file_path

    def switch_to(self, opened: files.OpenFile) -> None:
        """Work on another file: undo history belongs to the old one and is cleared."""
        remember_recent(opened.path)
        self.controller.switch_to(opened)

    def _open(self, path: Path, create: bool = False) -> None:
        try:
            opened = files.open_file(path, create=create)
        except DomainError as error:
            show_error(self.window, error)
            return
        self.switch_to(opened)
        if opened.service.db.backup_problem:
            show_error(self.window, opened.service.db.backup_problem)

    def connect_server(self) -> None:
        """Файл → «Подключиться к серверу…»: the region's PostgreSQL instead of a file. The address
        is remembered; the password is asked each time and never stored."""
        from ui.server_dialog import ServerDialog

        dialog = ServerDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            opened = files.open_server_address(dialog.address())
        except DomainError as error:
            show_error(self.window, error)
            return
        self.controller.switch_to(opened)  # not a file: not in «Недавние файлы»

    def new_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.window,
            "Новый файл дорожных карт",
            str(self._file_path().parent / "Дорожные карты.sqlite"),
            "Файлы дорожных карт (*.sqlite)",
        )
        if name:
            self._open(Path(name), create=True)

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window,
            "Открыть файл дорожных карт",
            str(self._file_path().parent),
            "Файлы дорожных карт (*.sqlite *.db);;Все файлы (*)",
        )
        if name:
            self._open(Path(name))

    def fill_recent(self, menu: QMenu) -> None:
        """The «Недавние файлы» menu, filled as it opens."""
        menu.clear()
        for path in recent_files():
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._open(p))
        if menu.isEmpty():
            menu.addAction("(нет)").setEnabled(False)

    def save_copy(self) -> None:
        suggested = self._file_path().with_name(f"{self._file_path().stem} {datetime.now():%Y-%m-%d}.sqlite")
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Сохранить копию", str(suggested), "Файлы дорожных карт (*.sqlite)"
        )
        if not name:
            return
        try:
            files.save_copy(self._file_path(), Path(name))
        except DomainError as error:
            show_error(self.window, error)
            return
        self.window.statusBar().showMessage(f"Копия сохранена: {name}", 10_000)

    def check_file(self) -> None:
        try:
            facts = files.check_file(self._file_path())
        except DomainError as error:
            show_error(self.window, error)
            return
        counts = facts.counts
        QMessageBox.information(
            self.window,
            APP_TITLE,
            f"Файл в порядке: проверка целостности пройдена.\nДорожных карт: {counts['roadmaps']}, разделов: "
            f"{counts['sections']}, мероприятий: {counts['measures']}.\nВерсия данных: {facts.revision}.",
        )

    def restore_backup(self) -> None:
        if not self.window.allowed(RESTORE):
            return
        path = self._file_path()
        copies = files.list_backups(path)
        if not copies:
            QMessageBox.information(self.window, APP_TITLE, "Резервных копий этого файла пока нет.")
            return
        labels = [
            f"{c.made_at:%d.%m.%Y %H:%M:%S}{' — ' + c.reason if c.reason else ''} ({c.size // 1024} КБ)"
            for c in copies
        ]
        choice, ok = QInputDialog.getItem(
            self.window, APP_TITLE, "Восстановить файл из копии:", labels, 0, False
        )
        if not ok:
            return
        chosen = copies[labels.index(choice)].path
        answer = QMessageBox.question(
            self.window,
            APP_TITLE,
            f"Заменить содержимое файла копией от {choice}? "
            "Текущее содержимое будет сохранено отдельной резервной копией.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            files.restore_backup(chosen, path, self.controller.service.actor)
        except DomainError as error:
            show_error(self.window, error)
            return
        self.controller.forget_history()
        self.window.refresh()
        self.window.statusBar().showMessage(f"Файл восстановлен из копии от {choice}.", 10_000)

    def import_document(self) -> None:
        if not self.window.allowed(IMPORT):
            return
        name, _ = QFileDialog.getOpenFileName(
            self.window,
            "Импорт дорожной карты",
            str(Path.home()),
            "Документы (*.docx *.xlsx *.pdf *.txt *.tsv *.doc *.odt *.rtf);;Все файлы (*)",
        )
        if name:
            self.import_path(Path(name))

    def import_path(
        self, source: Path, confirm: bool = True, cancel: threading.Event | None = None
    ) -> int | None:
        """Read and recognise off the GUI thread, preview, then write in one transaction (with
        progress and Cancel); nothing is written unless all of it is, nor by anyone but the
        coordinator (asked here before reading, and again by the service before writing)."""
        if not self.window.allowed(IMPORT):
            return None
        try:
            document = run_with_progress(
                self.window, f"Чтение «{source.name}»…", lambda _progress, _cancel: read_source(source)
            )
            recognised = recognise(document)
        except DomainError as error:
            show_error(self.window, error)
            return None
        if confirm:
            dialog = ImportPreviewDialog(
                recognised, source.name, lambda mapping: recognise(document, mapping), self.window
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            recognised = dialog.recognised
        try:
            roadmap_id = run_with_progress(
                self.window,
                f"Импорт «{source.name}»…",
                lambda progress, stop: self.controller.service.add_roadmap(
                    recognised.roadmap, progress, stop
                ),
                cancel,
            )
        except CancelledError:
            self.window.statusBar().showMessage("Импорт отменён: в файл ничего не записано.", 10_000)
            return None
        except DomainError as error:
            show_error(self.window, error)
            return None
        if self.controller.session is not None:
            self.controller.session.acknowledge_own_commit()
        self.window.mark_saved()
        self.window.refresh()
        self.window.select_roadmap(roadmap_id)
        self.window.statusBar().showMessage(f"Импортировано: {source.name}", 10_000)
        return roadmap_id
