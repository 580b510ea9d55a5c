"""Where things live: the data folder (demo file, backups), the log folder, who the user is.

``ROADMAP_DATA_DIR`` overrides the data folder (tests). A portable copy (the zip for a USB stick)
has a ``portable.txt`` beside the program: its data then lives in ``data`` beside the program, so
the stick carries the file, the backups and the settings from PC to PC.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import sys
from pathlib import Path

APP_NAME = "roadmap"
APP_TITLE = "Дорожные карты"
DEFAULT_FILE_NAME = "Дорожные карты.sqlite"
PORTABLE_MARKER = "portable.txt"


def program_dir() -> Path | None:
    """The folder of the built program (the one-folder build); None when run from source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def portable_data_dir() -> Path | None:
    """``data`` beside a portable copy of the program, else None."""
    folder = program_dir()
    if folder is None or not (folder / PORTABLE_MARKER).is_file():
        return None
    return folder / "data"


def data_dir() -> Path:
    """The user's data folder (created on demand)."""
    override = os.environ.get("ROADMAP_DATA_DIR")
    portable = portable_data_dir()
    if override:
        folder = Path(override)
    elif portable is not None:
        folder = portable
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir(APP_NAME, appauthor=False))
    # A read-only profile or a write-protected stick: the folder cannot be made. The program still
    # opens and edits files; backups and the log then fail, and the user is told so (not a crash).
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def settings_in_data_dir() -> bool:
    """Settings kept in the data folder (tests, a portable copy) rather than the user's profile."""
    return bool(os.environ.get("ROADMAP_DATA_DIR")) or portable_data_dir() is not None


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
