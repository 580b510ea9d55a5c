"""Old and foreign formats (.doc, .odt, .rtf) through LibreOffice, converted to .docx first."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from desktop.importers.document import Document
from desktop.importers.guard import ImportError_

TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_via_office(path: Path) -> Document:
    program = soffice()
    if program is None:
        raise ImportError_(
            f"Для файлов {path.suffix} нужен LibreOffice, а он не установлен. Установите LibreOffice "
            "(Astra Linux/Debian: sudo apt install libreoffice-writer) "
            "или сохраните документ в Word как .docx."
        )
    with tempfile.TemporaryDirectory(prefix="roadmap-import-") as folder:
        try:
            subprocess.run(
                [
                    program,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    folder,
                    str(path),
                ],
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ImportError_(f"LibreOffice не смог преобразовать «{path.name}» за {TIMEOUT_S} с.") from exc
        converted = Path(folder) / (path.stem + ".docx")
        if not converted.exists():
            raise ImportError_(
                f"LibreOffice не смог открыть «{path.name}»: файл повреждён или защищён паролем."
            )
        from desktop.importers.docx_reader import read_docx

        return read_docx(converted)
