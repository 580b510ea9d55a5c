"""Who may write what on the regional server — enforced by PostgreSQL itself, not only by the
program: each district has its own login role and writes only its own roadmaps (and everything in
them); the ministry's role reads every district and writes nothing. Row-level security policies
decide by the roadmap's ``district`` and the table ``region_accounts`` (role → district; no
district: the ministry). A row a district may not see is simply not there for it; a row it tries
to put into another district is refused by the server («new row violates row-level security»).

Run by the server's administrator (the database's owner, who is not bound by the policies):
``setup_region`` once (and again after an upgrade of the program), ``add_account`` per district
or ministry account. What every district shares (the region's settings, the server's identity,
the schema's version, the accounts) only the administrator writes; what is a district's (its
people and their PINs, its sync records, its change-log lines) only that district reads and
writes; the server's secret nobody reads. The server keeps its own trail of every change
(``server_log``: account, time, row, old and new value) where no account but the administrator
can write, read or delete.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final, cast

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, text

from models.entities import (
    DISTRICT_SETTINGS_PREFIX,
    IDENTITY_KEY,
    SERVER_ID_KEY,
    identity_parts,
    new_identity,
)

ACCOUNTS: Final = "region_accounts"
TRAIL: Final = "server_log"
# Tables whose rows belong to a roadmap (roadmap_id) or to a measure (measure_id).
BY_ROADMAP: Final = ("sections", "measures", "schools", "orders")
BY_MEASURE: Final = ("measure_schools", "school_executions", "attachments")
# A district's own rows among what was shared: its people (and their PINs), its sync records.
BY_DISTRICT: Final = ("people", "file_settings")
DISTRICT_SETTINGS: Final = DISTRICT_SETTINGS_PREFIX  # the only settings a district writes: sync records
SECRET_SETTING: Final = IDENTITY_KEY  # the server's identity: its secret read by no account
SERVER_ID_SETTING: Final = SERVER_ID_KEY  # its id alone, read by every account

# Every function a policy or a trigger runs is the administrator's (SECURITY DEFINER) and names
# what it uses by schema, with the temporary schema searched last: PostgreSQL otherwise looks in
# the session's pg_temp first, and a district's temporary table «region_accounts» would make it
# another district or the ministry («Writing SECURITY DEFINER Functions Safely»).
_PINNED: Final = "SET search_path = pg_catalog, public, pg_temp"
_ME: Final = "a.account OPERATOR(pg_catalog.=) (session_user)::pg_catalog.text"

_SETUP: Final = f"""
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE TABLE IF NOT EXISTS public.{ACCOUNTS} (
    account text PRIMARY KEY,
    district text,
    title text NOT NULL DEFAULT ''
);
REVOKE ALL ON public.{ACCOUNTS} FROM PUBLIC;
CREATE OR REPLACE FUNCTION public.roadmap_my_district() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER {_PINNED}
    AS $$ SELECT a.district FROM public.{ACCOUNTS} a WHERE {_ME} $$;
CREATE OR REPLACE FUNCTION public.roadmap_is_ministry() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER {_PINNED}
    AS $$ SELECT EXISTS (SELECT 1 FROM public.{ACCOUNTS} a WHERE {_ME} AND a.district IS NULL) $$;
ALTER TABLE public.roadmaps ALTER COLUMN district SET DEFAULT coalesce(public.roadmap_my_district(), '');
ALTER TABLE public.roadmaps ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS region_read ON public.roadmaps;
DROP POLICY IF EXISTS region_write ON public.roadmaps;
CREATE POLICY region_read ON public.roadmaps FOR SELECT
    USING ((SELECT public.roadmap_is_ministry()) OR district = (SELECT public.roadmap_my_district()));
CREATE POLICY region_write ON public.roadmaps FOR ALL
    USING (district = (SELECT public.roadmap_my_district()))
    WITH CHECK (district = (SELECT public.roadmap_my_district()));
