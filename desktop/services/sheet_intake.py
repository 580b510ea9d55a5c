"""Taking a school's report sheet back (desktop/exports/school_sheets.py made it).

Reading checks, before anything is written, that the workbook is one of ours, of this file
(its id), untouched outside its unlocked cells (the checksum), and not taken before; then each
row is compared with the school's record as it was when the sheet was made:
- what the school did not change is left alone;
- what it changed and nobody else changed since is applied;
- what it changed and someone else changed too is a conflict: both values are shown and the user
  chooses (the command line keeps the file's value and reports it).
Taking it back is one operation (undoable): the records and the mark «sheet taken» together.
"""

from __future__ import annotations

import itertools
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from desktop.services.changes import Changes
from desktop.services.execution import (
    NOT_REPORTED,
    RECORD_FIELDS,
    stored_records,
    write_school_records,
)
from desktop.services.identity import FileIdentity
from desktop.services.operations import Actor, CommandState, Tx
from models.domain.errors import DomainError, ValidationError
from models.domain.execution import SchoolRecord
from models.domain.roles import TAKE_SHEETS, check_file_operation
from models.domain.status import STATUS_LABELS, parse_status
from models.entities import FileSetting, Measure, MeasureSchool
from models.storage.database import Database

TAKEN = "taken_sheets"  # file setting: the sheets taken back, so a second time changes nothing


class SheetError(DomainError):
    """Not a sheet this file can take (another file's, altered, damaged, taken before)."""


@dataclass(frozen=True, slots=True)
class Conflict:
    measure_id: int
    number: str
    title: str
    field: str
    base: Any  # when the sheet was made
    file: Any  # in the file now (someone changed it since)
    sheet: Any  # what the school wrote

    def as_dict(self, school: str) -> dict[str, Any]:
        return {
            "measure": self.measure_id,
            "number": self.number,
            "school": school,
            "field": self.field,
            "file": _plain(self.file),
            "sheet": _plain(self.sheet),
        }


@dataclass
class SheetReading:
    sheet_id: str
    roadmap_id: int
    school_id: int
    school: str
    made: str
    edits: dict[int, dict[str, Any]] = field(default_factory=dict)  # measure id -> fields to write
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    gone: int = 0  # rows whose measure was deleted or no longer names the school


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _cell_date(value: Any, row: int) -> date | None:
    from desktop.services.measure_writes import parse_date

    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value))
    except ValidationError:
        raise ValidationError(f"Строка {row}: дата «{value}» не понята. Введите её как 31.12.2024.") from None


def _cell_status(value: Any, row: int, base: str) -> str:
    if value is None or str(value).strip() == "":
        return base
    try:
        return parse_status(str(value))
    except ValidationError:
        allowed = ", ".join(STATUS_LABELS.values())
        raise ValidationError(f"Строка {row}: статус «{value}» не понят. Допустимо: {allowed}.") from None


