"""Settings of the whole file: the school calendar (quarters and holidays) that deadlines such as
«в конце каждой четверти» or «в период осенних каникул» are read with.

Saved like every edit: one transaction, version-checked (a colleague's newer save is never
overwritten silently), a line in the change log.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update

from desktop.services.operations import Tx
from desktop.services.roadmap import SCHOOL_CALENDAR_KEY, school_calendar_of
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar
from models.entities import FileSetting
from models.storage.database import Database

SCHOOL_CALENDAR = SCHOOL_CALENDAR_KEY


def read_school_calendar(database: Database) -> tuple[SchoolCalendar, int]:
    """The file's calendar and its version (0: never saved, the defaults apply)."""
    with database.read() as conn:
        return school_calendar_of(conn)


def save_school_calendar(tx: Tx, calendar: SchoolCalendar, seen_version: int | None) -> int:
    """Store ``calendar`` if nobody saved since ``seen_version`` (inside the operation's
    transaction); the new version (a calendar never saved has version 0)."""
    calendar.check()
    value = calendar.to_settings()
    key = ("settings", 0)
    current = tx.conn.execute(
        select(FileSetting.value, FileSetting.version).where(FileSetting.key == SCHOOL_CALENDAR)
    ).one_or_none()
    stored_version = 0 if current is None else current.version
    expected = tx.expected(key, seen_version, stored_version)
    if stored_version != expected:
        raise tx.stale(key)
    if current is None:
        tx.conn.execute(
            insert(FileSetting).values(key=SCHOOL_CALENDAR, value=value, updated_at=tx.now, version=1)
        )
        tx.wrote(key, expected, 1)
    else:
        updated = tx.conn.execute(
            update(FileSetting)
            .where(FileSetting.key == SCHOOL_CALENDAR, FileSetting.version == expected)
            .values(value=value, updated_at=tx.now, version=expected + 1)
        )
        if updated.rowcount != 1:
            raise tx.stale(key)
        tx.wrote(key, expected, expected + 1)
    old = DEFAULT_CALENDAR.to_settings() if current is None else current.value
    tx.log(
        None,
        "settings",
        0,
        SCHOOL_CALENDAR,
        json.dumps(old, ensure_ascii=False),
        json.dumps(value, ensure_ascii=False),
    )
    return expected + 1
