"""RoadmapService: loading roadmaps as DTOs; its ``operations`` commit every change.

Every method that writes is one transaction. Edits are guarded by the version the user saw:
``UPDATE … WHERE id = :id AND version = :seen`` — if someone else saved in between, no row
matches and the edit is refused, so two people never silently overwrite each other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, Text, select, type_coerce

from desktop.services.dto import (
    ChildRef,
    MeasureRow,
    OrderInfo,
    RoadmapHeader,
    RoadmapSummary,
    RoadmapTree,
    SchoolRow,
    SectionRow,
)
from desktop.services.evidence import stored_evidence, with_evidence
from desktop.services.execution import derived_statuses, stored_records, with_execution, with_executions
from desktop.services.operations import Actor as Actor  # re-exported: the service's callers name it here
from desktop.services.operations import Operations
from models.domain.errors import NotFoundError, ValidationError
from models.domain.fields import EDITABLE_COLUMNS
from models.domain.numbering import Node, number_tree
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar
from models.entities import (
    ApprovalOrder,
    ChangeLogEntry,
    FileSetting,
    Measure,
    MeasureSchool,
    Roadmap,
    School,
    Section,
)
from models.storage.database import Database

SCHOOL_CALENDAR_KEY = "school_calendar"

# Fields of a measure a user may change, as named in the dump and the CLI, with their columns.
EDITABLE_FIELDS: Mapping[str, str] = EDITABLE_COLUMNS
_MEASURE_COLUMNS = (
    Measure.id,
    Measure.roadmap_id,
    Measure.section_id,
    Measure.position,
    Measure.title,
    Measure.form,
    Measure.deadline_text,
    Measure.responsible,
    Measure.result,
    Measure.target_group,
    Measure.status,
    Measure.done_on,
    Measure.note,
    Measure.version,
    Measure.number_as_written,
    type_coerce(Measure.extra, Text()).label("extra"),  # decoded only when not empty
)


SECTION_COLUMNS = (
    Section.id,
    Section.parent_id,
    Section.position,
    Section.title,
    Section.version,
    Section.number_as_written,
)


def rows_in_order(
    sections: Iterable[Any], places: Iterable[tuple[int, int | None, int]]
) -> dict[int | None, tuple[ChildRef, ...]]:
    """Each parent's rows (None: the top level) in document order: by position, a section before
    a measure at the same position, then by id. ``sections`` are rows of SECTION_COLUMNS,
    ``places`` (measure id, section id, position).

    A row whose section is missing, or sections whose parents form a loop (a file edited by
    another program with foreign keys off), are shown at the top level: never left out of the
    grid, the dump and the exports."""
    rows = list(sections)
    parent_of = _reachable_parents({s.id: s.parent_id for s in rows})
    children: dict[int | None, list[tuple[int, ChildRef]]] = defaultdict(list)
    for s in rows:
        children[parent_of[s.id]].append((s.position, ("section", s.id)))
    for ident, section_id, position in places:
        children[section_id if section_id in parent_of else None].append((position, ("measure", ident)))
    return {parent: order_rows(items) for parent, items in children.items()}


def _reachable_parents(parents: dict[int, int | None]) -> dict[int, int | None]:
    """Each section's parent, None where the stored one is missing or part of a loop."""
    out = {ident: (parent if parent in parents else None) for ident, parent in parents.items()}
    for ident in out:
        seen: set[int] = set()
        current: int | None = ident
        while current is not None and current not in seen:
            seen.add(current)
            current = out[current]
        if current is not None:  # came back to a section already seen: a loop; cut it here
            out[current] = None
    return out


def order_rows(items: Iterable[tuple[int, ChildRef]]) -> tuple[ChildRef, ...]:
    return tuple(ref for _, ref in sorted(items, key=lambda i: (i[0], i[1][0] == "measure", i[1][1])))