"""
# The account's district is asked once per statement: "(SELECT f())" is computed once (an init
# plan), a bare "f()" once per row checked — a cost that grew with the region's size (a district's
# sync of 200 changes took 3.6 s at 50 districts instead of 1.2 s at 10).
_MY: Final = "(SELECT public.roadmap_my_district())"
_MINISTRY: Final = "(SELECT public.roadmap_is_ministry())"
_MINE: Final = f"SELECT id FROM public.roadmaps WHERE district = {_MY}"
_MY_MEASURES: Final = (
    "SELECT m.id FROM public.measures m JOIN public.roadmaps r ON r.id = m.roadmap_id "  # a district's own
    f"WHERE r.district = {_MY}"
)

# The change log: what a district's sync reads as «what changed». The server stamps each line
# with the account that wrote it and that account's district, whatever the program sent; a
# district reads only its own district's lines and can neither change nor delete a line.
_CHANGE_LOG: Final = f"""
CREATE OR REPLACE FUNCTION public.roadmap_stamp_line() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {_PINNED}
    AS $$
BEGIN
    -- a district's line must name a row this very transaction wrote (the server's own trail
    -- has it): a line claiming a change nobody made is refused, not carried by a sync
    -- (a row added, deleted or put back: the trail must hold that very insert or delete of the
    -- entity's own table, not only a touch of the row or of a record under it)
    IF public.roadmap_my_district() IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM public.{TRAIL} t
        WHERE t.xact OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id()
          AND t.ref OPERATOR(pg_catalog.=) (NEW.entity || ':' || NEW.entity_id)
          AND (NEW.field NOT IN ('insert', 'delete', 'restore')
               OR (t.field OPERATOR(pg_catalog.=) CASE NEW.field WHEN 'delete' THEN 'delete' ELSE 'insert' END
                   AND t.tbl OPERATOR(pg_catalog.=) CASE NEW.entity WHEN 'measure' THEN 'measures'
                       WHEN 'section' THEN 'sections' WHEN 'roadmap' THEN 'roadmaps' ELSE 'people' END))) THEN
        RAISE EXCEPTION 'a change-log line names no row written in its transaction: %:%',
            NEW.entity, NEW.entity_id USING ERRCODE = '42501';
    END IF;
    NEW.account := session_user;
    NEW.district := coalesce(
        public.roadmap_my_district(),
        (SELECT r.district FROM public.roadmaps r WHERE r.id OPERATOR(pg_catalog.=) NEW.roadmap_id),
        '');
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS roadmap_stamp ON public.change_log;
CREATE TRIGGER roadmap_stamp BEFORE INSERT OR UPDATE ON public.change_log
    FOR EACH ROW EXECUTE FUNCTION public.roadmap_stamp_line();
"""

# The trail nobody but the administrator can rewrite: every row written in a roadmap, a person or
# a setting, by whom (the login), when, old and new value of each field changed — kept by the
# server itself in the same transaction, in a table no account but the administrator may touch.
_TRAIL: Final = f"""
CREATE TABLE IF NOT EXISTS public.{TRAIL} (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    account text NOT NULL,
    district text NOT NULL DEFAULT '',
    tbl text NOT NULL,
    row_id bigint,
    field text NOT NULL,
    old text,
    new text
);
ALTER TABLE public.{TRAIL} ADD COLUMN IF NOT EXISTS xact xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE public.{TRAIL} ADD COLUMN IF NOT EXISTS ref text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS {TRAIL}_district_at ON public.{TRAIL} (district, at);
CREATE INDEX IF NOT EXISTS {TRAIL}_xact_ref ON public.{TRAIL} (xact, ref);
REVOKE ALL ON public.{TRAIL} FROM PUBLIC;
CREATE OR REPLACE FUNCTION public.roadmap_trail() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {_PINNED}
    AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    one_row jsonb := coalesce(new_row, old_row);
    owner text;
    name text;
    ref text;  -- what a change-log line names it by: «measure:12», «section:3», «roadmap:1»…
    written integer := 0;
