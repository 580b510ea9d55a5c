"""Where things live: the data folder (demo file, backups), the log folder, who the user is.

``ROADMAP_DATA_DIR`` overrides the data folder (tests, portable installs on a USB stick).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
from pathlib import Path

APP_NAME = "roadmap"
APP_TITLE = "Дорожные карты"
DEFAULT_FILE_NAME = "Дорожные карты.sqlite"


def data_dir() -> Path:
    """The user's data folder (created on demand)."""
    override = os.environ.get("ROADMAP_DATA_DIR")
    if override:
        folder = Path(override)
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir(APP_NAME, appauthor=False))
    # A read-only profile or a write-protected stick: the folder cannot be made. The program still
    # opens and edits files; backups and the log then fail, and the user is told so (not a crash).
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def backup_root() -> Path:
    return data_dir() / "backups"


def log_dir() -> Path:
    folder = data_dir() / "logs"
    with contextlib.suppress(OSError):  # see data_dir
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_database() -> Path:
    return data_dir() / DEFAULT_FILE_NAME


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some services, odd Windows set-ups)
        return "неизвестный пользователь"


def current_computer() -> str:
    return socket.gethostname() or "неизвестный компьютер"
