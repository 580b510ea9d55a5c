"""Schools' records of a measure's execution: read with the roadmap, written one school at a time.

A measure that concerns several schools is done school by school (models/domain/execution.py
makes its status from them). A record is stored once the school reports; until then it reads
as planned. Each record is versioned like a measure, and its changes go to the measure's change
log as ``status#<school id>`` (the history shows the school's name).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from desktop.services.dto import MeasureRow
from desktop.services.operations import Tx
from models.domain.errors import NotFoundError, ValidationError
from models.domain.execution import SchoolRecord, derive
from models.domain.roles import check_school
from models.domain.status import PLANNED, STATUS_LABELS, parse_status
from models.entities import Measure, MeasureSchool, School, SchoolExecution

RECORD_FIELDS = ("status", "done_on", "note")
# How a school's record reads before it reports.
NOT_REPORTED: dict[str, Any] = {"status": PLANNED, "done_on": None, "note": ""}


def not_reported(school_id: int) -> SchoolRecord:
    return SchoolRecord(school_id, PLANNED, None, "", 0)


_COLUMNS = (
    SchoolExecution.id,
    SchoolExecution.measure_id,
    SchoolExecution.school_id,
    SchoolExecution.status,
    SchoolExecution.done_on,
    SchoolExecution.note,
    SchoolExecution.version,
    SchoolExecution.updated_by,
)


def log_field(name: str, school_id: int) -> str:
    """The change log's field for a school's record: «status#12»."""
    return f"{name}#{school_id}"


def stored_records(
    conn: Connection, roadmap_id: int | None = None, measure_ids: Collection[int] | None = None
) -> dict[int, dict[int, SchoolRecord]]:
    """measure id -> school id -> the stored record, for a roadmap's measures or the ones named."""
    query = select(*_COLUMNS)
    if measure_ids is not None:
        query = query.where(SchoolExecution.measure_id.in_(list(measure_ids)))
    else:
        query = query.join(Measure, Measure.id == SchoolExecution.measure_id).where(
            Measure.roadmap_id == roadmap_id
        )
    found: dict[int, dict[int, SchoolRecord]] = {}
    for ident, measure, school, status, done_on, note, version, by in conn.execute(query):
        found.setdefault(measure, {})[school] = SchoolRecord(
            school, status, done_on, note or "", version, ident, by or ""
        )
    return found


def derived_statuses(conn: Connection, measure_ids: Collection[int] | None = None) -> dict[int, str]:
    """measure id -> the status made from its schools' records, for every measure in the file
    (or of ``measure_ids``) where a school has reported: the roadmap list counts them as the grid
    shows them, and their own status can no longer be typed over."""
    reported = select(SchoolExecution.measure_id).distinct()
    if measure_ids is not None:
        reported = reported.where(SchoolExecution.measure_id.in_(list(measure_ids)))
    links = conn.execute(
        select(MeasureSchool.measure_id, MeasureSchool.school_id).where(
            MeasureSchool.measure_id.in_(reported)
        )
    ).all()
    schools: dict[int, list[int]] = {}
    for measure_id, school_id in links:
        schools.setdefault(measure_id, []).append(school_id)
    stored = stored_records(conn, measure_ids=list(schools)) if schools else {}
    out: dict[int, str] = {}
    for measure_id, ids in schools.items():
        records = stored.get(measure_id, {})
        derived = derive([records.get(s) or not_reported(s) for s in ids])
        if derived is not None:
            out[measure_id] = derived.status
    return out


def with_execution(row: MeasureRow, stored: Mapping[int, SchoolRecord] | None) -> MeasureRow:
    """The measure with a record per school it concerns, and its status made from them once any
    school has reported (records of schools it no longer concerns are kept but not counted)."""
    if not row.school_ids:
        return row
    stored = stored or {}
    records = tuple(stored.get(s) or not_reported(s) for s in row.school_ids)
    derived = derive(records)
    if derived is None:
        return replace(row, execution=records, derived=None)
    return replace(row, status=derived.status, done_on=derived.done_on, execution=records, derived=derived)


