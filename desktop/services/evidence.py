"""Evidence files in the roadmap file: attached, listed, taken off and put back, saved and opened.

The rows are read without their bytes (the grid and the exports need names and sizes); the bytes
are read only to save or open one file. Taking a file off marks it removed, so undo is a flag and
not 20 MB kept in memory; files marked removed and those of measures deleted are dropped when a
window opens the file (no undo can reach them then). Rules for names, sizes and programs are
models/domain/evidence.py's.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, type_coerce
from sqlalchemy.types import NullType

from desktop.services.dto import MeasureRow
from desktop.services.operations import Tx
from desktop.services.os_words import os_reason
from models.domain.errors import NotAllowedError, NotFoundError, ValidationError
from models.domain.evidence import MAX_BYTES, Evidence, check_new, check_viewable, plain_text, safe_name
from models.domain.roles import COORDINATOR, check_school
from models.entities import Attachment, Measure, MeasureSchool, School

_LISTED = (  # read as stored: a row another program wrote may hold any type in any column
    Attachment.id,
    Attachment.measure_id,
    type_coerce(Attachment.school_id, NullType),
    type_coerce(Attachment.name, NullType),
    func.length(Attachment.data),  # the size its bytes have, not the one a row claims
    type_coerce(Attachment.added_by, NullType),
    type_coerce(Attachment.added_at, NullType),
)
UNKNOWN_SCHOOL = -1  # a school id that is no school (a row another program wrote)
_BATCH = 500
GONE = "Файл уже убран из мероприятия (возможно, другим пользователем): список обновлён."


def stored_evidence(
    conn: Connection, roadmap_id: int | None = None, measure_ids: Collection[int] | None = None
) -> dict[int, tuple[Evidence, ...]]:
    """measure id -> its files (the measure's own first, then by school, each in the order
    added), for a roadmap's measures or the ones named."""
    query = select(*_LISTED).where(Attachment.removed.is_(False))
    if measure_ids is not None:
        wanted = list(measure_ids)
        rows = [
            row
            for first in range(0, len(wanted), _BATCH)
            for row in conn.execute(query.where(Attachment.measure_id.in_(wanted[first : first + _BATCH])))
        ]
    else:
        joined = query.join(Measure, Measure.id == Attachment.measure_id)
        rows = list(conn.execute(joined.where(Measure.roadmap_id == roadmap_id)))
    found: dict[int, list[Evidence]] = {}
    for ident, measure, school, name, size, by, at in rows:
        if not isinstance(ident, int) or not isinstance(measure, int):
            continue
        school_id = None if school is None else school if isinstance(school, int) else UNKNOWN_SCHOOL
        item = Evidence(
            ident, measure, school_id, safe_name(plain_text(name)), int(size or 0), plain_text(by), _when(at)
        )
        found.setdefault(measure, []).append(item)
    return {
        measure: tuple(sorted(items, key=lambda e: (e.school_id is not None, e.school_id or 0, e.id)))
        for measure, items in found.items()
    }


def _when(value: object) -> datetime | None:
    """When a file was attached, if the row says so readably."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def with_evidence(
    rows: dict[int, MeasureRow], stored: dict[int, tuple[Evidence, ...]]
) -> dict[int, MeasureRow]:
    """The measures of ``rows`` that have files, given them (in place; ``rows`` returned)."""
    for ident, files in stored.items():
        row = rows.get(ident)
        if row is not None:
            rows[ident] = replace(row, evidence=files)
    return rows


def _measure(conn: Connection, measure_id: int) -> tuple[int, str]:
    row = conn.execute(
        select(Measure.roadmap_id, Measure.title).where(Measure.id == measure_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"Мероприятие № {measure_id} не найдено: возможно, его удалили.")
    return row[0], row[1]


def _check_who(tx: Tx, measure_id: int, school_id: int | None) -> str:
    """The school's name (or "" for the measure's own file), after the actor's right to it."""
    if school_id is None:
        if tx.actor.role != COORDINATOR:
            raise NotAllowedError(
                f"{tx.actor.shown} прикладывает файлы только к отчёту своей школы; файлы самого "
                "мероприятия добавляет координатор."
            )
        return ""
    name = tx.conn.execute(select(School.name).where(School.id == school_id)).scalar_one_or_none()
    linked = tx.conn.execute(
        select(MeasureSchool.school_id).where(
            MeasureSchool.measure_id == measure_id, MeasureSchool.school_id == school_id
        )
    ).first()
    if name is None or linked is None:
        raise ValidationError("Эта школа не указана у мероприятия: сначала добавьте её в столбец «Школы».")
    check_school(tx.actor.role, tx.actor.shown, tx.actor.school, name)
    return str(name)


