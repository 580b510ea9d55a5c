"""Settings of the whole file: the school calendar (quarters and holidays) that deadlines such as
«в конце каждой четверти» or «в период осенних каникул» are read with.

Saved like every edit: one transaction, version-checked (a colleague's newer save is never
overwritten silently), a line in the change log.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select, update

from desktop.services.roadmap import SCHOOL_CALENDAR_KEY, Actor, school_calendar_of
from models.domain.errors import StaleEditError
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar
from models.entities import ChangeLogEntry, FileSetting
from models.storage.database import Database

SCHOOL_CALENDAR = SCHOOL_CALENDAR_KEY


def read_school_calendar(database: Database) -> tuple[SchoolCalendar, int]:
    """The file's calendar and its version (0: never saved, the defaults apply)."""
    with database.read() as conn:
        return school_calendar_of(conn)


def save_school_calendar(
    database: Database, actor: Actor, calendar: SchoolCalendar, seen_version: int
) -> int:
    """Store ``calendar`` if nobody saved since ``seen_version``; the new version."""
    calendar.check()
    value = calendar.to_settings()
    now = datetime.now().replace(microsecond=0)
    with database.write() as conn:
        current = conn.execute(
            select(FileSetting.value, FileSetting.version).where(FileSetting.key == SCHOOL_CALENDAR)
        ).one_or_none()
        stored_version = 0 if current is None else current.version
        if stored_version != seen_version:
            raise StaleEditError(
                "Учебный календарь уже изменён другим пользователем. Ваше изменение не сохранено: "
                "откройте настройки ещё раз."
            )
        if current is None:
            conn.execute(
                insert(FileSetting).values(key=SCHOOL_CALENDAR, value=value, updated_at=now, version=1)
            )
        else:
            conn.execute(
                update(FileSetting)
                .where(FileSetting.key == SCHOOL_CALENDAR, FileSetting.version == seen_version)
                .values(value=value, updated_at=now, version=seen_version + 1)
            )
        old = DEFAULT_CALENDAR.to_settings() if current is None else current.value
        conn.execute(
            insert(ChangeLogEntry).values(
                at=now,
                user=actor.user,
                computer=actor.computer,
                roadmap_id=None,
                entity="settings",
                entity_id=0,
                field=SCHOOL_CALENDAR,
                old=json.dumps(old, ensure_ascii=False),
                new=json.dumps(value, ensure_ascii=False),
            )
        )
    return seen_version + 1