def with_executions(rows: dict[int, MeasureRow], stored: Mapping[int, Mapping[int, SchoolRecord]]) -> None:
    """with_execution for every measure of a loaded roadmap that concerns schools (in place)."""
    for ident, row in rows.items():
        if row.school_ids:
            rows[ident] = with_execution(row, stored.get(ident))


def _clean(values: Mapping[str, object]) -> dict[str, Any]:
    from desktop.services.measure_writes import parse_date

    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name == "status":
            clean[name] = parse_status(str(value or ""))
        elif name == "done_on":
            clean[name] = value if isinstance(value, date) or value is None else parse_date(str(value))
        elif name == "note":
            text = "" if value is None else str(value)
            if "\x00" in text:
                raise ValidationError("Отметка содержит недопустимый символ (NUL). Удалите его и повторите.")
            clean[name] = text.strip()
        else:
            raise ValidationError(
                f"Поле «{name}» не относится к отчёту школы: можно изменить status, done_on, note."
            )
    return clean


def write_school_record(
    tx: Tx, measure_id: int, school_id: int, seen_version: int | None, values: Mapping[str, object]
) -> tuple[list[str], SchoolRecord | None]:
    """Set fields of one school's record of a measure (the record made when the school first
    reports); returns the fields that changed and the record as it was before (None: there was
    none). ``seen_version`` 0 means the user saw no record: one made since is a colleague's."""
    return write_school_records(tx, school_id, {measure_id: values}, {measure_id: seen_version})[measure_id]


def write_school_records(
    tx: Tx,
    school_id: int,
    edits: Mapping[int, Mapping[str, object]],
    seen: Mapping[int, int | None] | None = None,
) -> dict[int, tuple[list[str], SchoolRecord | None]]:
    """write_school_record for many measures of one school (a sheet taken back): the measures,
    the school's links and the records read in one query each, not one set per record."""
    cleaned = {measure_id: _clean(values) for measure_id, values in edits.items()}
    conn = tx.conn
    ids = list(cleaned)
    measures = {
        row.id: row
        for first in range(0, len(ids), _BATCH)
        for row in conn.execute(
            select(Measure.id, Measure.roadmap_id, Measure.title).where(
                Measure.id.in_(ids[first : first + _BATCH])
            )
        )
    }
    school_name = conn.execute(select(School.name).where(School.id == school_id)).scalar_one_or_none()
    linked = {
        measure_id
        for first in range(0, len(ids), _BATCH)
        for measure_id in conn.scalars(
            select(MeasureSchool.measure_id).where(
                MeasureSchool.school_id == school_id,
                MeasureSchool.measure_id.in_(ids[first : first + _BATCH]),
            )
        )
    }
    stored: dict[int, dict[int, SchoolRecord]] = {}
    for first in range(0, len(ids), _BATCH):
        stored.update(stored_records(conn, measure_ids=ids[first : first + _BATCH]))
    out: dict[int, tuple[list[str], SchoolRecord | None]] = {}
    for measure_id, clean in cleaned.items():
        measure = measures.get(measure_id)
        if measure is None:
            raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
        if school_name is None or measure_id not in linked:
            raise ValidationError(
                "Эта школа не указана у мероприятия: сначала добавьте её в столбец «Школы»."
            )
        check_school(tx.actor.role, tx.actor.shown, tx.actor.school, school_name)
        seen_version = (seen or {}).get(measure_id)
        current = stored.get(measure_id, {}).get(school_id)
        out[measure_id] = (_write_one(tx, measure, school_id, current, clean, seen_version), current)
    return out


_BATCH = 500  # ids per IN (...) query


