"""The Windows installer pieces, checked on any system: the Inno Setup script, the build script, the
CI workflow and the icon (installer/windows/, .github/workflows/windows.yml). They must agree with
each other and with the PyInstaller spec, install for the user alone without administrator rights,
and never remove the user's data. Nothing here runs Windows; with wine and Inno Setup's ISCC.exe
(ROADMAP_ISCC=path) the script is also compiled."""

from __future__ import annotations

import ast
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

import pytest

import desktop
from desktop import config

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = ROOT / "installer" / "windows"
ISS = WINDOWS / "roadmap.iss"
BUILD_PS1 = WINDOWS / "build.ps1"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
ICON = ROOT / "resources" / "icons" / "roadmap.ico"
BOM = b"\xef\xbb\xbf"


# ---- the Inno Setup script ---------------------------------------------------------------------
@dataclass
class Iss:
    defines: dict[str, str] = field(default_factory=dict)
    setup: dict[str, str] = field(default_factory=dict)  # [Setup] keys in lower case
    sections: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # lower-case names
    text: str = ""  # with {#defines} expanded

    def entries(self, section: str) -> list[dict[str, str]]:
        return self.sections.get(section.lower(), [])


def split_parameters(line: str) -> dict[str, str]:
    """An entry's parameters, names in lower case. A quoted value has its doubled quotes
    undoubled (Inno's quoting): `Name: "a ""b"" c"; Flags: x y` gives a "b" c and x y."""
    params: dict[str, str] = {}
    rest = line.strip()
    while rest:
        name, colon, rest = rest.partition(":")
        if not colon:
            raise ValueError(f"cannot parse: {line!r}")
        rest = rest.lstrip()
        if rest.startswith('"'):
            value, i = "", 1
            while True:
                quote = rest.index('"', i)
                value += rest[i:quote]
                if rest[quote + 1 : quote + 2] != '"':
                    break
                value, i = value + '"', quote + 2
            rest = rest[quote + 1 :]
        else:
            value, semicolon, rest = rest.partition(";")
            value, rest = value.strip(), semicolon + rest
        params[name.strip().lower()] = value
        rest = rest.strip()
        if rest and not rest.startswith(";"):
            raise ValueError(f"cannot parse: {line!r}")
        rest = rest[1:].strip()
    return params


def parse_iss(raw: str) -> Iss:
    script = Iss()
    expanded: list[str] = []
    section = ""
    for line in raw.splitlines():
        stripped = line.strip()
        define = re.fullmatch(r'#define\s+(\w+)\s+"?(.*?)"?', stripped)
        if define:
            script.defines.setdefault(define[1], define[2])
            continue
        if stripped.startswith("#"):  # #ifndef / #endif around the defaults
            continue
        line = re.sub(r"\{#(\w+)\}", lambda m: script.defines[m[1]], line)
        expanded.append(line)
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", stripped)
        if header:
            section = header[1].lower()
            script.sections.setdefault(section, [])
        elif section == "setup":
            key, _, value = stripped.partition("=")
            script.setup[key.strip().lower()] = value.strip()
        else:
            script.sections[section].append(split_parameters(stripped))
    script.text = "\n".join(expanded)
    return script


@pytest.fixture(scope="module")
def iss() -> Iss:
    return parse_iss(ISS.read_text(encoding="utf-8-sig"))


def from_iss(path: str) -> Path:
    """A path written in the script, relative to the script's folder (Inno's default SourceDir)."""
    return Path(os.path.normpath(WINDOWS / PureWindowsPath(path).as_posix()))


def flags(entry: dict[str, str]) -> set[str]:
    return set(entry.get("flags", "").lower().split())


# ---- the PyInstaller spec and the build script -------------------------------------------------
def spec_path() -> Path:
    return ROOT / PureWindowsPath(ps1_settings()["Spec"]).as_posix()


