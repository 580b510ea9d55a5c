"""The roadmap a view shows, brought up to date after an operation by reading only what changed.

A full ``load`` of 5,000 measures takes 0.15 s; after a field edit the changed rows are read, and
after a structural change (rows added, removed, moved) the row order — ids, parents and positions
— plus the new rows, and the numbers are computed again. Rows whose content, place and number did
not change stay the very same objects, so a view can tell what to repaint by identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, or_, select

from desktop.services.changes import Changes
from desktop.services.dto import ChildRef, MeasureRow, RoadmapTree, SectionRow
from desktop.services.evidence import stored_evidence, with_evidence
from desktop.services.execution import stored_records, with_execution
from desktop.services.roadmap import (
    _MEASURE_COLUMNS,
    SECTION_COLUMNS,
    RoadmapService,
    _measure_row,
    numbers_of,
    order_rows,
    rows_in_order,
)
from models.entities import Measure, MeasureSchool, Section


def refreshed(service: RoadmapService, tree: RoadmapTree, changes: Changes) -> RoadmapTree:
    """``tree`` as the file holds it after ``changes`` (a full load when the document or the
    file's settings changed: every number and deadline may differ)."""
    if changes.needs_reload or changes.roadmap_id not in (None, tree.header.id):
        return service.load(tree.header.id)
    wanted = set(changes.measures) | set(changes.added)
    with service.db.read() as conn:
        if not (changes.structure or changes.removed or changes.added):
            fresh = _rows(conn, wanted)
            sections = _sections(conn, tree.header.id) if changes.sections else None
            return _with_rows(tree, fresh, sections)
        query = select(Measure.id, Measure.section_id, Measure.position).where(
            Measure.roadmap_id == tree.header.id
        )
        parents = changes.parents
        if parents is not None:  # only the rows of the parents whose order changed
            ids = [p for p in parents if p is not None]
            query = query.where(
                or_(Measure.section_id.in_(ids), Measure.section_id.is_(None))
                if None in parents
                else Measure.section_id.in_(ids)
            )
        places = list(conn.execute(query).tuples().all())
        wanted |= {ident for ident, _, _ in places if ident not in tree.measures}
        fresh = _rows(conn, wanted)
        sections = _sections(conn, tree.header.id)
    if parents is not None and _same_sections(tree, sections):
        return _reordered(tree, fresh, places, parents)
    if parents is not None:
        places = _with_other_parents(tree, places, parents)
    return _restructured(tree, fresh, sections, places)


def _same_sections(tree: RoadmapTree, sections: list[Any]) -> bool:
    """No section came, went or moved (titles may differ: a rename comes as its own change)."""
    if len(sections) != len(tree.sections):
        return False
    for s in sections:
        old = tree.sections.get(s.id)
        if old is None or (old.parent_id, old.position, old.title) != (s.parent_id, s.position, s.title):
            return False
    return True


def _reordered(
    tree: RoadmapTree,
    fresh: dict[int, MeasureRow],
    places: list[Any],
    parents: frozenset[int | None],
) -> RoadmapTree:
    """Measures added, removed or moved inside ``parents`` (sections as they were): only those
    parents' rows are rebuilt; numbers are renumbered in full only when the kinds of rows at each
    place changed (an insert, a delete), else each place keeps its number."""
    items: dict[int | None, list[tuple[int, ChildRef]]] = {p: [] for p in parents}
    for ident, section_id, position in places:
        items[section_id].append((position, ("measure", ident)))
    for section in tree.sections.values():
        if section.parent_id in items:
            items[section.parent_id].append((section.position, ("section", section.id)))
    changed = {parent: order_rows(rows) for parent, rows in items.items()}
    ordered: dict[int | None, tuple[ChildRef, ...]] = {None: tree.top}
    ordered.update({ident: section.children for ident, section in tree.sections.items()})
    ordered.update(changed)
    numbers = _place_numbers(tree, changed)
    renumbered = numbers is None
    if numbers is None:
        numbers = numbers_of(ordered, tree.header.numbering, tree.header.subsection_numbering)
    measures = dict(tree.measures)
    for parent in parents:
        before = tree.top if parent is None else tree.sections[parent].children
        for kind, ident in before:
            if kind == "measure":
                measures.pop(ident, None)
    for ident, section_id, position in places:
        number = numbers.get(("measure", ident), "")
        row = fresh.get(ident) or tree.measures.get(ident)
        if row is None:
            continue
        same = (row.section_id, row.position, row.number) == (section_id, position, number)
        measures[ident] = row if same and ident not in fresh else row.placed(section_id, position, number)
    placed_ids = {p[0] for p in places}
    for ident, row in fresh.items():  # edited rows elsewhere (a paste over rows of other sections)
        old = tree.measures.get(ident)
        if ident not in placed_ids and old is not None:
            measures[ident] = row.placed(old.section_id, old.position, old.number)
    if renumbered:
        for ident, row in measures.items():
            number = numbers.get(("measure", ident), "")
            if row.number != number:
                measures[ident] = row.placed(row.section_id, row.position, number)
    sections = dict(tree.sections)
    for ident, section in sections.items():
        children = ordered.get(ident, ())
        number = numbers.get(("section", ident), section.number)
        if children is not section.children or number != section.number:
            sections[ident] = SectionRow(
                section.id,
                section.parent_id,
                section.position,
                number,
                section.title,
                section.version,
                children,
                section.number_as_written,
            )
    return RoadmapTree(tree.header, ordered[None], sections, measures, tree.schools)


def _place_numbers(
    tree: RoadmapTree, changed: dict[int | None, tuple[ChildRef, ...]]
) -> dict[ChildRef, str] | None:
    """Numbers when every changed parent has the same kinds of rows at the same places: each row
    takes the number of the row that was at its place (a swap). None otherwise."""
    numbers: dict[ChildRef, str] = {}
    for parent, after in changed.items():
        before = tree.top if parent is None else tree.sections[parent].children
        if len(before) != len(after) or any(a[0] != b[0] for a, b in zip(before, after, strict=True)):
            return None
        for (kind, old_id), ref in zip(before, after, strict=True):
            if kind == "measure":
                numbers[ref] = tree.measures[old_id].number
    return numbers


def _with_other_parents(
    tree: RoadmapTree, places: list[Any], parents: frozenset[int | None]
) -> list[tuple[int, int | None, int]]:
    """The places read for ``parents`` plus those of every other measure as the tree has them
    (their parents' rows did not change)."""
    read = {p[0] for p in places}
    kept = [
        (m.id, m.section_id, m.position)
        for m in tree.measures.values()
        if m.section_id not in parents and m.id not in read
    ]
    return [tuple(p) for p in places] + kept


def _rows(conn: Connection, ids: Iterable[int]) -> dict[int, MeasureRow]:
    """Measures with their school links (numbers left as written: set by the caller)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = conn.execute(select(*_MEASURE_COLUMNS).where(Measure.id.in_(wanted))).all()
    links = conn.execute(
        select(MeasureSchool.measure_id, MeasureSchool.school_id).where(MeasureSchool.measure_id.in_(wanted))
    ).all()
    schools: dict[int, list[int]] = defaultdict(list)
    for measure_id, school_id in links:
        schools[measure_id].append(school_id)
    records = stored_records(conn, measure_ids=list(schools)) if schools else {}
    found = {
        r[0]: with_execution(_measure_row(tuple(r), "", schools.get(r[0], ())), records.get(r[0]))
        for r in rows
    }
    return with_evidence(found, stored_evidence(conn, measure_ids=wanted))


def _sections(conn: Connection, roadmap_id: int) -> list[Any]:
    return list(conn.execute(select(*SECTION_COLUMNS).where(Section.roadmap_id == roadmap_id)).all())


def _with_rows(tree: RoadmapTree, fresh: dict[int, MeasureRow], sections: list[Any] | None) -> RoadmapTree:
    """Field edits: the edited rows replaced (keeping their numbers), renamed sections retitled."""
    measures = dict(tree.measures)
    for ident, row in fresh.items():
        old = measures.get(ident)
        if old is not None:
            measures[ident] = row.placed(row.section_id, row.position, old.number)
    by_id = dict(tree.sections)
    for s in sections or ():
        old_section = by_id.get(s.id)
        if old_section is not None and (old_section.title, old_section.version) != (s.title, s.version):
            by_id[s.id] = SectionRow(
                s.id,
                s.parent_id,
                s.position,
                old_section.number,
                s.title,
                s.version,
                old_section.children,
                s.number_as_written,
            )
    return RoadmapTree(tree.header, tree.top, by_id, measures, tree.schools)


def _restructured(
    tree: RoadmapTree,
    fresh: dict[int, MeasureRow],
    sections: list[Any],
    places: list[Any],
) -> RoadmapTree:
    """Rows added, removed or moved: the order read anew, numbered anew, unchanged rows kept."""
    ordered = rows_in_order(sections, places)
    top = ordered.get(None, ())
    header = tree.header
    numbers = numbers_of(ordered, header.numbering, header.subsection_numbering)
    measures: dict[int, MeasureRow] = {}
    for ident, section_id, position in places:
        number = numbers.get(("measure", ident), "")
        row = fresh.get(ident)
        old = tree.measures.get(ident)
        if row is not None:
            measures[ident] = row.placed(section_id, position, number)
        elif old is not None and (old.section_id, old.position, old.number) == (section_id, position, number):
            measures[ident] = old
        elif old is not None:
            measures[ident] = old.placed(section_id, position, number)
    by_id: dict[int, SectionRow] = {}
    for s in sections:
        made = SectionRow(
            s.id,
            s.parent_id,
            s.position,
            numbers.get(("section", s.id), ""),
            s.title,
            s.version,
            ordered.get(s.id, ()),
            s.number_as_written,
        )
        old_section = tree.sections.get(s.id)
        by_id[s.id] = old_section if old_section == made else made
    return RoadmapTree(header, top, by_id, measures, tree.schools)
