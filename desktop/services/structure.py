"""Structural edits of a roadmap: insert, delete and move measures, each one transaction.

Measures and subsections of a parent share one position sequence. Inserting shifts the
positions after it; deleting leaves a gap (order is all that matters, and undo can put the rows
back at the very same positions with the very same ids).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from desktop.services.roadmap import Actor
from models.domain.errors import NotFoundError, ValidationError
from models.entities import ChangeLogEntry, Measure, MeasureSchool, Section
from models.storage.database import Database

_COLUMNS = [c.name for c in Measure.__table__.columns]
EMPTY_MEASURE: dict[str, Any] = {
    "title": "",
    "form": "",
    "deadline_text": "",
    "responsible": "",
    "result": "",
    "target_group": "",
    "status": "planned",
    "done_on": None,
    "note": "",
    "number_as_written": "",
    "extra": {},
    "version": 1,
}

MEASURE_GONE = "Мероприятие не найдено: возможно, его удалили. Список обновлён."
SECTION_GONE = "Раздел не найден: возможно, его удалили. Список обновлён."


def _measure_place(conn: Connection, measure_id: int, missing: str = MEASURE_GONE) -> Row[Any]:
    """(roadmap_id, section_id, position, title) of a measure, or NotFoundError."""
    place = conn.execute(
        select(Measure.roadmap_id, Measure.section_id, Measure.position, Measure.title).where(
            Measure.id == measure_id
        )
    ).one_or_none()
    if place is None:
        raise NotFoundError(missing)
    return place


def _section_place(conn: Connection, section_id: int) -> Row[Any]:
    """(roadmap_id, parent_id, position) of a section, or NotFoundError."""
    place = conn.execute(
        select(Section.roadmap_id, Section.parent_id, Section.position).where(Section.id == section_id)
    ).one_or_none()
    if place is None:
        raise NotFoundError(SECTION_GONE)
    return place


def _log(
    conn: Connection,
    actor: Actor,
    roadmap_id: int,
    entity_id: int,
    action: str,
    detail: str,
    entity: str = "measure",
) -> None:
    conn.execute(
        insert(ChangeLogEntry).values(
            at=datetime.now().replace(microsecond=0),
            user=actor.user,
            computer=actor.computer,
            roadmap_id=roadmap_id,
            entity=entity,
            entity_id=entity_id,
            field=action,
            old=None,
            new=detail,
        )
    )


def _shift(conn: Connection, roadmap_id: int, section_id: int | None, from_position: int, by: int) -> None:
    """Move every child of the parent at or after ``from_position`` by ``by`` places."""
    measure_parent = Measure.section_id.is_(None) if section_id is None else Measure.section_id == section_id
    section_parent = Section.parent_id.is_(None) if section_id is None else Section.parent_id == section_id
    conn.execute(
        update(Measure)
        .where(Measure.roadmap_id == roadmap_id, measure_parent, Measure.position >= from_position)
        .values(position=Measure.position + by)
    )
    conn.execute(
        update(Section)
        .where(Section.roadmap_id == roadmap_id, section_parent, Section.position >= from_position)
        .values(position=Section.position + by)
    )


def insert_measure(
    database: Database,
    actor: Actor,
    roadmap_id: int,
    section_id: int | None,
    position: int,
    values: dict[str, Any] | None = None,
    measure_id: int | None = None,
) -> int:
    """A new measure at ``position`` among the section's children; returns its id."""
    row: dict[str, Any] = {**EMPTY_MEASURE, **(values or {})}
    with database.write() as conn:
        _shift(conn, roadmap_id, section_id, position, 1)
        data = {**row, "roadmap_id": roadmap_id, "section_id": section_id, "position": position}
        if measure_id is not None:
            data["id"] = measure_id
        new_id = int(conn.execute(insert(Measure).values(**data).returning(Measure.id)).scalar_one())
        _log(conn, actor, roadmap_id, new_id, "insert", f"позиция {position}")
    return new_id


