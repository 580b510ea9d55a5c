"""Shared fixtures: an isolated data folder, real roadmap files, and the CLI as a subprocess."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO_TODAY = date(2023, 11, 15)  # the demo's «today» in tests: its 2023 roadmap as in the document


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder (backups, logs), never the user's."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(folder))
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """No cyclic garbage collection while a test runs; one collection after it.

    A test's windows live in reference cycles (slots capturing their owner; pytest-qt keeps only a
    weak reference), so the cyclic collector frees them, and when it happens to run inside the
    event processing pytest-qt does after a test it frees a widget Qt is still dispatching to:
    a random segmentation fault. The program avoids the same hazard with ui.garbage."""
    if "qtbot" not in getattr(item, "fixturenames", ()):  # no widgets: nothing to guard
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


@pytest.fixture(scope="session", autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Window settings (geometry, recent files) of the tests go to a temporary folder, never to
    the real user's configuration."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("roadmap-tests")
    QCoreApplication.setApplicationName("roadmap-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("settings"))
    )


@pytest.fixture(autouse=True)
def _fresh_view_settings() -> None:
    """Each test's window opens on the grid at the default zoom, whatever the last test left."""
    from PySide6.QtCore import QSettings

    settings = QSettings()
    # main/state: docks (an open history panel narrows the grid); grid: column widths and choices
    keys = ("main/tab", "main/state", "timeline/zoom", "main/geometry", "main/splitter", "roadmap", "grid")
    for key in keys:
        settings.remove(key)


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_at_exit() -> Any:
    """What the program does on quit (ui.clipboard.release), for the test process."""
    yield
    from ui import clipboard

    clipboard.release()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo file, made once per run; tests get copies (made the way users get it), dated
    around a fixed day long past, so that what is overdue never changes as the clock moves on."""
    from desktop.services.demo import create_demo

    path = tmp_path_factory.mktemp("template") / "demo.sqlite"
    create_demo(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "Дорожные карты.sqlite"
    shutil.copyfile(demo_template, path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m desktop ARGS`` as a separate process, as users and acceptance checks run it."""
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=full_env,
        cwd=ROOT,
    )


def cli_json(*args: str) -> Any:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SMALL_ROADMAP: dict[str, Any] = {
    "title": "Дорожная карта по сопровождению ШНОР на 2023-2024 учебный год",
    "organization": "Отдел образования администрации Тестового района",
    "period": ["2023-09-01", "2024-08-31"],
    "order": {
        "number": "12",
        "date": "2023-08-30",
        "place": "с. Тестовое",
        "signer": "И.И. Иванов",
        "signer_position": "Начальник отдела образования",
    },
    "schools": ["МБОУ «Тубинская СОШ»", "МКОУ СОШ № 16"],
    "sections": [
        {
            "number": "1",
            "title": "Организационные мероприятия",
            "sections": [],
            "measures": [
                {
                    "number": "1.1",
                    "title": "Создание рабочей группы",
                    "deadline": {"text": "сентябрь 2023 г."},
                    "responsible": "Отдел образования",
                    "result": "Приказ",
                    "schools": ["МКОУ СОШ № 16"],
                },
                {
                    "number": "1.2",
                    "title": "Семинар для директоров\n- анализ ВПР\n- планирование",
                    "deadline": {"text": "ежеквартально"},
                    "responsible": "МКУ «ЦРО»",
                    "result": "Протокол",
                },
            ],
        },
        {
            "number": "2",
            "title": "Методическая помощь",
            "sections": [],
            "measures": [
                {
                    "number": "2.1",
                    "title": "Консультации учителей",
                    "deadline": {"text": "по запросу"},
                    "responsible": "РМО",
                    "result": "Журнал консультаций",
                },
            ],
        },
    ],
    "measures": [],
}


def operations_of(database: Any) -> Any:
    """Writes of a test's own set-up, as the coordinator, through the operations as the program's."""
    from desktop.services.operations import Actor, Operations

    return Operations(database, Actor("Тест", "ПК"))


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A real roadmap file with one small roadmap (3 measures in 2 sections)."""
    from desktop.services.writer import write_roadmap
    from models.storage.database import create_database

    path = tmp_path / "small.sqlite"
    database = create_database(path)
    write_roadmap(operations_of(database), SMALL_ROADMAP)
    database.close()
    return path


_box_timers: list[Any] = []


def answer_box(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the message box the next action opens (the real dialog), once it
    is up; its text is added to ``seen``. Without such a button the box's first one is clicked."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    timer = QTimer()

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        timer.stop()
        seen.append(box.text())
        buttons = {b.text(): b for b in box.buttons()}
        buttons.get(button_text, buttons.get("&" + button_text, next(iter(buttons.values())))).click()

    timer.timeout.connect(click)
    timer.start(20)
    _box_timers.append(timer)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A real PostgreSQL for the session (tests/pg_server.py); skipped only when its programs
    cannot be found at all (`make test` installs them on a fresh Debian)."""
    from tests.pg_server import PgServer, binaries

    found = binaries()
    if found is None:
        pytest.skip(
            "PostgreSQL не установлен (нет pg_ctl): выполните make test от root "
            "или apt-get install postgresql"
        )
    server = PgServer(found)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: Any) -> str:
    """A fresh, empty database on the test server."""
    return str(pg_server.new_database())


@pytest.fixture
def pg_migrated(pg_server: Any) -> str:
    """A fresh database on the test server with the program's schema already in (a copy of a
    template migrated once): for tests of what runs on a server, not of making one."""
    return str(pg_server.new_database(migrated=True))


@pytest.fixture(params=["sqlite", "postgresql", "district"])
def store(request: pytest.FixtureRequest, small_db: Path) -> Any:
    """The small roadmap in a SQLite file and, again, on the test's PostgreSQL — as its owner,
    and as a district's account of a region's server (row-level security, the server's trail and
    its check that each change-log line names a row its transaction wrote)."""
    from desktop.services.writer import write_roadmap
    from models.storage.server import make_server_engine, open_server
    from models.storage.server_security import add_account, setup_region
    from tests.stores import Store

    if request.param == "sqlite":
        return Store("sqlite", str(small_db))
    url = request.getfixturevalue("pg_migrated")
    if request.param == "district":
        open_server(url).close()
        admin = make_server_engine(url)
        setup_region(admin)
        add_account(admin, "district", "pass-district", "Мокшанский район")
        admin.dispose()
        url = url.replace("postgresql://postgres@", "postgresql://district:pass-district@", 1)
    database = open_server(url)
    write_roadmap(operations_of(database), SMALL_ROADMAP)
    database.close()
    return Store("postgresql", url, district=request.param == "district")
