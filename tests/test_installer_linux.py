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


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb builds the package")
def test_the_package_installs_the_program_its_command_and_desktop_files(tmp_path: Path) -> None:
    """build_deb.sh around a stand-in build (the real one takes a minute: make check-deb runs it
    on a clean Debian 12): where each file goes, and that apt brings what `make install` brings."""
    from desktop import __version__

    dist = tmp_path / "dist" / "roadmap"
    (dist / "_internal").mkdir(parents=True)
    (dist / "roadmap").write_text("#!/bin/sh\necho roadmap\n", encoding="utf-8")
    (dist / "roadmap").chmod(0o755)
    # Symbol versions as a library built on Debian 12 names them; only ELF files count.
    (dist / "_internal" / "libpython3.11.so.1.0").write_bytes(b"\x7fELF\0GLIBC_2.17\0GLIBC_2.34\0GLIBC_2.3.4")
    (dist / "_internal" / "notes.txt").write_bytes(b"GLIBC_2.99")
    done = subprocess.run(["bash", str(LINUX / "build_deb.sh"), str(dist), str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    deb = Path(done.stdout.strip().splitlines()[-1])
    assert deb.name.startswith(f"roadmap_{__version__}_") and deb.is_file()
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in ("./opt/roadmap/roadmap", "./opt/roadmap/_internal/libpython3.11.so.1.0",
                 "./usr/share/applications/roadmap.desktop", "./usr/share/mime/packages/roadmap.xml",
                 "./usr/share/icons/hicolor/scalable/apps/roadmap.svg"):
        assert f" {path}" in listing, path
    assert "./usr/bin/roadmap -> /opt/roadmap/roadmap" in listing
    fields = {name: subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                                   check=True).stdout.strip() for name in ("Package", "Version", "Depends")}
    assert fields["Package"] == "roadmap" and fields["Version"] == __version__
    # The window's system libraries: what `make install` puts on a fresh Debian, apt pulls for the .deb.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = makefile.split("DEB_PACKAGES :=", 1)[1].split("\n#", 1)[0].replace("\\\n", " ")
    window_libraries = set(block.split()) - {"python3-venv", "poppler-utils"}
    depends = {part.split()[0] for part in fields["Depends"].split(",")}
    assert window_libraries <= depends, window_libraries - depends
    # apt refuses it where the bundled libraries could not start: the glibc they ask for.
    assert "libc6 (>= 2.34)" in [part.strip() for part in fields["Depends"].split(",")]
