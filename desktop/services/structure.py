"""Structural edits of a roadmap — insert, delete and move rows — inside an operation's transaction.

Measures and subsections of a parent share one position sequence. Inserting shifts the
positions after it; deleting leaves a gap (order is all that matters, and undo can put the rows
back at the very same positions with the very same ids).

Every function takes the operation's ``Tx``: deleting and putting back a row is version-checked
like an edit (a row a colleague changed meanwhile is not deleted or overwritten), and a move is
undone only while the row is still where the move put it.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, Row, delete, insert, select, update

from desktop.services.dto import ChildRef, NodeKind
from desktop.services.operations import Tx
from models.domain.errors import NotFoundError, StaleEditError, ValidationError
from models.domain.fields import MEASURE_FIELDS, FieldKind
from models.domain.status import PLANNED
from models.entities import Measure, MeasureSchool, SchoolExecution, Section, new_uid

Direction = Literal["indent", "outdent"]  # relocate_section's one-step moves of a section

_COLUMNS = [c.name for c in Measure.__table__.columns]
_SECTION_COLUMNS = [c.name for c in Section.__table__.columns]
# A new measure's stored fields before anything is typed: empty text, planned, not done.
_EMPTY_BY_KIND: dict[FieldKind, Any] = {"text": "", "deadline": "", "status": PLANNED, "date": None}
EMPTY_MEASURE: dict[str, Any] = {
    **{f.column: _EMPTY_BY_KIND[f.kind] for f in MEASURE_FIELDS if f.column is not None},
    "number_as_written": "",
    "extra": {},
}

MEASURE_GONE = "Мероприятие не найдено: возможно, его удалили. Список обновлён."
SECTION_GONE = "Раздел не найден: возможно, его удалили. Список обновлён."
MOVED_BY_OTHERS = (
    "Строки уже перемещены или изменены другим пользователем. Перемещение не отменено: список обновлён."
)
TAKEN_BY_OTHERS = (
    "Пока строки не было, другой пользователь добавил свои строки. Действие не повторено, "
    "чтобы не заменить их: список обновлён."
)
MAX_SECTION_DEPTH = 3
RowRef = ChildRef  # ("measure" | "section", id)
Placement = tuple[int | None, int, int | None, int]  # old parent, old position, new parent, new position
_PARKED = -(10**9)


def _measure_place(conn: Connection, measure_id: int, missing: str = MEASURE_GONE) -> Row[Any]:
    """(roadmap_id, section_id, position, title, version) of a measure, or NotFoundError."""
    place = conn.execute(
        select(
            Measure.roadmap_id, Measure.section_id, Measure.position, Measure.title, Measure.version
        ).where(Measure.id == measure_id)
    ).one_or_none()
    if place is None:
        raise NotFoundError(missing)
    return place


def _section_place(conn: Connection, section_id: int) -> Row[Any]:
    """(roadmap_id, parent_id, position, title, version) of a section, or NotFoundError."""
    place = conn.execute(
        select(Section.roadmap_id, Section.parent_id, Section.position, Section.title, Section.version).where(
            Section.id == section_id
        )
    ).one_or_none()
    if place is None:
        raise NotFoundError(SECTION_GONE)
    return place


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


def _delete_checked(
    tx: Tx, table: Any, key: tuple[str, int], seen: int | None, stored: int, title: str
) -> None:
    """Delete one versioned row if it is still as the user (or this window) last knew it."""
    expected = tx.expected(key, seen, stored, title)
    gone = tx.conn.execute(delete(table).where(table.id == key[1], table.version == expected))
    if gone.rowcount != 1:
        raise tx.stale(key, title)
    tx.wrote(key, expected, expected)


def _refuse_taken(tx: Tx, table: Any, ident: int) -> None:
    """A row put back keeps its id; if a colleague's new row took that id meanwhile, the step is
    refused (their row stays) instead of failing on the database's unique key."""
    if tx.conn.execute(select(table.id).where(table.id == ident)).first() is not None:
        raise StaleEditError(TAKEN_BY_OTHERS)


def _check_unchanged(tx: Tx, key: tuple[str, int], stored: int, title: str) -> None:
    """A row deleted with its parent: it must be as this window last knew it (on a redo)."""
    expected = tx.expected(key, None, stored, title)
    if expected != stored:
        raise tx.stale(key, title)
    tx.wrote(key, expected, expected)


def _new_version(tx: Tx, key: tuple[str, int]) -> int:
    """The version a row (re)created by this step gets: 1 when new, else one past its last."""
    return 1 if tx.first else tx.expected(key, None, 0) + 1


