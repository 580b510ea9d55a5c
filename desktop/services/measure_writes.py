"""Writing a measure's fields inside an operation's transaction: checked values, version-guarded
UPDATE, school links, change-log lines. Used by every command that edits cells."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from desktop.services.operations import Tx
from models.domain.errors import NotFoundError, ValidationError
from models.domain.fields import EDITABLE_COLUMNS, EDITABLE_NAMES, MEASURE_FIELDS
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


_EDITABLE_KINDS = {f.name: f.kind for f in MEASURE_FIELDS if f.editable}
_NOT_SCHOOLS = "Школы мероприятия выбираются из списка школ дорожной карты."


def school_ids(value: object) -> list[int]:
    """The school ids a value names, sorted, each once; ValidationError for anything else."""
    if isinstance(value, str | bytes):  # "12" is not the schools 1 and 2
        raise ValidationError(_NOT_SCHOOLS)
    try:  # whatever came in: not iterable, or not ids, raises here
        return sorted({int(i) for i in cast("Iterable[Any]", value)})
    except (TypeError, ValueError):
        raise ValidationError(_NOT_SCHOOLS) from None


def normalise_value(field: str, value: object) -> object:
    """Check and convert one field's new value (by its kind in models.domain.fields); raise
    ValidationError with a Russian message. Schools come back as ids; whether the roadmap has
    them is for the transaction to see."""
    kind = _EDITABLE_KINDS.get(field)
    if kind is None:
        allowed = ", ".join(EDITABLE_NAMES)
        raise ValidationError(f"Поле «{field}» нельзя изменить. Изменяемые поля: {allowed}.")
    if kind == "schools":
        return school_ids(value)
    if kind == "status":
        return parse_status(str(value))
    if kind == "date":
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
    return write_measures(tx, [(measure_id, seen, changes)])[measure_id]


Edit = tuple[int, int | None, Mapping[str, object]]  # measure id, version seen, field -> value
_BATCH = 500  # ids per IN (...) query


def _refuse_reported(
    tx: Tx, prepared: Sequence[tuple[int, Any, dict[str, Any], Any]], current: dict[int, Any]
) -> None:
    """A measure whose schools report has its status made from their records: typing one over
    it would be lost at once, so it is refused with where to go instead."""
    from desktop.services.execution import derived_statuses

    derived = derived_statuses(tx.conn, [p[0] for p in prepared])
    for measure_id, _seen, values, _schools in prepared:
        row = current.get(measure_id)
        if (
            measure_id in derived
            and row is not None
            and any(getattr(row, c) != v for c, v in values.items() if c in ("status", "done_on"))
        ):
            title = row.title if len(row.title) <= 60 else row.title[:57] + "…"
            raise ValidationError(
                f"Статус мероприятия «{title}» складывается из отчётов школ: измените отчёт нужной "
                "школы (двойной щелчок по статусу), а не статус мероприятия."
            )


def write_measures(tx: Tx, edits: Sequence[Edit]) -> dict[int, list[str]]:
    """Several measures' fields in the operation's transaction (a paste, a fill-down): values
    checked first, the rows read in batches, one version-guarded UPDATE statement per set of
    columns executed for all rows at once. Returns each measure's changed field names."""
    prepared = []
    for measure_id, seen, changes in edits:
        fields = dict(changes)
        schools = fields.pop("schools", None)  # links, not a column: same version check
        normalised = {f: normalise_value(f, v) for f, v in fields.items()}  # names checked first
        prepared.append((measure_id, seen, {EDITABLE_COLUMNS[f]: v for f, v in normalised.items()}, schools))
    columns = sorted({c for _, _, values, _ in prepared for c in values})
    current: dict[int, Any] = {}
    ids = [p[0] for p in prepared]
    for first in range(0, len(ids), _BATCH):
        rows = tx.conn.execute(
            select(
                Measure.id,
                Measure.roadmap_id,
                Measure.version,
                Measure.title,
                *(getattr(Measure, c) for c in columns),
            ).where(Measure.id.in_(ids[first : first + _BATCH]))
        )
        current.update({row.id: row for row in rows})
    if {"status", "done_on"} & set(columns):
        _refuse_reported(tx, [p for p in prepared if {"status", "done_on"} & set(p[2])], current)
    by_column = {column: name for name, column in EDITABLE_COLUMNS.items()}
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    out: dict[int, list[str]] = {}
    for measure_id, seen, values, schools in prepared:
        row = current.get(measure_id)
        if row is None:
            raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
        key = ("measure", measure_id)
        written = {c: v for c, v in values.items() if getattr(row, c) != v}
        changed = [by_column[c] for c in written]
        school_change = _school_change(tx.conn, measure_id, row.roadmap_id, schools)
        if school_change is not None:
            changed.append("schools")
        expected = tx.expected(key, seen, row.version, row.title)
        out[measure_id] = changed
        if not changed:
            if expected != row.version:
                raise tx.stale(key, row.title)
            continue
        groups[tuple(sorted(written))].append(
            {"m_id": measure_id, "m_expected": expected, **{f"v_{c}": v for c, v in written.items()}}
        )
        tx.wrote(key, expected, expected + 1)
        for column, value in written.items():
            tx.log(
                row.roadmap_id,
                "measure",
                measure_id,
                by_column[column],
                as_text(getattr(row, column)),
                as_text(value),
            )
        if school_change is not None:
            _write_schools(tx, measure_id, row.roadmap_id, school_change)
    for group_columns, params in groups.items():
        statement = (
            update(Measure.__table__)
            .where(Measure.id == bindparam("m_id"), Measure.version == bindparam("m_expected"))
            .values(
                {
                    **{c: bindparam(f"v_{c}") for c in group_columns},
                    "version": bindparam("m_expected") + 1,
                    "updated_at": tx.now,
                }
            )
        )
        result = tx.conn.execute(statement, params)
        if result.rowcount != len(params):  # a colleague saved one of them in between
            raise _first_stale(tx, params, current)
    return out


