"""Districts on one server: each district's account writes only its own roadmaps, the ministry's
reads them all and writes nothing — enforced by PostgreSQL (row-level security and grants), tried
at the SQL level as each role, and seen through the program's command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import cli_json, run_cli

SEED = Path(__file__).parent / "data" / "seeds"


def account(url: str, name: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{name}:pass-{name}@", 1)


def make_account(url: str, name: str, *flags: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "server-account", "--db", url, "--account", name, *flags],
        input=f"pass-{name}\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(__import__("json").loads(done.stdout))


@pytest.fixture
def region(pg_migrated: str) -> dict[str, str]:
    """A region with two districts and the ministry, each district having imported its roadmap."""
    pg_url = pg_migrated
    assert cli_json("server-setup", "--db", pg_url) == {"ok": True}
    make_account(pg_url, "mokshan", "--district", "Мокшанский район")
    make_account(pg_url, "kusa", "--district", "Кусинский район")
    make_account(pg_url, "ministry", "--ministry")
    urls = {name: account(pg_url, name) for name in ("mokshan", "kusa", "ministry")}
    cli_json("import", str(SEED / "000.docx"), "--db", urls["mokshan"])
    cli_json("import", str(SEED / "003.docx"), "--db", urls["kusa"])
    return urls | {"admin": pg_url}


def test_each_district_writes_only_its_own_and_the_server_itself_refuses_the_rest(
    region: dict[str, str],
) -> None:
    with psycopg.connect(region["admin"]) as admin:
        districts = dict(admin.execute("SELECT district, id FROM roadmaps").fetchall())
        (kusa_measure,) = admin.execute(
            "SELECT id FROM measures WHERE roadmap_id = %s ORDER BY id LIMIT 1",
            (districts["Кусинский район"],),
        ).fetchone() or (0,)
    assert set(districts) == {"Мокшанский район", "Кусинский район"}  # each import took its district
    mine, theirs = districts["Мокшанский район"], districts["Кусинский район"]

    with psycopg.connect(region["mokshan"]) as conn:
        assert conn.execute("SELECT count(*) FROM roadmaps").fetchone() == (1,)  # only its own
        hidden = conn.execute("UPDATE measures SET title = 'взлом' WHERE roadmap_id = %s", (theirs,))
        assert hidden.rowcount == 0  # the other district's rows are not there for it
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO measures (roadmap_id, position, title, form, deadline_text, responsible, "
                "result, target_group, status, note, number_as_written, extra, version, updated_at) "
                "VALUES (%s, 99, 'чужое', '', '', '', '', '', 'planned', '', '', '{}', 1, now())",
                (theirs,),
            )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE roadmaps SET district = 'Кусинский район' WHERE id = %s", (mine,))
        conn.rollback()
        assert conn.execute("UPDATE measures SET note = 'своё' WHERE roadmap_id = %s", (mine,)).rowcount > 0

    with psycopg.connect(region["ministry"]) as conn:
        assert conn.execute("SELECT count(DISTINCT roadmap_id) FROM measures").fetchone() == (2,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE measures SET note = 'министерство' WHERE id = %s", (kusa_measure,))

    with psycopg.connect(region["admin"]) as admin:
        assert admin.execute("SELECT count(*) FROM measures WHERE title = 'взлом'").fetchone() == (0,)
        assert admin.execute("SELECT count(*) FROM measures WHERE note = 'министерство'").fetchone() == (0,)


def test_through_the_program_a_district_sees_its_own_and_the_ministry_only_reads(
    region: dict[str, str],
) -> None:
    own = cli_json("dump", "--db", region["mokshan"])["roadmaps"]
    assert len(own) == 1
    everything = cli_json("dump", "--db", region["ministry"])["roadmaps"]
    assert len(everything) == 2
    theirs = next(r for r in everything if r["id"] != own[0]["id"])
    measure = str(theirs["sections"][0]["measures"][0]["id"])
    refused = run_cli("set", "--db", region["mokshan"], "--measure", measure, "note=чужое")
    assert refused.returncode == 1 and "не найдено" in refused.stderr
    read_only = run_cli("set", "--db", region["ministry"], "--measure", measure, "note=министерство")
    assert (
        read_only.returncode == 1 and "нет права" in read_only.stderr and "Traceback" not in read_only.stderr
    )
    mine = str(own[0]["sections"][0]["measures"][0]["id"])
    assert cli_json("set", "--db", region["mokshan"], "--measure", mine, "note=своё")["changed"] == ["note"]
