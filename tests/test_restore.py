"""Restoring a backup: the program's own «перед обновлением» copy (an older revision) is upgraded as
it goes in, a colleague's save based on rows loaded before the restore is refused (versions never
go back), and five restores do not push out the only pre-upgrade copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import files
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import StaleEditError
from models.storage import backup as backups
from models.storage import migrations
from models.storage.database import inspect, open_database
from tests.test_migrations import make_old_file


def test_the_pre_upgrade_copy_is_upgraded_as_it_is_restored(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "старый.sqlite"
    make_old_file(path, "0001")
    opened = files.open_file(path)  # as the window opens it: backed up, then upgraded
    colleague = RoadmapService(open_database(path), Actor("Иванов", "ПК-2"))  # a window left open
    before_upgrade = next(b for b in files.list_backups(path) if b.reason.startswith("перед обновлением"))
    assert inspect(before_upgrade.path).revision == "0001"
    files.restore_backup(before_upgrade.path, path, files.actor())
    assert inspect(path).revision == migrations.HEAD
    tree = colleague.load(1)  # the colleague's window reloads, it does not crash
    assert [m.title for m in tree.measures_in_order()] == ["Семинар"]
    assert colleague.school_calendar()[1] == 0  # file_settings exists again (it was «no such table»)
    colleague.db.close()
    opened.close()


def test_a_save_based_on_rows_loaded_before_a_restore_is_refused(small_db: Path, data_dir: Path) -> None:
    files.open_file(small_db).close()  # a rolling backup of the file as it is now
    copy = files.list_backups(small_db)[0].path
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    seen = colleague.load(1).measures_in_order()[0]  # loaded before the restore
    me = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    me.edit_measure(seen.id, seen.version, {"note": "после копии"})
    files.restore_backup(copy, small_db, files.actor())
    assert me.load(1).measures_in_order()[0].note == seen.note  # the copy is back
    with pytest.raises(StaleEditError):  # its version went back to what the colleague saw: ABA
        colleague.edit_measure(seen.id, seen.version, {"note": "поверх восстановленного"})
    assert me.load(1).measures_in_order()[0].note == seen.note
    colleague.db.close()
    me.db.close()


def test_five_restores_keep_the_only_pre_upgrade_copy(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "старый.sqlite"
    make_old_file(path, "0002")
    files.open_file(path).close()
    rolling = next(b for b in files.list_backups(path) if not b.reason).path
    for _ in range(6):
        files.restore_backup(rolling, path, files.actor())
    reasons = [b.reason for b in files.list_backups(path)]
    assert any(r.startswith("перед обновлением") for r in reasons)
    assert sum(r == "перед восстановлением" for r in reasons) == backups.KEEP_SPECIAL


def test_a_second_restore_at_the_same_time_is_told_not_done(small_db: Path, data_dir: Path) -> None:
    import os
    import time

    from models.storage.errors import BusyError
    from tests.conftest import sha256

    files.open_file(small_db).close()
    copy = files.list_backups(small_db)[0].path
    mark = small_db.with_name(f".~restore.{small_db.name}#")
    mark.write_text("", encoding="utf-8")  # another computer's restore is running
    digest = sha256(small_db)
    with pytest.raises(BusyError, match="сейчас восстанавливается"):
        files.restore_backup(copy, small_db, files.actor())
    assert sha256(small_db) == digest
    old = time.time() - 3600
    os.utime(mark, (old, old))  # left by a restore that crashed an hour ago
    files.restore_backup(copy, small_db, files.actor())
    assert not mark.exists()


def test_a_colleagues_window_reloads_after_a_restore_of_the_pre_upgrade_copy(
    qtbot: object, tmp_path: Path, data_dir: Path
) -> None:
    """Restoring the «перед обновлением 0001» copy left every open window broken (no such
    table); a colleague's window now reloads at its next poll and shows the restored roadmap."""
    from desktop.services.session import FileSession
    from ui.main_window import MainWindow

    path = tmp_path / "старый.sqlite"
    make_old_file(path, "0001")
    files.open_file(path).close()  # backed up as «перед обновлением 0001», then upgraded
    their_db = open_database(path)
    theirs = MainWindow(
        RoadmapService(their_db, Actor("Иванов", "ПК-2")),
        str(path),
        session=FileSession(their_db, "Иванов", "ПК-2"),
    )
    qtbot.addWidget(theirs)  # type: ignore[attr-defined]
    copy = next(b for b in files.list_backups(path) if b.reason.startswith("перед обновлением")).path
    theirs.service.edit_measure(1, None, {"note": "после обновления"})
    files.restore_backup(copy, path, files.actor())  # done from another window
    theirs.poll_file()  # what its 2-second timer does
    shown = theirs.grid_model.tree
    assert shown is not None and [m.note for m in shown.measures_in_order()] == ["протокол № 1"]
    theirs.close()
    theirs.session.close()  # type: ignore[union-attr]
    their_db.close()
