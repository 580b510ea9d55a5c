"""Which measures a filter keeps: text in any column, status (or "просрочено", "в этом месяце"),
school, responsible, section (with its subsections). Sections stay when any measure inside them
stays. The grid, the calendars and the progress report all ask this one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.services.cell_text import cell_text
from desktop.services.dto import MeasureRow, RoadmapTree
from models.domain.fields import MEASURE_FIELDS
from models.domain.tracking import is_overdue

OVERDUE = "overdue"
THIS_MONTH = "this_month"


@dataclass(frozen=True)
class Filter:
    text: str = ""
    status: str = ""  # a status code, OVERDUE, THIS_MONTH or "" for all
    school_id: int | None = None
    responsible: str = ""
    section_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.text.strip()
            or self.status
            or self.school_id is not None
            or self.responsible.strip()
            or self.section_id is not None
        )


def folded(text: str) -> str:
    """Text as the search compares it: case and «ё» do not matter."""
    return text.lower().replace("ё", "е")


def search_words(text: str) -> tuple[str, ...]:
    """The words typed in the find box; a measure is kept when it has all of them."""
    return tuple(folded(text).split())


def _haystack(measure: MeasureRow, tree: RoadmapTree) -> str:
    """Every field of the measure as the grid shows it, one a line (a word never spans two)."""
    schools = {s.id: s.name for s in tree.schools}
    parts = [cell_text(measure, f.name, schools, "\n") for f in MEASURE_FIELDS]
    return folded("\n".join(parts))


def keeps(measure: MeasureRow, tree: RoadmapTree, criteria: Filter, today: date) -> bool:
    """True when ``measure`` passes every criterion."""
    if criteria.text.strip():
        words = search_words(criteria.text)
        haystack = _haystack(measure, tree)
        if not all(word in haystack for word in words):
            return False
    who = folded(criteria.responsible.strip())
    if who and who not in folded(measure.responsible):
        return False
    if criteria.school_id is not None and criteria.school_id not in measure.school_ids:
        return False
    if criteria.status in (OVERDUE, THIS_MONTH):
        windows = tree.header.deadline(measure.deadline_text).windows
        if criteria.status == OVERDUE:
            return is_overdue(measure.status, windows, today)
        first = today.replace(day=1)
        last = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return any(start < last and end >= first for start, end in windows)
    return not criteria.status or measure.status == criteria.status


def sections_within(tree: RoadmapTree, section_id: int) -> set[int]:
    """The section and every section inside it."""
    out, pending = set(), [section_id]
    while pending:
        current = pending.pop()
        if current in out or current not in tree.sections:
            continue
        out.add(current)
        pending += [ident for kind, ident in tree.sections[current].children if kind == "section"]
    return out


def kept_ids(tree: RoadmapTree, criteria: Filter, today: date) -> set[int]:
    inside = sections_within(tree, criteria.section_id) if criteria.section_id is not None else None
    return {
        m.id
        for m in tree.measures.values()
        if (inside is None or m.section_id in inside) and keeps(m, tree, criteria, today)
    }
