"""Qt's part of the diagnostics: its version, whether the Russian translation of its own buttons
loads, which platform plugin draws the window and, on Linux, the system libraries that plugin
still lacks (the usual reason the window does not open on a fresh PC). Nothing here starts a
window: a missing library would abort the process instead of being reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import PySide6
from PySide6.QtCore import QLibraryInfo, QTranslator, qVersion
from PySide6.QtGui import QGuiApplication


def missing_libraries(plugin: Path) -> list[str] | None:
    """Libraries `ldd` cannot find for ``plugin`` (None when that cannot be asked here)."""
    ldd = shutil.which("ldd")
    if ldd is None or not plugin.is_file():
        return None
    try:
        listed = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({line.split()[0] for line in listed.splitlines() if "not found" in line})


def qt_facts() -> dict[str, Any]:
    translations = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    app = QGuiApplication.instance()
    translator = QTranslator()
    loaded = translator.load("qtbase_ru", str(translations))
    facts: dict[str, Any] = {
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "translations_folder": str(translations),
        "russian_translation_loads": loaded,
        # What a message box's Cancel button says here (freezers are known to drop the translation).
        "cancel_button": (translator.translate("QPlatformTheme", "Cancel") if loaded else "") or "Cancel",
        "platform_plugins": sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else [],
        "platform": app.platformName() if isinstance(app, QGuiApplication) else None,
        "requested_platform": os.environ.get("QT_QPA_PLATFORM"),
        "display": os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY"),
    }
    if sys.platform.startswith("linux"):
        facts["xcb_missing_libraries"] = missing_libraries(plugins / "libqxcb.so")
    return facts
