"""Frozen data handed from services to the CLI and the GUI: never ORM objects, so nothing lazy-loads
on the GUI thread and nothing can be changed behind a transaction's back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from models.domain.evidence import Evidence
from models.domain.execution import Derived, SchoolRecord
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar

if TYPE_CHECKING:
    from models.domain.deadlines import Deadline

NodeKind = Literal["section", "measure"]
ChildRef = tuple[NodeKind, int]


@dataclass(frozen=True, slots=True)
class MeasureRow:
    id: int
    roadmap_id: int
    section_id: int | None
    position: int
    number: str
    title: str
    form: str
    deadline_text: str
    responsible: str
    result: str
    target_group: str
    status: str
    done_on: date | None
    note: str
    version: int
    school_ids: tuple[int, ...] = ()
    number_as_written: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # One record per school it concerns (a planned one where a school has not reported); when a
    # school has reported, ``status`` and ``done_on`` above are made from them (``derived``).
    execution: tuple[SchoolRecord, ...] = ()
    derived: Derived | None = None
    evidence: tuple[Evidence, ...] = ()  # files attached to it or to a school's record of it

    def placed(self, section_id: int | None, position: int, number: str) -> MeasureRow:
        """The same measure at another place or with another number (positional: dataclasses'
        ``replace`` is ten times slower, and a renumbering may touch thousands of rows)."""
        return MeasureRow(
            self.id,
            self.roadmap_id,
            section_id,
            position,
            number,
            self.title,
            self.form,
            self.deadline_text,
            self.responsible,
            self.result,
            self.target_group,
            self.status,
            self.done_on,
            self.note,
            self.version,
            self.school_ids,
            self.number_as_written,
            self.extra,
            self.execution,
            self.derived,
            self.evidence,
        )


@dataclass(frozen=True, slots=True)
class SectionRow:
    id: int
    parent_id: int | None
    position: int
    number: str
    title: str
    version: int
    children: tuple[ChildRef, ...] = ()
    number_as_written: str = ""


@dataclass(frozen=True, slots=True)
class OrderInfo:
    issuer: str
    number: str
    number_text: str
    date: date | None
    date_text: str
    place: str | None
    title: str | None
    preamble: str
    directive: str
    clauses: tuple[str, ...]
    signer: str
    signer_position: str


@dataclass(frozen=True, slots=True)
class SchoolRow:
    id: int
    name: str
    is_shnor: bool
    is_sssu: bool
    is_mentor: bool
    risk_profiles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoadmapHeader:
    id: int
    title: str
    organization: str
    period_start: date
    period_end: date
    numbering: str
    subsection_numbering: str
    goal: str
    tasks: tuple[str, ...]
    approval_kind: str | None
    approval_lines: tuple[str, ...]
    order: OrderInfo | None
    version: int
    settings: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None  # with the id, tells this roadmap from others in other files
    school_calendar: SchoolCalendar = DEFAULT_CALENDAR  # the file's quarters and holidays

    @property
    def period(self) -> tuple[date, date]:
        return (self.period_start, self.period_end)

    def deadline(self, text: str) -> Deadline:
        """``text`` read against this roadmap's period and the file's school calendar."""
        from models.domain.deadlines import read_deadline  # its rules load only when first needed

        return read_deadline(text, self.period, self.school_calendar)


@dataclass(frozen=True, slots=True)
class RoadmapTree:
    """A whole roadmap as loaded in one read transaction."""

    header: RoadmapHeader
    top: tuple[ChildRef, ...]
    sections: dict[int, SectionRow]
    measures: dict[int, MeasureRow]
    schools: tuple[SchoolRow, ...]

    def measures_in_order(self) -> list[MeasureRow]:
        """Every measure in document order (depth first)."""
        out: list[MeasureRow] = []

        def walk(children: tuple[ChildRef, ...]) -> None:
            for kind, ident in children:
                if kind == "measure":
                    out.append(self.measures[ident])
                else:
                    walk(self.sections[ident].children)

        walk(self.top)
        return out


@dataclass(frozen=True, slots=True)
class RoadmapSummary:
    """A line of the file's list of roadmaps."""

    id: int
    title: str
    period_start: date
    period_end: date
    measures: int
    done: int
    overdue: int
    due_soon: int = 0  # open measures with a window ending in the next two weeks
