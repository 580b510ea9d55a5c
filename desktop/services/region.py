"""The region at a glance: per district and per school, how its roadmaps are going — done, in
progress, overdue, not started, not done, due in the next two weeks.

The figures are the «Отчёт» tab's and the roadmap list's (models.domain.progress.tally over each
measure's status — the one made from the schools' reports where they reported — and its deadline
windows): nothing is stored that could disagree. On the server a district's account sees its own
district (row-level security), the ministry's every district. Read in a few queries, so 125,000
measures of 50 districts are counted in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop.services.execution import derived_statuses
from desktop.services.roadmap import school_calendar_of
from models.domain.deadlines import read_deadline
from models.domain.progress import Progress, tally
from models.entities import Measure, MeasureSchool, Roadmap, School
from models.storage.database import Database

NO_DISTRICT = "(район не указан)"
Window = tuple[date, date]


@dataclass(frozen=True, slots=True)
class RegionLine:
    district: str
    school: str  # "" for the district's own line
    roadmaps: int
    progress: Progress
    roadmap_ids: tuple[int, ...] = ()  # the district's roadmaps (its own line), for drilling down


def region_summary(database: Database, today: date | None = None) -> list[RegionLine]:
    """A line per district (its roadmaps together), then a line per school of it (the measures
    that name the school, across the district's roadmaps), districts and schools by name."""
    today = today or date.today()
    with database.read() as conn:
        roadmaps = conn.execute(
            select(Roadmap.id, Roadmap.district, Roadmap.period_start, Roadmap.period_end)
        ).all()
        measures = conn.execute(
            select(Measure.id, Measure.roadmap_id, Measure.status, Measure.deadline_text)
        ).all()
        derived = derived_statuses(conn)
        links = conn.execute(select(MeasureSchool.measure_id, MeasureSchool.school_id)).all()
        schools = dict(conn.execute(select(School.id, School.name)).tuples().all())
        calendar, _version = school_calendar_of(conn)
    district_of = {r.id: (r.district or "").strip() or NO_DISTRICT for r in roadmaps}
    periods = {r.id: (r.period_start, r.period_end) for r in roadmaps}
    counted: dict[int, tuple[str, Sequence[Window]]] = {}
    by_district: dict[str, list[tuple[str, Sequence[Window]]]] = defaultdict(list)
    for measure_id, roadmap_id, status, text in measures:
        if roadmap_id not in periods:
            continue
        pair = (derived.get(measure_id, status), read_deadline(text, periods[roadmap_id], calendar).windows)
        counted[measure_id] = pair
        by_district[district_of[roadmap_id]].append(pair)
    roadmap_of = {m.id: m.roadmap_id for m in measures}
    by_school: dict[tuple[str, str], list[tuple[str, Sequence[Window]]]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}
    for measure_id, school_id in links:
        if measure_id not in counted or school_id not in schools:
            continue
        name = " ".join(str(schools[school_id]).split())
        key = (district_of[roadmap_of[measure_id]], name.casefold())
        shown.setdefault(key, name)
        by_school[key].append(counted[measure_id])
    ids_of: dict[str, list[int]] = defaultdict(list)
    for roadmap_id in sorted(district_of):
        ids_of[district_of[roadmap_id]].append(roadmap_id)
    out: list[RegionLine] = []
    for district in sorted(ids_of, key=lambda d: (d == NO_DISTRICT, d.casefold())):
        figures = tally(by_district[district], today)
        out.append(RegionLine(district, "", len(ids_of[district]), figures, tuple(ids_of[district])))
        keys = sorted((k for k in by_school if k[0] == district), key=lambda k: k[1])
        out += [RegionLine(district, shown[k], 0, tally(by_school[k], today)) for k in keys]
    return out


def region_dict(lines: list[RegionLine]) -> dict[str, object]:
    """The command line's answer: the districts, each with its schools."""

    def figures(progress: Progress) -> dict[str, int]:
        return {
            "measures": progress.total,
            **dict(progress.counts),
            "cancelled": progress.cancelled,
            "due_soon": progress.due_soon,
        }

    districts: list[dict[str, object]] = []
    for line in lines:
        if not line.school:
            districts.append({"district": line.district, "roadmaps": line.roadmaps, **figures(line.progress),
                              "schools": []})  # fmt: skip
        else:
            schools = districts[-1]["schools"]
            assert isinstance(schools, list)
            schools.append({"school": line.school, **figures(line.progress)})
    return {"districts": districts}
