"""Recently opened files, kept in QSettings (newest first, existing files only)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

LIMIT = 8


def recent_files() -> list[Path]:
    value = QSettings().value("file/recent") or []
    paths = [Path(str(v)) for v in (value if isinstance(value, list) else [value])]
    return [p for p in paths if p.exists()]


def remember_recent(path: Path) -> None:
    paths = [str(path)] + [str(p) for p in recent_files() if p != path]
    settings = QSettings()
    settings.setValue("file/recent", paths[:LIMIT])
    settings.setValue("file/last", str(path))
