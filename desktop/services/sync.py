"""A district's file and the region's server kept in step: ``sync`` pushes what the file changed
since the last sync and pulls what changed on the server for the district.

Each direction is a merge of the copies issue (desktop/services/copy_plan.py plans it,
copy_merge.py writes it): a field changed on one side only is carried over, one changed on both
sides to different values is a conflict — both values reported, neither side overwritten — and
conflicts stay on record (both sides' ids) until the two values agree again or the user chose one
in the window. Rows are numbered apart on the two sides, so the sync keeps full id maps
(server id <-> file id) for roadmaps, sections and measures; a roadmap one side has and the
other never had is carried whole (with its schools, records and files).

A power cut or a lost connection never leaves the two sides half-synced:
- the push is one server transaction that also writes the server's record of it (the file line
  it read up to, its own change-log lines, the maps after it);
- the pull is one file transaction that moves the file's sync point — only after the server has
  committed; a run cut between the two finds the server's record ahead of the file's point and
  completes the pull without pushing again (rows added by the push would be added twice).
A run with nothing new on either side writes nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from desktop.services.changesets import (
    SYNC_POINTS,
    ChangeSet,
    SyncPoint,
    changes_since,
    last_log_id,
    line_mark,
    read_setting,
    stored_points,
    write_setting,
)
from desktop.services.copies import store_id
from desktop.services.copy_merge import MergeCopyCommand
from desktop.services.copy_plan import CARRIED, DELETED_IN_COPY, NOT_IN_FILE, Planner, evidence_lines
from desktop.services.copy_reading import CopyConflict, CopyReading, plain_value
from desktop.services.dto import RoadmapTree
from desktop.services.dump import roadmap_dict
from desktop.services.identity import FileIdentity, file_identity, server_id
from desktop.services.operations import Actor, Operations, Tx
from desktop.services.roadmap import RoadmapService
from desktop.services.writer import write_roadmap_in
from models.domain.errors import DomainError
from models.domain.roles import SYNC, check_file_operation
from models.entities import DISTRICT_SETTINGS_PREFIX, Attachment, Roadmap
from models.storage.database import Database
from models.storage.errors import BusyError
from models.storage.server import ServerDatabase

PEER = "server:"  # the file's sync point with a server: PEER + the server's id
RECORD = DISTRICT_SETTINGS_PREFIX  # the server's record of a file's last push: RECORD + the file's id
SYNC_WAIT_S = 60  # how long a sync waits for another sync of the same district
SYNC_RUNNING = (
    "С сервером уже синхронизируется этот район (этот же файл в другом окне или другой файл "
    "района), и за минуту синхронизация не закончилась. Ничего не изменено; повторите позже."
)


class SyncError(DomainError):
    """A sync that cannot run (not a district's file, an account that may not write)."""


# ---- the id maps ---------------------------------------------------------------------------------
@dataclass
class IdMaps:
    """One side's ids -> the other's, for every row the two share."""

    roadmaps: dict[int, int] = field(default_factory=dict)
    sections: dict[int, int] = field(default_factory=dict)
    measures: dict[int, int] = field(default_factory=dict)

    def copy(self) -> IdMaps:
        return IdMaps(dict(self.roadmaps), dict(self.sections), dict(self.measures))

    def inverse(self) -> IdMaps:
        return IdMaps(*({v: k for k, v in part.items()} for part in self._parts()))

    def _parts(self) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        return self.roadmaps, self.sections, self.measures

    def as_value(self) -> dict[str, dict[str, int]]:
        names = ("roadmaps", "sections", "measures")
        return {
            name: {str(k): v for k, v in part.items()}
            for name, part in zip(names, self._parts(), strict=True)
        }

    @classmethod
    def of(cls, value: Any) -> IdMaps:
        if not isinstance(value, Mapping):
            return cls()
        parts = []
        for name in ("roadmaps", "sections", "measures"):
            part = value.get(name)
            if part is not None and not isinstance(part, Mapping):
                raise TypeError(name)
            parts.append({int(k): int(v) for k, v in (part or {}).items()})
        return cls(*parts)


# ---- conflicts -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SyncConflict:
    """A field (or a school's record of it, a section's title, a whole measure) changed on both
    sides to different values: both kept, reported until they agree."""

    kind: str  # "field", "record" (a school's), "title" (a section's), "measure" (deleted on one side)
    file_id: int  # the measure's (a title's: the section's) id in the file
    server_id: int
    field: str  # «status», «title»…; "" for a title or a measure
    school: str  # a record's school, else ""
    number: str
    title: str
    file: Any
    server: Any

    @property
    def key(self) -> tuple[str, int, str, str]:
        return self.kind, self.file_id, self.field, self.school

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "measure": self.file_id,
            "number": self.number,
            "title": self.title,
            "school": self.school,
            "field": self.field,
            "file": plain_value(self.file),
            "server": plain_value(self.server),
        }

    def as_record(self) -> dict[str, Any]:
        """What is kept until the conflict is resolved: which row, which field."""
        return {
            "kind": self.kind,
            "file": self.file_id,
            "server": self.server_id,
            "field": self.field,
            "school": self.school,
        }


