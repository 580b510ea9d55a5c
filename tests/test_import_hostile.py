"""Broken, empty, huge and hostile import sources: exit 1, one Russian line, the file untouched."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from tests.conftest import run_cli, sha256

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def docx_bytes(build: Callable[[docx.document.Document], None]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def no_table(document: docx.document.Document) -> None:
    document.add_paragraph("ДОРОЖНАЯ КАРТА на 2024 год")
    document.add_paragraph("Таблица будет позже.")


def wrong_table(document: docx.document.Document) -> None:
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Фамилия", "Телефон", "Адрес"), strict=True):
        cell.text = text


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
    b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024) + b">")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["№", "Мероприятие", "Срок"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make(kind: str, tmp_path: Path) -> Path:
    """The hostile source named ``kind``."""
    real = (SEEDS / "003.docx").read_bytes()
    files: dict[str, tuple[str, bytes]] = {
        "empty": ("empty.docx", b""),
        "truncated": ("truncated.docx", real[: len(real) // 2]),
        "text-as-docx": ("fake.docx", "Это не документ Word".encode()),
        "zip-bomb": ("bomb.docx", zip_bomb()),
        "entity-bomb": ("lol.docx", replace_part(real, "word/document.xml", ENTITY_BOMB)),
        "xxe": ("xxe.docx", replace_part(real, "word/document.xml", XXE)),
        "no-table": ("notable.docx", docx_bytes(no_table)),
        "no-measures-column": ("wrong.docx", docx_bytes(wrong_table)),
        "nul-bytes": ("nul.txt", b"\x00\x01\x02" * 1000),
        "password-xlsx": ("secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096),
        "broken-xlsx": (
            "broken.xlsx",
            replace_part(xlsx_bytes(), "xl/worksheets/sheet1.xml", b"<worksheet><a>"),
        ),
        "docx-named-xlsx": ("really-a-word-file.xlsx", real),
        "pdf": ("roadmap.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
        "unknown-extension": ("roadmap.pages", b"whatever"),
        "garbage-xml": ("garbage.docx", replace_part(real, "word/document.xml", b"<w:document><unclosed>")),
    }
    if kind == "junk-60mb":
        path = tmp_path / "junk.txt"
        with open(path, "wb") as handle:
            handle.truncate(60 * 1024 * 1024)
        return path
    if kind == "folder":
        return tmp_path
    if kind == "missing":
        return tmp_path / "нет такого файла.docx"
    name, content = files[kind]
    path = tmp_path / name
    path.write_bytes(content)
    return path


KINDS = {
    "empty": "пуст",
    "truncated": "повреждён",
    "text-as-docx": "не является документом",
    "zip-bomb": "вредоносный",
    "entity-bomb": "DTD",
    "xxe": "DTD",
    "no-table": "не найдена таблица",
    "no-measures-column": "нет столбца с мероприятиями",
    "nul-bytes": "не является текстовым",
    "password-xlsx": "защищён паролем",
    "broken-xlsx": "не читается",
    "pdf": "PDF",
    "unknown-extension": "не поддерживается",
    "garbage-xml": "повреждён",
    "junk-60mb": "слишком велик",
    "folder": "папка",
    "missing": "не найден",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_source_is_refused_and_the_file_is_untouched(kind: str, tmp_path: Path, demo_db: Path) -> None:
    source = make(kind, tmp_path)
    before = sha256(demo_db)
    started = time.perf_counter()
    result = run_cli("import", str(source), "--db", str(demo_db), timeout=60)
    assert time.perf_counter() - started < 30
    assert result.returncode == 1, result.stdout
    assert KINDS[kind] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sha256(demo_db) == before


def test_a_word_file_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    source = make("docx-named-xlsx", tmp_path)
    result = run_cli("import", str(source), "--db", str(tmp_path / "x.sqlite"))
    assert result.returncode == 0 and '"measures": 11' in result.stdout


def test_a_failed_import_creates_no_file(tmp_path: Path) -> None:
    target = tmp_path / "new.sqlite"
    result = run_cli("import", str(make("no-table", tmp_path)), "--db", str(target))
    assert result.returncode == 1
    assert not target.exists()


def test_cp1251_and_bom_text(tmp_path: Path) -> None:
    text = (SEEDS / "002.txt").read_text(encoding="utf-8")
    for name, data in (
        ("cp1251.txt", text.encode("cp1251", errors="replace")),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
    ):
        source = tmp_path / name
        source.write_bytes(data)
        db = tmp_path / f"{name}.sqlite"
        result = run_cli("import", str(source), "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert '"measures": 22' in result.stdout