def _taken(conn: Any) -> list[dict[str, Any]]:
    value = conn.execute(select(FileSetting.value).where(FileSetting.key == TAKEN)).scalar()
    return [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []


def read_sheet(path: Path, identity: FileIdentity | None, database: Database, actor: Actor) -> SheetReading:
    """What taking ``path`` back would change; SheetError (Russian, nothing written) when it is
    not this file's sheet (``identity`` None: the file never sent any) or was taken before,
    ValidationError for a value the school mistyped; NotAllowedError, before the sheet is read,
    unless ``actor`` is the coordinator (the records are written without checking the person's
    school, as TakeSheetCommand is the coordinator's)."""
    check_file_operation(actor.role, actor.shown, TAKE_SHEETS)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from desktop.exports.school_sheets import FORMAT, HEAD_ROW, IDS_TITLE, KIND, SHEET_TITLE

    name = path.name
    if identity is None:
        raise SheetError(f"«{name}» сделан не из этого файла: из него листы отчёта ещё не рассылались.")
    try:
        book = load_workbook(str(path), read_only=True, data_only=True)  # streamed: 1,000 rows fast
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise SheetError(
            f"«{name}» не открывается как книга Excel ({exc.__class__.__name__}): файл повреждён или "
            "это не лист отчёта школы. Попросите школу прислать его снова."
        ) from None
    try:  # everything read at once, the file closed at once (Windows keeps an open file locked)
        if IDS_TITLE not in book.sheetnames or SHEET_TITLE not in book.sheetnames:
            raise SheetError(
                f"«{name}» — не лист отчёта школы из этой программы: в нём нет её служебных данных."
            )
        ids, sheet = book[IDS_TITLE], book[SHEET_TITLE]
        column = [r[0] if r else None for r in ids.iter_rows(min_col=1, max_col=1, values_only=True)]
        visible = [
            (*values, *([None] * 7))[:7]
            for values in sheet.iter_rows(min_row=HEAD_ROW + 1, max_col=7, values_only=True)
        ]
    finally:
        book.close()
    try:
        head = json.loads(str(column[0]))
        signature = str(column[1] or "")
        lines = [json.loads(str(value)) for value in itertools.takewhile(lambda v: v is not None, column[2:])]
    except (ValueError, TypeError, IndexError):
        raise SheetError(
            f"«{name}»: служебные данные листа повреждены. Попросите школу прислать его снова."
        ) from None
    if not isinstance(head, dict) or head.get("kind") != KIND or head.get("format") != FORMAT:
        raise SheetError(f"«{name}» — не лист отчёта школы этой версии программы.")
    if head.get("file") != identity.file_id:
        raise SheetError(
            f"«{name}» сделан из другого файла дорожных карт, не из открытого. Примите его в том "
            "файле, из которого листы рассылались."
        )
    if not identity.signed({"head": head, "rows": lines}, signature):
        raise SheetError(
            f"«{name}»: лист изменён вне разрешённых столбцов или повреждён — принять его нельзя. "
            "Попросите школу заполнить присланный лист заново, не меняя остальное."
        )
    with database.read() as conn:
        taken = next((t for t in _taken(conn) if t.get("sheet") == head["sheet"]), None)
        if taken is not None:
            raise SheetError(
                f"«{name}» уже принят {taken.get('at', '')} ({taken.get('by', '')}). "
                "Повторно он ничего не меняет."
            )
        measure_ids = [int(line[0]) for line in lines]
        linked = set(
            conn.scalars(
                select(MeasureSchool.measure_id).where(
                    MeasureSchool.measure_id.in_(measure_ids),
                    MeasureSchool.school_id == int(head["school_id"]),
                )
            )
        )
        titles: dict[int, str] = {
            int(ident): str(title)
            for ident, title in conn.execute(
                select(Measure.id, Measure.title).where(Measure.id.in_(measure_ids))
            )
        }
        now = stored_records(conn, measure_ids=measure_ids)
    reading = SheetReading(
        head["sheet"], int(head["roadmap"]), int(head["school_id"]), str(head["school"]), str(head["made"])
    )
    first = int(head.get("first_row") or 6)
    shown = visible[max(0, first - HEAD_ROW - 1) :]
    shown += [(None,) * 7] * (len(lines) - len(shown))  # rows deleted at the end: told below
    for offset, line in enumerate(lines):
        measure_id, _version, status, done_on, note, number, title = line
        row = first + offset
        cells = shown[offset]
        if (str(cells[0] or ""), str(cells[1] or "")) != (number, title):
            raise SheetError(
                f"«{name}»: строки листа переставлены, удалены или переписаны (строка {row}) — принять "
                "его нельзя. Попросите школу заполнить присланный лист заново, не меняя остальное."
            )
        if measure_id not in linked:
            reading.gone += 1
            continue
        base = {
            "status": status,
            "done_on": date.fromisoformat(done_on) if done_on else None,
            "note": note or "",
        }
        written = {
            "status": _cell_status(cells[4], row, status),
            "done_on": _cell_date(cells[5], row),
            "note": str(cells[6] or "").strip(),
        }
        record = now.get(measure_id, {}).get(reading.school_id)
        current = {name: getattr(record, name) for name in RECORD_FIELDS} if record else dict(NOT_REPORTED)
        edits: dict[str, Any] = {}
        for name in RECORD_FIELDS:
            if written[name] == base[name] or written[name] == current[name]:
                continue  # the school left it, or the file says the same already
            if current[name] == base[name]:
                edits[name] = written[name]
            else:
                reading.conflicts.append(
                    Conflict(
                        measure_id,
                        number,
                        str(titles.get(measure_id, "")),
                        name,
                        base[name],
                        current[name],
                        written[name],
                    )
                )
        if edits:
            reading.edits[measure_id] = edits
        elif not any(c.measure_id == measure_id for c in reading.conflicts):
            reading.unchanged += 1
    return reading


@dataclass
class TakeSheetCommand:
    """Apply a sheet's changes (and the conflicts resolved for the sheet's value) and mark the
    sheet taken, as one operation; undo puts the records back and the sheet can be taken again."""

    reading: SheetReading
    chosen: Sequence[Conflict] = ()  # conflicts where the user took the sheet's value
    state: CommandState = field(default_factory=CommandState, repr=False, compare=False)
    before: dict[int, SchoolRecord | None] = field(default_factory=dict)
    label: str = "Принятие отчёта школы"
    for_school = False  # the coordinator takes the sheets in

    def edits(self) -> dict[int, dict[str, Any]]:
        out = {m: dict(values) for m, values in self.reading.edits.items()}
        for conflict in self.chosen:
            out.setdefault(conflict.measure_id, {})[conflict.field] = conflict.sheet
        return out

    def apply(self, tx: Tx) -> Changes:
        measures = set()
        written = write_school_records(tx, self.reading.school_id, self.edits())
        for measure_id, (changed, before) in written.items():
            if tx.first:
                self.before[measure_id] = before
            if changed:
                measures.add(measure_id)
        _mark_taken(tx, self.reading, add=True)
        return Changes(self.reading.roadmap_id, measures=frozenset(measures), figures=True)

    def revert(self, tx: Tx) -> Changes:
        from desktop.services.execution import remove_school_record

        edits, old = self.edits(), {}
        for measure_id, before in self.before.items():
            if before is None:
                remove_school_record(tx, measure_id, self.reading.school_id)
            else:
                old[measure_id] = {name: getattr(before, name) for name in edits.get(measure_id, {})}
        write_school_records(tx, self.reading.school_id, old)
        _mark_taken(tx, self.reading, add=False)
        return Changes(self.reading.roadmap_id, measures=frozenset(self.before), figures=True)


def _mark_taken(tx: Tx, reading: SheetReading, add: bool) -> None:
    taken = [t for t in _taken(tx.conn) if t.get("sheet") != reading.sheet_id]
    if add:
        taken.append(
            {
                "sheet": reading.sheet_id,
                "school": reading.school,
                "at": f"{tx.now:%d.%m.%Y %H:%M}",
                "by": tx.actor.shown,
            }
        )
    exists = tx.conn.execute(select(FileSetting.key).where(FileSetting.key == TAKEN)).scalar() is not None
    if exists:
        tx.conn.execute(
            update(FileSetting)
            .where(FileSetting.key == TAKEN)
            .values(value=taken, updated_at=tx.now, version=FileSetting.version + 1)
        )
    else:
        tx.conn.execute(insert(FileSetting).values(key=TAKEN, value=taken, updated_at=tx.now, version=1))


def summary(reading: SheetReading) -> dict[str, Any]:
    """The command line's answer: records changed, conflicts (kept as the file has them), rows unchanged."""
    return {
        "applied": len(reading.edits),
        "conflicts": [c.as_dict(reading.school) for c in reading.conflicts],
        "unchanged": reading.unchanged,
    }
