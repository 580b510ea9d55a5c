"""What is due and what is late: a roadmap's measures with their deadline windows, as the month,
year, timeline and progress views show them.

Built once per loaded roadmap and filter (deadline reading is cached), then every view asks it
questions; no Qt here, so the same figures serve the CLI and the tests. Progress figures are
counted by ``models.domain.progress.tally``, as the list of roadmaps and the exports count them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.services.dto import ChildRef, RoadmapTree
from models.domain.progress import DONE_CLASS, NOT_DONE_CLASS, OVERDUE_CLASS, Progress, classify, tally
from models.domain.progress import PROGRESS_CLASSES as PROGRESS_CLASSES  # re-exported for the views
from models.domain.progress import PROGRESS_LABELS as PROGRESS_LABELS
from models.domain.school_calendar import Window
from models.domain.status import OPEN_STATUSES
from models.domain.tracking import DUE_SOON_DAYS, is_due_soon, is_overdue


@dataclass(frozen=True, slots=True)
class Entry:
    """One measure as the tracking views need it."""

    measure_id: int
    number: str
    title: str
    status: str
    deadline_text: str
    windows: tuple[Window, ...]
    overdue: bool
    due_soon: bool
    section_id: int | None
    top_section_id: int | None
    school_ids: tuple[int, ...]
    responsible: str = ""

    @property
    def progress_class(self) -> str:
        """One of PROGRESS_CLASSES, or "cancelled" (shown, never counted): models.domain.progress."""
        return classify(self.status, self.overdue)

    def last_day(self) -> date | None:
        return max((end for _, end in self.windows), default=None)


@dataclass(slots=True)
class MonthCell:
    """One month of one section in «Год»: measures with a window in it, done, late."""

    count: int = 0
    done: int = 0
    late: int = 0


@dataclass(frozen=True)
class SectionRef:
    id: int
    label: str  # "2 Методическая помощь"
    depth: int


def section_refs(tree: RoadmapTree) -> list[SectionRef]:
    """Every section in document order with its depth (for lists and filters)."""
    out: list[SectionRef] = []

    def walk(children: tuple[ChildRef, ...], depth: int) -> None:
        for kind, ident in children:
            if kind == "section":
                row = tree.sections[ident]
                out.append(SectionRef(ident, f"{row.number} {row.title}".strip(), depth))
                walk(row.children, depth + 1)

    walk(tree.top, 1)
    return out


def roadmap_key(schedule: Schedule | None) -> tuple[object, ...] | None:
    """Which roadmap a schedule is of, across files (ids repeat from file to file; creation
    times do not)."""
    if schedule is None:
        return None
    header = schedule.tree.header
    return (header.id, header.created_at)  # not the title: editing it keeps the month shown


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from ``first``'s to ``last``'s."""
    out, current = [], month_start(first)
    while current <= last:
        out.append(current)
        current = next_month(current)
    return out


def numbering_restarts(tree: RoadmapTree) -> bool:
    """Measures numbered 1, 2, … again in each section: a number alone then says nothing."""
    numbers = [m.number.strip() for m in tree.measures.values() if m.number.strip()]
    return len(numbers) != len(set(numbers))


def shown_number(tree: RoadmapTree, number: str, section_id: int | None) -> str:
    """«Раздел 2 · 1» for measure 1 of section 2 when numbering restarts in each section (the
    calendars and the report list measures of every section together)."""
    section = tree.sections.get(section_id) if section_id is not None else None
    label = section.number.strip().rstrip(".") if section is not None else ""
    return f"Раздел {label} · {number}" if label and number else number


UPCOMING_WEEKS = 3  # «Ближайшие»: this week and the next two
NO_RESPONSIBLE = "Ответственный не указан"


