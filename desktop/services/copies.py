"""A copy that travels: taken for a USB stick or another PC, edited there, merged back.

Taking a copy writes a consistent snapshot of the file (SQLite's backup API) with a mark in its
settings: the file's id, the copy's own id, the change-log line the copy starts from, signed with
the file's secret. Merging reads the copy (never writing it), checks the mark — a copy of another
file, or of a copy, is refused — and asks the change sets (desktop/services/changesets.py) what
each side changed since they last agreed:
- a field the copy changed and the file did not is carried over;
- one both changed to different values is a conflict: both shown, the user chooses (the command
  line keeps the file's value and reports it);
- measures and sections the copy added are added (with their schools, records and files),
  measures it deleted are deleted unless the file changed them; files attached or taken off in
  the copy are attached or taken off;
- moves, the document, people and the calendar are not carried (counted as ``other``).
Merging is one operation, undone whole, and it moves the sync point, so merging the same copy
again finds nothing new.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from desktop.services.changesets import SyncPoint, changes_since, last_log_id, line_mark, sync_point
from desktop.services.copy_plan import Planner, evidence_lines
from desktop.services.copy_reading import CopyError, CopyReading
from desktop.services.identity import FileIdentity, existing_identity, file_identity
from desktop.services.operations import Actor
from desktop.services.os_words import os_reason
from models.domain.errors import DomainError
from models.domain.roles import MERGE_COPY, check_file_operation
from models.entities import FileSetting
from models.storage import write_gate
from models.storage.backup import copy_database
from models.storage.database import Database, open_database

log = logging.getLogger(__name__)
COPY_MARK = "copy_of"  # the copy's setting: which file it was taken from, and when
_NOT_IN_FILE = "удалено в файле"


# ---- taking a copy -------------------------------------------------------------------------------
def store_id(conn: Connection, identity: FileIdentity) -> str:
    """This store's own id: a copy's id for a copy, the file's id for the file itself."""
    mark = conn.execute(select(FileSetting.value).where(FileSetting.key == COPY_MARK)).scalar()
    if isinstance(mark, dict) and isinstance(mark.get("copy"), str) and mark.get("file") == identity.file_id:
        return str(mark["copy"])
    return identity.file_id


@dataclass(frozen=True, slots=True)
class CopyMade:
    out: Path
    copy_id: str
    base: int


