"""Change sets: what a file's change log says was changed after a point, and where two files that
were once one last agreed (their sync point).

Two stores of one roadmap file — the file and a copy taken to another PC, and later the file and
the regional server — each write every change to their change log, one line per field. What
changed in each since they last agreed is read from there; the values themselves are read from
the stores, and each write is checked against the record's version as every edit is. So a field
changed on one side only is carried over, a field changed on both sides to different values is a
conflict, and carrying the same changes twice finds nothing new (the sync point moved past them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, type_coerce, update
from sqlalchemy.types import NullType

from desktop.services.operations import Tx
from models.entities import ChangeLogEntry, FileSetting

SYNC_POINTS = "sync_points"  # file setting: peer id -> SyncPoint.as_value()
# What a merge carries: a measure's fields, its schools' records and files, measures and
# sections added or deleted, sections renamed. Everything else (moves, the document, people,
# the calendar) is counted in ``other`` and said.
_STRUCTURE = {"insert", "delete", "restore"}


@dataclass
class ChangeSet:
    last: int  # the last change-log line read
    fields: dict[int, set[str]] = field(default_factory=dict)  # measure -> fields («status#12»)
    inserted: set[int] = field(default_factory=set)  # measures added after the point
    deleted: set[int] = field(default_factory=set)  # measures deleted after it (not put back)
    evidence: set[int] = field(default_factory=set)  # measures whose files changed
    sections_inserted: set[int] = field(default_factory=set)
    sections_deleted: set[int] = field(default_factory=set)
    section_titles: set[int] = field(default_factory=set)
    other: int = 0  # lines of changes a merge does not carry
    conflicted: set[int] = field(default_factory=set)  # measures in a conflict not resolved yet
    restored: set[int] = field(default_factory=set)  # measures put back (an undone deletion)
    sections_restored: set[int] = field(default_factory=set)

    def touched(self, measure_id: int) -> bool:
        """Anything at all written to the measure after the point."""
        return (
            measure_id in self.conflicted
            or measure_id in self.fields
            or measure_id in self.inserted
            or measure_id in self.deleted
            or measure_id in self.evidence
        )

    @property
    def empty(self) -> bool:
        return not (
            self.fields
            or self.inserted
            or self.deleted
            or self.evidence
            or self.sections_inserted
            or self.sections_deleted
            or self.section_titles
        )


def line_mark(conn: Connection, line: int) -> str:
    """A fingerprint of change-log line ``line`` ("" for none): two stores that share their log up
    to a line have the same mark there; a store that only looks like it (a plain file copy of a
    copy, edited apart) has another."""
    row = conn.execute(
        select(
            type_coerce(ChangeLogEntry.at, NullType),
            ChangeLogEntry.user,
            ChangeLogEntry.computer,
            ChangeLogEntry.entity,
            ChangeLogEntry.entity_id,
            ChangeLogEntry.field,
            ChangeLogEntry.old,
            ChangeLogEntry.new,
        ).where(ChangeLogEntry.id == line)
    ).one_or_none()
    return "" if row is None else hashlib.sha256(repr(tuple(row)).encode("utf-8")).hexdigest()


def last_log_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(ChangeLogEntry.id))).scalar() or 0)


def changes_since(conn: Connection, after: int, skip: Sequence[tuple[int, int]] = ()) -> ChangeSet:
    """What the change log says changed after line ``after``, leaving out the lines in the
    ``skip`` ranges (a merge's own lines and their undo: not changes of this side)."""
    lines = conn.execute(
        select(ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.field)
        .where(ChangeLogEntry.id > after)
        .order_by(ChangeLogEntry.id)
    ).all()
    found = ChangeSet(max([after, *(line[0] for line in lines)]))
    for line, entity, ident, name in lines:
        if any(first <= line <= last for first, last in skip) or not isinstance(ident, int):
            continue  # not this side's change, or a line another program wrote unreadably
        name = str(name or "")
        if entity == "measure":
            if name == "insert":
                found.inserted.add(ident)
                found.deleted.discard(ident)
            elif name == "delete":
                found.deleted.add(ident)
                found.restored.discard(ident)
            elif name == "restore":
                found.deleted.discard(ident)
                found.restored.add(ident)
            elif name.startswith("evidence"):
                found.evidence.add(ident)
            elif name == "move":
                found.other += 1
            else:
                found.fields.setdefault(ident, set()).add(name)
        elif entity == "section":
            if name == "insert":
                found.sections_inserted.add(ident)
            elif name == "delete":
                found.sections_deleted.add(ident)
                found.sections_restored.discard(ident)
            elif name == "restore":
                found.sections_deleted.discard(ident)
                found.sections_restored.add(ident)
            elif name == "title":
                found.section_titles.add(ident)
            else:
                found.other += 1
        elif entity == "roadmap" and name == "insert":
            continue  # a roadmap added: carried whole by whoever does not have it yet
        else:
            found.other += 1
    found.deleted -= found.inserted & found.deleted  # added and deleted again: nothing to carry
    return found


@dataclass
class SyncPoint:
    """Where this file and a peer last agreed: the peer's change log up to ``theirs`` is in this
    file, whose own log was at ``ours`` then; ``measures``/``sections`` map the peer's ids of
    rows it added to the ids they got here."""

    theirs: int
    ours: int
    measures: dict[int, int] = field(default_factory=dict)
    sections: dict[int, int] = field(default_factory=dict)
    skip: list[tuple[int, int]] = field(default_factory=list)  # our lines past ``ours`` to leave out
    mark: str = ""  # line_mark of the peer's line ``theirs``: the same peer, not a look-alike

    def as_value(self) -> dict[str, Any]:
        return {
            "theirs": self.theirs,
            "ours": self.ours,
            "measures": {str(k): v for k, v in self.measures.items()},
            "sections": {str(k): v for k, v in self.sections.items()},
            "skip": [list(r) for r in self.skip],
            "mark": self.mark,
        }

    @classmethod
    def of(cls, value: Any) -> SyncPoint | None:
        if not isinstance(value, Mapping):
            return None
        try:
            return cls(
                int(value["theirs"]),
                int(value["ours"]),
                {int(k): int(v) for k, v in dict(value.get("measures") or {}).items()},
                {int(k): int(v) for k, v in dict(value.get("sections") or {}).items()},
                [(int(a), int(b)) for a, b in list(value.get("skip") or [])],
                str(value.get("mark") or ""),
            )
        except (KeyError, TypeError, ValueError):
            return None


def read_setting(conn: Connection, key: str) -> Any:
    """A file setting's stored value (None: not there)."""
    return conn.execute(select(FileSetting.value).where(FileSetting.key == key)).scalar()


def write_setting(conn: Connection, key: str, value: Any, now: datetime) -> None:
    """Store a file setting (unversioned bookkeeping: sync points, a sync's record) in the
    caller's transaction."""
    if conn.execute(select(FileSetting.key).where(FileSetting.key == key)).scalar() is None:
        conn.execute(insert(FileSetting).values(key=key, value=value, updated_at=now, version=1))
    else:
        conn.execute(
            update(FileSetting)
            .where(FileSetting.key == key)
            .values(value=value, updated_at=now, version=FileSetting.version + 1)
        )


def stored_points(conn: Connection) -> dict[str, Any]:
    """Every peer's sync point as stored (peer id -> its value)."""
    value = read_setting(conn, SYNC_POINTS)
    return dict(value) if isinstance(value, Mapping) else {}


def sync_point(conn: Connection, peer: str) -> SyncPoint | None:
    return SyncPoint.of(stored_points(conn).get(peer))


def save_sync_point(tx: Tx, peer: str, point: SyncPoint | None) -> None:
    """Store (None: forget) the sync point with ``peer`` inside the operation's transaction."""
    points = stored_points(tx.conn)
    if point is None:
        points.pop(peer, None)
    else:
        points[peer] = point.as_value()
    write_setting(tx.conn, SYNC_POINTS, points, tx.now)