def _write_one(
    tx: Tx,
    measure: Any,
    school_id: int,
    current: SchoolRecord | None,
    clean: dict[str, Any],
    seen_version: int | None,
) -> list[str]:
    before = current or not_reported(school_id)
    changed = [name for name, value in clean.items() if getattr(before, name) != value]
    if not changed:
        return []
    if current is None:
        if seen_version not in (None, 0):
            raise tx.stale(("measure", measure.id), measure.title)
        record = NOT_REPORTED | clean
        ident = tx.conn.execute(
            insert(SchoolExecution)
            .values(
                measure_id=measure.id,
                school_id=school_id,
                version=1,
                updated_at=tx.now,
                updated_by=tx.actor.shown,
                **record,
            )
            .returning(SchoolExecution.id)
        ).scalar_one()
        tx.created(("execution", ident), 1)
    else:
        assert current.record_id is not None
        tx.update_versioned(
            SchoolExecution.__table__,
            ("execution", current.record_id),
            None if seen_version == 0 else seen_version,
            current.version,
            {**clean, "updated_at": tx.now, "updated_by": tx.actor.shown},
            measure.title,
        )
    for name in changed:
        tx.log(
            measure.roadmap_id,
            "measure",
            measure.id,
            log_field(name, school_id),
            _shown(getattr(before, name)),
            _shown(clean[name]),
        )
    return changed


def remove_school_record(tx: Tx, measure_id: int, school_id: int) -> None:
    """Undo of a school's first report: the record goes, and the school reads as not reported."""
    conn = tx.conn
    current = stored_records(conn, measure_ids=[measure_id]).get(measure_id, {}).get(school_id)
    if current is None or current.record_id is None:
        return
    key = ("execution", current.record_id)
    tx.expected(key, None, current.version)
    conn.execute(delete(SchoolExecution).where(SchoolExecution.id == current.record_id))
    tx.wrote(key, current.version, current.version)
    roadmap_id = conn.execute(select(Measure.roadmap_id).where(Measure.id == measure_id)).scalar_one()
    for name in RECORD_FIELDS:
        old = getattr(current, name)
        if old != NOT_REPORTED[name]:
            tx.log(
                roadmap_id,
                "measure",
                measure_id,
                log_field(name, school_id),
                _shown(old),
                _shown(NOT_REPORTED[name]),
            )


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value in STATUS_LABELS:
        return value
    return str(value)


def school_id_by_name(conn: Connection, measure_id: int, name: str) -> tuple[int, str]:
    """The school named ``name`` (any case) among those the measure concerns: its id and name."""
    rows = conn.execute(
        select(School.id, School.name)
        .join(MeasureSchool, MeasureSchool.school_id == School.id)
        .where(MeasureSchool.measure_id == measure_id)
    ).all()
    if not conn.execute(select(Measure.id).where(Measure.id == measure_id)).first():
        raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
    for ident, school in rows:
        if school.casefold() == name.strip().casefold():
            return int(ident), str(school)
    named = ", ".join(f"«{s}»" for _i, s in rows) or "ни одной"
    raise ValidationError(f"Школа «{name}» не указана у мероприятия № {measure_id}. Его школы: {named}.")


def roadmap_school_ids(conn: Connection, measure_id: int, names: Sequence[str]) -> list[int]:
    """The ids of the measure's roadmap's schools named (any case); ValidationError naming the
    schools there are when a name is not among them."""
    roadmap_id = conn.execute(select(Measure.roadmap_id).where(Measure.id == measure_id)).scalar()
    if roadmap_id is None:
        raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
    schools = conn.execute(select(School.id, School.name).where(School.roadmap_id == roadmap_id)).all()
    by_name = {str(name).casefold(): int(ident) for ident, name in schools}
    ids = []
    for name in names:
        ident = by_name.get(name.strip().casefold())
        if ident is None:
            known = ", ".join(f"«{n}»" for _i, n in schools) or "их нет (добавьте на вкладке «Документ»)"
            raise ValidationError(f"Школы «{name.strip()}» нет в дорожной карте. Школы карты: {known}.")
        ids.append(ident)
    return ids