def take_copy(database: Database, target: Path, who: str, replace: bool = False) -> CopyMade:
    """A copy of the file at ``target`` (whole or not there at all), marked as this file's.
    An existing ``target`` is replaced only when ``replace`` (the user said so), and never when
    it is a copy of this file whose changes have not been merged yet."""
    if database.is_server:
        raise CopyError(
            "Копию с собой берут из файла на диске, а не с сервера: откройте файл района и возьмите "
            "копию из него."
        )
    identity = file_identity(database)
    if target.resolve() == database.path.resolve():
        raise CopyError("Копию нельзя записать поверх самого файла: выберите другое имя или папку.")
    if not target.parent.is_dir():
        raise CopyError(f"Папки «{target.parent}» нет: выберите папку, которая есть (флешка вставлена?).")
    if target.exists():
        _may_replace(database, target, replace)
    with database.read() as conn:
        source = store_id(conn, identity)
    partial = target.with_name(target.name + ".part")
    try:
        copy_database(database.path, partial)
        copy = open_database(partial)
        try:
            # the copy's own mark, in a new file: not the user's data
            with write_gate.opened("the copy's mark"), copy.write() as conn:
                base = last_log_id(conn)
                mark: dict[str, Any] = {
                    "file": identity.file_id,
                    "copy": str(uuid.uuid4()),
                    "source": source,
                    "base": base,
                    "taken": datetime.now().replace(microsecond=0).isoformat(),
                    "by": who,
                    "from": database.path.name,
                }
                mark["signature"] = identity.sign(mark)
                conn.execute(FileSetting.__table__.delete().where(FileSetting.key == COPY_MARK))
                conn.execute(
                    insert(FileSetting).values(
                        key=COPY_MARK, value=mark, updated_at=datetime.now().replace(microsecond=0), version=1
                    )
                )
        finally:
            copy.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise CopyError(
            f"Не удалось записать копию «{target.name}»: {os_reason(error)}. Проверьте, что флешка "
            "вставлена, на ней есть место и запись разрешена."
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return CopyMade(target, str(mark["copy"]), base)


def _may_replace(database: Database, target: Path, replace: bool) -> None:
    if not replace:
        raise CopyError(
            f"Файл «{target.name}» уже есть: выберите другое имя — копия не пишется поверх файла."
        )
    if not target.is_file():
        raise CopyError(f"«{target.name}» — папка или не обычный файл: выберите другое имя.")
    try:
        pending = read_copy(target, database, Actor("", ""))
    except DomainError:
        return  # not a copy of this file: the user chose to replace it
    if not pending.empty or pending.conflicts:
        raise CopyError(
            f"В «{target.name}» — копия этого файла, изменения которой ещё не объединены с ним. "
            "Сначала объедините её («Файл → Объединить с копией…») или выберите другое имя."
        )


def _snapshot(path: Path, folder: Path) -> Database:
    """The copy as it is now, read from a snapshot in ``folder``: the copy itself is never
    written (an older one would be upgraded in place by opening it), even if open elsewhere."""
    if path.is_dir():
        raise CopyError(f"«{path.name}» — папка, а не копия файла: выберите сам файл копии.")
    if not path.is_file():
        raise CopyError(f"Копия «{path.name}» не найдена. Проверьте путь и вставлена ли флешка.")
    snapshot = folder / "copy.sqlite"
    try:
        copy_database(path, snapshot)
        return open_database(snapshot, None, read_only=True)
    except (OSError, sqlite3.Error) as error:
        raise CopyError(
            f"«{path.name}» не открывается как файл дорожных карт ({os_reason(error)}, или файл "
            "повреждён, или это не файл программы)."
        ) from None
    except DomainError as error:
        raise CopyError(f"«{path.name}» не открывается как файл дорожных карт. {error.message}") from None
    except Exception as error:  # an older copy its migrations cannot bring up: told, logged
        log.exception("a copy could not be read: %s", path)
        raise CopyError(
            f"«{path.name}» не удалось прочитать: копия повреждена или изменена другой программой "
            "(подробности в журнале). Файл и копия не изменены."
        ) from error


def _check_mark(name: str, copy: Database, ours: FileIdentity | None, here: str) -> dict[str, Any]:
    theirs = existing_identity(copy)
    with copy.read() as conn:
        mark = conn.execute(select(FileSetting.value).where(FileSetting.key == COPY_MARK)).scalar()
    if not isinstance(mark, dict) or theirs is None:
        raise CopyError(
            f"«{name}» — не копия, взятая этой программой («Файл → Взять копию с собой»): объединять "
            "можно только такие копии."
        )
    if ours is None or theirs.file_id != ours.file_id or theirs.secret != ours.secret:
        raise CopyError(
            f"«{name}» — копия другого файла дорожных карт, не открытого. Объедините её с тем "
            "файлом, из которого её взяли."
        )
    payload = {k: v for k, v in mark.items() if k != "signature"}
    base = mark.get("base")
    if not ours.signed(payload, str(mark.get("signature") or "")) or type(base) is not int or base < 0:
        raise CopyError(f"«{name}»: служебная отметка копии повреждена — объединить её нельзя.")
    if mark.get("source") != here:
        raise CopyError(
            f"«{name}» взята не из этого файла, а из другой его копии. Объедините её с той копией, "
            "из которой её взяли."
        )
    return mark


def read_copy(path: Path, database: Database, actor: Actor) -> CopyReading:
    """What merging the copy at ``path`` would change; CopyError (Russian, nothing written)
    when it is not this file's copy; NotAllowedError, before anything is read, unless ``actor``
    is the coordinator (the merge writes the whole copy's changes)."""
    check_file_operation(actor.role, actor.shown, MERGE_COPY)
    if path.resolve() == database.path.resolve():
        raise CopyError("Это сам открытый файл, а не его копия.")
    ours = existing_identity(database)
    with database.read() as conn:
        here = store_id(conn, ours) if ours is not None else ""
    with tempfile.TemporaryDirectory(prefix="roadmap-copy-") as folder:
        copy = _snapshot(path, Path(folder))
        try:
            return _read(path.name, copy, database, actor, _check_mark(path.name, copy, ours, here))
        finally:
            copy.close()


def _read(name: str, copy: Database, database: Database, actor: Actor, mark: dict[str, Any]) -> CopyReading:
    from desktop.services.roadmap import RoadmapService

    with database.read() as conn:
        stored = sync_point(conn, str(mark["copy"]))
        base_here = line_mark(conn, int(mark["base"]))
    with copy.read() as conn:
        start = stored or SyncPoint(
            int(mark["base"]), int(mark["base"]), mark=line_mark(conn, int(mark["base"]))
        )
        if start.mark != line_mark(conn, start.theirs) or (stored is None and start.mark != base_here):
            raise CopyError(
                f"«{name}»: журнал изменений этой копии не тот, с которым файл объединялся: похоже, это "
                "ещё одна копия той же копии, скопированная как обычный файл, или копия, возвращённая "
                "из старой. Объединять её нельзя — изменения наложились бы неверно. Перенесите их "
                "вручную или объединяйте только ту копию, что была взята программой."
            )
        theirs = changes_since(conn, start.theirs)
        added_lines = evidence_lines(conn, start.theirs)
        theirs_mark = line_mark(conn, theirs.last)
    with database.read() as conn:
        mine = changes_since(conn, start.ours, start.skip)
    reading = CopyReading(
        str(mark["copy"]),
        name,
        str(mark.get("taken") or ""),
        stored,
        start,
        theirs.last,
        theirs_mark,
        other=theirs.other,
    )
    if theirs.empty:
        return reading
    copy_service = RoadmapService(copy, actor)
    file_service = RoadmapService(database, actor)
    copy_trees = {r.id: copy_service.load(r.id) for r in copy_service.list_roadmaps()}
    file_trees = {r.id: file_service.load(r.id) for r in file_service.list_roadmaps()}
    Planner(reading, theirs, mine, copy_trees, file_trees, copy, database, added_lines).plan()
    return reading