def spec_calls(name: str) -> list[dict[str, Any]]:
    """The keyword arguments (constants only) of every EXE(...) / COLLECT(...) call in the spec."""
    tree = ast.parse(spec_path().read_text(encoding="utf-8"))
    calls: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            calls.append(
                {str(k.arg): k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            )
    return calls


def spec_programs() -> set[str]:
    """The .exe files the spec makes on Windows (the `if WINDOWS` one included)."""
    return {f"{call['name']}.exe" for call in spec_calls("EXE")}


def ps1_settings() -> dict[str, str]:
    """The `$Name = '...'` settings at the top of build.ps1."""
    text = BUILD_PS1.read_text(encoding="utf-8-sig")
    return dict(re.findall(r"^\$(\w+) = '([^']*)'", text, re.MULTILINE))


def dist_folder() -> Path:
    settings = ps1_settings()
    (collect,) = spec_calls("COLLECT")
    assert settings["ProgramName"] == collect["name"]
    return ROOT / PureWindowsPath(settings["DistPath"]).as_posix() / str(collect["name"])


def spec_icon() -> str:
    spec = spec_path().read_text(encoding="utf-8")
    match = re.search(r'ICON = SRC / "resources" / "icons" / "([^"]+)"', spec)
    assert match, "the spec names its icon"
    return f"resources/icons/{match[1]}"


# ---- tests -------------------------------------------------------------------------------------
def test_it_installs_for_the_user_alone_without_administrator_rights(iss: Iss) -> None:
    setup = iss.setup
    assert setup["privilegesrequired"] == "lowest"
    # {autopf} is %LOCALAPPDATA%\Programs only in that non-administrative mode: an override would
    # let the user pick an all-users install into Program Files.
    assert "privilegesrequiredoverridesallowed" not in setup
    assert setup["defaultdirname"].startswith("{autopf}\\")
    assert "{pf}" not in iss.text and "{commonpf}" not in iss.text
    assert setup["architecturesallowed"] == setup["architecturesinstallin64bitmode"] == "x64compatible"
    assert setup["changesassociations"] == "yes"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["appid"])
    assert [lang["messagesfile"] for lang in iss.entries("Languages")] == ["compiler:Languages\\Russian.isl"]
    for icon in iss.entries("Icons"):  # the user's own Start menu and desktop
        assert icon["name"].split("\\")[0] in {"{autoprograms}", "{autodesktop}", "{userprograms}",
                                               "{userdesktop}", "{group}"}
    menu = [icon for icon in iss.entries("Icons") if "tasks" not in icon]
    assert [icon["name"] for icon in menu] == ["{autoprograms}\\Дорожные карты"]
    desktop_icon = [icon for icon in iss.entries("Icons") if "tasks" in icon]
    (task,) = iss.entries("Tasks")
    assert [icon["tasks"] for icon in desktop_icon] == [task["name"]] and "unchecked" in flags(task)


def test_it_installs_the_folder_the_spec_builds(iss: Iss) -> None:
    (files,) = iss.entries("Files")
    source = PureWindowsPath(files["source"])
    assert source.name == "*"
    assert from_iss(str(source.parent)) == dist_folder()
    assert files["destdir"] == "{app}"
    assert {"recursesubdirs", "createallsubdirs"} <= flags(files)
    output = from_iss(iss.setup["outputdir"])
    assert output == ROOT / PureWindowsPath(ps1_settings()["OutDir"]).as_posix()


def test_every_other_file_the_script_reads_exists(iss: Iss) -> None:
    named = [iss.setup[key] for key in ("setupiconfile", "licensefile", "infobeforefile", "infoafterfile",
                                         "wizardimagefile", "wizardsmallimagefile") if key in iss.setup]
    named += [lang["messagesfile"] for lang in iss.entries("Languages")]
    local = [path for path in named if not path.startswith("compiler:")]
    assert local, "at least the setup icon"
    for path in local:
        assert from_iss(path).is_file(), path
    assert from_iss(iss.setup["setupiconfile"]) == ICON == ROOT / spec_icon()


def test_every_program_the_script_starts_is_one_the_spec_builds(iss: Iss) -> None:
    named = set(re.findall(r"\{app\}\\([^\"\\;,\s]+\.exe)", iss.text, re.IGNORECASE))
    assert named, "the script starts the program"
    assert named <= spec_programs(), named - spec_programs()
    window = "roadmapw.exe"  # the windowed one: no console behind the menu entry or a double click
    assert window in spec_programs()
    assert {icon["filename"] for icon in iss.entries("Icons")} == {f"{{app}}\\{window}"}
    assert iss.setup["uninstalldisplayicon"] == f"{{app}}\\{window}"