def log_field(school_id: int | None) -> str:
    """The change log's field: «evidence» for the measure's own files, «evidence#12» a school's."""
    return "evidence" if school_id is None else f"evidence#{school_id}"


def add_evidence(tx: Tx, measure_id: int, school_id: int | None, name: str, data: bytes) -> int:
    """Attach ``data`` under a safe form of ``name``; its id. Refused: too big, empty, a program."""
    shown = check_new(name, len(data), data)
    roadmap_id, _title = _measure(tx.conn, measure_id)
    _check_who(tx, measure_id, school_id)
    ident = tx.conn.execute(
        insert(Attachment)
        .values(
            measure_id=measure_id,
            school_id=school_id,
            name=shown,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            added_at=tx.now,
            added_by=tx.actor.shown,
            removed=False,
            version=1,
        )
        .returning(Attachment.id)
    ).scalar_one()
    tx.created(("attachment", ident), 1)
    tx.log(roadmap_id, "measure", measure_id, log_field(school_id), None, shown)
    return int(ident)


def set_removed(tx: Tx, attachment_id: int, removed: bool) -> int:
    """Take a file off (``removed``) or put it back; the measure's id."""
    row = tx.conn.execute(
        select(Attachment.measure_id, Attachment.school_id, Attachment.name, Attachment.version).where(
            Attachment.id == attachment_id
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(GONE)
    measure_id, school_id, name, version = row
    roadmap_id, _title = _measure(tx.conn, measure_id)
    _check_who(tx, measure_id, school_id)
    shown = safe_name(str(name))
    tx.update_versioned(
        Attachment.__table__, ("attachment", attachment_id), None, version, {"removed": removed}, shown
    )
    old, new = (shown, None) if removed else (None, shown)
    tx.log(roadmap_id, "measure", measure_id, log_field(school_id), old, new)
    return int(measure_id)


def _bytes(conn: Connection, attachment_id: int) -> tuple[str, bytes]:
    row = conn.execute(
        select(Attachment.name, Attachment.data).where(
            Attachment.id == attachment_id, Attachment.removed.is_(False)
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(GONE)
    data = row[1]
    if not isinstance(data, bytes):  # a row someone else wrote: text, a number
        data = str(data or "").encode("utf-8")
    return safe_name(plain_text(row[0])), data


def save_evidence(conn: Connection, attachment_id: int, target: Path) -> int:
    """The file's bytes at ``target`` (written beside it and moved over); bytes written."""
    _name, data = _bytes(conn, attachment_id)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as error:
        raise ValidationError(
            f"Не удалось сохранить файл «{target.name}»: {os_reason(error)}. Выберите другую папку."
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return len(data)


_VIEW_FOLDER: list[Path] = []


def copy_to_view(conn: Connection, attachment_id: int) -> Path:
    """A copy of the file in this session's own temporary folder, for the system's viewer;
    ValidationError for a kind that could run (a program, macros, an unknown kind)."""
    name, data = _bytes(conn, attachment_id)
    check_viewable(name, data)
    if not _VIEW_FOLDER:
        _VIEW_FOLDER.append(Path(tempfile.mkdtemp(prefix="roadmap-files-")))
    folder = _VIEW_FOLDER[0] / str(attachment_id)
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.unlink(missing_ok=True)  # opened before: read-only now
    target.write_bytes(data)
    os.chmod(target, 0o444)  # a viewer's «save» must not look like it changed the attached file
    return target


def read_file(path: Path) -> tuple[str, bytes]:
    """A file the user picked to attach: its name and bytes. Only a regular file (a pipe or a
    device would block or never end), refused over the limit before it is read and while read
    (a 4 GB video must not fill the memory first; a file may grow meanwhile)."""
    try:
        if path.is_dir():
            raise ValidationError(f"«{path.name}» — папка, а не файл: выберите сам файл.")
        if path.exists() and not path.is_file():
            raise ValidationError(
                f"«{path.name}» — не обычный файл (устройство или канал): приложить его нельзя."
            )
        size = path.stat().st_size
        if size > MAX_BYTES:
            check_new(path.name, size, b"")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            check_new(path.name, len(data), data[:8])
        return path.name, data
    except OSError as error:
        raise ValidationError(
            f"Не удалось прочитать файл «{path.name}»: {os_reason(error)}. Проверьте, что он "
            "существует и не открыт в другой программе."
        ) from error


def drop_removed(conn: Connection) -> int:
    """Delete the files taken off and those of measures gone (run when a window opens the file
    that nobody else has open: no undo can reach them any more); how many."""
    gone = delete(Attachment).where(
        Attachment.removed.is_(True) | Attachment.measure_id.not_in(select(Measure.id))
    )
    return int(conn.execute(gone).rowcount or 0)
