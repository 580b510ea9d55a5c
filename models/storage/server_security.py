"""Who may write what on the regional server — enforced by PostgreSQL itself, not only by the
program: each district has its own login role and writes only its own roadmaps (and everything in
them); the ministry's role reads every district and writes nothing. Row-level security policies
decide by the roadmap's ``district`` and the table ``region_accounts`` (role → district; no
district: the ministry). A row a district may not see is simply not there for it; a row it tries
to put into another district is refused by the server («new row violates row-level security»).

Run by the server's administrator (the database's owner, who is not bound by the policies):
``setup_region`` once, ``add_account`` per district or ministry account. Shared tables (people,
file settings) stay readable and writable by the districts for now: they carry no district.
"""

from __future__ import annotations

from typing import Any, Final, cast

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine

ACCOUNTS: Final = "region_accounts"
# Tables whose rows belong to a roadmap (roadmap_id) or to a measure (measure_id).
BY_ROADMAP: Final = ("sections", "measures", "schools", "orders")
BY_MEASURE: Final = ("measure_schools", "school_executions", "attachments")
SHARED: Final = ("people", "file_settings", "alembic_version")

_SETUP: Final = f"""
CREATE TABLE IF NOT EXISTS {ACCOUNTS} (
    account text PRIMARY KEY,
    district text,
    title text NOT NULL DEFAULT ''
);
CREATE OR REPLACE FUNCTION roadmap_my_district() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT district FROM {ACCOUNTS} WHERE account = session_user $$;
CREATE OR REPLACE FUNCTION roadmap_is_ministry() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT EXISTS (SELECT 1 FROM {ACCOUNTS} WHERE account = session_user AND district IS NULL) $$;
ALTER TABLE roadmaps ALTER COLUMN district SET DEFAULT coalesce(roadmap_my_district(), '');
ALTER TABLE roadmaps ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS region_read ON roadmaps;
DROP POLICY IF EXISTS region_write ON roadmaps;
CREATE POLICY region_read ON roadmaps FOR SELECT
    USING ((SELECT roadmap_is_ministry()) OR district = (SELECT roadmap_my_district()));
CREATE POLICY region_write ON roadmaps FOR ALL
    USING (district = (SELECT roadmap_my_district()))
    WITH CHECK (district = (SELECT roadmap_my_district()));
"""
# The account's district is asked once per statement: "(SELECT f())" is computed once (an init
# plan), a bare "f()" once per row checked — a cost that grew with the region's size (a district's
# sync of 200 changes took 3.6 s at 50 districts instead of 1.2 s at 10).
_MINE: Final = "SELECT id FROM roadmaps WHERE district = (SELECT roadmap_my_district())"
_MY_MEASURES: Final = (
    "SELECT m.id FROM measures m JOIN roadmaps r ON r.id = m.roadmap_id "  # a district's own measures
    "WHERE r.district = (SELECT roadmap_my_district())"
)


def _policies(table: str, visible: str, writable: str) -> str:
    return f"""
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS region_read ON {table};
DROP POLICY IF EXISTS region_write ON {table};
CREATE POLICY region_read ON {table} FOR SELECT USING ({visible});
CREATE POLICY region_write ON {table} FOR ALL USING ({writable}) WITH CHECK ({writable});
"""


def _psycopg(connection: Connection) -> psycopg.Connection[Any]:
    """The driver's own connection: policies and roles are PostgreSQL's SQL, run as written."""
    return cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)


def setup_region(engine: Engine) -> None:
    """Make the server's database a region's: the accounts table and the policies (idempotent)."""
    statements = [_SETUP]
    for table in BY_ROADMAP:
        statements.append(
            _policies(table, "roadmap_id IN (SELECT id FROM roadmaps)", f"roadmap_id IN ({_MINE})")
        )
    for table in BY_MEASURE:
        statements.append(
            _policies(table, "measure_id IN (SELECT id FROM measures)", f"measure_id IN ({_MY_MEASURES})")
        )
    statements.append(
        _policies(
            "change_log",
            "roadmap_id IS NULL OR roadmap_id IN (SELECT id FROM roadmaps)",
            f"roadmap_id IS NULL OR roadmap_id IN ({_MINE})",
        )
    )
    with engine.begin() as connection:
        raw = _psycopg(connection)
        for statement in statements:
            raw.execute(statement)


def add_account(engine: Engine, account: str, password: str, district: str | None, title: str = "") -> None:
    """A login role for a district (``district``) or the ministry (None), with its rights: a
    district reads and writes (the policies keep it to its own); the ministry only reads."""
    tables = [*BY_ROADMAP, *BY_MEASURE, "roadmaps", "change_log", *SHARED]
    with engine.begin() as connection:
        raw = _psycopg(connection)
        role = sql.Identifier(account)
        exists = raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (account,)).fetchone()
        verb = sql.SQL("ALTER ROLE") if exists else sql.SQL("CREATE ROLE")
        raw.execute(sql.SQL("{} {} LOGIN PASSWORD {}").format(verb, role, sql.Literal(password)))
        rights = "SELECT" if district is None else "SELECT, INSERT, UPDATE, DELETE"
        for table in tables:
            raw.execute(sql.SQL(f"GRANT {rights} ON {{}} TO {{}}").format(sql.Identifier(table), role))
        if district is not None:
            raw.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
        raw.execute(
            f"INSERT INTO {ACCOUNTS} (account, district, title) VALUES (%s, %s, %s) "
            "ON CONFLICT (account) DO UPDATE SET district = excluded.district, title = excluded.title",
            (account, district, title),
        )
