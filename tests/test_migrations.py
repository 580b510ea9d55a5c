"""Schema migrations: from empty and from every older revision, with a backup first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from desktop import config
from models.entities import Base
from models.storage import backup, migrations
from models.storage.database import create_database, inspect, open_database
from models.storage.engine import APPLICATION_ID, make_engine


def test_known_revisions_match_the_scripts() -> None:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.SCRIPT_LOCATION))
    script = ScriptDirectory.from_config(cfg)
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == migrations.KNOWN_REVISIONS
    assert script.get_current_head() == migrations.HEAD


def test_from_empty_the_schema_equals_the_entities(tmp_path: Path) -> None:
    database = create_database(tmp_path / "new.sqlite")
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    database.close()
    assert diff == []


def make_old_file(path: Path, revision: str) -> None:
    """A file as an older program left it: schema at ``revision`` with a roadmap in it."""
    engine = make_engine(path, create=True)
    migrations.upgrade(engine, revision, application_id=APPLICATION_ID)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO roadmaps (id, title, organization, period_start, period_end, numbering, "
            "subsection_numbering, goal, tasks, approval_lines, settings, created_at, updated_at, version) "
            "VALUES (1, 'Старая карта', '', '2023-01-01', '2023-12-31', 'hierarchical', 'nested', '', '[]', "
            "'[]', '{}', '2023-01-01 00:00:00', '2023-01-01 00:00:00', 1)"
        )
        conn.execute(
            "INSERT INTO measures (roadmap_id, position, title, form, deadline_text, responsible, result, "
            "target_group, status, note, number_as_written, extra, version) "
            "VALUES (1, 1, 'Семинар', '', 'Март 2023 г.', 'РМО', '', '', 'done', 'протокол № 1', '1', '{}', 1)"  # noqa: E501
        )
    conn.close()


@pytest.mark.parametrize("revision", migrations.KNOWN_REVISIONS[:-1])
def test_older_file_is_backed_up_then_upgraded(tmp_path: Path, revision: str) -> None:
    path = tmp_path / "old.sqlite"
    make_old_file(path, revision)
    assert inspect(path).revision == revision

    database = open_database(path, config.backup_root())
    database.close()

    facts = inspect(path, with_counts=True)
    assert facts.revision == migrations.HEAD
    assert facts.counts == {"roadmaps": 1, "sections": 0, "measures": 1}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT note FROM measures").fetchone() == ("протокол № 1",)
        assert conn.execute("SELECT count(*) FROM change_log").fetchone() == (0,)
    conn.close()
    copies = backup.list_backups(backup.backup_folder(config.backup_root(), path))
    before_upgrade = [c for c in copies if c.reason == f"перед обновлением {revision}"]
    assert len(before_upgrade) == 1
    assert inspect(before_upgrade[0].path).revision == revision


def test_failed_upgrade_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that fails halfway (table made, index not) is rolled back as a whole."""
    from alembic.ddl.impl import DefaultImpl

    path = tmp_path / "old.sqlite"
    make_old_file(path, migrations.KNOWN_REVISIONS[0])
    before = path.read_bytes()

    def broken_create_index(*_args: object, **_kwargs: object) -> None:
        raise OSError("диск отключён")

    monkeypatch.setattr(DefaultImpl, "create_index", broken_create_index)
    with pytest.raises(OSError):
        open_database(path, config.backup_root())
    assert path.read_bytes() == before
    assert inspect(path).revision == migrations.KNOWN_REVISIONS[0]
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "change_log" not in tables
