"""Checks on an import source before any parser sees it: what it really is, and that it is safe.

Neither python-docx nor openpyxl limits what a zip may unpack to, so the zip's directory is
checked first (member count, total size, compression ratio), and every XML part is refused if it
declares a DTD (entity bombs, external entities): OOXML never needs one.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Final

from models.domain.errors import DomainError

MAX_SOURCE_BYTES: Final = 50 * 1024 * 1024
MAX_ZIP_MEMBERS: Final = 5_000
MAX_UNPACKED_BYTES: Final = 300 * 1024 * 1024
MAX_RATIO: Final = 150  # OOXML text compresses ~10-30x; bombs compress thousands of times
KINDS: Final = {
    ".docx": "docx",
    ".docm": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".txt": "text",
    ".tsv": "text",
    ".csv": "text",
    ".doc": "office",
    ".odt": "office",
    ".rtf": "office",
    ".pdf": "pdf",
}


class ImportError_(DomainError):
    """The source cannot be imported; the message says why and what to do."""


def sniff(path: Path) -> str:
    """The source's real kind ("docx", "xlsx", "text", "office"), checked against its content."""
    if not path.exists():
        raise ImportError_(f"Файл «{path}» не найден. Проверьте путь.")
    if path.is_dir():
        raise ImportError_(f"«{path}» — это папка. Выберите файл документа (.docx, .xlsx, .txt).")
    size = path.stat().st_size
    if size == 0:
        raise ImportError_(f"Файл «{path.name}» пуст. Выберите файл с дорожной картой.")
    if size > MAX_SOURCE_BYTES:
        raise ImportError_(
            f"Файл «{path.name}» слишком велик ({size // (1024 * 1024)} МБ; допускается до "
            f"{MAX_SOURCE_BYTES // (1024 * 1024)} МБ). Сохраните дорожную карту отдельным документом."
        )
    with open(path, "rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    kind = KINDS.get(suffix)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc, .xls or an encrypted OOXML
        if suffix in (".docx", ".xlsx"):
            raise ImportError_(
                f"Файл «{path.name}» защищён паролем или сохранён в старом формате. "
                "Снимите пароль (Файл → Сведения → Защита) и сохраните как .docx или .xlsx."
            )
        return "office"
    if head.startswith(b"{\\rtf"):
        return "office"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, suffix)
    if kind in ("docx", "xlsx"):
        raise ImportError_(
            f"Файл «{path.name}» повреждён или не является документом {suffix}: его содержимое не читается. "
            "Откройте его в Word или Excel и сохраните заново."
        )
    if kind is None:
        raise ImportError_(
            f"Формат файла «{path.name}» не поддерживается. Поддерживаются .docx, .xlsx, .pdf, .txt, "
            ".tsv, а также .doc, .odt и .rtf (через LibreOffice)."
        )
    return kind


def _zip_kind(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise ImportError_(
            f"Файл «{path.name}» повреждён (архив документа не читается). Откройте его в Word или Excel "
            "и сохраните заново."
        ) from exc
    check_zip_directory(path, infos)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and suffix == ".odt":
        return "office"
    raise ImportError_(
        f"Файл «{path.name}» — архив, но не документ Word или Excel. Выберите файл .docx или .xlsx."
    )


def check_zip_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs before anything is unpacked."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportError_(
            f"Файл «{path.name}» содержит слишком много частей ({len(infos)}); он не будет открыт."
        )
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked / packed > MAX_RATIO and unpacked > 10 * 1024 * 1024):
        raise ImportError_(
            f"Файл «{path.name}» при распаковке занял бы {unpacked // (1024 * 1024)} МБ — "
            "это похоже на повреждённый или вредоносный документ; он не будет открыт."
        )


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """One part of a document's zip, with any damage reported as a Russian message."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise ImportError_(
            f"Документ «{path.name}» неполон: в нём нет части «{name}». Сохраните его заново."
        ) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _unpacking_error(path, name) from exc


class CheckedMemberStream:
    """A zip part read in pieces for a streaming parser, so a 150 MB part is never held whole:
    every piece is checked for DTD declarations (with an overlap for a keyword cut in two) and
    unpacking damage becomes the same Russian message as ``read_member``'s."""

    OVERLAP: Final = len(b"<!DOCTYPE") - 1

    def __init__(self, archive: zipfile.ZipFile, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self._tail = b""
        try:
            self._stream = archive.open(name)
        except KeyError as exc:
            raise ImportError_(
                f"Документ «{path.name}» неполон: в нём нет части «{name}». Сохраните его заново."
            ) from exc
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise _unpacking_error(path, name) from exc

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._stream.read(size)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise _unpacking_error(self.path, self.name) from exc
        check_xml(self.name, self._tail + data)
        self._tail = data[-self.OVERLAP :]
        return data

    def close(self) -> None:
        self._stream.close()


def _unpacking_error(path: Path, name: str) -> ImportError_:
    return ImportError_(
        f"Документ «{path.name}» повреждён (часть «{name}» не распаковывается). Сохраните его заново."
    )


def check_xml(name: str, data: bytes) -> None:
    """OOXML parts never declare a DTD; one that does is an entity bomb or an XXE attempt."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # XML keywords are case-sensitive
        raise ImportError_(
            f"Часть «{name}» документа содержит недопустимые объявления XML (DTD). "
            "Документ не будет открыт: сохраните его заново в Word или Excel."
        )