# ---- putting back what an undo removed ------------------------------------------------------------
Place = list[tuple[str, int, int]]  # a parent's children (kind, id, position) as an undo left them


def _place(conn: Connection, roadmap_id: int, parent_id: int | None) -> Place:
    return [(kind, ident, position) for kind, ident, position in _siblings(conn, roadmap_id, parent_id)]


def _check_place(tx: Tx, roadmap_id: int, parent_id: int | None, seen: Place | None) -> None:
    """Refuse to put undone rows back where a colleague has added, moved or removed rows since —
    on every engine alike (a file that reuses the freed id refused it by accident, a server did not)."""
    if seen is not None and _place(tx.conn, roadmap_id, parent_id) != seen:
        raise StaleEditError(
            "Строки в этом месте уже изменил другой пользователь после отмены: вернуть строку нельзя. "
            "Таблица обновлена — вставьте строку заново, если она нужна."
        )


# ---- measures ---------------------------------------------------------------------------------
def insert_measures(
    tx: Tx,
    roadmap_id: int,
    section_id: int | None,
    position: int,
    rows: list[dict[str, Any]],
    ids: list[int] | None = None,
    place: Place | None = None,
    uids: list[str] | None = None,
) -> list[int]:
    """Measures with ``rows``' values (columns) at ``position`` among the section's children;
    their ids. ``ids`` gives them back the ids of a first apply (redo), where the section's rows
    must still be ``place``, as ``remove_inserted`` left them; ``uids``, their identities (a
    redo's rows are the same rows; none given: new ones)."""
    if ids is not None:
        _check_place(tx, roadmap_id, section_id, place)
    _shift(tx.conn, roadmap_id, section_id, position, len(rows))
    out: list[int] = []
    for offset, values in enumerate(rows):
        data = {
            **EMPTY_MEASURE,
            **values,
            "roadmap_id": roadmap_id,
            "section_id": section_id,
            "position": position + offset,
            "updated_at": tx.now,
            "uid": uids[offset] if uids else new_uid(),
        }
        if ids is not None:
            _refuse_taken(tx, Measure, ids[offset])
            data["id"] = ids[offset]
            data["version"] = _new_version(tx, ("measure", ids[offset]))
        else:
            data["version"] = 1
        new_id = int(tx.conn.execute(insert(Measure).values(**data).returning(Measure.id)).scalar_one())
        tx.created(("measure", new_id), data["version"])
        tx.log(roadmap_id, "measure", new_id, "insert", None, f"позиция {position + offset}")
        out.append(new_id)
    return out


def remove_inserted(tx: Tx, ids: list[int]) -> Place | None:
    """Undo ``insert_measures``: delete the rows (if unchanged since) and close the gap; the
    section's rows as left, which a redo must find."""
    place: Place | None = None
    for measure_id in reversed(ids):
        me = _measure_place(tx.conn, measure_id, "Вставленные строки уже удалены другим пользователем.")
        _delete_checked(tx, Measure, ("measure", measure_id), None, me.version, me.title)
        _shift(tx.conn, me.roadmap_id, me.section_id, me.position + 1, -1)
        tx.log(me.roadmap_id, "measure", measure_id, "delete", None, "отмена вставки")
        place = _place(tx.conn, me.roadmap_id, me.section_id)
    return place


def snapshot_measures(conn: Connection, ids: list[int]) -> list[dict[str, Any]]:
    """Everything needed to put the measures back: their rows, school links and the schools'
    records (deleting a measure deletes them with it)."""
    rows = conn.execute(select(Measure.__table__).where(Measure.id.in_(ids))).mappings().all()
    links = conn.execute(
        select(MeasureSchool.measure_id, MeasureSchool.school_id).where(MeasureSchool.measure_id.in_(ids))
    ).all()
    records = (
        conn.execute(select(SchoolExecution.__table__).where(SchoolExecution.measure_id.in_(ids)))
        .mappings()
        .all()
    )
    by_id = {row["id"]: dict(row) for row in rows}
    for measure_id, school_id in links:
        by_id[measure_id].setdefault("_schools", []).append(school_id)
    for record in records:
        by_id[record["measure_id"]].setdefault("_records", []).append(dict(record))
    if any(i not in by_id for i in ids):
        raise NotFoundError("Некоторые мероприятия уже удалены другим пользователем; список обновлён.")
    return [by_id[i] for i in ids]


def delete_measures(tx: Tx, snapshot: list[dict[str, Any]], seen: dict[int, int]) -> None:
    """Delete the measures of ``snapshot``; each must be as the user saw it (``seen`` versions)."""
    for row in snapshot:
        key = ("measure", row["id"])
        _delete_checked(tx, Measure, key, seen.get(row["id"]), row["version"], row["title"])
        tx.log(row["roadmap_id"], "measure", row["id"], "delete", None, row["title"][:200])


