"""Экспорт → «Листы отчёта для школ…» and Файл → «Принять отчёт школы…»: the sheets go out by
email and come back; taking one back shows what it changes and the conflicts first (both values,
the user chooses), then applies it as one undo step."""

from __future__ import annotations

import threading
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
from desktop.services.sheet_intake import Conflict, SheetReading, TakeSheetCommand
from models.domain.errors import DomainError
from models.domain.roles import TAKE_SHEETS
from ui.conflict_list import fill_preview, short_title, shown_value
from ui.messages import show_error
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from ui.main_window import MainWindow

FIELD_WORDS = {"status": "статус", "done_on": "дата выполнения", "note": "отметка"}


class SchoolSheetActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def send(self) -> None:
        """A sheet per school of the roadmap on screen, into a folder the user picks."""
        from desktop.exports.school_sheets import write_school_sheets
        from desktop.services.identity import file_identity
        from desktop.services.writer import CancelledError
        from ui.export_actions import show_in_folder

        window = self.window
        tree = window.grid_model.tree
        if tree is None:
            return
        if not any(m.school_ids for m in tree.measures.values()):
            QMessageBox.information(
                window, APP_TITLE, "Ни одно мероприятие не называет школы: листы отчёта некому отправлять."
            )
            return
        start = str(QSettings().value("sheets/folder") or Path.home())
        folder = QFileDialog.getExistingDirectory(window, "Папка для листов отчёта школ", start)
        if not folder:
            return
        QSettings().setValue("sheets/folder", folder)
        try:
            identity = file_identity(window.service.db)
            made = run_with_progress(
                window,
                "Листы отчёта для школ",
                lambda progress, cancel: write_school_sheets(tree, identity, Path(folder), progress, cancel),
                threading.Event(),
            )
        except CancelledError:
            window.statusBar().showMessage("Листы отчёта: отменено (готовые листы сохранены).", 8000)
            return
        except (DomainError, OSError) as error:
            show_error(window, error if isinstance(error, DomainError) else DomainError(str(error)))
            return
        window.statusBar().showMessage(f"Листов отчёта: {len(made)} — в папке «{folder}».", 10_000)
        if made:
            show_in_folder(made[0].out)

    def take(self) -> None:
        """A returned sheet: what it changes and its conflicts shown, then applied as one step."""
        from desktop.services.identity import existing_identity
        from desktop.services.sheet_intake import read_sheet

        window = self.window
        if not window.allowed(TAKE_SHEETS):  # read_sheet refuses too: this spares the file dialog
            return
        start = str(QSettings().value("sheets/folder") or Path.home())
        name, _ = QFileDialog.getOpenFileName(window, "Принять отчёт школы", start, "Книги Excel (*.xlsx)")
        if not name:
            return
        try:
            reading = read_sheet(
                Path(name), existing_identity(window.service.db), window.service.db, window.service.actor
            )
        except DomainError as error:
            show_error(window, error)
            return
        dialog = SheetPreview(reading, window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            window.execute(TakeSheetCommand(reading, dialog.chosen()))


class SheetPreview(QDialog):
    """What taking the sheet back changes; each conflict with both values and a choice."""

    def __init__(self, reading: SheetReading, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Отчёт школы: {reading.school}")
        self.reading = reading
        made = datetime.fromisoformat(reading.made) if reading.made[:4].isdigit() else None
        lines = [f"Лист от {made:%d.%m.%Y %H:%M}." if made else "Лист отчёта школы."]
        changes = sum(len(v) for v in reading.edits.values())
        lines.append(
            f"Изменится полей: {changes} (мероприятий: {len(reading.edits)}); "
            f"без изменений строк: {reading.unchanged}."
        )
        if reading.gone:
            lines.append(
                f"Строк, чьих мероприятий уже нет или они не касаются школы: {reading.gone} (пропущены)."
            )
        rows = []
        for conflict in reading.conflicts:
            word = FIELD_WORDS.get(conflict.field, conflict.field)
            title = short_title(conflict.title)
            values = f"в файле «{shown_value(conflict.file)}», у школы «{shown_value(conflict.sheet)}»"
            rows.append((f"{conflict.number} {title}\n{word}: {values}", conflict.title, True))
        intro = (
            "<b>Конфликты</b>: после рассылки листа эти поля изменили в файле. Отметьте, где взять "
            "значение школы:"
        )
        hint = "Взять значение школы; без отметки остаётся значение файла"
        boxes = fill_preview(self, lines, (intro, rows, "у школы", hint), "Принять отчёт")
        self.boxes: list[tuple[QCheckBox, Conflict]] = list(zip(boxes, reading.conflicts, strict=True))

    def chosen(self) -> list[Conflict]:
        return [conflict for box, conflict in self.boxes if box.isChecked()]