def snapshot_measures(database: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Everything needed to put the measures back: their rows and school links."""
    with database.read() as conn:
        rows = conn.execute(select(Measure.__table__).where(Measure.id.in_(ids))).mappings().all()
        links = conn.execute(
            select(MeasureSchool.measure_id, MeasureSchool.school_id).where(MeasureSchool.measure_id.in_(ids))
        ).all()
    by_id = {row["id"]: dict(row) for row in rows}
    for measure_id, school_id in links:
        by_id[measure_id].setdefault("_schools", []).append(school_id)
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise NotFoundError("Некоторые мероприятия уже удалены другим пользователем; список обновлён.")
    return [by_id[i] for i in ids]


def delete_measures(database: Database, actor: Actor, snapshot: list[dict[str, Any]]) -> None:
    """Delete the measures of ``snapshot`` in one transaction."""
    ids = [row["id"] for row in snapshot]
    with database.write() as conn:
        gone = conn.execute(delete(Measure).where(Measure.id.in_(ids)))
        if gone.rowcount != len(ids):
            raise NotFoundError("Некоторые мероприятия уже удалены другим пользователем; список обновлён.")
        for row in snapshot:
            _log(conn, actor, row["roadmap_id"], row["id"], "delete", row["title"][:200])


def restore_measures(database: Database, actor: Actor, snapshot: list[dict[str, Any]]) -> None:
    """Put deleted measures back with their ids, positions and school links."""
    with database.write() as conn:
        for row in snapshot:
            values = {name: row[name] for name in _COLUMNS}
            conn.execute(insert(Measure).values(**values))
            for school_id in row.get("_schools", []):
                conn.execute(insert(MeasureSchool).values(measure_id=row["id"], school_id=school_id))
            _log(conn, actor, row["roadmap_id"], row["id"], "restore", row["title"][:200])


def move_measure(database: Database, actor: Actor, measure_id: int, step: int) -> bool:
    """Swap the measure with its neighbour above (step -1) or below (+1); False at an edge."""
    with database.write() as conn:
        me = _measure_place(conn, measure_id)
        siblings = _siblings(conn, me.roadmap_id, me.section_id)
        here = next(k for k, s in enumerate(siblings) if s[0] == "measure" and s[1] == measure_id)
        there = here + step
        if not 0 <= there < len(siblings):
            return False
        kind, other_id, other_position = siblings[there]
        my_position = siblings[here][2]
        if other_position == my_position:  # equal positions after old edits: make them distinct
            other_position = my_position + step
        conn.execute(update(Measure).where(Measure.id == measure_id).values(position=other_position))
        table = Measure if kind == "measure" else Section
        conn.execute(update(table).where(table.id == other_id).values(position=my_position))
        _log(conn, actor, me.roadmap_id, measure_id, "move", "вверх" if step < 0 else "вниз")
    return True


def uninsert_measure(database: Database, actor: Actor, measure_id: int) -> None:
    """Undo an insertion: delete the measure and close the gap it opened, in one transaction."""
    with database.write() as conn:
        me = _measure_place(conn, measure_id)
        conn.execute(delete(Measure).where(Measure.id == measure_id))
        _shift(conn, me.roadmap_id, me.section_id, me.position + 1, -1)
        _log(conn, actor, me.roadmap_id, measure_id, "delete", me.title[:200])


def insert_many_in(
    conn: Connection,
    actor: Actor,
    roadmap_id: int,
    section_id: int | None,
    position: int,
    rows: list[dict[str, Any]],
) -> list[int]:
    """Measures with values at ``position`` (inside the caller's transaction); their ids."""
    _shift(conn, roadmap_id, section_id, position, len(rows))
    ids = []
    for offset, values in enumerate(rows):
        data = {
            **EMPTY_MEASURE,
            **values,
            "roadmap_id": roadmap_id,
            "section_id": section_id,
            "position": position + offset,
        }
        new_id = int(conn.execute(insert(Measure).values(**data).returning(Measure.id)).scalar_one())
        _log(conn, actor, roadmap_id, new_id, "insert", f"позиция {position + offset}")
        ids.append(new_id)
    return ids


def remove_many_in(conn: Connection, actor: Actor, ids: list[int]) -> None:
    """Undo insert_many_in: delete the rows and close the gap (inside the caller's transaction)."""
    for measure_id in reversed(ids):
        me = _measure_place(
            conn, measure_id, "Вставленные строки уже удалены другим пользователем; список обновлён."
        )
        conn.execute(delete(Measure).where(Measure.id == measure_id))
        _shift(conn, me.roadmap_id, me.section_id, me.position + 1, -1)
        _log(conn, actor, me.roadmap_id, measure_id, "delete", "отмена вставки")


def insert_section(
    database: Database,
    actor: Actor,
    roadmap_id: int,
    parent_id: int | None,
    position: int,
    title: str,
    section_id: int | None = None,
) -> int:
    """A new (empty) section at ``position`` among the parent's children; returns its id."""
    with database.write() as conn:
        _shift(conn, roadmap_id, parent_id, position, 1)
        values: dict[str, Any] = {
            "roadmap_id": roadmap_id,
            "parent_id": parent_id,
            "position": position,
            "title": title,
            "number_as_written": "",
            "version": 1,
        }
        if section_id is not None:
            values["id"] = section_id
        new_id = int(conn.execute(insert(Section).values(**values).returning(Section.id)).scalar_one())
        _log(conn, actor, roadmap_id, new_id, "insert", title, entity="section")
    return new_id


def uninsert_section(database: Database, actor: Actor, section_id: int) -> None:
    """Undo a section's insertion; refused once something was put inside it."""
    with database.write() as conn:
        me = _section_place(conn, section_id)
        inside = (
            conn.execute(select(Measure.id).where(Measure.section_id == section_id).limit(1)).first()
            or conn.execute(select(Section.id).where(Section.parent_id == section_id).limit(1)).first()
        )
        if inside:
            raise ValidationError("В разделе уже есть мероприятия: сначала отмените или удалите их.")
        conn.execute(delete(Section).where(Section.id == section_id))
        _shift(conn, me.roadmap_id, me.parent_id, me.position + 1, -1)


def _siblings(conn: Connection, roadmap_id: int, parent_id: int | None) -> list[tuple[str, int, int]]:
    """(kind, id, position) of a parent's children in order."""
    parent_m = Measure.section_id.is_(None) if parent_id is None else Measure.section_id == parent_id
    parent_s = Section.parent_id.is_(None) if parent_id is None else Section.parent_id == parent_id
    rows = [
        ("measure", i, p)
        for i, p in conn.execute(
            select(Measure.id, Measure.position).where(Measure.roadmap_id == roadmap_id, parent_m)
        )
    ]
    rows += [
        ("section", i, p)
        for i, p in conn.execute(
            select(Section.id, Section.position).where(Section.roadmap_id == roadmap_id, parent_s)
        )
    ]
    return sorted(rows, key=lambda s: (s[2], s[0] == "measure", s[1]))


def _depth_of(conn: Connection, section_id: int | None) -> int:
    depth = 0
    while section_id is not None:
        depth += 1
        section_id = conn.execute(select(Section.parent_id).where(Section.id == section_id)).scalar_one()
    return depth


def _subtree_height(conn: Connection, section_id: int) -> int:
    children = list(conn.scalars(select(Section.id).where(Section.parent_id == section_id)))
    return 1 + max((_subtree_height(conn, c) for c in children), default=0)


MAX_SECTION_DEPTH = 3


def relocate_section(
    database: Database, actor: Actor, section_id: int, target: str | tuple[int | None, int]
) -> tuple[int | None, int] | None:
    """Move a section with everything in it: ``target`` is "indent", "outdent" or (parent, position).

    Returns where it was, for undo, or None when the move is not possible here.
    """
    with database.write() as conn:
        me = _section_place(conn, section_id)
        if target == "indent":
            siblings = _siblings(conn, me.roadmap_id, me.parent_id)
            here = next(k for k, s in enumerate(siblings) if s[0] == "section" and s[1] == section_id)
            if here == 0 or siblings[here - 1][0] != "section":
                return None  # only under a section just above
            new_parent = siblings[here - 1][1]
            if _depth_of(conn, new_parent) + _subtree_height(conn, section_id) > MAX_SECTION_DEPTH:
                raise ValidationError(f"Разделы вкладываются не глубже {MAX_SECTION_DEPTH} уровней.")
            inside = _siblings(conn, me.roadmap_id, new_parent)
            new_position = (inside[-1][2] + 1) if inside else 1
        elif target == "outdent":
            if me.parent_id is None:
                return None
            parent = conn.execute(
                select(Section.parent_id, Section.position).where(Section.id == me.parent_id)
            ).one()
            new_parent, new_position = parent.parent_id, parent.position + 1
        else:
            new_parent, new_position = target  # type: ignore[misc]
        _shift(conn, me.roadmap_id, me.parent_id, me.position + 1, -1)  # close the gap it leaves
        _shift(conn, me.roadmap_id, new_parent, new_position, 1)  # open one where it goes
        conn.execute(
            update(Section)
            .where(Section.id == section_id)
            .values(parent_id=new_parent, position=new_position, version=Section.version + 1)
        )
        _log(conn, actor, me.roadmap_id, section_id, "move", str(target), entity="section")
    return me.parent_id, me.position


def snapshot_section(database: Database, section_id: int) -> dict[str, Any]:
    """A section with everything inside it, enough to put it back exactly."""
    with database.read() as conn:
        root = (
            conn.execute(select(Section.__table__).where(Section.id == section_id)).mappings().one_or_none()
        )
        if root is None:
            raise NotFoundError("Раздел не найден: возможно, его удалили. Список обновлён.")
        sections = [dict(root)]
        frontier = [section_id]
        while frontier:
            children = (
                conn.execute(select(Section.__table__).where(Section.parent_id.in_(frontier)))
                .mappings()
                .all()
            )
            sections += [dict(c) for c in children]
            frontier = [c["id"] for c in children]
    ids = [s["id"] for s in sections]
    with database.read() as conn:
        measure_ids = list(conn.scalars(select(Measure.id).where(Measure.section_id.in_(ids))))
    return {"sections": sections, "measures": snapshot_measures(database, measure_ids) if measure_ids else []}


def delete_section(database: Database, actor: Actor, snapshot: dict[str, Any]) -> None:
    """Delete a section and its contents (foreign keys cascade), closing the gap it leaves."""
    root = snapshot["sections"][0]
    with database.write() as conn:
        gone = conn.execute(delete(Section).where(Section.id == root["id"]))
        if gone.rowcount != 1:
            raise NotFoundError("Раздел уже удалён другим пользователем; список обновлён.")
        _shift(conn, root["roadmap_id"], root["parent_id"], root["position"] + 1, -1)
        _log(conn, actor, root["roadmap_id"], root["id"], "delete", root["title"][:200], entity="section")


def restore_section(database: Database, actor: Actor, snapshot: dict[str, Any]) -> None:
    """Put a deleted section back with the same ids, positions, measures and school links."""
    root = snapshot["sections"][0]
    columns = [c.name for c in Section.__table__.columns]
    with database.write() as conn:
        _shift(conn, root["roadmap_id"], root["parent_id"], root["position"], 1)
        for section in snapshot["sections"]:  # parents come before their children
            conn.execute(insert(Section).values(**{name: section[name] for name in columns}))
        for row in snapshot["measures"]:
            conn.execute(insert(Measure).values(**{name: row[name] for name in _COLUMNS}))
            for school_id in row.get("_schools", []):
                conn.execute(insert(MeasureSchool).values(measure_id=row["id"], school_id=school_id))
        _log(conn, actor, root["roadmap_id"], root["id"], "restore", root["title"][:200], entity="section")


RowRef = tuple[str, int]  # ("measure" | "section", id)


def _is_within(conn: Connection, section_id: int | None, ancestor: int) -> bool:
    while section_id is not None:
        if section_id == ancestor:
            return True
        section_id = conn.execute(select(Section.parent_id).where(Section.id == section_id)).scalar_one()
    return False


_PARKED = -(10**9)
Placement = tuple[int | None, int, int | None, int]  # old parent, old position, new parent, new position


def _set_place(conn: Connection, ref: RowRef, parent_id: int | None, position: int) -> None:
    kind, ident = ref
    if kind == "measure":
        conn.execute(
            update(Measure).where(Measure.id == ident).values(section_id=parent_id, position=position)
        )
    else:
        conn.execute(
            update(Section)
            .where(Section.id == ident)
            .values(parent_id=parent_id, position=position, version=Section.version + 1)
        )


def _park(conn: Connection, ref: RowRef) -> None:
    """Take the row out of its parent's position sequence while the others shift."""
    table = Measure if ref[0] == "measure" else Section
    conn.execute(update(table).where(table.id == ref[1]).values(position=_PARKED))


def place_row(
    conn: Connection, actor: Actor, ref: RowRef, parent_id: int | None, before: RowRef | None = None
) -> Placement:
    """Put a measure or a section (with all inside it) under ``parent_id`` just before the row
    ``before`` (at the end when None), inside the caller's transaction.

    Rows after the new place move one position down; the old place is left as a gap (order is
    all that matters), so ``unplace_row`` with the returned placement undoes it exactly.
    """
    kind, ident = ref
    if kind == "measure":
        me = _measure_place(conn, ident)
        roadmap_id, old_parent, old_position = me.roadmap_id, me.section_id, me.position
    else:
        place = _section_place(conn, ident)
        roadmap_id, old_parent, old_position = place.roadmap_id, place.parent_id, place.position
    if parent_id is not None and _section_place(conn, parent_id).roadmap_id != roadmap_id:
        raise ValidationError("Строку можно переместить только внутри той же дорожной карты.")
    if kind == "section":
        if parent_id is not None and _is_within(conn, parent_id, ident):
            raise ValidationError("Раздел нельзя переместить внутрь него самого.")
        if _depth_of(conn, parent_id) + _subtree_height(conn, ident) > MAX_SECTION_DEPTH:
            raise ValidationError(f"Разделы вкладываются не глубже {MAX_SECTION_DEPTH} уровней.")
    others = [(k, i, p) for k, i, p in _siblings(conn, roadmap_id, parent_id) if (k, i) != ref]
    anchor = next((p for k, i, p in others if (k, i) == before), None) if before != ref else None
    if anchor is None:
        position = max((p for _, _, p in others), default=0) + 1
    else:
        position = anchor
        _park(conn, ref)
        _shift(conn, roadmap_id, parent_id, position, 1)
    _set_place(conn, ref, parent_id, position)
    _log(conn, actor, roadmap_id, ident, "move", f"раздел {parent_id or '—'}, место {position}", entity=kind)
    return old_parent, old_position, parent_id, position


def unplace_row(conn: Connection, actor: Actor, ref: RowRef, placement: Placement) -> None:
    """Undo ``place_row``: the rows it moved down move back up and the row returns to its place."""
    old_parent, old_position, parent_id, position = placement
    kind, ident = ref
    me = _measure_place(conn, ident) if kind == "measure" else _section_place(conn, ident)
    _park(conn, ref)
    _shift(conn, me.roadmap_id, parent_id, position + 1, -1)
    _set_place(conn, ref, old_parent, old_position)
    _log(
        conn,
        actor,
        me.roadmap_id,
        ident,
        "move",
        f"раздел {old_parent or '—'}, место {old_position}",
        entity=kind,
    )
