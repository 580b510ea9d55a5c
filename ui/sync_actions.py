"""Файл → «Синхронизировать с сервером…»: the district's file and the region's server brought
in step (desktop/services/sync.py). The address is asked as for connecting (remembered, the
password never stored); the sync runs off the GUI thread; conflicts come back with both values
and a choice each — a choice sends that value to the other side, no choice keeps both as they are
and the next sync says them again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QDialog, QMessageBox, QWidget

from desktop.config import APP_TITLE
from desktop.services.sync import SyncConflict, SyncResult, sync_with_server
from models.domain.errors import DomainError
from models.domain.fields import label_of
from models.domain.roles import SYNC
from ui.conflict_list import fill_preview, short_title, shown_value
from ui.messages import show_error
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class SyncActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def run(self) -> None:
        from ui.server_dialog import ServerDialog

        window = self.window
        if not window.allowed(SYNC):  # before the server's address is asked
            return
        if window.service.db.is_server:
            show_error(
                window,
                "Окно работает прямо на сервере: синхронизировать нечего. Синхронизируют файл района — "
                "откройте его («Файл → Открыть файл…»).",
            )
            return
        dialog = ServerDialog(window, "Синхронизировать с сервером", "Синхронизировать")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        address = dialog.address()
        result = self._sync(address, None)
        if result is None:
            return
        if result.conflicts:
            choice = SyncConflicts(result, window)
            if choice.exec() == QDialog.DialogCode.Accepted:
                settled = self._sync(address, choice.resolutions())
                result = result.then(settled) if settled is not None else result
        if window.controller.session is not None:  # the file was written by this window, not a colleague
            window.controller.session.acknowledge_own_commit()
        window.mark_saved()
        window.refresh()
        window.statusBar().showMessage(
            f"Синхронизировано с сервером: отправлено {result.pushed}, получено {result.pulled}.", 10_000
        )
        QMessageBox.information(window, APP_TITLE, summary_text(result))

    def _sync(
        self, address: str, resolutions: dict[tuple[str, int, str, str], str] | None
    ) -> SyncResult | None:
        window = self.window
        database, actor = window.service.db, window.service.actor
        try:
            return run_with_progress(
                window,
                "Синхронизация с сервером…",
                lambda _progress, _cancel: sync_with_server(database, address, actor, resolutions),
            )
        except DomainError as error:
            show_error(window, error)
            return None


def summary_text(result: SyncResult) -> str:
    lines = [
        f"Отправлено на сервер изменений: {result.pushed}; получено с сервера: {result.pulled}.",
    ]
    if result.roadmaps_pushed or result.roadmaps_pulled:
        lines.append(
            f"Дорожных карт отправлено целиком: {result.roadmaps_pushed}, получено: {result.roadmaps_pulled}."
        )
    if result.conflicts:
        lines.append(
            f"Конфликтов осталось: {len(result.conflicts)} — у файла и у сервера свои значения; "
            "следующая синхронизация покажет их снова."
        )
    if result.other:
        lines.append(
            f"Не переносятся (перемещения строк, документ, люди, календарь): изменений {result.other}."
        )
    if result.refused_files:
        lines.append("Не перенесены файлы: " + " ".join(result.refused_files))
    return "\n".join(lines)


class SyncConflicts(QDialog):
    """Both values of each conflict; a tick takes the server's value into the file, no tick sends
    the file's value to the server."""

    def __init__(self, result: SyncResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Синхронизация с сервером: конфликты")
        lines = [
            f"Отправлено на сервер изменений: {result.pushed}; получено с сервера: {result.pulled}.",
            "Эти значения изменили и в файле, и на сервере — по-разному. Пока не выбрано, у каждой "
            "стороны остаётся своё.",
        ]
        rows = [self._row(conflict) for conflict in result.conflicts]
        intro = (
            "<b>Конфликты</b>: отметьте, где взять значение сервера (иначе на сервер уйдёт значение файла):"
        )
        hint = "Взять значение сервера; без отметки на сервер уходит значение файла"
        boxes = fill_preview(self, lines, (intro, rows, "с сервера", hint), "Применить выбор")
        self.boxes: list[tuple[QCheckBox, SyncConflict]] = list(zip(boxes, result.conflicts, strict=True))

    @staticmethod
    def _row(conflict: SyncConflict) -> tuple[str, str, bool]:
        title = short_title(conflict.title)
        school = f" — {conflict.school}" if conflict.school else ""
        if conflict.kind == "measure":
            what = "мероприятие"
            hint = " (удалите и на другой стороне или верните его)"
        elif conflict.kind == "title":
            what, hint = "название раздела", ""
        else:
            what = {"title": "наименование"}.get(conflict.field) or label_of(conflict.field)
            hint = ""
        values = f"в файле «{shown_value(conflict.file)}», на сервере «{shown_value(conflict.server)}»"
        return (
            f"{conflict.number} {title}{school}\n{what}: {values}{hint}",
            conflict.title,
            conflict.kind != "measure",
        )

    def resolutions(self) -> dict[tuple[str, int, str, str], str]:
        return {
            conflict.key: ("server" if box.isChecked() else "file")
            for box, conflict in self.boxes
            if conflict.kind != "measure"
        }
