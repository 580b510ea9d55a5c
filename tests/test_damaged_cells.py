"""Damage inside values that SQLite's checks cannot see (a flipped bit in a date, a list, an
imported column): one bad cell never makes the roadmap unreadable — the value reads as empty, the
rest shows, dumps and exports; a value the roadmap cannot do without (its period) is told as
damage with the newest backup, never as an internal error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database
from models.storage.errors import DamagedFileError
from tests.conftest import cli_json, run_cli
from ui.main_window import MainWindow


def damage(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_bad_cells_read_as_empty_and_the_rest_is_there(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    damage(
        demo_db,
        "UPDATE measures SET done_on = '2024-13-45' WHERE id = 2",
        "UPDATE measures SET extra = '{испорчено' WHERE id = 3",
        "UPDATE roadmaps SET tasks = 'не список' WHERE id = 1",
        "UPDATE orders SET date = 'xx' WHERE roadmap_id = 1",
        "UPDATE file_settings SET value = '[1, 2' WHERE key = 'school_calendar'",
    )
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    tree = service.load(1)
    assert tree.measures[2].done_on is None and tree.measures[3].extra == {}
    assert tree.header.tasks == () and tree.header.order is not None and tree.header.order.date is None
    window = MainWindow(service, str(demo_db))
    qtbot.addWidget(window)
    assert window.grid_model.tree is not None and len(window.grid_model.tree.measures) == len(tree.measures)
    dumped = cli_json("dump", "--db", str(demo_db), "--roadmap", "1")
    assert len(dumped["roadmaps"]) == 1
    out = tmp_path / "карта.pdf"
    assert cli_json("export", "--db", str(demo_db), "--roadmap", "1", "--pdf", str(out))["pages"] > 1
    service.db.close()


def test_a_damaged_period_is_told_as_damage_not_an_internal_error(demo_db: Path) -> None:
    damage(
        demo_db,
        "PRAGMA ignore_check_constraints = ON",
        "UPDATE roadmaps SET period_start = '2023-09-1x' WHERE id = 1",
    )
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    with pytest.raises(DamagedFileError, match="повреждён"):
        service.load(1)
    service.db.close()
    result = run_cli("dump", "--db", str(demo_db))
    assert (
        result.returncode == 1 and "повреждён" in result.stderr and "Внутренняя ошибка" not in result.stderr
    )
