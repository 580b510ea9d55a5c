"""The region's server attacked as a district would: nothing but that district's own login and SQL
(psycopg with its own password, as `psql` would). Each attack names what it would reach; every one
must leave the other district's rows, the region's shared settings and the server's trail as they
were. The ministry's login is tried for any write at all."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest

from tests.conftest import cli_json, run_cli
from tests.test_server_security import region  # noqa: F401  # the fixture: two districts and the ministry
from tests.test_sync import districts  # noqa: F401  # the fixture: the same with their own files

MOKSHAN, KUSA = "Мокшанский район", "Кусинский район"


def ids(admin_url: str) -> dict[str, Any]:
    with psycopg.connect(admin_url) as admin:
        roadmaps = dict(admin.execute("SELECT district, id FROM roadmaps").fetchall())
        kusa_measure = admin.execute(
            "SELECT id, note, version FROM measures WHERE roadmap_id = %s ORDER BY id LIMIT 1",
            (roadmaps[KUSA],),
        ).fetchone()
    assert kusa_measure is not None
    return {"mine": roadmaps[MOKSHAN], "theirs": roadmaps[KUSA], "measure": kusa_measure}


def refused(conn: psycopg.Connection[Any], statement: str, *params: Any) -> None:
    """The server refuses ``statement`` for this account (an error, not a silent nothing)."""
    with pytest.raises(psycopg.Error):
        conn.execute(statement, params or None)
    conn.rollback()


def theirs_seen(conn: psycopg.Connection[Any], known: dict[str, Any]) -> int:
    row = conn.execute("SELECT count(*) FROM measures WHERE roadmap_id = %s", (known["theirs"],)).fetchone()
    return int(row[0]) if row else -1


def kusa_untouched(admin_url: str, before: Any) -> None:
    with psycopg.connect(admin_url) as admin:
        now = admin.execute("SELECT id, note, version FROM measures WHERE id = %s", (before[0],)).fetchone()
    assert now == before, "another district's measure was changed"


def test_shadowing_what_the_policies_ask_makes_no_district_another(region: dict[str, str]) -> None:  # noqa: F811
    known = ids(region["admin"])
    with psycopg.connect(region["mokshan"]) as conn:
        # a temporary table named as the accounts table, claiming Кусинский район, then the ministry
        conn.execute("CREATE TEMP TABLE region_accounts (account text, district text, title text)")
        conn.execute("INSERT INTO region_accounts VALUES (session_user, %s, '')", (KUSA,))
        assert theirs_seen(conn, known) == 0
        assert conn.execute(
            "UPDATE measures SET note = 'взлом' WHERE roadmap_id = %s", (known["theirs"],)
        ).rowcount == 0
        conn.execute("UPDATE region_accounts SET district = NULL")  # «the ministry»
        assert conn.execute("SELECT count(*) FROM roadmaps").fetchone() == (1,)
        assert theirs_seen(conn, known) == 0
        conn.rollback()
        # temporary functions of the same names, operators and objects in public
        refused(conn, "CREATE FUNCTION public.roadmap_my_district() RETURNS text LANGUAGE sql AS 'SELECT 1'")
        refused(conn, "CREATE TABLE public.region_accounts_x (a int)")
        refused(conn, "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = name, FUNCTION = texteqname)")
        conn.execute(
            "CREATE FUNCTION pg_temp.roadmap_my_district() RETURNS text LANGUAGE sql AS $$ SELECT %s::text $$"
            .replace("%s", "'" + KUSA + "'")
        )
        conn.execute("SET search_path = pg_temp, public")
        assert theirs_seen(conn, known) == 0
        conn.rollback()
        # becoming another role, or changing what decides
        refused(conn, "SET ROLE kusa")
        refused(conn, "SET ROLE ministry")
        refused(conn, "SET ROLE postgres")
        refused(conn, "SET SESSION AUTHORIZATION kusa")
        refused(conn, "ALTER TABLE measures DISABLE ROW LEVEL SECURITY")
        refused(conn, "DROP POLICY region_write ON measures")
        refused(conn, "ALTER POLICY region_read ON roadmaps USING (true)")
        refused(conn, "DROP TRIGGER roadmap_stamp ON change_log")
        refused(
            conn,
            "CREATE OR REPLACE FUNCTION public.roadmap_is_ministry() RETURNS boolean LANGUAGE sql "
            "AS $$ SELECT true $$",
        )
        refused(conn, "SELECT setval('measures_id_seq', 1)")  # every district's next insert would collide
        refused(conn, "UPDATE region_accounts SET district = %s", KUSA)
    kusa_untouched(region["admin"], known["measure"])


def test_a_district_reads_nothing_of_another_and_no_secret(region: dict[str, str]) -> None:  # noqa: F811
    known = ids(region["admin"])
    # Кусинский район's own people with a PIN, and an edit in its change log
    with psycopg.connect(region["kusa"]) as conn:
        conn.execute(
            "INSERT INTO people (name, position, role, school, pin_hash, active, version, created_at) "
            "VALUES ('Петрова Т.Е.', '', 'coordinator', '', 'pbkdf2$секрет', true, 1, now())"
        )
    assert run_cli("set", "--db", region["kusa"], "--measure", str(known["measure"][0]),
                   "note=кусинская заметка").returncode == 0  # fmt: skip
    with psycopg.connect(region["mokshan"]) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()]  # fmt: skip
        seen: dict[str, str] = {}
        for table in tables:
            try:
                rows = conn.execute(f'SELECT * FROM public."{table}"').fetchall()
            except psycopg.errors.InsufficientPrivilege:
                conn.rollback()
                continue
            seen[table] = json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False)
        assert "region_accounts" not in seen and "server_log" not in seen
        everything = " ".join(seen.values())
        for secret_or_theirs in ("кусинская заметка", "pbkdf2$секрет", "Петрова", '"secret"', KUSA):
            assert secret_or_theirs not in everything, f"{secret_or_theirs} reached another district"
        assert conn.execute("SELECT count(*) FROM roadmaps").fetchone() == (1,)
        found = conn.execute("SELECT value FROM file_settings WHERE key = 'server_id'").fetchone()
        server_id = found[0] if found else None
        assert server_id and server_id.get("id")  # the server's id, which sync needs, is there


def test_a_forged_change_log_line_reaches_no_other_district(districts: dict[str, Any]) -> None:  # noqa: F811
    """Mokshan writes change-log lines saying Кусинский район's measure was deleted; Kusa's next
    ordinary sync must not believe them (it deleted the measure from the victim's own file)."""
    victim, urls = districts["files"]["kusa"], districts["urls"]
    assert cli_json("sync", "--db", str(victim), "--server", urls["kusa"])["roadmaps_pushed"] == 1
    assert cli_json("sync", "--db", str(districts["files"]["mokshan"]), "--server", urls["mokshan"])
    known = ids(districts["admin"])
    before = cli_json("dump", "--db", str(victim))
    with psycopg.connect(urls["mokshan"]) as conn:
        mine = conn.execute("SELECT id, roadmap_id FROM measures ORDER BY id LIMIT 1").fetchone()
        assert mine is not None
        line = (
            "INSERT INTO change_log (at, \"user\", computer, roadmap_id, entity, entity_id, field, old, new, "
            "person, district, account) VALUES (now(), 'kusa', 'ПК', %s, 'measure', %s, %s, NULL, NULL, "
            "'', %s, 'kusa')"
        )
        # no roadmap and the victim's name in every column; the victim's roadmap; its own measure
        # that this transaction never wrote: each names a change nobody made, each refused
        refused(conn, line, None, known["measure"][0], "delete", KUSA)
        refused(conn, line, known["theirs"], known["measure"][0], "delete", KUSA)
        refused(conn, line, mine[1], mine[0], "title", KUSA)
        refused(conn, "UPDATE change_log SET field = 'delete'")  # not even its own lines
        refused(conn, "DELETE FROM change_log")
        # its own measure changed in the same transaction: the line stands, stamped by the server
        conn.execute("UPDATE measures SET note = 'своё' WHERE id = %s", (mine[0],))
        conn.execute(line, (mine[1], mine[0], "note", KUSA))
        conn.commit()
    with psycopg.connect(districts["admin"]) as admin:
        stamped = admin.execute(
            "SELECT district, account, entity_id FROM change_log WHERE computer = 'ПК'"
        ).fetchall()
    assert stamped == [(MOKSHAN, "mokshan", mine[0])]  # the server wrote who really wrote it
    answer = cli_json("sync", "--db", str(victim), "--server", urls["kusa"])
    assert answer["pulled"] == 0
    assert cli_json("dump", "--db", str(victim)) == before


def test_what_the_region_shares_only_the_administrator_writes(region: dict[str, str]) -> None:  # noqa: F811
    with psycopg.connect(region["admin"]) as admin:
        shared_before = admin.execute("SELECT key, value::text FROM file_settings ORDER BY key").fetchall()
        version_before = admin.execute("SELECT version_num FROM alembic_version").fetchall()
    for name in ("mokshan", "ministry"):
        with psycopg.connect(region[name]) as conn:
            try:  # refused (the ministry), or there is no such row for the account (a district)
                changed = conn.execute("UPDATE file_settings SET value = '{}' WHERE key = 'server_id'")
                assert changed.rowcount == 0
                conn.commit()
            except psycopg.errors.InsufficientPrivilege:
                conn.rollback()
            refused(conn, "UPDATE alembic_version SET version_num = '9999'")
            refused(conn, "DELETE FROM alembic_version")
            refused(conn, "INSERT INTO file_settings (key, value, updated_at, version) VALUES "
                          "('school_calendar', '{}', now(), 1)")  # fmt: skip
            refused(conn, "INSERT INTO region_accounts VALUES ('x', NULL, '')")
            refused(conn, "DELETE FROM server_log")
    with psycopg.connect(region["admin"]) as admin:
        shared = admin.execute("SELECT key, value::text FROM file_settings ORDER BY key").fetchall()
        assert shared == shared_before
        assert admin.execute("SELECT version_num FROM alembic_version").fetchall() == version_before


def test_the_ministry_writes_nothing_at_all(region: dict[str, str]) -> None:  # noqa: F811
    known = ids(region["admin"])
    with psycopg.connect(region["ministry"]) as conn:
        tables = ("roadmaps", "sections", "measures", "schools", "measure_schools", "orders",
                  "school_executions", "attachments", "people", "change_log", "file_settings")  # fmt: skip
        for table in tables:
            refused(conn, f"DELETE FROM {table}")
            refused(conn, f"UPDATE {table} SET id = id")
        refused(
            conn,
            "INSERT INTO people (name, position, role, school, pin_hash, active, version, created_at) "
            "VALUES ('x', '', 'coordinator', '', '', true, 1, now())",
        )
    kusa_untouched(region["admin"], known["measure"])


def test_the_servers_trail_says_who_changed_what_and_no_district_rewrites_it(region: dict[str, str]) -> None:  # noqa: F811
    known = ids(region["admin"])
    measure = known["measure"][0]
    assert run_cli("set", "--db", region["kusa"], "--measure", str(measure), "note=проверено").returncode == 0
    changes = cli_json("server-log", "--db", region["admin"], "--district", KUSA)["changes"]
    edit = [c for c in changes if c["table"] == "measures" and c["row"] == measure and c["field"] == "note"]
    assert edit and edit[-1]["account"] == "kusa" and edit[-1]["new"] == "проверено"
    assert edit[-1]["old"] == (known["measure"][1] or "") or edit[-1]["old"] == known["measure"][1]
    assert set(edit[-1]) == {"at", "account", "district", "table", "row", "field", "old", "new"}
    assert not [c for c in changes if c["district"] != KUSA]
    assert cli_json("server-log", "--db", region["admin"], "--since", "2999-01-01")["changes"] == []
    values = [f"{c['old']} {c['new']}" for c in cli_json("server-log", "--db", region["admin"])["changes"]]
    assert any("server_id" in v for v in values)  # the settings server-setup made are on record…
    assert not any('"secret"' in v for v in values)  # …but the server's secret is not copied into it
    for name in ("kusa", "ministry"):
        done = run_cli("server-log", "--db", region[name])
        assert done.returncode != 0 and "нет права" in done.stderr and "Traceback" not in done.stderr
        with psycopg.connect(region[name]) as conn:
            refused(conn, "DELETE FROM server_log")
            refused(conn, "UPDATE server_log SET account = 'никто'")


def test_a_district_hangs_nothing_under_another_and_squats_no_id(region: dict[str, str]) -> None:  # noqa: F811
    """Found by an attack with mokshan's login: its measure put under Кусинский район's section
    (whose deletion then cascaded into it, on record as kusa's doing), kusa's schools listed as its
    own, and ids the server had not given yet taken — every other district's next insert failed."""
    known = ids(region["admin"])
    with psycopg.connect(region["admin"]) as admin:
        kusa_section = admin.execute(
            "SELECT id FROM sections WHERE roadmap_id = %s LIMIT 1", (known["theirs"],)
        ).fetchone()
        kusa_school = admin.execute(
            "SELECT id FROM schools WHERE roadmap_id = %s LIMIT 1", (known["theirs"],)
        ).fetchone()
    assert kusa_section and kusa_school
    with psycopg.connect(region["mokshan"]) as conn:
        own = conn.execute("SELECT id, section_id FROM measures ORDER BY id LIMIT 1").fetchone()
        own_section = conn.execute("SELECT id FROM sections ORDER BY id LIMIT 1").fetchone()
        assert own and own_section
        refused(conn, "UPDATE measures SET section_id = %s WHERE id = %s", kusa_section[0], own[0])
        refused(conn, "UPDATE sections SET parent_id = %s WHERE id = %s", kusa_section[0], own_section[0])
        link = "INSERT INTO measure_schools (measure_id, school_id) VALUES (%s, %s)"
        refused(conn, link, own[0], kusa_school[0])
        refused(
            conn,
            "INSERT INTO school_executions (measure_id, school_id, status, note, version, updated_by) "
            "VALUES (%s, %s, 'done', '', 1, '')",
            own[0], kusa_school[0],
        )  # fmt: skip
        assert conn.execute(  # its own section, as ever
            "UPDATE measures SET section_id = %s WHERE id = %s", (own_section[0], own[0])
        ).rowcount == 1
        conn.rollback()
        (last,) = conn.execute("SELECT max(id) FROM measures").fetchone() or (0,)
        refused(
            conn,
            "INSERT INTO measures (id, roadmap_id, position, title, form, deadline_text, responsible, "
            "result, target_group, status, note, number_as_written, extra, version, updated_at) "
            "VALUES (%s, %s, 99, 'чужой номер', '', '', '', '', '', 'planned', '', '', '{}', 1, now())",
            last + 1000, known["mine"],
        )  # fmt: skip
        refused(
            conn,
            "INSERT INTO change_log (id, at, \"user\", computer, roadmap_id, entity, entity_id, field) "
            "SELECT g, now(), 'x', 'x', NULL, 'measure', 1, 'note' "
            "FROM generate_series(10000000, 10000010) g",
        )
        # a row only touched cannot back a deletion line: the district's own file would lose it
        conn.execute("UPDATE measures SET id = id WHERE id = %s", (own[0],))
        refused(
            conn,
            "INSERT INTO change_log (at, \"user\", computer, roadmap_id, entity, entity_id, field) "
            "VALUES (now(), 'x', 'x', %s, 'measure', %s, 'delete')",
            known["mine"], own[0],
        )  # fmt: skip
    done = run_cli("set", "--db", region["kusa"], "--measure", str(known["measure"][0]), "note=после атаки")
    assert done.returncode == 0, done.stderr
    kept = cli_json("dump", "--db", region["kusa"])["roadmaps"][0]
    assert kept["title"]  # kusa's roadmap whole and its edit saved
