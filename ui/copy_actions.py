"""Файл → «Взять копию с собой…» and «Объединить с копией…»: a copy for a USB stick or another
PC, and its changes brought back — what they change and the conflicts shown first (both values,
the user chooses), then applied as one undo step (desktop/services/copies.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QMessageBox,
    QWidget,
)

from desktop.config import APP_TITLE
from desktop.services.copies import read_copy, take_copy
from desktop.services.copy_merge import MergeCopyCommand
from desktop.services.copy_reading import CopyConflict, CopyReading
from models.domain.errors import DomainError
from models.domain.roles import MERGE_COPY
from ui.conflict_list import fill_preview, short_title, shown_value
from ui.messages import show_error

if TYPE_CHECKING:
    from ui.main_window import MainWindow

FOLDER_KEY = "copies/folder"


class CopyActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def take(self) -> None:
        """A marked copy of the file where the user says (a USB stick, usually)."""
        window = self.window
        path = window.service.db.path
        start = Path(str(QSettings().value(FOLDER_KEY) or path.parent))
        suggested = start / f"{path.stem} — копия {datetime.now():%d.%m.%Y}.sqlite"
        number = 2
        while suggested.exists():  # a second copy the same day gets its own name
            suggested = start / f"{path.stem} — копия {datetime.now():%d.%m.%Y} ({number}).sqlite"
            number += 1
        name, _ = QFileDialog.getSaveFileName(
            window, "Взять копию с собой", str(suggested), "Файлы дорожных карт (*.sqlite)"
        )
        if not name:
            return
        QSettings().setValue(FOLDER_KEY, str(Path(name).parent))
        try:
            # the file dialog asked before replacing a file; a copy with unmerged changes never is
            take_copy(window.service.db, Path(name), window.service.actor.shown, replace=True)
        except DomainError as error:
            show_error(window, error)
            return
        QMessageBox.information(
            window,
            APP_TITLE,
            f"Копия записана: {name}\n\nРаботайте в ней на другом компьютере, а потом здесь выберите "
            "«Файл → Объединить с копией…»: изменения вернутся в этот файл.",
        )

    def merge(self) -> None:
        """A copy's changes: previewed with their conflicts, then applied as one undo step."""
        window = self.window
        if not window.allowed(MERGE_COPY):  # read_copy refuses too: this spares the file dialog
            return
        start = str(QSettings().value(FOLDER_KEY) or window.service.db.path.parent)
        name, _ = QFileDialog.getOpenFileName(
            window, "Объединить с копией", start, "Файлы дорожных карт (*.sqlite *.db);;Все файлы (*)"
        )
        if not name:
            return
        QSettings().setValue(FOLDER_KEY, str(Path(name).parent))
        try:
            reading = read_copy(Path(name), window.service.db, window.service.actor)
        except DomainError as error:
            show_error(window, error)
            return
        if reading.empty and not reading.conflicts:
            QMessageBox.information(
                window,
                APP_TITLE,
                f"В копии «{reading.name}» нет изменений, которых нет в файле: объединять нечего.",
            )
            return
        dialog = CopyPreview(reading, window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            window.execute(MergeCopyCommand(reading, dialog.chosen()))


class CopyPreview(QDialog):
    """What merging the copy changes; each conflict with both values and a choice."""

    def __init__(self, reading: CopyReading, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Объединение с копией: {reading.name}")
        taken = datetime.fromisoformat(reading.taken) if reading.taken[:4].isdigit() else None
        lines = [f"Копия взята {taken:%d.%m.%Y %H:%M}." if taken else "Копия файла."]
        changed = len(reading.edits) + len({m for m, _s in reading.records})
        lines.append(f"Изменится мероприятий: {changed}; без изменений: {reading.unchanged}.")
        if reading.new_measures or reading.new_sections:
            lines.append(
                f"Добавится мероприятий: {len(reading.new_measures)}, разделов: {len(reading.new_sections)}."
            )
        if reading.deletions:
            lines.append(f"Удалится мероприятий: {len(reading.deletions)}.")
        files = sum(len(v) for v in reading.files_added.values())
        if files or reading.files_removed:
            lines.append(f"Подтверждающих файлов добавится: {files}, уберётся: {len(reading.files_removed)}.")
        if reading.titles:
            lines.append(f"Переименуется разделов: {len(reading.titles)}.")
        if reading.refused_files:
            lines.append("Не переносятся файлы из копии: " + " ".join(reading.refused_files))
        if reading.other:
            lines.append(
                f"Не переносятся (перемещения строк, документ, люди, календарь): изменений {reading.other}."
            )
        rows = [self._conflict(conflict) for conflict in reading.conflicts]
        intro = (
            "<b>Конфликты</b>: это изменили и в копии, и в файле. Отметьте, где взять значение копии "
            "(иначе остаётся значение файла):"
        )
        hint = "Взять значение копии; без отметки остаётся значение файла"
        boxes = fill_preview(self, lines, (intro, rows, "из копии", hint), "Объединить")
        self.boxes: list[tuple[QCheckBox, CopyConflict]] = list(zip(boxes, reading.conflicts, strict=True))

    @staticmethod
    def _conflict(conflict: CopyConflict) -> tuple[str, str, bool]:
        """What and both values; a deletion against a change cannot be chosen (the file stays)."""
        title = short_title(conflict.title)
        school = f" — {conflict.school}" if conflict.school else ""
        values = f"в файле «{shown_value(conflict.file)}», в копии «{shown_value(conflict.copy)}»"
        return (
            f"{conflict.number} {title}{school}\n{conflict.label}: {values}",
            conflict.title,
            conflict.field != "measure",
        )

    def chosen(self) -> list[CopyConflict]:
        return [conflict for box, conflict in self.boxes if box.isChecked()]
