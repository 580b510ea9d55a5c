"""The Linux desktop integration the .deb installs: the menu entry in Russian, the icon, and a
file type that only the program's own files get (a double click opens them, other .sqlite files
keep their usual program)."""

from __future__ import annotations

import configparser
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "installer" / "linux"


def test_the_menu_entry_is_russian_and_opens_files_with_the_program() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(LINUX / "roadmap.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Name"] == "Дорожные карты" and section["Exec"] == "roadmap %f"
    assert section["MimeType"].rstrip(";") == "application/x-roadmap"
    icon = ROOT / "resources" / "icons" / f"{section['Icon']}.svg"
    assert ElementTree.parse(icon).getroot().tag.endswith("svg")


@pytest.mark.skipif(
    shutil.which("update-mime-database") is None or shutil.which("gio") is None,
    reason="shared-mime-info and gio (GLib) are needed to ask the desktop what a file is",
)
def test_only_the_programs_own_files_get_its_file_type(demo_db: Path, tmp_path: Path) -> None:
    data = tmp_path / "xdg"
    (data / "mime" / "packages").mkdir(parents=True)
    shutil.copy(LINUX / "roadmap-mime.xml", data / "mime" / "packages")
    subprocess.run(["update-mime-database", str(data / "mime")], check=True)
    plain = tmp_path / "другая база.sqlite"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    env = dict(os.environ, XDG_DATA_HOME=str(data))

    def kind(path: Path) -> str:
        done = subprocess.run(
            ["gio", "info", "-a", "standard::content-type", str(path)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        return done.stdout.split("standard::content-type:")[1].strip()

    assert kind(demo_db) == "application/x-roadmap"
    assert kind(plain) != "application/x-roadmap"
