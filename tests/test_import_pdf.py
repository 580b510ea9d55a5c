"""Roadmaps published as PDF, imported as Word files are: the PDFs LibreOffice makes of the three
seeds give their labelled roadmaps, this program's own PDF read back gives the roadmap that made
it, and a scan, an encrypted, a hostile or an oversized PDF is refused in one Russian line, in
bounded time, the file untouched — all through ``python -m desktop import`` and ``dump``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cli_json, run_cli, sha256
from tests.test_import import flatten  # every section and measure of a dump, in document order

DATA = Path(__file__).parent / "data"


def norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def deadline(measure: dict[str, Any]) -> str:
    value = measure.get("deadline")
    return norm(value.get("text") if isinstance(value, dict) else value)


def imported(source: Path, tmp_path: Path) -> dict[str, Any]:
    db = tmp_path / f"{source.stem}.sqlite"
    made = cli_json("import", str(source), "--db", str(db))
    return dict(cli_json("dump", "--db", str(db), "--roadmap", str(made["roadmap_id"]))["roadmaps"][0])


@pytest.mark.parametrize("name", ["000", "002", "003"])
def test_a_pdf_made_of_a_seed_gives_its_labelled_roadmap(name: str, tmp_path: Path) -> None:
    truth = json.loads((DATA / "seeds" / f"{name}.json").read_text(encoding="utf-8"))["roadmaps"][0]
    got = imported(DATA / "pdf" / f"{name}.pdf", tmp_path)
    t_sections, t_measures = flatten(truth)
    g_sections, g_measures = flatten(got)
    assert len(g_measures) == len(t_measures)
    titles = sum(norm(t["title"]) == norm(g["title"]) for t, g in zip(t_measures, g_measures, strict=True))
    assert titles / len(t_measures) >= 0.98
    fields = sum(
        deadline(t) == deadline(g)
        and norm(t.get("responsible")) == norm(g.get("responsible"))
        and norm(t.get("result")) == norm(g.get("result"))
        for t, g in zip(t_measures, g_measures, strict=True)
    )
    assert fields / len(t_measures) >= 0.95
    assert [norm(s["title"]) for s in g_sections] == [norm(s["title"]) for s in t_sections]
    order, their = truth.get("order") or {}, got.get("order") or {}
    assert (their.get("number"), their.get("date")) == (order.get("number"), order.get("date"))
    if order.get("signer"):
        assert norm(order["signer"].split()[-1]) in norm(their.get("signer"))


def test_the_programs_own_pdf_read_back_gives_the_roadmap_that_made_it(demo_db: Path, tmp_path: Path) -> None:
    roadmaps = cli_json("dump", "--db", str(demo_db))["roadmaps"]
    for roadmap in roadmaps:
        pdf = tmp_path / f"roadmap-{roadmap['id']}.pdf"
        cli_json("export", "--db", str(demo_db), "--roadmap", str(roadmap["id"]), "--pdf", str(pdf))
        got = imported(pdf, tmp_path)
        sections, measures = flatten(roadmap)
        g_sections, g_measures = flatten(got)
        assert [norm(s["title"]) for s in g_sections] == [norm(s["title"]) for s in sections]
        shown = ("number", "title", "responsible", "result")  # the columns the order's PDF prints
        assert [[norm(m[f]) for f in shown] + [deadline(m)] for m in g_measures] == [
            [norm(m[f]) for f in shown] + [deadline(m)] for m in measures
        ]
        assert [sorted(m["schools"]) for m in g_measures] == [sorted(m["schools"]) for m in measures]
        assert got["period"] == roadmap["period"] and norm(got["title"]) == norm(roadmap["title"])
        if roadmap["order"] is not None:
            assert {k: got["order"][k] for k in ("number", "date")} == {
                k: roadmap["order"][k] for k in ("number", "date")
            }


def scanned_pdf(path: Path) -> None:
    """A page that is only a picture, as a scanner makes it."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (400, 300), "white")
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawInlineImage(picture, 50, 400, 400, 300)
    page.showPage()
    page.save()


def encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), encrypt="секрет")
    page.drawString(100, 700, "Dorozhnaya karta")
    page.showPage()
    page.save()


def hostile_pdf(path: Path) -> None:
    """A real roadmap PDF carrying JavaScript to run on opening and an embedded program."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(DATA / "pdf" / "002.pdf"))
    script = "app.alert('owned'); this.exportDataObject({cName: 'run.exe', nLaunch: 2});"
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(script)}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)  # run on opening
    writer.add_attachment("run.exe", b"MZ\x90\x00" + b"\x00" * 200)
    with open(path, "wb") as handle:
        writer.write(handle)


def flate_bomb_pdf(path: Path) -> None:
    """A page whose content stream inflates from 1.3 MB to 1.2 GB."""
    import zlib

    packer = zlib.compressobj(9)
    piece = b" " * 2**20
    stream = b"".join(packer.compress(piece) for _ in range(1200)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    path.write_bytes(out)


def many_pages_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(1_001):
        writer.add_blank_page(595, 842)
    with open(path, "wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (scanned_pdf, "отсканированные страницы"),
        (encrypted_pdf, "защищён паролем"),
        (many_pages_pdf, "1001 страниц"),
        (flate_bomb_pdf, "больше памяти"),
    ],
)
def test_a_pdf_that_cannot_be_read_is_refused_in_one_russian_line(
    make: Any, words: str, tmp_path: Path, demo_db: Path
) -> None:
    source = tmp_path / "дорожная карта.pdf"
    make(source)
    before = sha256(demo_db)
    started = time.perf_counter()
    refused = run_cli("import", str(source), "--db", str(demo_db), timeout=60)
    assert time.perf_counter() - started < 30
    assert refused.returncode == 1 and words in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert sha256(demo_db) == before


def test_javascript_and_files_inside_a_pdf_are_never_run_only_its_text_is_read(tmp_path: Path) -> None:
    source = tmp_path / "с сюрпризом.pdf"
    hostile_pdf(source)
    got = imported(source, tmp_path)
    assert len(flatten(got)[1]) == 22
    assert not list(tmp_path.glob("*.exe")) and not list(Path.cwd().glob("run.exe"))
