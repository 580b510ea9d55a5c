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

from sqlalchemy import Connection, select

from desktop.services.changes import Changes
from desktop.services.dto import ChildRef, MeasureRow, RoadmapTree, SectionRow
from desktop.services.roadmap import _MEASURE_COLUMNS, RoadmapService, _measure_row
from models.domain.numbering import Node, number_tree
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
        places = conn.execute(
            select(Measure.id, Measure.section_id, Measure.position).where(
                Measure.roadmap_id == tree.header.id
            )
        ).all()
        wanted |= {ident for ident, _, _ in places if ident not in tree.measures}
        fresh = _rows(conn, wanted)
        sections = _sections(conn, tree.header.id)
    return _restructured(tree, fresh, sections, places)


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
    return {r[0]: _measure_row(tuple(r), "", schools.get(r[0], ())) for r in rows}


def _sections(conn: Connection, roadmap_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(
                Section.id,
                Section.parent_id,
                Section.position,
                Section.title,
                Section.version,
                Section.number_as_written,
            ).where(Section.roadmap_id == roadmap_id)
        ).all()
    )


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
    tree: RoadmapTree, fresh: dict[int, MeasureRow], sections: list[Any], places: list[Any]
) -> RoadmapTree:
    """Rows added, removed or moved: the order read anew, numbered anew, unchanged rows kept."""
    children: dict[int | None, list[tuple[int, ChildRef]]] = defaultdict(list)
    for s in sections:
        children[s.parent_id].append((s.position, ("section", s.id)))
    for ident, section_id, position in places:
        children[section_id].append((position, ("measure", ident)))
    ordered = {
        parent: tuple(ref for _, ref in sorted(items, key=lambda i: (i[0], i[1][0] == "measure", i[1][1])))
        for parent, items in children.items()
    }

    def node(ref: ChildRef) -> Node:
        kind, ident = ref
        if kind == "measure":
            return Node("measure", ident)
        return Node("section", ident, [node(c) for c in ordered.get(ident, ())])

    top = ordered.get(None, ())
    header = tree.header
    numbers = number_tree([node(r) for r in top], header.numbering, header.subsection_numbering)
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