class Schedule:
    """The filtered measures of one roadmap, in document order, with their windows."""

    def __init__(self, tree: RoadmapTree, today: date, kept: set[int] | None = None) -> None:
        self.tree = tree
        self.today = today
        self.period = tree.header.period
        self.sections = section_refs(tree)
        self.entries: list[Entry] = []
        restarts = numbering_restarts(tree)

        def walk(children: tuple[ChildRef, ...], section: int | None, top: int | None) -> None:
            for kind, ident in children:
                if kind == "section":
                    walk(tree.sections[ident].children, ident, top if top is not None else ident)
                    continue
                if kept is not None and ident not in kept:
                    continue
                measure = tree.measures[ident]
                windows = tree.header.deadline(measure.deadline_text).windows
                self.entries.append(
                    Entry(
                        measure.id,
                        shown_number(tree, measure.number, section) if restarts else measure.number,
                        measure.title,
                        measure.status,
                        measure.deadline_text,
                        windows,
                        is_overdue(measure.status, windows, today),
                        is_due_soon(measure.status, windows, today),
                        section,
                        top,
                        measure.school_ids,
                        measure.responsible,
                    )
                )

        walk(tree.top, None, None)
        self.by_id = {entry.measure_id: entry for entry in self.entries}
        self.rank = {entry.measure_id: n for n, entry in enumerate(self.entries)}

    # ---- calendars -----------------------------------------------------------------------
    @property
    def dated(self) -> list[Entry]:
        return [e for e in self.entries if e.windows]

    @property
    def undated(self) -> list[Entry]:
        """По запросу, по плану, after an event, unreadable: shown apart, never hidden."""
        return [e for e in self.entries if not e.windows]

    def span(self) -> tuple[date, date]:
        """The period, widened to take in explicit dates outside it."""
        first, last = self.period
        for entry in self.entries:
            for start, end in entry.windows:
                first, last = min(first, start), max(last, end)
        return first, last

    def months(self) -> list[date]:
        return months_between(*self.span())

    def between(self, first: date, last: date) -> list[tuple[Entry, Window]]:
        """Every (entry, window) touching ``[first, last]``, the window cut to it."""
        out = []
        for entry in self.entries:
            for start, end in entry.windows:
                if start <= last and end >= first:
                    out.append((entry, (max(start, first), min(end, last))))
        return out

    def whole_month(self, month: date) -> list[Entry]:
        """Measures with a window covering all of ``month`` (and maybe more), in document order:
        «Месяц» lists them once above the weeks instead of as a bar across every week."""
        first, last = month_start(month), next_month(month) - timedelta(days=1)
        return [e for e in self.entries if any(start <= first and end >= last for start, end in e.windows)]

    def month_counts(self) -> tuple[list[date], list[tuple[SectionRef | None, list[int]]], list[int]]:
        """Months, then per top-level section how many measures have a window in each month,
        then the totals per month (a measure counts once a month however many windows)."""
        months, rows, totals = self.month_cells()
        return months, [(ref, [c.count for c in cells]) for ref, cells in rows], [c.count for c in totals]

    def month_cells(self) -> tuple[list[date], list[SectionCells], list[MonthCell]]:
        """As ``month_counts``, each cell also telling how many of its measures are done and how
        many are late (overdue or not done): «Год» colours a month by them."""
        months = self.months()
        index = {(m.year, m.month): i for i, m in enumerate(months)}
        rows: dict[int | None, list[MonthCell]] = {}
        totals = [MonthCell() for _ in months]
        for entry in self.entries:
            touched: set[int] = set()
            for start, end in entry.windows:
                for month in months_between(start, end):
                    position = index.get((month.year, month.month))
                    if position is not None:
                        touched.add(position)
            cells = rows.setdefault(entry.top_section_id, [MonthCell() for _ in months])
            kind = entry.progress_class
            for position in touched:
                for cell in (cells[position], totals[position]):
                    cell.count += 1
                    cell.done += kind == DONE_CLASS
                    cell.late += kind in (OVERDUE_CLASS, NOT_DONE_CLASS)
        tops: dict[int | None, SectionRef] = {s.id: s for s in self.sections if s.depth == 1}
        ordered = [(tops.get(key), cells) for key, cells in rows.items()]
        return months, ordered, totals

    # ---- progress ------------------------------------------------------------------------
    def _progress(self, label: str, entries: Iterable[Entry]) -> Progress:
        """The figures of ``entries``, counted as everywhere else (models.domain.progress)."""
        return tally(((e.status, e.windows) for e in entries), self.today, label)

    def overall(self) -> Progress:
        return self._progress("Вся дорожная карта", self.entries)

    def by_section(self) -> list[Progress]:
        """Per top-level section, in document order (measures outside sections last)."""
        groups: dict[int | None, list[Entry]] = {}
        for entry in self.entries:
            groups.setdefault(entry.top_section_id, []).append(entry)
        out = [self._progress(s.label, groups.get(s.id, ())) for s in self.sections if s.depth == 1]
        if None in groups:
            out.append(self._progress("Без раздела", groups[None]))
        return out

    def by_school(self) -> list[Progress]:
        out = []
        for school in self.tree.schools:
            entries = [e for e in self.entries if school.id in e.school_ids]
            out.append(self._progress(school.name, entries))
        return out

    def overdue(self) -> list[Entry]:
        """Late measures, the longest overdue first."""
        late = [e for e in self.entries if e.overdue]
        return sorted(late, key=lambda e: (e.last_day() or self.today, e.number))

    def due_soon(self) -> list[Entry]:
        """Open measures with a window ending in the next two weeks, the nearest first."""
        soon = self.today + timedelta(days=DUE_SOON_DAYS)

        def nearest(entry: Entry) -> date:
            return min(end for _, end in entry.windows if self.today <= end <= soon)

        return sorted((e for e in self.entries if e.due_soon), key=lambda e: (nearest(e), e.number))


    def upcoming(self, weeks: int = UPCOMING_WEEKS) -> list[UpcomingGroup]:
        """The coordinator's Monday page: what is late, and what falls due from today to the end
        of the ``weeks``-th week (this one included), grouped by responsible; the groups with
        something late first, then by their nearest date; in a group the late ones first."""
        monday = self.today - timedelta(days=self.today.weekday())
        last = monday + timedelta(days=7 * weeks - 1)
        groups: dict[str, list[Upcoming]] = {}
        for entry in self.entries:
            if entry.overdue:
                item = Upcoming(entry, max(end for _, end in entry.windows), True)
            elif entry.status in OPEN_STATUSES:
                ends = [end for _, end in entry.windows if self.today <= end <= last]
                if not ends:
                    continue
                item = Upcoming(entry, min(ends), False)
            else:
                continue
            who = " ".join(entry.responsible.split()) or NO_RESPONSIBLE
            groups.setdefault(who, []).append(item)

        def order(item: Upcoming) -> tuple[bool, date, int]:
            return (not item.late, item.due, self.rank[item.entry.measure_id])

        out = [UpcomingGroup(who, sorted(items, key=order)) for who, items in groups.items()]
        out.sort(key=lambda g: (not any(i.late for i in g.items), min(i.due for i in g.items), g.responsible))
        return out


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A measure on the «Ближайшие» page: the day it is (or was) due, and whether that is past."""

    entry: Entry
    due: date
    late: bool

    def state(self, today: date) -> str:
        """«просрочено на 12 дн.», «сегодня», «завтра», «через 5 дн.» — the tab and the PDF say it alike."""
        days = (self.due - today).days
        if self.late:
            return f"просрочено на {-days} дн."
        return "сегодня" if days == 0 else "завтра" if days == 1 else f"через {days} дн."


@dataclass(frozen=True)
class UpcomingGroup:
    responsible: str
    items: list[Upcoming]


SectionCells = tuple[SectionRef | None, list[MonthCell]]  # a row of «Год»: the section, its months