def test_the_file_type_is_offered_without_taking_sqlite_from_other_programs(iss: Iss) -> None:
    registry = iss.entries("Registry")
    assert registry
    for entry in registry:
        assert entry["root"].upper() in {"HKA", "HKCU"}, entry  # HKA is HKCU in this per-user install
        assert not flags(entry) & {"deletekey", "deletevalue"}, entry  # nothing of anyone else at install
        key = entry["subkey"].lower()
        assert key.startswith("software\\classes\\"), entry
        if key.split("\\")[2].startswith("."):  # an extension's key is shared with other programs
            assert flags(entry) <= {"uninsdeletevalue", "uninsdeletekeyifempty"}, entry
            if entry.get("valuetype", "none") != "none":
                # only our name in OpenWithProgids; never the extension's default program
                assert key.endswith("\\openwithprogids") and entry.get("valuename"), entry
    progid = iss.defines["ProgId"]
    owned = [e for e in registry if "uninsdeletekey" in flags(e)]
    assert {e["subkey"] for e in owned} == {f"Software\\Classes\\{progid}",
                                             "Software\\Classes\\Applications\\roadmapw.exe"}
    values = {(e["subkey"], e.get("valuename", "")): e.get("valuedata", "")
              for e in registry if e.get("valuetype", "none") != "none"}
    assert values[(f"Software\\Classes\\{progid}", "")] == "Файл дорожных карт"
    assert values[(f"Software\\Classes\\{progid}\\shell\\open\\command", "")] == '"{app}\\roadmapw.exe" "%1"'
    assert values[("Software\\Classes\\.sqlite\\OpenWithProgids", progid)] == ""
    assert ("Software\\Classes\\.sqlite", "") not in values


def test_nothing_deletes_the_users_data(iss: Iss) -> None:
    # The uninstaller removes what it installed; the data (%LOCALAPPDATA%\roadmap, or data\ of a
    # portable copy) and the settings (HKCU\Software\roadmap) are the user's.
    assert not iss.entries("UninstallDelete")
    assert "uninstalldelete" not in iss.sections
    for entry in iss.entries("InstallDelete"):
        name = PureWindowsPath(entry["name"])
        assert name.parts[0] == "{app}" and len(name.parts) > 1, entry
        assert "data" not in {part.lower() for part in name.parts}, entry
    for constant in ("{localappdata}", "{userappdata}", "{commonappdata}", "{userdocs}", "{autoappdata}"):
        for section in ("installdelete", "uninstalldelete", "registry", "files"):
            for entry in iss.entries(section):
                assert constant not in str(entry).lower(), entry
    assert not any(e["subkey"].lower().startswith("software\\roadmap") for e in iss.entries("Registry"))


def test_the_version_and_file_names_agree_everywhere(iss: Iss) -> None:
    assert iss.defines["AppVersion"] == desktop.__version__  # the default; build.ps1 passes /DAppVersion
    ps1 = BUILD_PS1.read_text(encoding="utf-8-sig")
    assert re.search(r'"/DAppVersion=\$Version"', ps1)
    assert "import desktop; print(desktop.__version__)" in ps1
    settings = ps1_settings()
    out_dir = PureWindowsPath(settings["OutDir"]).as_posix()
    setup_name = iss.setup["outputbasefilename"].replace(iss.defines["AppVersion"], "*") + ".exe"
    assert setup_name == "roadmap-*-setup.exe"
    zip_name = "roadmap-*-portable.zip"
    workflow = WORKFLOW.read_text(encoding="utf-8")
    for name in (setup_name, zip_name):
        assert f'"$OutDir\\{name.replace("*", "$Version")}"' in ps1, name  # what build.ps1 writes
        assert f"{out_dir}/{name}" in workflow, name  # what CI looks for and keeps


def test_build_script_and_workflow_build_with_the_spec_and_check_the_portable_copy() -> None:
    settings = ps1_settings()
    assert spec_path().is_file()
    ps1 = BUILD_PS1.read_text(encoding="utf-8-sig")
    assert "'--distpath', $DistPath, '--workpath', $WorkPath, $Spec" in ps1
    assert re.fullmatch(r"pyinstaller>=6\.\d+,<7", settings["PyInstallerPin"])
    assert ROOT / PureWindowsPath(settings["Iss"]).as_posix() == ISS
    assert settings["PortableMarker"] == config.PORTABLE_MARKER
    assert "данные хранятся в папке data рядом с программой" in settings["PortableText"]
    workflow = WORKFLOW.read_text(encoding="utf-8")
    built = dist_folder().relative_to(ROOT).as_posix()
    assert f"{built}/roadmap.exe" in workflow and f"Resolve-Path {built}" in workflow
    assert "installer/windows/build.ps1" in workflow
    assert config.PORTABLE_MARKER in workflow and "$diag.portable" in workflow
    assert "$diag.folders.data.path" in workflow and "$diag.qt.russian_translation_loads" in workflow
    assert "QT_QPA_PLATFORM: offscreen" in workflow
    assert "choco install innosetup" in workflow
    assert re.search(r'python-version: "3\.11"', workflow)


