"""What a district's IT person needs to know about this copy of the program, without Qt:
versions, where its files are and whether they can be written, free disk space, fonts. Qt's part
(version, translations, platform plugin and its libraries) is ui.diagnostics; `roadmap diagnose`
and Справка → О программе show both."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from desktop import __version__, config

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
LIBRARIES = ("SQLAlchemy", "alembic", "reportlab", "openpyxl", "python-docx", "icalendar", "lxml")


def _folder(path: Path) -> dict[str, Any]:
    exists = path.is_dir()
    return {"path": str(path), "exists": exists, "writable": exists and os.access(path, os.W_OK)}


def _free_mb(path: Path) -> int | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free // 2**20
            except OSError:
                return None
    return None


def _library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def program_facts() -> dict[str, Any]:
    data = config.data_dir()
    libc, libc_version = platform.libc_ver()
    return {
        "version": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "frozen": bool(getattr(sys, "frozen", False)),
        "portable": config.portable_data_dir() is not None,
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "description": platform.platform(),
            "libc": f"{libc} {libc_version}".strip() or None,
        },
        "libraries": _library_versions(),
        "folders": {
            "program": str(Path(__file__).resolve().parents[2]),
            "data": _folder(data),
            "backups": _folder(config.backup_root()),
            "logs": _folder(config.log_dir()),
        },
        "default_file": str(config.default_database()),
        "free_disk_mb": _free_mb(data),
        "fonts": {path.name: path.is_file() for path in sorted(FONT_DIR.glob("*.ttf"))},
        "user": config.current_user(),
        "computer": config.current_computer(),
    }
