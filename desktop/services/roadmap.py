"""RoadmapService: loading roadmaps as DTOs and committing single edits.

Every method that writes is one transaction. Edits are guarded by the version the user saw:
``UPDATE … WHERE id = :id AND version = :seen`` — if someone else saved in between, no row
matches and the edit is refused, so two people never silently overwrite each other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, Text, delete, insert, select, type_coerce, update

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
from models.domain.errors import NotFoundError, StaleEditError, ValidationError
from models.domain.numbering import Node, number_tree
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar
from models.domain.status import parse_status
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
EDITABLE_FIELDS: Mapping[str, str] = {
    "title": "title",
    "form": "form",
    "deadline": "deadline_text",
    "responsible": "responsible",
    "result": "result",
    "target_group": "target_group",
    "status": "status",
    "done_on": "done_on",
    "note": "note",
}
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
    except ValidationError:
        return DEFAULT_CALENDAR, row.version


@dataclass(frozen=True)
class Actor:
    """Who makes a change, for the change log and conflict messages."""

    user: str
    computer: str


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
    if field not in EDITABLE_FIELDS:
        allowed = ", ".join(EDITABLE_FIELDS)
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


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


class RoadmapService:
    """Reads and edits roadmaps of one open file."""

    def __init__(self, database: Database, actor: Actor) -> None:
        self.db = database
        self.actor = actor

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
            rows = conn.execute(select(Measure.roadmap_id, Measure.status, Measure.deadline_text)).all()
            school, _version = school_calendar_of(conn)
        periods = {r.id: (r.period_start, r.period_end) for r in roadmaps}
        measures: dict[int, list[tuple[str, Sequence[tuple[date, date]]]]] = defaultdict(list)
        for roadmap_id, status, deadline_text in rows:
            windows = read_deadline(deadline_text, periods[roadmap_id], school).windows
            measures[roadmap_id].append((status, windows))
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
            sections = conn.execute(
                select(
                    Section.id,
                    Section.parent_id,
                    Section.position,
                    Section.title,
                    Section.version,
                    Section.number_as_written,
                ).where(Section.roadmap_id == roadmap_id)
            ).all()
            measures = conn.execute(select(*_MEASURE_COLUMNS).where(Measure.roadmap_id == roadmap_id)).all()
            links = conn.execute(
                select(MeasureSchool.measure_id, MeasureSchool.school_id)
                .join(Measure, Measure.id == MeasureSchool.measure_id)
                .where(Measure.roadmap_id == roadmap_id)
            ).all()
            schools = conn.execute(
                select(School.__table__).where(School.roadmap_id == roadmap_id).order_by(School.position)
            ).all()
        return self._assemble(roadmap, order, sections, measures, links, schools, school)

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
        children: dict[int | None, list[tuple[int, ChildRef]]] = defaultdict(list)
        for s in sections:
            children[s.parent_id].append((s.position, ("section", s.id)))
        for m in measures:
            children[m.section_id].append((m.position, ("measure", m.id)))
        ordered = {
            parent: tuple(
                ref for _, ref in sorted(items, key=lambda i: (i[0], i[1][0] == "measure", i[1][1]))
            )
            for parent, items in children.items()
        }

        def node(ref: ChildRef) -> Node:
            kind, ident = ref
            if kind == "measure":
                return Node("measure", ident)
            return Node("section", ident, [node(c) for c in ordered.get(ident, ())])

        top = ordered.get(None, ())
        numbers = number_tree([node(r) for r in top], roadmap.numbering, roadmap.subsection_numbering)
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
        measure_rows = {
            m[0]: _measure_row(tuple(m), numbers.get(("measure", m[0]), ""), school_links.get(m[0], ()))
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
        return _measure_row(tuple(row), row.number_as_written, schools)

    # ---- writing -------------------------------------------------------------------------
    def edit_measure(
        self, measure_id: int, seen_version: int | None, changes: Mapping[str, object]
    ) -> list[str]:
        """Change fields of one measure in one committed transaction.

        Args:
            seen_version: the version the user's change is based on; None means "whatever is
                stored now" (only for scripted use, e.g. the CLI without --expect-version).
            changes: field name (as in the dump) -> new value.
        Returns:
            The fields whose value actually changed.
        Raises:
            StaleEditError: someone saved the measure after ``seen_version``.
        """
        with self.db.write() as conn:
            return self.edit_in_transaction(conn, measure_id, seen_version, changes)

    def edit_many(self, edits: Sequence[tuple[int, int | None, Mapping[str, object]]]) -> None:
        """Several measures' edits (a paste, a fill-down) in one transaction: all or none."""
        with self.db.write() as conn:
            for measure_id, seen_version, changes in edits:
                self.edit_in_transaction(conn, measure_id, seen_version, changes)

    def edit_in_transaction(
        self, conn: Connection, measure_id: int, seen_version: int | None, changes: Mapping[str, object]
    ) -> list[str]:
        """edit_measure's work inside a transaction the caller opened (pastes, fills)."""
        changes = dict(changes)
        schools = changes.pop("schools", None)  # links, not a column: handled below, same version check
        normalised = {f: normalise_value(f, v) for f, v in changes.items()}  # validates names first
        values = {EDITABLE_FIELDS[f]: v for f, v in normalised.items()}
        now = datetime.now().replace(microsecond=0)
        current = conn.execute(
            select(
                Measure.roadmap_id, Measure.version, Measure.title, *(getattr(Measure, c) for c in values)
            ).where(Measure.id == measure_id)
        ).one_or_none()
        if current is None:
            raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
        expected = current.version if seen_version is None else seen_version
        changed = [f for f, c in zip(changes, values, strict=True) if getattr(current, c) != values[c]]
        school_change = self._school_change(conn, measure_id, current.roadmap_id, schools)
        if school_change is not None:
            changed.append("schools")
        if not changed:
            if expected != current.version:
                raise self._stale(conn, measure_id, current.title)
            return []
        result = conn.execute(
            update(Measure)
            .where(Measure.id == measure_id, Measure.version == expected)
            .values(**values, version=expected + 1, updated_at=now)
        )
        if result.rowcount != 1:
            raise self._stale(conn, measure_id, current.title)
        log_values = {
            f: (_as_text(getattr(current, EDITABLE_FIELDS[f])), _as_text(values[EDITABLE_FIELDS[f]]))
            for f in changed
            if f != "schools"
        }
        if school_change is not None:
            old_ids, new_ids, names = school_change
            conn.execute(delete(MeasureSchool).where(MeasureSchool.measure_id == measure_id))
            if new_ids:
                conn.execute(
                    insert(MeasureSchool), [{"measure_id": measure_id, "school_id": i} for i in new_ids]
                )
            log_values["schools"] = (
                ", ".join(names[i] for i in old_ids),
                ", ".join(names[i] for i in new_ids),
            )
        conn.execute(
            insert(ChangeLogEntry),
            [
                {
                    "at": now,
                    "user": self.actor.user,
                    "computer": self.actor.computer,
                    "roadmap_id": current.roadmap_id,
                    "entity": "measure",
                    "entity_id": measure_id,
                    "field": f,
                    "old": log_values[f][0],
                    "new": log_values[f][1],
                }
                for f in changed
            ],
        )
        return changed

    @staticmethod
    def _school_change(
        conn: Connection, measure_id: int, roadmap_id: int, schools: object
    ) -> tuple[list[int], list[int], dict[int, str]] | None:
        """(old ids, new ids, names) when the measure's schools would change, else None."""
        if schools is None:
            return None
        names = dict(
            conn.execute(select(School.id, School.name).where(School.roadmap_id == roadmap_id)).all()
        )
        try:
            wanted = sorted({int(i) for i in schools})  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            raise ValidationError("Школы мероприятия выбираются из списка школ дорожной карты.") from None
        unknown = [i for i in wanted if i not in names]
        if unknown:
            raise ValidationError("Выбранной школы нет в этой дорожной карте; список обновлён.")
        old = sorted(
            conn.scalars(select(MeasureSchool.school_id).where(MeasureSchool.measure_id == measure_id))
        )
        return None if old == wanted else (old, wanted, names)

    def _stale(self, conn: Connection, measure_id: int, title: str) -> StaleEditError:
        last = conn.execute(
            select(ChangeLogEntry.user, ChangeLogEntry.computer, ChangeLogEntry.at)
            .where(ChangeLogEntry.entity == "measure", ChangeLogEntry.entity_id == measure_id)
            .order_by(ChangeLogEntry.id.desc())
            .limit(1)
        ).one_or_none()
        who = f" ({last.user}, {last.computer}, {last.at:%d.%m.%Y %H:%M})" if last else ""
        short = title if len(title) <= 60 else title[:57] + "…"
        return StaleEditError(
            f"Мероприятие «{short}» уже изменено другим пользователем{who}. Ваше изменение не сохранено: "
            "строка обновлена, внесите изменение ещё раз."
        )

    def edit_section(self, section_id: int, seen_version: int | None, title: str) -> int:
        """Rename a section (one transaction, version-checked like a measure); its new version."""
        text = str(title).strip()
        if not text:
            raise ValidationError("Название раздела не может быть пустым.")
        with self.db.write() as conn:
            current = conn.execute(
                select(Section.roadmap_id, Section.version, Section.title).where(Section.id == section_id)
            ).one_or_none()
            if current is None:
                raise NotFoundError("Раздел не найден: возможно, его удалили. Список обновлён.")
            expected = current.version if seen_version is None else seen_version
            if current.title == text and expected == current.version:
                return current.version
            updated = conn.execute(
                update(Section)
                .where(Section.id == section_id, Section.version == expected)
                .values(title=text, version=expected + 1)
            )
            if updated.rowcount != 1:
                raise StaleEditError(
                    f"Раздел «{current.title[:60]}» уже изменён другим пользователем. "
                    "Ваше изменение не сохранено: список обновлён, внесите изменение ещё раз."
                )
            conn.execute(
                insert(ChangeLogEntry).values(
                    at=datetime.now().replace(microsecond=0),
                    user=self.actor.user,
                    computer=self.actor.computer,
                    roadmap_id=current.roadmap_id,
                    entity="section",
                    entity_id=section_id,
                    field="title",
                    old=current.title,
                    new=text,
                )
            )
            return expected + 1

    def add_roadmap(self, data: Mapping[str, Any], progress: Any = None, cancel: Any = None) -> int:
        """A whole roadmap (an import, the demo) in one transaction; returns its id.

        ``progress(done, total, text)`` and ``cancel`` (a threading.Event) as in write_roadmap.
        """
        from desktop.services.writer import write_roadmap

        return write_roadmap(self.db, data, progress, cancel).roadmap_id

    def history(self, measure_id: int) -> list[dict[str, object]]:
        """The measure's change log, newest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(ChangeLogEntry.__table__)
                .where(ChangeLogEntry.entity == "measure", ChangeLogEntry.entity_id == measure_id)
                .order_by(ChangeLogEntry.id.desc())
            ).all()
        return [
            {"at": r.at, "user": r.user, "computer": r.computer, "field": r.field, "old": r.old, "new": r.new}
            for r in rows
        ]


def _measure_row(values: tuple[Any, ...], number: str, school_ids: Sequence[int]) -> MeasureRow:
    """A MeasureRow from a row of _MEASURE_COLUMNS (positional: the hot path of load()).

    The columns are id … version (14), number_as_written, extra; MeasureRow puts the derived
    number after position and the school ids after version.
    """
    extra = values[15]
    return MeasureRow(
        *values[:4],
        number,
        *values[4:14],
        tuple(sorted(school_ids)),
        values[14],
        json.loads(extra) if extra and extra != "{}" else {},
    )


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
