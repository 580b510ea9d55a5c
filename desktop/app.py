"""Bootstrap of the window: logging, QApplication with Russian Qt strings, opening the file.

The only module of ``desktop`` that touches Qt. Opening failures become Russian message boxes;
a damaged file is offered its newest backup.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from desktop import config
from desktop.cli import UserError
from desktop.logging_setup import log_path, setup_logging
from models.domain.errors import DomainError

log = logging.getLogger(__name__)
ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "roadmap.svg"


def _application() -> Any:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("roadmap")
    QCoreApplication.setApplicationName(config.APP_TITLE)
    configure_settings()
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    translator = QTranslator(app)
    if translator.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    from PySide6.QtGui import QIcon

    QApplication.setWindowIcon(QIcon(str(ICON)))  # taskbar and title bar; the .deb installs it too
    return app


def configure_settings() -> None:
    """Window state lives in the user's settings; in a portable copy (or with ROADMAP_DATA_DIR, the
    tests) it lives in the data folder instead, so such a run never touches the user's own settings."""
    from PySide6.QtCore import QSettings

    if config.settings_in_data_dir():
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config.data_dir()))


def _open_or_create(path: Path) -> Any:
    """Open ``path``; the default file is created with the demo data on first start."""
    from desktop.services.demo import create_demo
    from models.storage.database import open_database

    if not path.exists() and path == config.default_database():
        create_demo(path)
    return open_database(path, config.backup_root())


def _service(database: Any) -> Any:
    from desktop.services.roadmap import Actor, RoadmapService

    return RoadmapService(database, Actor(config.current_user(), config.current_computer()))


def _notices(database: Any) -> list[tuple[str, str]]:
    """Short status-bar notices about the open file, each with its full explanation."""
    from models.storage.errors import READ_ONLY_MESSAGE
    from models.storage.location import NETWORK_WARNING

    notices = []
    if database.facts.network:
        notices.append(("⚠ Файл в сетевой папке", NETWORK_WARNING))
        log.warning(NETWORK_WARNING)
    if database.read_only:
        notices.append(("Только чтение", READ_ONLY_MESSAGE))
    if database.backup_problem:
        notices.append(("⚠ Резервная копия не сделана", database.backup_problem))
    from desktop import logging_setup

    if logging_setup.problem:
        notices.append(("⚠ Журнал не ведётся", logging_setup.problem))
    return notices


def _show_open_error(error: DomainError, path: Path) -> Any:
    """Tell the user why the file did not open; offer the newest backup for a damaged file."""
    from PySide6.QtWidgets import QMessageBox

    from models.storage.errors import DamagedFileError

    box = QMessageBox(QMessageBox.Icon.Warning, config.APP_TITLE, error.message)
    restore = None
    if isinstance(error, DamagedFileError) and error.newest_backup is not None:
        restore = box.addButton("Восстановить из копии", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if restore is not None and box.clickedButton() is restore and isinstance(error, DamagedFileError):
        from models.storage.backup import backup_folder
        from models.storage.database import restore_from as restore_backup

        assert error.newest_backup is not None
        restore_backup(error.newest_backup, path, backup_folder(config.backup_root(), path))
        return _open_or_create(path)
    return None


def _excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    if isinstance(value, DomainError):
        QMessageBox.warning(None, config.APP_TITLE, value.message)
        return
    log.error("internal error", exc_info=(kind, value, tb))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        config.APP_TITLE,
        f"Внутренняя ошибка программы. Подробности записаны в журнал: {log_path()}",
    )
    box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
    box.exec()


def run_window(path: Path | None = None) -> int:
    """Open the window on ``path`` (default: the last file, else the user's own file)."""
    setup_logging()
    app = _application()
    sys.excepthook = _excepthook
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    settings = QSettings()
    last = settings.value("file/last")
    target = path or (Path(str(last)) if last and Path(str(last)).exists() else config.default_database())
    try:
        database = _open_or_create(target)
    except DomainError as error:
        database = _show_open_error(error, target)
        if database is None:
            return 1
    from ui.recent import remember_recent

    remember_recent(target)
    from desktop.services.session import FileSession

    session = FileSession(database, config.current_user(), config.current_computer())
    from ui import clipboard
    from ui.garbage import GuiGarbageCollector

    collector = GuiGarbageCollector(app)  # cycles freed on the GUI thread only; before the window:
    window = MainWindow(_service(database), str(target), _notices(database), session)
    window.show_placed()  # as left; the first time maximised on a small screen
    from PySide6.QtCore import QTimer as _Timer

    _Timer.singleShot(0, window.ask_who)  # «Кто работает?» (when the file has people), once it shows
    if database.backup_problem:  # told once, in the window, not only in the log
        from PySide6.QtCore import QTimer

        from ui.messages import show_error

        problem = database.backup_problem
        QTimer.singleShot(600, lambda: show_error(window, problem))
    app.aboutToQuit.connect(clipboard.release)
    app.aboutToQuit.connect(collector.stop)
    stamp = os.environ.get("ROADMAP_FIRST_PAINT_FILE")
    if stamp:
        _quit_after_first_paint(window, Path(stamp))
    code = int(app.exec())
    session.close()
    database.close()
    return code


def _quit_after_first_paint(window: Any, stamp: Path) -> None:
    """bench/bench_startup.py: write the wall-clock time the window was first drawn, then quit, so a
    whole process from start to first paint is timed the same from source and built."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    def done() -> None:
        stamp.write_text(repr(time.time()), encoding="utf-8")
        QApplication.quit()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, done)  # after this paint has reached the screen
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)


# view -> tab of the roadmap shown
VIEWS = {
    "window": 0,
    "grid": 0,
    "document": 1,
    "calendar-month": 2,
    "calendar-year": 3,
    "timeline": 4,
    "report": 5,
    "upcoming": 6,
}


def render_shot(db: Path, roadmap: int | None, view: str, out: Path, size: tuple[int, int]) -> Path:
    """Render one view of the real window offscreen into ``out`` (PNG)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if view not in VIEWS:
        raise UserError(f"Вид «{view}» пока не реализован. Доступные виды: {', '.join(VIEWS)}.")
    from models.storage.database import open_database

    app = _application()
    from ui.main_window import MainWindow

    database = open_database(db, None, read_only=True)
    try:
        window = MainWindow(_service(database), str(db))
        window.resize(*size)
        if roadmap is not None:
            ids = [window.list_model.summary(r).id for r in range(window.list_model.rowCount())]
            if roadmap not in ids:
                raise UserError(f"Дорожная карта № {roadmap} не найдена в файле.")
            window.list_view.selectRow(ids.index(roadmap))
        window.tabs.setCurrentIndex(VIEWS[view])
        window.show()
        for _ in range(3):  # layout, then the deferred row heights
            app.processEvents()
        if not window.grab().save(str(out), "PNG"):
            raise UserError(f"Не удалось записать снимок в «{out}». Проверьте папку и права на запись.")
        window.hide()  # not close(): a shot must not overwrite the user's remembered geometry
    finally:
        database.close()
    return out


def diagnose_facts() -> dict[str, Any]:
    """`roadmap diagnose`: the program's facts and Qt's (the CLI reaches Qt only through here)."""
    from desktop.services.diagnostics import program_facts
    from ui.diagnostics import qt_facts

    return {**program_facts(), "qt": qt_facts()}