def restore_measures(tx: Tx, snapshot: list[dict[str, Any]]) -> None:
    """Put deleted measures back with their ids, positions and school links (one version on)."""
    for row in snapshot:
        key = ("measure", row["id"])
        expected = tx.expected(key, None, row["version"], row["title"])
        _refuse_taken(tx, Measure, row["id"])
        values = {name: row[name] for name in _COLUMNS}
        values["version"] = expected + 1
        tx.conn.execute(insert(Measure).values(**values))
        tx.wrote(key, expected, expected + 1)
        links = [{"measure_id": row["id"], "school_id": s} for s in row.get("_schools", [])]
        if links:
            tx.conn.execute(insert(MeasureSchool), links)
        if row.get("_records"):
            tx.conn.execute(insert(SchoolExecution), row["_records"])
        tx.log(row["roadmap_id"], "measure", row["id"], "restore", None, row["title"][:200])


def swap_with_neighbour(tx: Tx, measure_id: int, step: int) -> tuple[RowRef, int, int, int | None] | None:
    """Swap the measure with its neighbour above (step -1) or below (+1): (the neighbour, the
    measure's new position, the neighbour's new position, their section), or None at an edge."""
    me = _measure_place(tx.conn, measure_id)
    siblings = _siblings(tx.conn, me.roadmap_id, me.section_id)
    here = next(k for k, s in enumerate(siblings) if s[0] == "measure" and s[1] == measure_id)
    there = here + step
    if not 0 <= there < len(siblings):
        return None
    kind, other_id, other_position = siblings[there]
    my_position = siblings[here][2]
    if other_position == my_position:  # equal positions after old edits: make them distinct
        other_position = my_position + step
    _set_position(tx.conn, ("measure", measure_id), other_position)
    _set_position(tx.conn, (kind, other_id), my_position)
    tx.log(me.roadmap_id, "measure", measure_id, "move", None, "вверх" if step < 0 else "вниз")
    return (kind, other_id), other_position, my_position, me.section_id


def reposition(tx: Tx, measure_id: int, other: RowRef, expect: tuple[int, int], to: tuple[int, int]) -> None:
    """Undo or redo a swap: the two rows go from positions ``expect`` to ``to``, if they are
    still at ``expect`` (else a colleague moved rows meanwhile and nothing is changed)."""
    me = _measure_place(tx.conn, measure_id)
    if (me.position, _position_of(tx.conn, other)) != expect:
        raise StaleEditError(MOVED_BY_OTHERS)
    _set_position(tx.conn, ("measure", measure_id), to[0])
    _set_position(tx.conn, other, to[1])
    tx.log(me.roadmap_id, "measure", measure_id, "move", None, f"позиция {to[0]}")


def _set_position(conn: Connection, ref: RowRef, position: int) -> None:
    table = Measure if ref[0] == "measure" else Section
    conn.execute(update(table).where(table.id == ref[1]).values(position=position))


def _position_of(conn: Connection, ref: RowRef) -> int | None:
    table = Measure if ref[0] == "measure" else Section
    return conn.execute(select(table.position).where(table.id == ref[1])).scalar_one_or_none()


# ---- sections ---------------------------------------------------------------------------------
def insert_section(
    tx: Tx,
    roadmap_id: int,
    parent_id: int | None,
    position: int,
    title: str,
    section_id: int | None,
    place: Place | None = None,
    uid: str | None = None,
) -> int:
    """A new (empty) section at ``position`` among the parent's children; returns its id. Put
    back with ``section_id`` (redo), the parent's rows must still be ``place``; ``uid``: its
    identity (a redo's section is the same section; none given: a new one)."""
    if section_id is not None:
        _check_place(tx, roadmap_id, parent_id, place)
    _shift(tx.conn, roadmap_id, parent_id, position, 1)
    values: dict[str, Any] = {
        "roadmap_id": roadmap_id,
        "parent_id": parent_id,
        "position": position,
        "title": title,
        "number_as_written": "",
        "version": 1,
        "uid": uid or new_uid(),
    }
    if section_id is not None:
        _refuse_taken(tx, Section, section_id)
        values["id"] = section_id
        values["version"] = _new_version(tx, ("section", section_id))
    new_id = int(tx.conn.execute(insert(Section).values(**values).returning(Section.id)).scalar_one())
    tx.created(("section", new_id), values["version"])
    tx.log(roadmap_id, "section", new_id, "insert", None, title)
    return new_id