def test_the_scripts_read_right_on_a_russian_windows() -> None:
    # Windows PowerShell 5.1 and Inno Setup before 6.3 read a file without a BOM as ANSI: the
    # Russian text would come out garbled. ASCII-only files need none.
    for path in (ISS, BUILD_PS1):
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert raw.startswith(BOM) or raw.isascii(), path


def read_icon(data: bytes) -> dict[int, tuple[str, int, int]]:
    """size -> (kind, width, height) as the image data itself says, checking the ICO structure."""
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1) and count > 0
    images: dict[int, tuple[str, int, int]] = {}
    for index in range(count):
        width, height, _colors, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        size = width or 256
        assert (height or 256) == size and planes in (0, 1) and bits == 32
        assert 6 + 16 * count <= offset and offset + length <= len(data)
        blob = data[offset : offset + length]
        if blob.startswith(b"\x89PNG\r\n\x1a\n"):
            images[size] = ("png", *struct.unpack(">II", blob[16:24]))
        else:
            header, w, h, _planes, bit_count = struct.unpack_from("<IiiHH", blob)
            assert header == 40 and bit_count == 32
            mask = ((w + 31) // 32) * 4 * w
            assert length == 40 + w * w * 4 + mask
            images[size] = ("bmp", w, h // 2)
    return images


def test_the_icon_is_a_windows_icon_from_16_to_256_pixels() -> None:
    images = read_icon(ICON.read_bytes())
    assert {16, 32, 48, 256} <= set(images)
    for size, (_kind, width, height) in images.items():
        assert (width, height) == (size, size)


def test_the_icon_is_the_svg_drawn(qapp: Any) -> None:
    """A changed roadmap.svg needs `make_icon.py` again: the icon must show what the SVG shows."""
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    sys.path.insert(0, str(WINDOWS))
    try:
        import make_icon
    finally:
        sys.path.remove(str(WINDOWS))
    renderer = QSvgRenderer(str(ICON.with_suffix(".svg")))
    data = ICON.read_bytes()
    count = struct.unpack_from("<H", data, 4)[0]
    for index in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        size = width or 256
        blob = data[offset : offset + length]
        fresh = make_icon.render(renderer, size)
        if blob.startswith(b"\x89PNG"):
            stored = bytes(QImage.fromData(blob).convertToFormat(QImage.Format.Format_ARGB32).constBits())
        else:  # rows bottom-up after the 40-byte header
            rows = [blob[40 + y * size * 4 : 40 + (y + 1) * size * 4] for y in range(size)]
            stored = b"".join(reversed(rows))
        expected = bytes(fresh.constBits())[: size * size * 4]
        difference = sum(abs(a - b) for a, b in zip(stored[: len(expected)], expected, strict=True))
        assert difference / len(expected) < 2, f"{size} px differs from roadmap.svg: run make_icon.py"


def wine_path(path: Path) -> str:
    return str(path) if sys.platform == "win32" else "Z:" + str(path).replace("/", "\\")


@pytest.mark.skipif(
    not os.environ.get("ROADMAP_ISCC") or (sys.platform != "win32" and shutil.which("wine") is None),
    reason="set ROADMAP_ISCC to Inno Setup 6's ISCC.exe (and have wine off Windows) to compile the script",
)
def test_inno_setup_compiles_the_script(tmp_path: Path) -> None:
    iscc = os.environ["ROADMAP_ISCC"]
    script = tmp_path / "installer" / "windows" / ISS.name
    script.parent.mkdir(parents=True)
    shutil.copy(ISS, script)
    icon = tmp_path / ICON.relative_to(ROOT)
    icon.parent.mkdir(parents=True)
    shutil.copy(ICON, icon)
    program = tmp_path / dist_folder().relative_to(ROOT)
    (program / "_internal").mkdir(parents=True)
    for exe in spec_programs():
        (program / exe).write_bytes(b"MZ")
    (program / "_internal" / "base_library.zip").write_bytes(b"PK")
    command = [iscc, "/Q", "/DAppVersion=9.8.7", wine_path(script)]
    if sys.platform != "win32":
        command.insert(0, "wine")
    env = dict(os.environ, WINEDEBUG="-all")
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "build" / "installer" / "roadmap-9.8.7-setup.exe").stat().st_size > 100_000
