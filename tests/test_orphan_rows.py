"""Rows a file's other editor cut loose — a measure whose section is gone, sections whose parents
form a loop (written with foreign keys off) — are still shown, dumped and exported, at the top."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pypdf import PdfReader

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from tests.conftest import cli_json


def cut_loose(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    first, second = (row[0] for row in conn.execute("SELECT id FROM sections ORDER BY id"))
    conn.execute("DELETE FROM sections WHERE id = ?", (first,))  # its measures stay
    conn.execute(
        "INSERT INTO sections (id, roadmap_id, parent_id, position, title, number_as_written, version)"
        " VALUES (90, 1, 91, 1, 'Петля А', '', 1), (91, 1, 90, 1, 'Петля Б', '', 1)"
    )
    conn.execute("UPDATE measures SET section_id = 91 WHERE section_id = ?", (second,))
    conn.commit()
    conn.close()


def titles_in_file(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = [str(r[0]).split("\n")[0] for r in conn.execute("SELECT title FROM measures ORDER BY id")]
    conn.close()
    return rows


def test_measures_cut_loose_are_still_shown_dumped_and_exported(small_db: Path, tmp_path: Path) -> None:
    cut_loose(small_db)
    expected = titles_in_file(small_db)
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    tree = service.load(1)
    assert sorted(m.title.split("\n")[0] for m in tree.measures_in_order()) == sorted(expected)
    assert {"Петля А", "Петля Б"} <= {
        tree.sections[ref[1]].title for ref in tree.top if ref[0] == "section"
    } | {s.title for s in tree.sections.values()}
    service.db.close()
    dumped = cli_json("dump", "--db", str(small_db), "--roadmap", "1")
    text = str(dumped)
    assert all(title in text for title in expected)
    out = tmp_path / "карта.pdf"
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--pdf", str(out))
    pdf = " ".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", " ")
    assert all(title in pdf for title in expected)