def numbers_of(
    ordered: Mapping[int | None, tuple[ChildRef, ...]], numbering: str, subsection_numbering: str
) -> dict[ChildRef, str]:
    """Every row's number by the roadmap's numbering style."""

    def node(ref: ChildRef) -> Node:
        kind, ident = ref
        if kind == "measure":
            return Node("measure", ident)
        return Node("section", ident, [node(c) for c in ordered.get(ident, ())])

    return number_tree([node(r) for r in ordered.get(None, ())], numbering, subsection_numbering)


def school_calendar_of(conn: Connection) -> tuple[SchoolCalendar, int]:
    """The file's school calendar and its version; a damaged value gives the defaults rather than
    stopping the file from opening."""
    row = conn.execute(
        select(FileSetting.value, FileSetting.version).where(FileSetting.key == SCHOOL_CALENDAR_KEY)
    ).one_or_none()
    if row is None:
        return DEFAULT_CALENDAR, 0
    try:
        return SchoolCalendar.from_settings(row.value), row.version
    except (ValidationError, TypeError, KeyError, ValueError, AttributeError):
        return DEFAULT_CALENDAR, row.version


class RoadmapService:
    """Reads and edits roadmaps of one open file."""

    def __init__(self, database: Database, actor: Actor) -> None:
        self.db = database
        self.actor = actor
        self.operations = Operations(database, actor)  # every write goes through it

    # ---- reading -------------------------------------------------------------------------
    def list_roadmaps(self, today: date | None = None) -> list[RoadmapSummary]:
        """Every roadmap with its progress figures, in creation order: the figures of the «Отчёт»
        tab and the exports (models.domain.progress.tally; cancelled measures not counted)."""
        from models.domain.deadlines import read_deadline
        from models.domain.progress import tally

        today = today or date.today()
        with self.db.read() as conn:
            roadmaps = conn.execute(
                select(Roadmap.id, Roadmap.title, Roadmap.period_start, Roadmap.period_end).order_by(
                    Roadmap.id
                )
            ).all()
            rows = conn.execute(
                select(Measure.id, Measure.roadmap_id, Measure.status, Measure.deadline_text)
            ).all()
            derived = derived_statuses(conn)
            school, _version = school_calendar_of(conn)
        periods = {r.id: (r.period_start, r.period_end) for r in roadmaps}
        measures: dict[int, list[tuple[str, Sequence[tuple[date, date]]]]] = defaultdict(list)
        for measure_id, roadmap_id, status, deadline_text in rows:
            windows = read_deadline(deadline_text, periods[roadmap_id], school).windows
            measures[roadmap_id].append((derived.get(measure_id, status), windows))
        out = []
        for r in roadmaps:
            figures = tally(measures[r.id], today)
            out.append(
                RoadmapSummary(
                    r.id,
                    r.title,
                    r.period_start,
                    r.period_end,
                    figures.total,
                    figures.done,
                    figures.overdue,
                    figures.due_soon,
                )
            )
        return out

    def school_calendar(self) -> tuple[SchoolCalendar, int]:
        """The file's school calendar and its version (0: the defaults, never saved)."""
        with self.db.read() as conn:
            return school_calendar_of(conn)

    def roadmap_ids(self) -> list[int]:
        with self.db.read() as conn:
            return list(conn.scalars(select(Roadmap.id).order_by(Roadmap.id)))

    def load(self, roadmap_id: int) -> RoadmapTree:
        """The whole roadmap in one read transaction, numbered by its style."""
        with self.db.read() as conn:
            roadmap = conn.execute(select(Roadmap.__table__).where(Roadmap.id == roadmap_id)).one_or_none()
            if roadmap is None:
                raise NotFoundError(f"Дорожная карта № {roadmap_id} не найдена в файле.")
            order = conn.execute(
                select(ApprovalOrder.__table__).where(ApprovalOrder.roadmap_id == roadmap_id)
            ).one_or_none()
            school, _version = school_calendar_of(conn)
            sections = conn.execute(select(*SECTION_COLUMNS).where(Section.roadmap_id == roadmap_id)).all()
            measures = conn.execute(select(*_MEASURE_COLUMNS).where(Measure.roadmap_id == roadmap_id)).all()
            links = conn.execute(
                select(MeasureSchool.measure_id, MeasureSchool.school_id)
                .join(Measure, Measure.id == MeasureSchool.measure_id)
                .where(Measure.roadmap_id == roadmap_id)
            ).all()
            schools = conn.execute(
                select(School.__table__).where(School.roadmap_id == roadmap_id).order_by(School.position)
            ).all()
            records = stored_records(conn, roadmap_id) if links else {}
            files = stored_evidence(conn, roadmap_id)
        tree = self._assemble(roadmap, order, sections, measures, links, schools, school)
        with_executions(tree.measures, records)
        with_evidence(tree.measures, files)
        return tree

    def _assemble(
        self,
        roadmap: Row[Any],
        order: Row[Any] | None,
        sections: Sequence[Row[Any]],
        measures: Sequence[Row[Any]],
        links: Sequence[Row[Any]],
        schools: Sequence[Row[Any]],
        school: SchoolCalendar = DEFAULT_CALENDAR,
    ) -> RoadmapTree:
        ordered = rows_in_order(sections, [(m.id, m.section_id, m.position) for m in measures])
        top = ordered.get(None, ())
        numbers = numbers_of(ordered, roadmap.numbering, roadmap.subsection_numbering)
        school_links: dict[int, list[int]] = defaultdict(list)
        for measure_id, school_id in links:
            school_links[measure_id].append(school_id)
        section_rows = {
            s.id: SectionRow(
                s.id,
                s.parent_id,
                s.position,
                numbers.get(("section", s.id), ""),
                s.title,
                s.version,
                ordered.get(s.id, ()),
                s.number_as_written,
            )
            for s in sections
        }
        shared: dict[str, str] = {}
        measure_rows = {
            m[0]: _measure_row(
                tuple(m), numbers.get(("measure", m[0]), ""), school_links.get(m[0], ()), shared
            )
            for m in measures
        }
        header = RoadmapHeader(
            roadmap.id,
            roadmap.title,
            roadmap.organization,
            roadmap.period_start,
            roadmap.period_end,
            roadmap.numbering,
            roadmap.subsection_numbering,
            roadmap.goal,
            tuple(roadmap.tasks or ()),
            roadmap.approval_kind,
            tuple(roadmap.approval_lines or ()),
            _order_info(order),
            roadmap.version,
            dict(roadmap.settings or {}),
            roadmap.created_at,
            school,
        )
        school_rows = tuple(
            SchoolRow(s.id, s.name, s.is_shnor, s.is_sssu, s.is_mentor, tuple(s.risk_profiles or ()))
            for s in schools
        )
        return RoadmapTree(header, top, section_rows, measure_rows, school_rows)

    def measure(self, measure_id: int) -> MeasureRow:
        """One measure as stored now (numbers are not computed here: use load() for that)."""
        with self.db.read() as conn:
            row = conn.execute(select(*_MEASURE_COLUMNS).where(Measure.id == measure_id)).one_or_none()
            if row is None:
                raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
            schools = tuple(
                conn.scalars(select(MeasureSchool.school_id).where(MeasureSchool.measure_id == measure_id))
            )
            records = stored_records(conn, measure_ids=[measure_id]).get(measure_id) if schools else None
            files = stored_evidence(conn, measure_ids=[measure_id]).get(measure_id, ())
        measure = with_execution(_measure_row(tuple(row), row.number_as_written, schools), records)
        return replace(measure, evidence=files) if files else measure

    # ---- writing -------------------------------------------------------------------------
    def edit_measure(
        self, measure_id: int, seen_version: int | None, changes: Mapping[str, object]
    ) -> list[str]:
        """Change fields of one measure as one operation (one committed transaction).

        Args:
            seen_version: the version the user's change is based on; None means "whatever is
                stored now" (only for scripted use, e.g. the CLI without --expect-version).
            changes: field name (as in the dump) -> new value.
        Returns:
            The fields whose value actually changed.
        Raises:
            StaleEditError: someone saved the measure after ``seen_version``.
        """
        from desktop.services.commands import EditMeasureCommand

        return sorted(
            self.operations.apply(EditMeasureCommand(measure_id, seen_version, dict(changes))).fields,
            key=list(changes).index,
        )

    def edit_school_record(
        self, measure_id: int, school: str, seen_version: int | None, changes: Mapping[str, object]
    ) -> tuple[list[str], int]:
        """Change one school's record of a measure (the school named as in the roadmap's list,
        any case) as one operation; returns the fields that changed and the record's version."""
        from desktop.services.commands import EditSchoolRecordCommand
        from desktop.services.execution import school_id_by_name, stored_records

        with self.db.read() as conn:
            school_id, name = school_id_by_name(conn, measure_id, school)
            roadmap_id = conn.execute(select(Measure.roadmap_id).where(Measure.id == measure_id)).scalar()
        command = EditSchoolRecordCommand(
            measure_id, school_id, seen_version, dict(changes), roadmap_id, name
        )
        changed = sorted(self.operations.apply(command).fields, key=list(changes).index)
        with self.db.read() as conn:
            record = stored_records(conn, measure_ids=[measure_id]).get(measure_id, {}).get(school_id)
        return changed, record.version if record else 0

    def attach(self, measure_id: int, school: str | None, path: Path) -> int:
        """Attach the file at ``path`` to a measure (or to the school's record of it, the school
        named as in the roadmap's list) as one operation; the attachment's id."""
        from desktop.services.commands import AddEvidenceCommand
        from desktop.services.evidence import read_file
        from desktop.services.execution import school_id_by_name

        name, data = read_file(path)
        with self.db.read() as conn:
            if school is not None and not school.strip():
                raise ValidationError("Школа не указана: назовите её, как в списке школ дорожной карты.")
            school_id = school_id_by_name(conn, measure_id, school)[0] if school is not None else None
            roadmap_id = conn.execute(select(Measure.roadmap_id).where(Measure.id == measure_id)).scalar()
        command = AddEvidenceCommand(measure_id, school_id, name, data, roadmap_id)
        self.operations.apply(command)
        assert command.attachment_id is not None
        return command.attachment_id

    def evidence_view_copy(self, attachment_id: int) -> Path:
        """A temporary copy of an attached file for the system's viewer (refused for programs)."""
        from desktop.services.evidence import copy_to_view

        with self.db.read() as conn:
            return copy_to_view(conn, attachment_id)

    def save_evidence(self, attachment_id: int, target: Path) -> int:
        """An attached file saved where the user chose; the bytes written."""
        from desktop.services.evidence import save_evidence

        with self.db.read() as conn:
            return save_evidence(conn, attachment_id, target)

    def schools_named(self, measure_id: int, names: Sequence[str]) -> list[int]:
        """The ids of the roadmap's schools named (any case), for ``schools="A; B"``."""
        from desktop.services.execution import roadmap_school_ids

        with self.db.read() as conn:
            return roadmap_school_ids(conn, measure_id, names)

    def edit_section(self, section_id: int, seen_version: int | None, title: str) -> None:
        """Rename a section as one operation (version-checked like a measure)."""
        from desktop.services.commands import EditSectionCommand

        self.operations.apply(EditSectionCommand(section_id, seen_version, title, ""))

    def add_roadmap(self, data: Mapping[str, Any], progress: Any = None, cancel: Any = None) -> int:
        """A whole roadmap (an import, the demo) in one transaction; returns its id.

        ``progress(done, total, text)`` and ``cancel`` (a threading.Event) as in write_roadmap.
        NotAllowedError (nothing written) unless the person working is the coordinator.
        """
        from desktop.services.writer import write_roadmap

        return write_roadmap(self.operations, data, progress, cancel).roadmap_id

    def history(self, measure_id: int) -> list[dict[str, object]]:
        """The measure's change log, newest first; ``school`` names the school of a school's
        record or file («status#12»: the field «status», the school 12), ``person`` who it was."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(ChangeLogEntry.__table__)
                .where(ChangeLogEntry.entity == "measure", ChangeLogEntry.entity_id == measure_id)
                .order_by(ChangeLogEntry.id.desc())
            ).all()
            names = dict(conn.execute(select(School.id, School.name)).tuples().all())
        out: list[dict[str, object]] = []
        for r in rows:
            field, _hash, school = str(r.field or "").partition("#")
            named = names.get(int(school), "") if school.isdigit() else ""
            out.append(
                {
                    "at": r.at,
                    "user": r.user,
                    "computer": r.computer,
                    "person": r.person or "",
                    "field": field,
                    "school": named,
                    "old": r.old,
                    "new": r.new,
                }
            )
        return out


def summary_of_tree(tree: RoadmapTree, today: date | None = None) -> RoadmapSummary:
    """The list's line for a roadmap already loaded (the same tally as ``list_roadmaps``): the
    window counts the roadmap on screen after an edit without reading the whole file again."""
    from models.domain.progress import tally

    header = tree.header
    windows: dict[str, tuple[tuple[date, date], ...]] = {}  # a roadmap repeats its deadline texts
    for m in tree.measures.values():
        if m.deadline_text not in windows:
            windows[m.deadline_text] = header.deadline(m.deadline_text).windows
    figures = tally(
        ((m.status, windows[m.deadline_text]) for m in tree.measures.values()), today or date.today()
    )
    return RoadmapSummary(
        header.id,
        header.title,
        header.period_start,
        header.period_end,
        figures.total,
        figures.done,
        figures.overdue,
        figures.due_soon,
    )


# Columns of _MEASURE_COLUMNS whose texts repeat from measure to measure (form, deadline,
# responsible, target group, status, note): one string object per distinct text.
_REPEATING = (5, 6, 7, 9, 10, 12)


def _measure_row(
    values: tuple[Any, ...], number: str, school_ids: Sequence[int], shared: dict[str, str] | None = None
) -> MeasureRow:
    """A MeasureRow from a row of _MEASURE_COLUMNS (positional: the hot path of load()).

    The columns are id … version (14), number_as_written, extra; MeasureRow puts the derived
    number after position and the school ids after version. With ``shared``, repeating texts
    are kept once for the whole roadmap (~40 MB less at 100,000 measures, in every view).
    """
    if shared is not None:
        listed = list(values)
        for i in _REPEATING:
            text = listed[i]
            if type(text) is str:
                listed[i] = shared.setdefault(text, text)
        values = tuple(listed)
    try:  # a damaged value reads as none, not as an unreadable roadmap
        extra = json.loads(values[15]) if values[15] and values[15] != "{}" else {}
    except ValueError:
        extra = {}
    if not isinstance(extra, dict):
        extra = {}
    fields = (
        *values[:4],
        number,
        *values[4:14],
        tuple(sorted(school_ids)),
        values[14],
        extra,
    )
    return MeasureRow(*fields)  # one *-argument: mypy miscounts several variadic ones


def _order_info(order: Row[Any] | None) -> OrderInfo | None:
    if order is None:
        return None
    return OrderInfo(
        order.issuer,
        order.number,
        order.number_text,
        order.date,
        order.date_text,
        order.place,
        order.title,
        order.preamble,
        order.directive,
        tuple(order.clauses or ()),
        order.signer,
        order.signer_position,
    )
