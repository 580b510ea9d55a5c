"""Evidence of a measure's execution: scans, protocols, photos attached to a measure or to one
school's record of it, kept inside the roadmap file so that one file still carries everything.

Nothing about an attachment is trusted — neither the file a user picks nor a row someone else
put into the roadmap file: its name is cut to a plain file name, its size is counted from its
bytes, and a program (by its name or by its first bytes) is never handed to the system to open.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from models.domain.errors import ValidationError

MAX_BYTES: Final = 20 * 1024 * 1024
MAX_NAME: Final = 120
FALLBACK_NAME: Final = "вложение"

# Kinds that run code when the system opens them (Windows, Linux desktops, office macros).
_PROGRAMS: Final = frozenset(
    [
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "msc",
        "cpl",
        "dll",
        "sys",
        "ocx",
        "drv",
        "ps1",
        "psm1",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "hta",
        "jar",
        "lnk",
        "url",
        "reg",
        "inf",
        "scf",
        "chm",
        "application",
        "gadget",
        "appref-ms",
        "sh",
        "bash",
        "run",
        "bin",
        "elf",
        "out",
        "desktop",
        "appimage",
        "deb",
        "rpm",
        "py",
        "pyw",
        "pl",
        "rb",
        "php",
        "docm",
        "dotm",
        "xlsm",
        "xltm",
        "xlam",
        "pptm",
        "potm",
        "ppam",
        "sldm",
        "iso",
        "img",
        "vhd",
    ]
)
# Kinds handed to the system's viewer when the user asks to open them; others are only saved.
VIEWABLE: Final = frozenset(
    [
        "pdf",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "webp",
        "heic",
        "txt",
        "rtf",
        "doc",
        "docx",
        "odt",
        "xls",
        "xlsx",
        "ods",
        "ppt",
        "pptx",
        "odp",
        "csv",
    ]
)
# First bytes of programs whatever their name says: Windows PE, ELF, a script's «#!», Mach-O.
_PROGRAM_MAGIC: Final = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
_UNSAFE: Final = re.compile(r'[\\/:*?"<>|]+')
# Windows device names, whatever follows after spaces and a dot («con .txt», «COM¹.txt», «CONIN$»)
_RESERVED: Final = re.compile(
    r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\s*\..*)?$", re.IGNORECASE
)
# Old office formats and RTF carry macros or embedded programs in these (the name says nothing).
_HIDDEN_CODE: Final = (
    "_VBA_PROJECT".encode("utf-16-le"),
    "Macros".encode("utf-16-le"),
    b"\\objdata",
    b"\\object",
)
_OLE_OR_RTF: Final = (b"\xd0\xcf\x11\xe0", b"{\\rtf")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One attached file as the program shows it (its bytes stay in the file until asked for)."""

    id: int
    measure_id: int
    school_id: int | None  # None: the measure's own evidence
    name: str
    size: int
    added_by: str
    added_at: datetime | None


def plain_text(value: object) -> str:
    """A value read from a file as text: bytes decoded (a name stored as a BLOB), None as ""."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def safe_name(name: str) -> str:
    """A plain file name for ``name``: no folders («..\\..\\x» → «x»), no control or reserved
    characters, no Windows device names, at most MAX_NAME characters with its extension kept; a
    name that is only an extension («..pdf») becomes «вложение.pdf»."""
    name = unicodedata.normalize("NFC", plain_text(name))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in name)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().rstrip(" .")
    name = re.sub(r"\.{2,}", ".", name)
    if name.startswith("."):
        name = FALLBACK_NAME + name if len(name) > 1 else ""
    if _RESERVED.match(name):
        name = "_" + name
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 20:
            name = stem[: MAX_NAME - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:MAX_NAME].rstrip(" .")
    return name or FALLBACK_NAME


def extension(name: str) -> str:
    stem, dot, tail = name.rpartition(".")
    return tail.casefold() if dot and stem else ""


def is_program(name: str, data: bytes) -> bool:
    """Would it run code? By its name's last extension, its first bytes (a program), or — for old
    office files and RTF — macros or embedded objects inside."""
    if extension(name) in _PROGRAMS or data.startswith(_PROGRAM_MAGIC):
        return True
    return data.startswith(_OLE_OR_RTF) and any(mark in data for mark in _HIDDEN_CODE)


def check_new(name: str, size: int, data: bytes) -> str:
    """The name a new attachment is stored under, or ValidationError saying why it is refused
    (``data``: its bytes, or the first ones when it is refused by size before being read)."""
    shown = safe_name(name)
    if size > MAX_BYTES:
        exact = size_label(size)
        if exact == size_label(MAX_BYTES):
            exact = f"{size:,} байт".replace(",", " ")
        raise ValidationError(
            f"Файл «{shown}» слишком большой: {exact}, а можно не больше {size_label(MAX_BYTES)}. "
            "Уменьшите его (например, отсканируйте с меньшим разрешением или сожмите фотографию) "
            "и приложите снова."
        )
    if size == 0:
        raise ValidationError(f"Файл «{shown}» пустой: приложите файл с содержимым.")
    if is_program(shown, data) or is_program(plain_text(name).strip().rstrip(" ."), data):
        raise ValidationError(
            f"Файл «{shown}» — программа или файл с макросами; такие файлы не прикладываются. "
            "Приложите скан, фотографию, PDF или документ."
        )
    return shown


def check_viewable(name: str, data: bytes) -> None:
    """ValidationError unless the file may be handed to the system's viewer."""
    if is_program(name, data) or extension(name) not in VIEWABLE:
        raise ValidationError(
            f"Файл «{name}» не открывается из программы: такие файлы могут оказаться программой. "
            "Сохраните его («Сохранить как…») и проверьте антивирусом."
        )


def size_label(size: int) -> str:
    """«850 КБ», «1,3 МБ»: sizes as a Russian file manager shows them."""
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} КБ"
    megabytes = f"{size / 1024 / 1024:.1f}".removesuffix(".0")
    return f"{megabytes} МБ".replace(".", ",")