def _first_stale(tx: Tx, params: list[dict[str, Any]], current: dict[int, Any]) -> Exception:
    ids = [p["m_id"] for p in params]
    stored = dict(
        tx.conn.execute(select(Measure.id, Measure.version).where(Measure.id.in_(ids))).tuples().all()
    )
    for p in params:
        if stored.get(p["m_id"]) != p["m_expected"] + 1:
            return tx.stale(("measure", p["m_id"]), current[p["m_id"]].title)
    return tx.stale(("measure", ids[0]), current[ids[0]].title)


def _write_schools(
    tx: Tx, measure_id: int, roadmap_id: int, change: tuple[list[int], list[int], dict[int, str]]
) -> None:
    old_ids, new_ids, names = change
    tx.conn.execute(delete(MeasureSchool).where(MeasureSchool.measure_id == measure_id))
    if new_ids:
        tx.conn.execute(insert(MeasureSchool), [{"measure_id": measure_id, "school_id": i} for i in new_ids])
    tx.log(
        roadmap_id,
        "measure",
        measure_id,
        "schools",
        ", ".join(names[i] for i in old_ids),
        ", ".join(names[i] for i in new_ids),
    )


def _school_change(
    conn: Connection, measure_id: int, roadmap_id: int, schools: object
) -> tuple[list[int], list[int], dict[int, str]] | None:
    """(old ids, new ids, names) when the measure's schools would change, else None."""
    if schools is None:
        return None
    wanted = school_ids(schools)
    names = dict(
        conn.execute(select(School.id, School.name).where(School.roadmap_id == roadmap_id)).tuples().all()
    )
    unknown = [i for i in wanted if i not in names]
    if unknown:
        raise ValidationError("Выбранной школы нет в этой дорожной карте; список обновлён.")
    old = sorted(conn.scalars(select(MeasureSchool.school_id).where(MeasureSchool.measure_id == measure_id)))
    return None if old == wanted else (old, wanted, names)
