"""Writing a measure's fields inside an operation's transaction: checked values, version-guarded
UPDATE, school links, change-log lines. Used by every command that edits cells."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, delete, insert, select

from desktop.services.operations import Tx
from models.domain.errors import NotFoundError, ValidationError
from models.domain.fields import EDITABLE_COLUMNS, EDITABLE_NAMES
from models.domain.status import parse_status
from models.entities import Measure, MeasureSchool, School


def parse_date(value: str) -> date | None:
    """ISO (2024-03-01) or Russian (01.03.2024) date; empty means none."""
    text = value.strip()
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValidationError(f"Не удалось понять дату «{value}». Введите её как 31.12.2024.")


def normalise_value(field: str, value: object) -> object:
    """Check and convert one field's new value; raise ValidationError with a Russian message."""
    if field not in EDITABLE_COLUMNS:
        allowed = ", ".join(EDITABLE_NAMES)
        raise ValidationError(f"Поле «{field}» нельзя изменить. Изменяемые поля: {allowed}.")
    if field == "status":
        return parse_status(str(value))
    if field == "done_on":
        if value is None or isinstance(value, date):
            return value
        return parse_date(str(value))
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise ValidationError("Текст содержит недопустимый символ (NUL). Удалите его и повторите.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def as_text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def write_measure(tx: Tx, measure_id: int, seen: int | None, changes: Mapping[str, object]) -> list[str]:
    """Set fields of one measure; the names of those whose value changed.

    ``seen`` is the version the user's change is based on (None: whatever is stored, for
    scripts). Raises StaleEditError when a colleague saved in between, NotFoundError when the
    measure is gone, ValidationError for a bad value (the whole operation is rolled back).
    """
    changes = dict(changes)
    schools = changes.pop("schools", None)  # links, not a column: same version check
    normalised = {f: normalise_value(f, v) for f, v in changes.items()}  # names checked first
    values = {EDITABLE_COLUMNS[f]: v for f, v in normalised.items()}
    current = tx.conn.execute(
        select(
            Measure.roadmap_id, Measure.version, Measure.title, *(getattr(Measure, c) for c in values)
        ).where(Measure.id == measure_id)
    ).one_or_none()
    if current is None:
        raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
    key = ("measure", measure_id)
    changed = [f for f, c in zip(changes, values, strict=True) if getattr(current, c) != values[c]]
    school_change = _school_change(tx.conn, measure_id, current.roadmap_id, schools)
    if school_change is not None:
        changed.append("schools")
    if not changed:
        if tx.expected(key, seen, current.version, current.title) != current.version:
            raise tx.stale(key, current.title)
        return []
    written = {c: values[c] for f, c in zip(changes, values, strict=True) if f in changed}
    tx.update_versioned(
        Measure.__table__, key, seen, current.version, {**written, "updated_at": tx.now}, current.title
    )
    for name in changed:
        if name == "schools":
            continue
        column = EDITABLE_COLUMNS[name]
        tx.log(
            current.roadmap_id,
            "measure",
            measure_id,
            name,
            as_text(getattr(current, column)),
            as_text(values[column]),
        )
    if school_change is not None:
        old_ids, new_ids, names = school_change
        tx.conn.execute(delete(MeasureSchool).where(MeasureSchool.measure_id == measure_id))
        if new_ids:
            tx.conn.execute(
                insert(MeasureSchool), [{"measure_id": measure_id, "school_id": i} for i in new_ids]
            )
        tx.log(
            current.roadmap_id,
            "measure",
            measure_id,
            "schools",
            ", ".join(names[i] for i in old_ids),
            ", ".join(names[i] for i in new_ids),
        )
    return changed


def _school_change(
    conn: Connection, measure_id: int, roadmap_id: int, schools: object
) -> tuple[list[int], list[int], dict[int, str]] | None:
    """(old ids, new ids, names) when the measure's schools would change, else None."""
    if schools is None:
        return None
    names = dict(conn.execute(select(School.id, School.name).where(School.roadmap_id == roadmap_id)).tuples().all())
    try:  # whatever came in: not iterable, or not ids, raises here
        wanted = sorted({int(i) for i in cast("Iterable[Any]", schools)})
    except (TypeError, ValueError):
        raise ValidationError("Школы мероприятия выбираются из списка школ дорожной карты.") from None
    unknown = [i for i in wanted if i not in names]
    if unknown:
        raise ValidationError("Выбранной школы нет в этой дорожной карте; список обновлён.")
    old = sorted(conn.scalars(select(MeasureSchool.school_id).where(MeasureSchool.measure_id == measure_id)))
    return None if old == wanted else (old, wanted, names)
