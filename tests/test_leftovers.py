"""Temporary files of a killed export or backup are swept away the next time, and nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from desktop.exports import export_tree
from desktop.services.roadmap import Actor, RoadmapService
from models.storage import backup, leftovers
from models.storage.database import open_database
from tests.conftest import cli_json

TWO_HOURS = 2 * 3600


def aged(path: Path, seconds: float = TWO_HOURS, text: str = "x") -> Path:
    path.write_text(text, encoding="utf-8")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def load_tree(path: Path) -> Any:
    database = open_database(path)
    try:
        return RoadmapService(database, Actor("Тест", "ПК")).load(1)
    finally:
        database.close()


def refuse_unlink(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    """Unlinking ``names`` fails as in a read-only folder (holds when the tests run as root too)."""
    real = os.unlink

    def unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(path).name in names:
            raise PermissionError(13, "Permission denied", str(path))
        real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)


def test_the_next_cli_export_removes_an_old_export_temporary_only(small_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "выгрузки"
    folder.mkdir()
    old = aged(folder / ".export-abc123.tmp")
    fresh = aged(folder / ".export-def456.tmp", seconds=60)  # a colleague's export, running now
    users = [aged(folder / "мой.tmp"), aged(folder / ".export-notes.txt"), aged(folder / ".export-notes.tmp")]
    out = folder / "карта.xlsx"
    cli_json("export", "--db", str(small_db), "--roadmap", "1", "--xlsx", str(out))
    assert out.is_file()
    assert not old.exists()
    assert fresh.exists()
    assert all(p.exists() for p in users)


def test_an_export_elsewhere_leaves_the_folder_alone(small_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "другая"
    other.mkdir()
    old = aged(other / ".export-abc123.tmp")
    export_tree(load_tree(small_db), "ics", tmp_path / "карта.ics")
    assert old.exists()


def test_the_next_backup_removes_an_old_backup_temporary(small_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "копии"
    folder.mkdir()
    old = aged(folder / "X.sqlite.tmp")
    old_journal = aged(folder / "X.sqlite.tmp-journal")
    fresh = aged(folder / "Y.sqlite.tmp", seconds=60)
    stranger = aged(folder / "заметки.tmp")
    made = backup.rolling_backup(small_db, folder)
    assert made is not None and made.is_file()
    assert not old.exists() and not old_journal.exists()
    assert fresh.exists() and stranger.exists()


def test_a_link_with_a_temporary_name_is_not_followed(small_db: Path, tmp_path: Path) -> None:
    precious = aged(tmp_path / "важное.sqlite", text="данные")
    folder = tmp_path / "копии"
    folder.mkdir()
    link = folder / "X.sqlite.tmp"
    link.symlink_to(precious)
    os.utime(link, (time.time() - TWO_HOURS,) * 2, follow_symlinks=False)
    export_link = tmp_path / ".export-abc123.tmp"
    export_link.symlink_to(precious)
    os.utime(export_link, (time.time() - TWO_HOURS,) * 2, follow_symlinks=False)

    backup.make_backup(small_db, folder)
    export_tree(load_tree(small_db), "ics", tmp_path / "карта.ics")
    assert precious.read_text(encoding="utf-8") == "данные"
    assert link.is_symlink() and export_link.is_symlink()


def test_an_unremovable_temporary_stops_neither_export_nor_backup(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck_export = aged(tmp_path / ".export-abc123.tmp")
    folder = tmp_path / "копии"
    folder.mkdir()
    stuck_backup = aged(folder / "X.sqlite.tmp")
    refuse_unlink(monkeypatch, {stuck_export.name, stuck_backup.name})
    tree = load_tree(small_db)
    assert export_tree(tree, "ics", tmp_path / "карта.ics").out.is_file()
    assert backup.make_backup(small_db, folder).is_file()
    assert stuck_export.exists() and stuck_backup.exists()


def test_a_read_only_or_missing_folder_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "только чтение"
    folder.mkdir()
    aged(folder / ".export-abc123.tmp")
    folder.chmod(0o555)
    try:
        removed = leftovers.remove_stale(folder, [leftovers.EXPORT_TEMPORARY])
    finally:
        folder.chmod(0o755)
    assert removed in ([], [folder / ".export-abc123.tmp"])  # root may still remove it
    assert leftovers.remove_stale(tmp_path / "нет такой", [leftovers.EXPORT_TEMPORARY]) == []
    unreadable = tmp_path / "закрыта"
    unreadable.mkdir(mode=0o000)
    try:
        assert leftovers.remove_stale(unreadable, [leftovers.EXPORT_TEMPORARY]) == []
    finally:
        unreadable.chmod(0o755)