def uninsert_section(tx: Tx, section_id: int) -> Place:
    """Undo a section's insertion; refused once something was put inside it. The parent's rows
    as left, which a redo must find."""
    me = _section_place(tx.conn, section_id)
    inside = (
        tx.conn.execute(select(Measure.id).where(Measure.section_id == section_id).limit(1)).first()
        or tx.conn.execute(select(Section.id).where(Section.parent_id == section_id).limit(1)).first()
    )
    if inside:
        raise ValidationError("В разделе уже есть мероприятия: сначала отмените или удалите их.")
    _delete_checked(tx, Section, ("section", section_id), None, me.version, me.title)
    _shift(tx.conn, me.roadmap_id, me.parent_id, me.position + 1, -1)
    tx.log(me.roadmap_id, "section", section_id, "delete", None, me.title[:200])
    return _place(tx.conn, me.roadmap_id, me.parent_id)


def rename_section(tx: Tx, section_id: int, seen: int | None, title: str) -> bool:
    """A section's new title (version-checked); False when it already had it."""
    text = str(title).strip()
    if not text:
        raise ValidationError("Название раздела не может быть пустым.")
    if "\x00" in text:
        raise ValidationError("Текст содержит недопустимый символ (NUL). Удалите его и повторите.")
    me = _section_place(tx.conn, section_id)
    key = ("section", section_id)
    if me.title == text:
        if tx.expected(key, seen, me.version, me.title) != me.version:
            raise tx.stale(key, me.title)
        return False
    tx.update_versioned(Section.__table__, key, seen, me.version, {"title": text}, me.title)
    tx.log(me.roadmap_id, "section", section_id, "title", me.title, text)
    return True


