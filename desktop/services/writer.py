"""Writing a whole roadmap, given as a plain dict in the dump's shape, in one transaction.

The importers and the demo both produce that shape, so there is one way in for new roadmaps:
either everything is added or nothing is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from desktop.services.operations import Operations, Tx
from models.domain.errors import ValidationError
from models.domain.fields import MEASURE_FIELDS
from models.domain.numbering import Node, NodeKind, infer_style
from models.domain.roles import IMPORT
from models.domain.status import PLANNED, parse_status
from models.entities import ApprovalOrder, Measure, MeasureSchool, Roadmap, School, SchoolExecution, Section

Progress = Callable[[int, int, str], None]
# The measure's plain text fields: stored in the column of the same name as the dump's key.
MEASURE_TEXT_FIELDS = tuple(f.name for f in MEASURE_FIELDS if f.kind == "text")


@dataclass(frozen=True)
class WriteResult:
    roadmap_id: int
    sections: int
    measures: int
    # the dump's own ids ("id" of a section or measure, as a dump of another store gives them)
    # -> the ids written here: a roadmap carried whole to the server, or from it, is paired row
    # by row for later syncs
    section_ids: dict[int, int] = field(default_factory=dict)
    measure_ids: dict[int, int] = field(default_factory=dict)
    school_ids: dict[str, int] = field(default_factory=dict)


class CancelledError(Exception):
    """The user cancelled; the transaction was rolled back and nothing was written."""


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"Неверная дата «{value}»: ожидается ГГГГ-ММ-ДД.") from exc


def _period(data: Mapping[str, Any]) -> tuple[date, date]:
    period = data.get("period") or []
    if len(period) != 2:
        raise ValidationError("У дорожной карты не указан период (дата начала и дата окончания).")
    start, end = _date(period[0]), _date(period[1])
    if start is None or end is None or start > end:
        raise ValidationError(f"Неверный период дорожной карты: {period[0]} – {period[1]}.")
    return start, end


def _deadline_text(measure: Mapping[str, Any]) -> str:
    deadline = measure.get("deadline")
    if isinstance(deadline, Mapping):
        return str(deadline.get("text") or "")
    return str(deadline or "")


def _bound_copy(value: object) -> str:
    """A string of its own for sqlite3 to bind: sqlite3 attaches a UTF-8 copy to every bound
    Cyrillic string, and on the caller's strings that copy would live as long as the whole
    recognised roadmap (+80 MB at 100,000 measures); on this one it dies with the batch."""
    return str(value or "").encode("utf-8").decode("utf-8")


def _source_id(node: Mapping[str, Any]) -> int | None:
    ident = node.get("id")
    return ident if type(ident) is int else None


def _count(node: Mapping[str, Any]) -> int:
    return len(node.get("measures") or []) + sum(_count(s) for s in node.get("sections") or [])


def write_roadmap(
    operations: Operations,
    data: Mapping[str, Any],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> WriteResult:
    """Add one roadmap from ``data`` (dump shape) in a single operation: the coordinator's alone
    (refused before anything is written otherwise), one transaction, a line in the change log.

    A section's own measures come before its subsections (the order of the dump). When
    ``numbering`` is not given, the style that reproduces the document's own numbers is used.
    """

    def work(tx: Tx) -> WriteResult:
        with tx.session() as session:
            result = write_roadmap_in(session, data, progress, cancel)
        title = str(data.get("title") or "")
        tx.log(result.roadmap_id, "roadmap", result.roadmap_id, "insert", None, title[:500])
        return result

    return operations.transact(IMPORT, work)


def write_roadmap_in(
    session: Session,
    data: Mapping[str, Any],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> WriteResult:
    """write_roadmap inside a transaction the caller holds (a sync writes the roadmap and its
    sync record together)."""
    start, end = _period(data)
    total = _count(data)
    now = datetime.now().replace(microsecond=0)
    roadmap = Roadmap(
        title=str(data.get("title") or ""),
        organization=str(data.get("organization") or ""),
        period_start=start,
        period_end=end,
        goal=str(data.get("goal") or ""),
        tasks=[str(t) for t in data.get("tasks") or []],
        approval_kind=(data.get("approval") or {}).get("kind"),
        approval_lines=[str(x) for x in (data.get("approval") or {}).get("lines") or []],
        settings=dict(data.get("settings") or {}),
        created_at=now,
        updated_at=now,
    )
    session.add(roadmap)
    session.flush()
    if data.get("order"):
        session.add(_order(roadmap.id, data["order"], str(data.get("organization") or "")))
    school_ids = _write_schools(session, roadmap.id, data)
    writer = _TreeWriter(session, roadmap.id, school_ids, total, progress, cancel)
    top = resolve_placeholders(writer.write_children(data, None), writer.flush())
    style = data.get("numbering"), data.get("subsection_numbering")
    if not all(style):
        style = infer_style(top, writer.written)
    roadmap.numbering, roadmap.subsection_numbering = str(style[0]), str(style[1])
    session.flush()
    measure_ids = {
        source: written
        for source, written in zip(writer.source_ids, writer.ids, strict=True)
        if source is not None
    }
    return WriteResult(
        roadmap.id,
        writer.section_count,
        writer.measure_count,
        writer.section_ids,
        measure_ids,
        school_ids,
    )


def _order(roadmap_id: int, order: Mapping[str, Any], organization: str) -> ApprovalOrder:
    return ApprovalOrder(
        roadmap_id=roadmap_id,
        issuer=str(order.get("issuer") or organization),
        number=str(order.get("number") or ""),
        number_text=str(order.get("number_text") or ""),
        date=_date(order.get("date")),
        date_text=str(order.get("date_text") or ""),
        place=order.get("place"),
        title=order.get("title"),
        preamble=str(order.get("preamble") or ""),
        directive=str(order.get("directive") or ""),
        clauses=[str(c) for c in order.get("clauses") or []],
        signer=str(order.get("signer") or ""),
        signer_position=str(order.get("signer_position") or ""),
    )


def _write_schools(session: Session, roadmap_id: int, data: Mapping[str, Any]) -> dict[str, int]:
    """Schools (names or dicts with flags); mentor schools are flagged. Returns name -> id."""
    entries: list[dict[str, Any]] = []
    for item in data.get("schools") or []:
        entries.append(dict(item) if isinstance(item, Mapping) else {"name": str(item)})
    for item in data.get("mentor_schools") or []:
        entries.append({"name": str(item), "is_mentor": True})
    ids: dict[str, int] = {}
    for position, entry in enumerate(entries, start=1):
        name = str(entry.get("name") or "").strip()
        if not name or name in ids:
            continue
        school = School(
            roadmap_id=roadmap_id,
            position=position,
            name=name,
            is_shnor=bool(entry.get("is_shnor", False)),
            is_sssu=bool(entry.get("is_sssu", False)),
            is_mentor=bool(entry.get("is_mentor", False)),
            risk_profiles=[str(r) for r in entry.get("risk_profiles") or []],
        )
        session.add(school)
        session.flush()
        ids[name] = school.id
    return ids


class _TreeWriter:
    """Walks the nested dict: sections are added as met (their ids are needed by children),
    measures are collected in document order and inserted in batches at the end."""

    BATCH = 500

    def __init__(
        self,
        session: Session,
        roadmap_id: int,
        school_ids: dict[str, int],
        total: int,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.session, self.roadmap_id, self.school_ids = session, roadmap_id, school_ids
        self.total, self.progress, self.cancel = total, progress, cancel
        self.ids: list[int] = []  # of the measures written so far, in document order
        self.rows: list[dict[str, Any]] = []  # waiting for the next batch
        self.row_schools: list[list[str]] = []
        self.row_execution: list[list[Mapping[str, Any]]] = []  # the schools' records, as the dump gives them
        self.row_numbers: list[str] = []
        self.written: dict[tuple[NodeKind, int], str] = {}
        self.section_count = 0
        self.source_ids: list[int | None] = []  # the dump's "id" of each measure, in document order
        self.section_ids: dict[int, int] = {}  # the dump's "id" of a section -> its id here

    @property
    def measure_count(self) -> int:
        return len(self.ids) + len(self.rows)

    def write_children(self, node: Mapping[str, Any], section_id: int | None) -> list[Node]:
        """Sections now, measures as placeholders (ids = -(index + 1)) until flush()."""
        nodes: list[Node] = []
        position = 0
        for measure in node.get("measures") or []:
            position += 1
            self._check_cancel()
            self.rows.append(self._measure_row(measure, section_id, position))
            self.row_schools.append([str(x) for x in measure.get("schools") or []])
            execution = measure.get("execution")
            self.row_execution.append(
                [e for e in execution if isinstance(e, Mapping)] if isinstance(execution, list) else []
            )
            self.row_numbers.append(str(measure.get("number") or ""))
            self.source_ids.append(_source_id(measure))
            nodes.append(Node("measure", -self.measure_count))
            if len(self.rows) >= self.BATCH:
                self.flush()
        for child in node.get("sections") or []:
            position += 1
            section = Section(
                roadmap_id=self.roadmap_id,
                parent_id=section_id,
                position=position,
                title=str(child.get("title") or ""),
                number_as_written=str(child.get("number_as_written") or child.get("number") or ""),
            )
            self.session.add(section)
            self.session.flush()
            self.section_count += 1
            if _source_id(child) is not None:
                self.section_ids[int(child["id"])] = section.id
            self.written[("section", section.id)] = str(child.get("number") or "")
            nodes.append(Node("section", section.id, self.write_children(child, section.id)))
        return nodes

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CancelledError

    def _measure_row(
        self, measure: Mapping[str, Any], section_id: int | None, position: int
    ) -> dict[str, Any]:
        row: dict[str, Any] = {f: _bound_copy(measure.get(f)) for f in MEASURE_TEXT_FIELDS}
        row.update(
            roadmap_id=self.roadmap_id,
            section_id=section_id,
            position=position,
            deadline_text=_bound_copy(_deadline_text(measure)),
            status=parse_status(str(measure.get("status") or PLANNED)),
            done_on=_date(measure.get("done_on")),
            number_as_written=str(measure.get("number_as_written") or measure.get("number") or ""),
            extra={str(k): str(v) for k, v in (measure.get("extra") or {}).items()},
            version=1,
        )
        return row

    def _records(self, ids: list[int], links: list[dict[str, int]]) -> list[dict[str, Any]]:
        """The schools' records of the batch (the dump's ``execution``): only for a school the
        measure concerns, one per school; a record of a school that has not reported is not one."""
        linked = {(link["measure_id"], link["school_id"]) for link in links}
        records: dict[tuple[int, int], dict[str, Any]] = {}
        for measure_id, entries in zip(ids, self.row_execution, strict=True):
            for entry in entries:
                school_id = self.school_ids.get(str(entry.get("school") or ""))
                if school_id is None or (measure_id, school_id) not in linked:
                    continue
                status = parse_status(str(entry.get("status") or PLANNED))
                done_on, note, by = (
                    _date(entry.get("done_on")),
                    str(entry.get("note") or ""),
                    str(entry.get("by") or ""),
                )
                if status == PLANNED and done_on is None and not note and not by:
                    continue
                records[(measure_id, school_id)] = {
                    "measure_id": measure_id,
                    "school_id": school_id,
                    "status": status,
                    "done_on": done_on,
                    "note": note,
                    "version": 1,
                    "updated_by": by,
                }
        return list(records.values())

    def flush(self) -> list[int]:
        """Insert the measures collected since the last batch (memory stays that of one batch,
        whatever the roadmap's size); returns the ids of all measures in document order."""
        if not self.rows:
            return self.ids
        self._check_cancel()
        result = self.session.execute(
            insert(Measure).returning(Measure.id, sort_by_parameter_order=True), self.rows
        )
        ids = [row[0] for row in result]
        links = [
            {"measure_id": ids[i], "school_id": self.school_ids[name]}
            for i, names in enumerate(self.row_schools)
            for name in dict.fromkeys(names)
            if name in self.school_ids
        ]
        if links:
            self.session.execute(insert(MeasureSchool), links)
        records = self._records(ids, links)
        if records:
            self.session.execute(insert(SchoolExecution), records)
        for measure_id, number in zip(ids, self.row_numbers, strict=True):
            self.written[("measure", measure_id)] = number
        self.ids.extend(ids)
        self.rows, self.row_schools, self.row_numbers, self.row_execution = [], [], [], []
        if self.progress is not None:
            self.progress(len(self.ids), self.total, "Запись мероприятий")
        return self.ids


def resolve_placeholders(nodes: list[Node], ids: list[int]) -> list[Node]:
    """Replace placeholder measure ids (-(index + 1)) by the inserted ids."""
    out: list[Node] = []
    for node in nodes:
        if node.kind == "measure":
            out.append(Node("measure", ids[-node.id - 1]))
        else:
            out.append(Node("section", node.id, resolve_placeholders(list(node.children), ids)))
    return out
