"""The window's file work: new, open, recent, save a copy, check, restore a backup, import.

A mixin of MainWindow: these commands change which file the window works on or what it holds,
and talk to the user about it; the work itself is in ``desktop.services.files`` and the importers.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
)

from desktop.config import APP_TITLE
from desktop.importers import read_source, recognise
from desktop.services import files
from desktop.services.writer import CancelledError
from models.domain.errors import DomainError
from ui.import_dialog import ImportPreviewDialog
from ui.recent import recent_files, remember_recent
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QLabel, QMenu, QTableView

    from desktop.services.roadmap import RoadmapService
    from desktop.services.session import FileSession
    from ui.roadmap_list_model import RoadmapListModel

    _Window = QMainWindow  # the type checker sees the window the mixin works in
else:
    _Window = object  # at run time a plain mixin: MainWindow itself derives from QMainWindow


class FileActions(_Window):
    """File menu commands of the main window (mixed into MainWindow)."""

    if TYPE_CHECKING:  # what MainWindow provides
        service: RoadmapService
        session: FileSession | None
        current_roadmap: int | None
        undo_stack: QUndoStack
        file_label: QLabel
        recent_menu: QMenu
        list_model: RoadmapListModel
        list_view: QTableView
        _notice_timer: QTimer

        def refresh(self) -> None: ...
        def mark_saved(self) -> None: ...

    # ---- files -----------------------------------------------------------------------------
    def _file_path(self) -> Path:
        return Path(self.service.db.path)

    def switch_to(self, opened: files.OpenFile) -> None:
        """Work on another file: undo history belongs to the old one and is cleared."""
        old_session = self.session
        self.service, self.session = opened.service, opened.session
        self.undo_stack.clear()
        self.current_roadmap = None
        if old_session is not None:
            old_session.close()
        self.setWindowTitle(f"{APP_TITLE} — {opened.path}")
        self.file_label.setText(str(opened.path))
        remember_recent(opened.path)
        self.refresh()
        self._notice_timer.start(400)

    def _open(self, path: Path, create: bool = False) -> None:
        try:
            opened = files.open_file(path, create=create)
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        self.switch_to(opened)

    def new_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Новый файл дорожных карт",
            str(self._file_path().parent / "Дорожные карты.sqlite"),
            "Файлы дорожных карт (*.sqlite)",
        )
        if name:
            self._open(Path(name), create=True)

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Открыть файл дорожных карт",
            str(self._file_path().parent),
            "Файлы дорожных карт (*.sqlite *.db);;Все файлы (*)",
        )
        if name:
            self._open(Path(name))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_files():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._open(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(нет)").setEnabled(False)

    def save_copy(self) -> None:
        suggested = self._file_path().with_name(f"{self._file_path().stem} {datetime.now():%Y-%m-%d}.sqlite")
        name, _ = QFileDialog.getSaveFileName(
            self, "Сохранить копию", str(suggested), "Файлы дорожных карт (*.sqlite)"
        )
        if not name:
            return
        try:
            files.save_copy(self._file_path(), Path(name))
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        self.statusBar().showMessage(f"Копия сохранена: {name}", 10_000)

    def check_file(self) -> None:
        try:
            facts = files.check_file(self._file_path())
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        counts = facts.counts
        QMessageBox.information(
            self,
            APP_TITLE,
            f"Файл в порядке: проверка целостности пройдена.\nДорожных карт: {counts['roadmaps']}, разделов: "
            f"{counts['sections']}, мероприятий: {counts['measures']}.\nВерсия данных: {facts.revision}.",
        )

    def restore_backup(self) -> None:
        path = self._file_path()
        copies = files.list_backups(path)
        if not copies:
            QMessageBox.information(self, APP_TITLE, "Резервных копий этого файла пока нет.")
            return
        labels = [
            f"{c.made_at:%d.%m.%Y %H:%M:%S}{' — ' + c.reason if c.reason else ''} ({c.size // 1024} КБ)"
            for c in copies
        ]
        choice, ok = QInputDialog.getItem(self, APP_TITLE, "Восстановить файл из копии:", labels, 0, False)
        if not ok:
            return
        chosen = copies[labels.index(choice)].path
        answer = QMessageBox.question(
            self,
            APP_TITLE,
            f"Заменить содержимое файла копией от {choice}? "
            "Текущее содержимое будет сохранено отдельной резервной копией.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            files.restore_backup(chosen, path)
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return
        self.undo_stack.clear()
        self.refresh()
        self.statusBar().showMessage(f"Файл восстановлен из копии от {choice}.", 10_000)

    def import_document(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Импорт дорожной карты",
            str(Path.home()),
            "Документы (*.docx *.xlsx *.txt *.tsv *.doc *.odt *.rtf);;Все файлы (*)",
        )
        if name:
            self.import_path(Path(name))

    def import_path(
        self, source: Path, confirm: bool = True, cancel: threading.Event | None = None
    ) -> int | None:
        """Read and recognise off the GUI thread, preview, then write in one transaction (with
        progress and Cancel); nothing is written unless all of it is."""
        try:
            document = run_with_progress(
                self, f"Чтение «{source.name}»…", lambda _progress, _cancel: read_source(source)
            )
            recognised = recognise(document)
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return None
        if confirm:
            dialog = ImportPreviewDialog(
                recognised, source.name, lambda mapping: recognise(document, mapping), self
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            recognised = dialog.recognised
        try:
            roadmap_id = run_with_progress(
                self,
                f"Импорт «{source.name}»…",
                lambda progress, stop: self.service.add_roadmap(recognised.roadmap, progress, stop),
                cancel,
            )
        except CancelledError:
            self.statusBar().showMessage("Импорт отменён: в файл ничего не записано.", 10_000)
            return None
        except DomainError as error:
            QMessageBox.warning(self, APP_TITLE, error.message)
            return None
        if self.session is not None:
            self.session.acknowledge_own_commit()
        self.mark_saved()
        self.refresh()
        ids = [self.list_model.summary(r).id for r in range(self.list_model.rowCount())]
        self.list_view.selectRow(ids.index(roadmap_id))
        self.statusBar().showMessage(f"Импортировано: {source.name}", 10_000)
        return roadmap_id
