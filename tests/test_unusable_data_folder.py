"""A data folder that cannot be created (a read-only profile, a write-protected stick): the program
still opens and edits the file, and says that backups and the log are off and why — no traceback,
nothing in English."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from desktop import app, logging_setup
from models.storage.database import open_database
from tests.conftest import run_cli


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    stick = tmp_path / "защищено"
    stick.write_text("файл там, где должна быть папка данных", encoding="utf-8")
    return stick / "roadmap"


def test_the_command_line_still_edits_and_says_why_there_is_no_backup(small_db: Path, blocked: Path) -> None:
    result = run_cli(
        "set",
        "--db",
        str(small_db),
        "--measure",
        "1",
        "note=без копий",
        env={"ROADMAP_DATA_DIR": str(blocked)},
    )
    assert result.returncode == 0, result.stderr
    assert "Резервная копия файла не сделана" in result.stderr
    assert "Traceback" not in result.stderr and not re.search(
        r"[A-Za-z]{4,} [a-z]{3,}", result.stderr.replace(str(blocked), "")
    )
    with sqlite3.connect(small_db) as conn:
        assert conn.execute("SELECT note FROM measures WHERE id = 1").fetchone() == ("без копий",)
    conn.close()
    shot = run_cli(
        "shot",
        "--db",
        str(small_db),
        "--view",
        "grid",
        "--out",
        str(small_db.with_suffix(".png")),
        env={"ROADMAP_DATA_DIR": str(blocked)},
    )
    assert shot.returncode == 0 and "Traceback" not in shot.stderr


def test_the_window_is_told_that_backups_and_the_log_are_off(
    small_db: Path, blocked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(blocked))
    monkeypatch.setattr(logging_setup, "_configured", False)
    monkeypatch.setattr(logging_setup, "problem", None)
    logging_setup.setup_logging()
    database = open_database(small_db, blocked / "backups")
    notices = dict(app._notices(database))
    assert notices["⚠ Журнал не ведётся"].startswith("Журнал работы не ведётся")
    assert notices["⚠ Резервная копия не сделана"].startswith("Резервная копия файла не сделана")
    database.close()