@dataclass
class SyncResult:
    pushed: int = 0  # measures and sections changed, added or deleted on the server
    pulled: int = 0  # … in the file
    conflicts: list[SyncConflict] = field(default_factory=list)
    roadmaps_pushed: int = 0
    roadmaps_pulled: int = 0
    other: int = 0  # changes a sync does not carry (moves, the document, people, the calendar)
    refused_files: list[str] = field(default_factory=list)

    def then(self, later: SyncResult) -> SyncResult:
        """This sync followed by ``later`` (the window's second run with the user's choices)."""
        return SyncResult(
            self.pushed + later.pushed,
            self.pulled + later.pulled,
            later.conflicts,
            self.roadmaps_pushed + later.roadmaps_pushed,
            self.roadmaps_pulled + later.roadmaps_pulled,
            max(self.other, later.other),
            self.refused_files + [f for f in later.refused_files if f not in self.refused_files],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "roadmaps_pushed": self.roadmaps_pushed,
            "roadmaps_pulled": self.roadmaps_pulled,
            "other": self.other,
        }


# ---- the points on both sides --------------------------------------------------------------------
@dataclass
class _Start:
    """Where the file and the server last agreed: the server's log up to ``theirs`` and the file's
    up to ``ours`` (less the ``skip`` ranges: the file's lines written by pulls)."""

    theirs: int
    ours: int
    maps: IdMaps  # server -> file
    skip: list[tuple[int, int]]
    conflicts: list[dict[str, Any]]
    round: str  # the id of the sync that wrote the point ("" never synced)
    account: str = ""  # the server's account it syncs as