BEGIN
    ref := CASE TG_TABLE_NAME
        WHEN 'measures' THEN 'measure:' || (one_row->>'id')
        WHEN 'sections' THEN 'section:' || (one_row->>'id')
        WHEN 'roadmaps' THEN 'roadmap:' || (one_row->>'id')
        WHEN 'schools' THEN 'roadmap:' || (one_row->>'roadmap_id')
        WHEN 'orders' THEN 'roadmap:' || (one_row->>'roadmap_id')
        WHEN 'people' THEN 'person:' || (one_row->>'id')
        WHEN 'file_settings' THEN 'settings:' || (one_row->>'key')
        ELSE 'measure:' || (one_row->>'measure_id')
    END;
    owner := CASE TG_ARGV[0]
        WHEN 'roadmap' THEN one_row->>'district'
        WHEN 'own' THEN nullif(one_row->>'district', '')
        WHEN 'by_roadmap' THEN (SELECT r.district FROM public.roadmaps r
            WHERE r.id OPERATOR(pg_catalog.=) (one_row->>'roadmap_id')::bigint)
        ELSE (SELECT r.district FROM public.measures m
            JOIN public.roadmaps r ON r.id OPERATOR(pg_catalog.=) m.roadmap_id
            WHERE m.id OPERATOR(pg_catalog.=) (one_row->>'measure_id')::bigint)
    END;
    IF TG_TABLE_NAME = 'file_settings' AND one_row->>'key' LIKE '{DISTRICT_SETTINGS}%' THEN
        RETURN NULL;  -- a sync's own bookkeeping, not a change anybody made
    END IF;
    owner := coalesce(owner, public.roadmap_my_district(), '');
    -- file contents, PIN hashes and the server's secret are not copied into the trail: their
    -- change is
    old_row := old_row - 'data'; new_row := new_row - 'data';
    IF TG_TABLE_NAME = 'file_settings' AND one_row->>'key' = '{SECRET_SETTING}' THEN
        old_row := old_row - 'value'; new_row := new_row - 'value';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        FOR name IN SELECT pg_catalog.jsonb_object_keys(new_row) LOOP
            IF name NOT IN ('version', 'updated_at')
               AND (old_row->name) IS DISTINCT FROM (new_row->name) THEN
                INSERT INTO public.{TRAIL} (account, district, tbl, row_id, field, old, new, ref)
                VALUES (session_user, owner, TG_TABLE_NAME, (one_row->>'id')::bigint, name,
                        CASE WHEN name = 'pin_hash' THEN '***' ELSE old_row->>name END,
                        CASE WHEN name = 'pin_hash' THEN '***' ELSE new_row->>name END, ref);
                written := written + 1;
            END IF;
        END LOOP;
        IF written = 0 THEN  -- only its version moved: still a write of this row, on record
            INSERT INTO public.{TRAIL} (account, district, tbl, row_id, field, old, new, ref)
            VALUES (session_user, owner, TG_TABLE_NAME, (one_row->>'id')::bigint, 'version',
                    old_row->>'version', new_row->>'version', ref);
        END IF;
    ELSE
        INSERT INTO public.{TRAIL} (account, district, tbl, row_id, field, old, new, ref)
        VALUES (session_user, owner, TG_TABLE_NAME, (one_row->>'id')::bigint, lower(TG_OP),
                (old_row - 'pin_hash')::text, (new_row - 'pin_hash')::text, ref);
    END IF;
    RETURN NULL;