def _siblings(conn: Connection, roadmap_id: int, parent_id: int | None) -> list[tuple[NodeKind, int, int]]:
    """(kind, id, position) of a parent's children in order."""
    parent_m = Measure.section_id.is_(None) if parent_id is None else Measure.section_id == parent_id
    parent_s = Section.parent_id.is_(None) if parent_id is None else Section.parent_id == parent_id
    rows: list[tuple[NodeKind, int, int]] = [
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


def relocate_section(
    tx: Tx, section_id: int, target: Direction | tuple[int | None, int], seen: int | None = None
) -> tuple[int | None, int] | None:
    """Move a section with everything in it: ``target`` is "indent", "outdent" or (parent, position).

    Returns where it was, for undo, or None when the move is not possible here.
    """
    conn = tx.conn
    me = _section_place(conn, section_id)
    if target == "indent":
        siblings = _siblings(conn, me.roadmap_id, me.parent_id)
        here = next(k for k, s in enumerate(siblings) if s[0] == "section" and s[1] == section_id)
        if here == 0 or siblings[here - 1][0] != "section":
            return None  # only under a section just above
        new_parent: int | None = siblings[here - 1][1]
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
        new_parent, new_position = target
    key = ("section", section_id)
    _shift(conn, me.roadmap_id, me.parent_id, me.position + 1, -1)  # close the gap it leaves
    _shift(conn, me.roadmap_id, new_parent, new_position, 1)  # open one where it goes
    tx.update_versioned(
        Section.__table__,
        key,
        seen,
        me.version,
        {"parent_id": new_parent, "position": new_position},
        me.title,
    )
    tx.log(me.roadmap_id, "section", section_id, "move", None, str(target))
    return me.parent_id, me.position


def snapshot_section(conn: Connection, section_id: int) -> dict[str, Any]:
    """A section with everything inside it, enough to put it back exactly."""
    root = conn.execute(select(Section.__table__).where(Section.id == section_id)).mappings().one_or_none()
    if root is None:
        raise NotFoundError(SECTION_GONE)
    sections = [dict(root)]
    frontier = [section_id]
    while frontier:
        children = (
            conn.execute(select(Section.__table__).where(Section.parent_id.in_(frontier))).mappings().all()
        )
        sections += [dict(c) for c in children]
        frontier = [c["id"] for c in children]
    ids = [s["id"] for s in sections]
    measure_ids = list(conn.scalars(select(Measure.id).where(Measure.section_id.in_(ids))))
    return {"sections": sections, "measures": snapshot_measures(conn, measure_ids) if measure_ids else []}


def delete_section(tx: Tx, snapshot: dict[str, Any], seen: int | None) -> None:
    """Delete a section and its contents (foreign keys cascade), closing the gap it leaves."""
    root = snapshot["sections"][0]
    for section in snapshot["sections"][1:]:
        _check_unchanged(tx, ("section", section["id"]), section["version"], section["title"])
    for row in snapshot["measures"]:
        _check_unchanged(tx, ("measure", row["id"]), row["version"], row["title"])
    _delete_checked(tx, Section, ("section", root["id"]), seen, root["version"], root["title"])
    _shift(tx.conn, root["roadmap_id"], root["parent_id"], root["position"] + 1, -1)
    tx.log(root["roadmap_id"], "section", root["id"], "delete", None, root["title"][:200])


def restore_section(tx: Tx, snapshot: dict[str, Any]) -> None:
    """Put a deleted section back with the same ids, positions, measures and school links."""
    root = snapshot["sections"][0]
    _shift(tx.conn, root["roadmap_id"], root["parent_id"], root["position"], 1)
    for section in snapshot["sections"]:  # parents come before their children
        key = ("section", section["id"])
        expected = tx.expected(key, None, section["version"], section["title"])
        _refuse_taken(tx, Section, section["id"])
        tx.conn.execute(insert(Section).values(**{**section, "version": expected + 1}))
        tx.wrote(key, expected, expected + 1)
    restore_measures(tx, snapshot["measures"])
    tx.log(root["roadmap_id"], "section", root["id"], "restore", None, root["title"][:200])


# ---- drag and drop ----------------------------------------------------------------------------
def _is_within(conn: Connection, section_id: int | None, ancestor: int) -> bool:
    while section_id is not None:
        if section_id == ancestor:
            return True
        section_id = conn.execute(select(Section.parent_id).where(Section.id == section_id)).scalar_one()
    return False


def _set_place(conn: Connection, ref: RowRef, parent_id: int | None, position: int) -> None:
    kind, ident = ref
    if kind == "measure":
        conn.execute(
            update(Measure).where(Measure.id == ident).values(section_id=parent_id, position=position)
        )
    else:
        conn.execute(
            update(Section).where(Section.id == ident).values(parent_id=parent_id, position=position)
        )


def _park(conn: Connection, ref: RowRef) -> None:
    """Take the row out of its parent's position sequence while the others shift."""
    table = Measure if ref[0] == "measure" else Section
    conn.execute(update(table).where(table.id == ref[1]).values(position=_PARKED))


def _place_of(conn: Connection, ref: RowRef) -> tuple[int, int | None, int]:
    """(roadmap, parent, position) of a row."""
    if ref[0] == "measure":
        me = _measure_place(conn, ref[1])
        return me.roadmap_id, me.section_id, me.position
    place = _section_place(conn, ref[1])
    return place.roadmap_id, place.parent_id, place.position


def place_row(tx: Tx, ref: RowRef, parent_id: int | None, before: RowRef | None = None) -> Placement:
    """Put a measure or a section (with all inside it) under ``parent_id`` just before the row
    ``before`` (at the end when None).

    Rows after the new place move one position down; the old place is left as a gap (order is
    all that matters), so ``unplace_row`` with the returned placement undoes it exactly.
    """
    conn = tx.conn
    kind, ident = ref
    roadmap_id, old_parent, old_position = _place_of(conn, ref)
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
    tx.log(roadmap_id, kind, ident, "move", None, f"раздел {parent_id or '—'}, место {position}")
    return old_parent, old_position, parent_id, position


def unplace_row(tx: Tx, ref: RowRef, placement: Placement) -> None:
    """Undo ``place_row`` if the row is still where it put it: the rows it moved down move
    back up and the row returns to its place."""
    old_parent, old_position, parent_id, position = placement
    roadmap_id, now_parent, now_position = _place_of(tx.conn, ref)
    if (now_parent, now_position) != (parent_id, position):
        raise StaleEditError(MOVED_BY_OTHERS)
    _park(tx.conn, ref)
    _shift(tx.conn, roadmap_id, parent_id, position + 1, -1)
    _set_place(tx.conn, ref, old_parent, old_position)
    tx.log(roadmap_id, ref[0], ref[1], "move", None, f"раздел {old_parent or '—'}, место {old_position}")


def redo_placement(tx: Tx, ref: RowRef, placement: Placement) -> Placement:
    """Redo a drag to exactly the place of its first apply, if the row is back where it was."""
    old_parent, old_position, parent_id, position = placement
    roadmap_id, now_parent, now_position = _place_of(tx.conn, ref)
    if (now_parent, now_position) != (old_parent, old_position):
        raise StaleEditError(MOVED_BY_OTHERS)
    _park(tx.conn, ref)
    _shift(tx.conn, roadmap_id, parent_id, position, 1)
    _set_place(tx.conn, ref, parent_id, position)
    tx.log(roadmap_id, ref[0], ref[1], "move", None, f"раздел {parent_id or '—'}, место {position}")
    return placement