def _file_start(conn: Connection, peer: str, server_last: int, file_last: int) -> _Start:
    stored = read_setting(conn, SYNC_POINTS)
    value = stored.get(peer, ()) if isinstance(stored, Mapping) else stored
    if value is None or value == ():  # a first sync: every roadmap goes whole, the logs are not changes
        return _Start(server_last, file_last, IdMaps(), [], [], "")
    point = SyncPoint.of(value)
    try:
        if point is None or not isinstance(value, Mapping):
            raise ValueError(peer)
        return _Start(
            point.theirs,
            point.ours,
            IdMaps.of(value.get("maps")),
            list(point.skip),
            [_conflict_record(c) for c in value.get("conflicts") or []],
            str(value.get("round") or "-"),
            str(value.get("account") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        # never taken for "not synced yet": that would send every roadmap to the server again
        raise SyncError(
            "Отметка синхронизации в файле повреждена (файл изменён не этой программой), поэтому "
            "синхронизировать его нельзя: изменения наложились бы неверно. Файл и сервер не изменены. "
            "Чтобы продолжить работу с сервером, создайте новый файл («Файл → Создать файл…») и "
            "синхронизируйте его — дорожные карты района придут с сервера."
        ) from None


def _conflict_record(item: Any) -> dict[str, Any]:
    """A conflict on record, as stored: which kind, both sides' ids, which field and school."""
    if not isinstance(item, Mapping):
        raise TypeError(item)
    kind = str(item["kind"])
    if kind not in ("field", "record", "title", "measure"):
        raise ValueError(kind)
    return {
        "kind": kind,
        "file": int(item["file"]),
        "server": int(item["server"]),
        "field": str(item.get("field") or ""),
        "school": str(item.get("school") or ""),
    }


@dataclass
class _Pushed:
    """The server's record of a push: made in the push's own transaction."""

    base: str  # the round of the file's point the push started from
    file_line: int  # the file's changes up to this line are on the server
    lines: tuple[int, int]  # the push's own change-log lines on the server
    maps: IdMaps  # file -> server, after the push
    conflicts: list[dict[str, Any]]
    stored: bool = True  # on the server (False: a push that had nothing to write)
    file_mark: str = ""  # changesets.line_mark of the file's line ``file_line``: this file, not a look-alike
    closed: bool = False  # its pull was written: nothing to complete

    def as_value(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "file_line": self.file_line,
            "lines": list(self.lines),
            "maps": self.maps.as_value(),
            "conflicts": self.conflicts,
            "file_mark": self.file_mark,
            "closed": self.closed,
        }

    @classmethod
    def of(cls, value: Any) -> _Pushed | None:
        if not isinstance(value, Mapping):
            return None
        try:
            first, last = value["lines"]
            return cls(
                str(value["base"]),
                int(value["file_line"]),
                (int(first), int(last)),
                IdMaps.of(value.get("maps")),
                [dict(c) for c in value.get("conflicts") or [] if isinstance(c, Mapping)],
                file_mark=str(value.get("file_mark") or ""),
                closed=value.get("closed") is True,
            )
        except (KeyError, TypeError, ValueError):
            return None

    def continues(self, start: _Start) -> bool:
        """This push started from the file's current point: its pull has not been written."""
        return self.stored and not self.closed and self.base == start.round


def _verified(value: Any, identity: FileIdentity) -> _Pushed | None:
    """The server's record of this file's last push, signed with the file's secret: a record
    another account wrote (the settings' table is shared by the districts) is refused, not used."""
    if value is None:
        return None
    payload = {k: v for k, v in value.items() if k != "signature"} if isinstance(value, Mapping) else None
    pushed = _Pushed.of(payload)
    if pushed is None or payload is None or not identity.signed(payload, str(value.get("signature") or "")):
        raise SyncError(
            "Запись о синхронизации этого файла на сервере повреждена или изменена не этой программой: "
            "синхронизировать нельзя, изменения наложились бы неверно. Файл и сервер не изменены. "
            "Сообщите администратору сервера региона."
        )
    return pushed


def _made_here(district: Database, pushed: _Pushed) -> bool:
    with district.read() as conn:
        return line_mark(conn, pushed.file_line) == pushed.file_mark


def _close(server: Database, actor: Actor, identity: FileIdentity, file_id: str, pushed: _Pushed) -> None:
    """Mark the server's record of the push as completed (unless another push replaced it)."""

    def work(tx: Tx) -> None:
        if _verified(read_setting(tx.conn, RECORD + file_id), identity) != pushed:
            return
        pushed.closed = True
        _write_setting(tx.conn, RECORD + file_id, _signed(pushed, identity))

    Operations(server, actor).transact(SYNC, work)


def _check_same_file(district: Database, pushed: _Pushed) -> None:
    """The push whose pull is to be completed was made from this very file: a plain copy of the
    district's file (copied as a file, not taken by the program) shares its point but not its
    later changes, and completing another copy's push would skip its own."""
    if not _made_here(district, pushed):
        raise SyncError(
            "Синхронизацию начали с другой копии этого файла (скопированной как обычный файл) или "
            "с этого файла до восстановления из резервной копии, и она прервалась. Сначала "
            "повторите синхронизацию там, где её начали; потом синхронизируйте этот файл. Файл и "
            "сервер не изменены."
        )


def _signed(pushed: _Pushed, identity: FileIdentity) -> dict[str, Any]:
    payload = pushed.as_value()
    return {**payload, "signature": identity.sign(payload)}


def _write_setting(conn: Connection, key: str, value: Any) -> None:
    write_setting(conn, key, value, datetime.now().replace(microsecond=0))


# ---- one direction -------------------------------------------------------------------------------
class _SyncMerge(MergeCopyCommand):
    """One direction of a sync written as a merge; the sync keeps its points itself."""

    label = "Синхронизация с сервером"

    def _check_point(self, tx: Tx) -> None:
        return None

    def _save_point(self, tx: Tx, point: SyncPoint) -> None:
        return None


@dataclass
class _Side:
    db: Database
    trees: dict[int, RoadmapTree]
    is_file: bool


def _trees(database: Database, actor: Actor) -> dict[int, RoadmapTree]:
    service = RoadmapService(database, actor)
    with database.read() as conn:
        ids = list(conn.scalars(select(Roadmap.id).order_by(Roadmap.id)))
    return {ident: service.load(ident) for ident in ids}


@dataclass
class _Direction:
    """A push (file -> server) or a pull (server -> file), planned."""

    source: _Side
    maps: IdMaps  # source -> target, before it
    reading: CopyReading
    new_trees: list[RoadmapTree]  # roadmaps the target never had: carried whole
    conflicts: list[SyncConflict]


def _plan(
    source: _Side,
    target: _Side,
    maps: IdMaps,
    theirs_since: tuple[int, list[tuple[int, int]]],
    mine_since: tuple[int, list[tuple[int, int]]],
    kept: list[dict[str, Any]],
) -> _Direction:
    with source.db.read() as conn:
        theirs = changes_since(conn, *theirs_since)
        lines = evidence_lines(conn, *theirs_since)
    with target.db.read() as conn:
        mine = changes_since(conn, *mine_since)
    maps = _current(maps, theirs, target)
    shared = {rid: tree for rid, tree in source.trees.items() if rid in maps.roadmaps}
    paired = set(maps.roadmaps.values())
    targets = {rid: tree for rid, tree in target.trees.items() if rid in paired}
    _inject(kept, theirs, mine, source, target)
    start = SyncPoint(theirs_since[0], mine_since[0], dict(maps.measures), dict(maps.sections))
    reading = CopyReading("", "", "", None, start, theirs.last, other=theirs.other)
    if not theirs.empty:
        Planner(
            reading, theirs, mine, shared, targets, source.db, target.db, lines, dict(maps.roadmaps)
        ).plan()
    new_trees = [tree for rid, tree in source.trees.items() if rid not in maps.roadmaps]
    conflicts = [_conflict(c, source, target, maps) for c in reading.conflicts]
    return _Direction(source, maps, reading, new_trees, conflicts)


def _current(maps: IdMaps, theirs: ChangeSet, target: _Side) -> IdMaps:
    """The maps as they hold for the source's changes: a row added after the point is new, whatever
    id it got (SQLite gives a deleted last row's id again, and the map's entry for that id is the
    old row's); a row put back (an undone deletion) that the target has deleted since is new
    there too."""
    maps = maps.copy()
    target_measures = {m for tree in target.trees.values() for m in tree.measures}
    target_sections = {s for tree in target.trees.values() for s in tree.sections}
    for ident in theirs.sections_restored:
        if maps.sections.get(ident) not in target_sections:
            theirs.sections_inserted.add(ident)
    for ident in theirs.restored:
        if maps.measures.get(ident) not in target_measures:
            theirs.inserted.add(ident)
    for ident in theirs.inserted:
        maps.measures.pop(ident, None)
    for ident in theirs.sections_inserted:
        maps.sections.pop(ident, None)
    return maps


def _inject(
    kept: list[dict[str, Any]], theirs: ChangeSet, mine: ChangeSet, source: _Side, target: _Side
) -> None:
    """Conflicts on record are compared again as if both sides had just changed them: values that
    agree now are settled, others are reported again."""
    source_rows = {m: t for t in source.trees.values() for m in t.measures}
    target_rows = {m: t for t in target.trees.values() for m in t.measures}
    for item in kept:
        src = int(item["file"] if source.is_file else item["server"])
        tgt = int(item["server"] if source.is_file else item["file"])
        kind, name = str(item.get("kind")), str(item.get("field") or "")
        if kind == "title":
            if any(src in tree.sections for tree in source.trees.values()):
                theirs.section_titles.add(src)
            else:  # deleted on the source side while the target changed it
                theirs.sections_deleted.add(src)
            mine.section_titles.add(tgt)
        elif kind == "measure":
            if src in source_rows and tgt in target_rows:  # put back on one side: compare all of it
                theirs.fields.setdefault(src, set()).update(CARRIED)
                mine.fields.setdefault(tgt, set()).update(CARRIED)
            elif src in source_rows:
                theirs.fields.setdefault(src, set()).add("title")
            else:
                theirs.deleted.add(src)
            mine.conflicted.add(tgt)
        elif kind == "field":
            theirs.fields.setdefault(src, set()).add(name)
            mine.fields.setdefault(tgt, set()).add(name)
        elif kind == "record" and src in source_rows and tgt in target_rows:
            school = str(item.get("school") or "").casefold()
            src_school = next((s.id for s in source_rows[src].schools if s.name.casefold() == school), None)
            tgt_school = next((s.id for s in target_rows[tgt].schools if s.name.casefold() == school), None)
            if src_school is not None and tgt_school is not None:
                theirs.fields.setdefault(src, set()).add(f"{name}#{src_school}")
                mine.fields.setdefault(tgt, set()).add(f"{name}#{tgt_school}")


def _conflict(found: CopyConflict, source: _Side, target: _Side, maps: IdMaps) -> SyncConflict:
    """A merge's conflict in both sides' ids, values named by side."""
    back = maps.inverse()
    if found.field == "measure" and found.file == NOT_IN_FILE:
        # changed on the source side, the target has deleted it: the id is the source's
        src, tgt = found.measure_id, maps.measures.get(found.measure_id, 0)
        source_value, target_value = "изменено", "удалено"
        kind, name = "measure", ""
    elif found.field == "measure":  # deleted on the source side, changed on the target
        src, tgt = back.measures.get(found.measure_id, 0), found.measure_id
        source_value, target_value = "удалено", "изменено"
        kind, name = "measure", ""
    elif found.field == "section":
        src, tgt = back.sections.get(found.measure_id, 0), found.measure_id
        source_value = "удалено" if found.copy == DELETED_IN_COPY else found.copy
        target_value = found.file
        kind, name = "title", ""
    else:
        src, tgt = back.measures.get(found.measure_id, 0), found.measure_id
        source_value, target_value = found.copy, found.file
        kind, name = ("record" if found.school else "field"), found.field
    file_id, server_id = (src, tgt) if source.is_file else (tgt, src)
    file_value, server_value = (
        (source_value, target_value) if source.is_file else (target_value, source_value)
    )
    return SyncConflict(
        kind, file_id, server_id, name, found.school, found.number, found.title, file_value, server_value
    )


# ---- writing a direction -------------------------------------------------------------------------
@dataclass
class _Written:
    maps: IdMaps  # source -> target, after
    lines: tuple[int, int]  # the target's change-log lines it wrote (first > last: none)
    changed: int
    roadmaps: int


def _write(direction: _Direction, tx: Tx, chosen: list[CopyConflict]) -> _Written:
    """Inside the target's transaction: the roadmaps it never had, then the merge."""
    maps = direction.maps.copy()
    changed = 0
    with tx.session() as session:
        for tree in direction.new_trees:
            changed += _carry(direction.source.db, tree, session, maps)
    reading = direction.reading
    reading.start = SyncPoint(
        reading.start.theirs, reading.start.ours, dict(maps.measures), dict(maps.sections)
    )
    command = _SyncMerge(reading, chosen)
    command.apply(tx)
    tx.flush_log()  # the merge's own lines: their ids go into the records
    if command.merged is not None:
        maps.measures, maps.sections = dict(command.merged.measures), dict(command.merged.sections)
    settled = len({(c.measure_id, c.school_id) for c in chosen})  # values the user chose: carried too
    return _Written(maps, command.merged_lines, changed + reading.applied + settled, len(direction.new_trees))


def _carry(source: Database, tree: RoadmapTree, session: Session, maps: IdMaps) -> int:
    """A roadmap the other side never had, written whole, paired row by row."""
    data = roadmap_dict(tree)
    data["settings"] = dict(tree.header.settings)
    written = write_roadmap_in(session, data)
    maps.roadmaps[tree.header.id] = written.roadmap_id
    maps.sections.update(written.section_ids)
    maps.measures.update(written.measure_ids)
    names = {s.id: s.name for s in tree.schools}
    with source.read() as conn:
        files = (
            conn.execute(
                select(Attachment.__table__).where(
                    Attachment.measure_id.in_(list(tree.measures)), Attachment.removed.is_(False)
                )
            )
            .mappings()
            .all()
        )
    for row in files:
        school = None if row["school_id"] is None else written.school_ids.get(names.get(row["school_id"], ""))
        if row["school_id"] is not None and school is None:
            continue
        values = {k: v for k, v in row.items() if k != "id"}
        values.update(measure_id=written.measure_ids[row["measure_id"]], school_id=school, version=1)
        session.execute(insert(Attachment).values(**values))
    return written.measures + written.sections


# ---- the sync ------------------------------------------------------------------------------------
def _chosen(
    direction: _Direction, resolutions: Mapping[tuple[str, int, str, str], str], side: str
) -> list[CopyConflict]:
    """The direction's conflicts the user settled for its source's value."""
    return [
        found
        for found, mine in zip(direction.reading.conflicts, direction.conflicts, strict=True)
        if resolutions.get(mine.key) == side and mine.kind != "measure"
    ]


def _union(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conflicts on record from several places, each once."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for group in groups:
        for item in group:
            seen.setdefault((item.get("kind"), item.get("file"), item.get("field"), item.get("school")), item)
    return list(seen.values())


def _merged(*groups: Iterable[SyncConflict]) -> list[SyncConflict]:
    seen: dict[tuple[str, int, str, str], SyncConflict] = {}
    for group in groups:
        for conflict in group:
            seen.setdefault(conflict.key, conflict)
    return list(seen.values())


def check_peers(district: Database, server: Database) -> None:
    if district.is_server:
        raise SyncError(
            "Синхронизируют файл района с сервером: укажите в --db файл района, а в --server — адрес сервера."
        )
    if not server.is_server:
        raise SyncError("В --server укажите адрес сервера (postgresql://пользователь@сервер/база).")
    if district.read_only:
        raise SyncError("Файл района открыт только для чтения: синхронизация записывает в него.")
    if not server.can_write():
        raise SyncError(
            "Эта учётная запись сервера может только читать (министерство): синхронизируют под "
            "учётной записью района."
        )


def sync(
    district: Database,
    server: Database,
    actor: Actor,
    resolutions: Mapping[tuple[str, int, str, str], str] | None = None,
) -> SyncResult:
    """Push the file's changes since the last sync, then pull the server's for the district.
    ``resolutions``: a conflict's key -> "file" or "server", the value the user chose (both
    sides get it); conflicts without one keep each side's value and stay on record."""
    check_file_operation(actor.role, actor.shown, SYNC)  # before anything is read or written
    check_peers(district, server)
    assert isinstance(server, ServerDatabase)
    # One sync of a district at a time, from any file or window: the second waits, then finds
    # what the first carried already (nothing twice).
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(server.held("sync", SYNC_WAIT_S, SYNC_RUNNING))
        except BusyError:
            raise SyncError(SYNC_RUNNING) from None
        return _sync(district, server, actor, resolutions)


def _sync(
    district: Database,
    server: Database,
    actor: Actor,
    resolutions: Mapping[tuple[str, int, str, str], str] | None,
) -> SyncResult:
    chosen = dict(resolutions or {})
    peer = PEER + server_id(server)
    with district.read() as conn:
        file_id = store_id(conn, file_identity(district))
    identity = file_identity(district)
    with server.read() as conn:
        server_last = last_log_id(conn)
        pushed = _verified(read_setting(conn, RECORD + file_id), identity)
    with district.read() as conn:
        start = _file_start(conn, peer, server_last, last_log_id(conn))
    account = _account(server)
    if start.account and start.account != account:
        raise SyncError(
            f"Этот файл района синхронизируется с сервером под учётной записью «{start.account}», а "
            f"сейчас указана «{account}» — это другой район, и его дорожные карты смешались бы с "
            "дорожными картами файла. Укажите учётную запись своего района. Файл и сервер не изменены."
        )
    continuing = pushed is not None and pushed.continues(start)
    if start.round == "" and pushed is not None and not continuing:
        raise SyncError(
            "Этот файл района уже синхронизировался с сервером — в другой его копии (файл скопирован "
            "до первой синхронизации). Его дорожные карты ушли бы на сервер второй раз. Работайте в "
            "файле, который синхронизировали, или создайте новый файл и синхронизируйте его: "
            "дорожные карты района придут с сервера. Файл и сервер не изменены."
        )
    result = SyncResult()
    file_side = _Side(district, _trees(district, actor), True)
    server_side = _Side(server, _trees(server, actor), False)
    if start.round == "" and not continuing:
        _check_not_there(file_side, server_side)
    push_conflicts: list[SyncConflict] = []
    if pushed is not None and continuing:
        _check_same_file(district, pushed)
    else:
        if pushed is not None and not pushed.closed and _made_here(district, pushed):
            _close(server, actor, identity, file_id, pushed)  # completed by a run cut before closing it
        pushed, push_conflicts = _push(
            file_side, server_side, start, actor, chosen, identity, file_id, result
        )
    # the pull, from the push's record (this run's, or a cut run's that never pulled)
    _pull(file_side, server_side, start, pushed, push_conflicts, actor, chosen, peer, account, result)
    if pushed.stored:  # the file has it all now: a plain copy of the file may sync again
        _close(server, actor, identity, file_id, pushed)
    result.conflicts = _merged(push_conflicts, result.conflicts)
    if continuing:  # a cut run completed: now this run's own changes, as any sync
        return result.then(_sync(district, server, actor, resolutions))
    return result


def _check_not_there(file_side: _Side, server_side: _Side) -> None:
    """A first sync sends every roadmap of the file: refused when the district already has one of
    the same title on the server (a copy of the file made before its first sync, or the same
    document loaded on the server too) — it would be there twice."""
    there = {tree.header.title.strip().casefold() for tree in server_side.trees.values()}
    twice = [t.header.title for t in file_side.trees.values() if t.header.title.strip().casefold() in there]
    if twice:
        raise SyncError(
            f"На сервере у района уже есть дорожная карта «{twice[0][:150]}»: первая синхронизация "
            "этого файла отправила бы её второй раз (файл скопирован до синхронизации или документ "
            "загружен на сервер отдельно). Создайте новый файл и синхронизируйте его — дорожные "
            "карты района придут с сервера; или попросите администратора убрать лишнюю. Файл и "
            "сервер не изменены."
        )


def _account(server: Database) -> str:
    """The server's account the sync runs as: a district's file syncs as its district only."""
    from sqlalchemy import text

    with server.read() as conn:
        return str(conn.execute(text("SELECT session_user")).scalar() or "")


def _push(
    file_side: _Side,
    server_side: _Side,
    start: _Start,
    actor: Actor,
    chosen: dict[tuple[str, int, str, str], str],
    identity: FileIdentity,
    file_id: str,
    result: SyncResult,
) -> tuple[_Pushed, list[SyncConflict]]:
    """The file's changes onto the server in one server transaction with the server's record."""
    push = _plan(
        file_side,
        server_side,
        start.maps.inverse(),
        (start.ours, start.skip),
        (start.theirs, []),
        start.conflicts,
    )
    result.other += push.reading.other
    result.refused_files += push.reading.refused_files
    push_choice = _chosen(push, chosen, "file")
    # on record for the pull: every conflict not settled here (one the user settled for the
    # server's value is written by the pull)
    kept = [c.as_record() for c in push.conflicts if chosen.get(c.key) != "file" or c.kind == "measure"]
    unsettled = [c for c in push.conflicts if chosen.get(c.key) is None or c.kind == "measure"]
    maps = start.maps.inverse()
    lines: tuple[int, int] = (0, -1)
    if push.new_trees or not push.reading.empty or push_choice:

        def work(tx: Tx) -> tuple[_Written, _Pushed]:
            written = _write(push, tx, push_choice)
            with file_side.db.read() as file_conn:
                mark = line_mark(file_conn, push.reading.theirs_last)
            pushed = _Pushed(
                start.round, push.reading.theirs_last, written.lines, written.maps, kept, file_mark=mark
            )
            _write_setting(tx.conn, RECORD + file_id, _signed(pushed, identity))
            return written, pushed

        written, pushed = Operations(server_side.db, actor).transact(SYNC, work)
        result.pushed, result.roadmaps_pushed = written.changed, written.roadmaps
        return pushed, unsettled
    local = _Pushed(start.round, push.reading.theirs_last, lines, maps, kept, stored=False)
    return local, unsettled


def _pull(
    file_side: _Side,
    server_side: _Side,
    start: _Start,
    pushed: _Pushed,
    push_conflicts: list[SyncConflict],
    actor: Actor,
    chosen: dict[tuple[str, int, str, str], str],
    peer: str,
    account: str,
    result: SyncResult,
) -> None:
    """The server's changes for the district into the file, in one file transaction that moves
    the file's sync point."""
    district = file_side.db
    maps = pushed.maps.inverse()  # server -> file
    skip = [] if pushed.lines[0] > pushed.lines[1] else [pushed.lines]
    pull = _plan(
        server_side,
        file_side,
        maps,
        (start.theirs, skip),
        (start.ours, start.skip),
        _union(start.conflicts, pushed.conflicts),
    )
    result.other += pull.reading.other
    result.refused_files += pull.reading.refused_files
    pull_choice = _chosen(pull, chosen, "server")
    result.conflicts = [c for c in pull.conflicts if chosen.get(c.key) is None or c.kind == "measure"]
    # on record: what either direction found unsettled (each finds again what is its to find)
    records = [c.as_record() for c in _merged(push_conflicts, result.conflicts)]
    skip_after = [r for r in start.skip if r[1] > pushed.file_line]
    theirs = max(pull.reading.theirs_last, start.theirs)
    writes = bool(pull.new_trees or not pull.reading.empty or pull_choice)

    def point(maps: IdMaps, lines: tuple[int, int], round_id: str) -> dict[str, Any]:
        ranges = skip_after + ([lines] if lines[0] <= lines[1] else [])
        return {
            **SyncPoint(theirs, pushed.file_line, skip=ranges).as_value(),
            "maps": maps.as_value(),
            "conflicts": records,
            "round": round_id,
            "account": account,
        }

    with district.read() as conn:
        before = stored_points(conn).get(peer)
    if not writes and not pushed.stored and point(maps, (0, -1), start.round) == before:
        return  # nothing new on either side: nothing written

    def work(tx: Tx) -> None:
        after, lines = maps, (0, -1)
        if writes:
            written = _write(pull, tx, pull_choice)
            after, lines = written.maps, written.lines
            result.pulled, result.roadmaps_pulled = written.changed, written.roadmaps
        points = stored_points(tx.conn)
        points[peer] = point(after, lines, str(uuid.uuid4()))  # a new round: the push is closed
        _write_setting(tx.conn, SYNC_POINTS, points)

    Operations(district, actor).transact(SYNC, work)


def sync_with_server(
    district: Database,
    address: str,
    actor: Actor,
    resolutions: Mapping[tuple[str, int, str, str], str] | None = None,
) -> SyncResult:
    """``sync`` with the server at ``address``, connected for this sync only (the window's)."""
    from models.storage.server import open_server

    check_file_operation(actor.role, actor.shown, SYNC)  # before the server is even asked
    server = open_server(address)
    try:
        return sync(district, server, actor, resolutions)
    finally:
        server.close()


__all__ = ["SyncConflict", "SyncError", "SyncResult", "check_peers", "sync", "sync_with_server"]