END $$;
"""


# What a row points at must be of its own roadmap: a measure's section, a section's parent, a
# school's record's or file's school — else a district could hang its rows under another
# district's section (whose deletion then cascades into them) or list its schools as its own.
# Asked through the administrator's functions: a policy on sections querying sections would
# recurse through its own policies.
_SAME_ROADMAP: Final = f"""
CREATE OR REPLACE FUNCTION public.roadmap_section_of(section bigint, roadmap bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER {_PINNED}
    AS $$ SELECT section IS NULL OR EXISTS (SELECT 1 FROM public.sections s
        WHERE s.id OPERATOR(pg_catalog.=) section AND s.roadmap_id OPERATOR(pg_catalog.=) roadmap) $$;
CREATE OR REPLACE FUNCTION public.roadmap_school_of(school bigint, measure bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER {_PINNED}
    AS $$ SELECT school IS NULL OR EXISTS (SELECT 1 FROM public.schools c
        JOIN public.measures m ON m.roadmap_id OPERATOR(pg_catalog.=) c.roadmap_id
        WHERE c.id OPERATOR(pg_catalog.=) school AND m.id OPERATOR(pg_catalog.=) measure) $$;
"""
_POINTS_AT: Final = {
    "measures": "public.roadmap_section_of(section_id, roadmap_id)",
    "sections": "public.roadmap_section_of(parent_id, roadmap_id)",
    "measure_schools": "public.roadmap_school_of(school_id, measure_id)",
    "school_executions": "public.roadmap_school_of(school_id, measure_id)",
    "attachments": "public.roadmap_school_of(school_id, measure_id)",
}

# A district's row may take back an id it had (an undo puts a deleted row back with its id), never
# one the server has not given yet: rows squatting the ids to come made every other district's
# next insert fail («duplicate key») for as long as they reached.
_NO_FUTURE_IDS: Final = f"""
CREATE OR REPLACE FUNCTION public.roadmap_given_id() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {_PINNED}
    AS $$
DECLARE
    sequence text := pg_catalog.pg_get_serial_sequence('public.' || TG_TABLE_NAME, 'id');
BEGIN
    IF public.roadmap_my_district() IS NOT NULL AND sequence IS NOT NULL
       AND NEW.id OPERATOR(pg_catalog.>)
           coalesce(pg_catalog.pg_sequence_last_value(sequence::pg_catalog.regclass), 0) THEN
        RAISE EXCEPTION 'an id the server has not given: %', NEW.id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
"""


def _given_ids_trigger(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS roadmap_given_id ON public.{table};
CREATE TRIGGER roadmap_given_id BEFORE INSERT OR UPDATE OF id ON public.{table}
    FOR EACH ROW EXECUTE FUNCTION public.roadmap_given_id();
"""


def _trail_trigger(table: str, owner: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS roadmap_trail ON public.{table};
CREATE TRIGGER roadmap_trail AFTER INSERT OR UPDATE OR DELETE ON public.{table}
    FOR EACH ROW EXECUTE FUNCTION public.roadmap_trail('{owner}');
"""


def _policies(table: str, visible: str, writable: str) -> str:
    return f"""
ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS region_read ON public.{table};
DROP POLICY IF EXISTS region_write ON public.{table};
CREATE POLICY region_read ON public.{table} FOR SELECT USING ({visible});
CREATE POLICY region_write ON public.{table} FOR ALL USING ({writable}) WITH CHECK ({writable});
"""


def _psycopg(connection: Connection) -> psycopg.Connection[Any]:
    """The driver's own connection: policies and roles are PostgreSQL's SQL, run as written."""
    return cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)


def setup_region(engine: Engine) -> None:
    """Make the server's database a region's (idempotent, the administrator's): the accounts
    table, the policies, the change log's stamp, the trail, and the server's identity (its id
    readable by every account, its secret by none)."""
    statements = [_SETUP, _SAME_ROADMAP]
    for table in BY_ROADMAP:
        mine = f"roadmap_id IN ({_MINE})"
        writable = f"{mine} AND {_POINTS_AT[table]}" if table in _POINTS_AT else mine
        statements.append(_policies(table, "roadmap_id IN (SELECT id FROM public.roadmaps)", writable))
    for table in BY_MEASURE:
        writable = f"measure_id IN ({_MY_MEASURES}) AND {_POINTS_AT[table]}"
        statements.append(_policies(table, "measure_id IN (SELECT id FROM public.measures)", writable))
    statements.append(
        _policies(
            "change_log",
            f"{_MINISTRY} OR district = {_MY}",
            f"district = {_MY} AND (roadmap_id IS NULL OR roadmap_id IN ({_MINE}))",
        )
    )
    statements.append(_policies("people", f"district = {_MY}", f"district = {_MY}"))
    statements.append(
        _policies(
            "file_settings",
            f"(district = '' AND key NOT IN ('{SECRET_SETTING}')) OR district = {_MY}",
            f"district = {_MY} AND key LIKE '{DISTRICT_SETTINGS}%'",
        )
    )
    for table in BY_DISTRICT:
        statements.append(
            f"ALTER TABLE public.{table} ALTER COLUMN district "
            "SET DEFAULT coalesce(public.roadmap_my_district(), '');"
        )
    statements += [_TRAIL, _CHANGE_LOG]
    statements += [_trail_trigger("roadmaps", "roadmap")]
    statements += [_trail_trigger(table, "by_roadmap") for table in BY_ROADMAP]
    statements += [_trail_trigger(table, "by_measure") for table in BY_MEASURE]
    statements += [_trail_trigger(table, "own") for table in BY_DISTRICT]
    statements.append(_NO_FUTURE_IDS)
    for table in ("roadmaps", *BY_ROADMAP, *BY_MEASURE, *BY_DISTRICT, "change_log"):
        if table not in ("file_settings", "measure_schools"):  # keyed by name / by the pair, no id
            statements.append(_given_ids_trigger(table))
    with engine.begin() as connection:
        raw = _psycopg(connection)
        for statement in statements:
            raw.execute(statement)
        _make_identity(raw)


def _make_identity(raw: psycopg.Connection[Any]) -> None:
    """The server's identity, made here by the administrator (a district may not write shared
    settings): the id goes beside it as a setting every account reads."""
    found = raw.execute(
        "SELECT value FROM public.file_settings WHERE key = %s", (SECRET_SETTING,)
    ).fetchone()
    value = found[0] if found else None
    parts = identity_parts(json.loads(value) if isinstance(value, str) else value)
    ident = parts[0] if parts else ""
    if not ident:  # none yet, or damaged
        made = new_identity()
        ident = made["id"]
        raw.execute("DELETE FROM public.file_settings WHERE key = %s", (SECRET_SETTING,))
        raw.execute(
            "INSERT INTO public.file_settings (key, value, updated_at, version, district) "
            "VALUES (%s, %s, now(), 1, '')",
            (SECRET_SETTING, json.dumps(made)),
        )
    raw.execute(
        "INSERT INTO public.file_settings (key, value, updated_at, version, district) "
        "VALUES (%s, %s, now(), 1, '') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SERVER_ID_SETTING, json.dumps({"id": ident})),
    )


def add_account(engine: Engine, account: str, password: str, district: str | None, title: str = "") -> None:
    """A login role for a district (``district``) or the ministry (None), with its rights: a
    district reads and writes its roadmaps, people and sync records (the policies keep it to its
    own), adds change-log lines (stamped by the server) and reads the schema's version; the
    ministry only reads. Nobody but the administrator touches the accounts or the trail."""
    data = [*BY_ROADMAP, *BY_MEASURE, "roadmaps", *BY_DISTRICT]
    with engine.begin() as connection:
        raw = _psycopg(connection)
        role = sql.Identifier(account)
        exists = raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (account,)).fetchone()
        verb = sql.SQL("ALTER ROLE") if exists else sql.SQL("CREATE ROLE")
        raw.execute(
            sql.SQL("{} {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD {}").format(
                verb, role, sql.Literal(password)
            )
        )
        # an account made again (a district become the ministry) keeps nothing of its old rights
        raw.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(role))
        raw.execute(sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(role))
        grants = [(table, "SELECT") for table in (*data, "change_log", "alembic_version")]
        if district is not None:
            grants += [(table, "INSERT, UPDATE, DELETE") for table in data] + [("change_log", "INSERT")]
            # nextval for its own rows; not UPDATE: setval would make every district's next
            # insert collide
            raw.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
        for table, rights in grants:
            raw.execute(sql.SQL(f"GRANT {rights} ON public.{{}} TO {{}}").format(sql.Identifier(table), role))
        raw.execute(
            f"INSERT INTO public.{ACCOUNTS} (account, district, title) VALUES (%s, %s, %s) "
            "ON CONFLICT (account) DO UPDATE SET district = excluded.district, title = excluded.title",
            (account, district, title),
        )


def trail(engine: Engine, district: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
    """The server's own record of changes, oldest first (the administrator's: any other account is
    refused by the server, «42501»), of one district and from a moment when asked."""
    query = f"SELECT at, account, district, tbl, row_id, field, old, new FROM public.{TRAIL} WHERE true"
    if district is not None:
        query += " AND district = :district"
    if since is not None:
        query += " AND at >= :since"
    with engine.connect() as connection:
        rows = connection.execute(text(query + " ORDER BY id"), {"district": district, "since": since}).all()
    names = ("at", "account", "district", "table", "row", "field", "old", "new")
    return [dict(zip(names, row, strict=True)) for row in rows]
