"""Undoable commands. Each is Qt-free, keeps ids and before/after values (never ORM objects), and
has ``label``, ``apply(tx) -> Changes`` and ``revert(tx) -> Changes``; it never opens a
transaction: ``Operations`` runs each step in exactly one (desktop/services/operations.py).

The version a command's first apply is based on is the one the user saw (the row's DTO); undo
and redo are based on the versions the window itself wrote (the operations' ledger), so two
edits of one cell undo in turn, and a colleague's write in between is refused, not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from desktop.services import document, settings, structure
from desktop.services.changes import Changes
from desktop.services.copy_merge import MergeCopyCommand
from desktop.services.document import read_document_in
from desktop.services.dto import ChildRef, MeasureRow
from desktop.services.evidence import add_evidence, set_removed
from desktop.services.execution import remove_school_record, write_school_record
from desktop.services.measure_writes import normalise_value, write_measure, write_measures
from desktop.services.operations import CommandState, Tx
from desktop.services.people import PersonRow, save_people
from desktop.services.sheet_intake import TakeSheetCommand
from models.domain.evidence import safe_name
from models.domain.execution import SchoolRecord
from models.domain.fields import EDITABLE_COLUMNS, label_of
from models.domain.school_calendar import SchoolCalendar
from models.entities import new_uid

FIGURE_FIELDS = frozenset({"status", "deadline", "done_on"})  # what the progress figures read


def _current(row: MeasureRow, name: str) -> object:
    return list(row.school_ids) if name == "schools" else getattr(row, EDITABLE_COLUMNS[name])


@dataclass
class _Undoable:
    """What the executor keeps on every command (whether applied, its version chains)."""

    state: CommandState = field(default_factory=CommandState, kw_only=True, repr=False, compare=False)


@dataclass
class EditMeasureCommand(_Undoable):
    """Change fields of one measure; undo puts the values it replaced back."""

    measure_id: int
    seen_version: int | None
    after: dict[str, object]
    before: dict[str, object] = field(default_factory=dict)
    roadmap_id: int | None = None

    @classmethod
    def for_row(cls, row: MeasureRow, changes: dict[str, object]) -> EditMeasureCommand:
        before = {name: _current(row, name) for name in changes}
        return cls(row.id, row.version, dict(changes), before, row.roadmap_id)

    @property
    def label(self) -> str:
        return "Изменение: " + ", ".join(label_of(name) for name in self.after)

    def apply(self, tx: Tx) -> Changes:
        return self._write(tx, self.after)

    def revert(self, tx: Tx) -> Changes:
        return self._write(tx, self.before)

    def _write(self, tx: Tx, values: dict[str, object]) -> Changes:
        changed = write_measure(tx, self.measure_id, self.seen_version, values)
        return Changes(
            self.roadmap_id,
            measures=frozenset({self.measure_id}) if changed else frozenset(),
            figures=bool(FIGURE_FIELDS & set(changed)),
            focus=("measure", self.measure_id),
            fields=frozenset(changed),
        )


@dataclass
class EditSchoolRecordCommand(_Undoable):
    """Change one school's record of a measure (status, date done, note); undo puts the values
    back, or removes the record when this edit was the school's first report."""

    measure_id: int
    school_id: int
    seen_version: int | None  # 0: the user saw no record yet
    after: dict[str, object]
    roadmap_id: int | None = None
    school: str = ""
    before: SchoolRecord | None = None  # as found by the first apply (None: no record)
    changed: list[str] = field(default_factory=list)
    for_school = True  # a school's director may run it (for their own school: checked on write)

    @property
    def label(self) -> str:
        fields = ", ".join(label_of(name) for name in self.after)
        return f"Отчёт школы{f' «{self.school}»' if self.school else ''}: {fields}"

    def apply(self, tx: Tx) -> Changes:
        changed, before = write_school_record(
            tx, self.measure_id, self.school_id, self.seen_version, self.after
        )
        if tx.first:
            self.before, self.changed = before, changed
        return self._changes(changed)

    def revert(self, tx: Tx) -> Changes:
        if self.before is None:
            remove_school_record(tx, self.measure_id, self.school_id)
        else:
            old = {name: getattr(self.before, name) for name in self.after}
            write_school_record(tx, self.measure_id, self.school_id, None, old)
        return self._changes(self.changed)

    def _changes(self, changed: list[str]) -> Changes:
        return Changes(
            self.roadmap_id,
            measures=frozenset({self.measure_id}) if changed else frozenset(),
            figures=bool(changed),
            focus=("measure", self.measure_id),
            fields=frozenset(changed),
        )


@dataclass
class AddEvidenceCommand(_Undoable):
    """Attach a file to a measure (``school_id`` None) or to one school's record of it; undo
    takes it off, redo puts the same file back. The bytes are dropped from memory once stored."""

    measure_id: int
    school_id: int | None
    name: str
    data: bytes = field(repr=False)
    roadmap_id: int | None = None
    attachment_id: int | None = None
    for_school = True  # a school's people attach to their own school's record (checked on write)

    @property
    def label(self) -> str:
        return f"Добавление файла «{safe_name(self.name)}»"

    def apply(self, tx: Tx) -> Changes:
        if self.attachment_id is None:
            self.attachment_id = add_evidence(tx, self.measure_id, self.school_id, self.name, self.data)
            self.data = b""
        else:
            set_removed(tx, self.attachment_id, False)
        return _evidence_changes(self.roadmap_id, self.measure_id)

    def revert(self, tx: Tx) -> Changes:
        assert self.attachment_id is not None
        set_removed(tx, self.attachment_id, True)
        return _evidence_changes(self.roadmap_id, self.measure_id)


@dataclass
class RemoveEvidenceCommand(_Undoable):
    """Take a file off a measure; undo puts it back."""

    attachment_id: int
    measure_id: int
    name: str = ""
    roadmap_id: int | None = None
    for_school = True

    @property
    def label(self) -> str:
        return f"Удаление файла «{self.name}»"

    def apply(self, tx: Tx) -> Changes:
        set_removed(tx, self.attachment_id, True)
        return _evidence_changes(self.roadmap_id, self.measure_id)

    def revert(self, tx: Tx) -> Changes:
        set_removed(tx, self.attachment_id, False)
        return _evidence_changes(self.roadmap_id, self.measure_id)


def _evidence_changes(roadmap_id: int | None, measure_id: int) -> Changes:
    return Changes(
        roadmap_id,
        measures=frozenset({measure_id}),
        focus=("measure", measure_id),
        fields=frozenset({"evidence"}),
    )


@dataclass
class EditPeopleCommand(_Undoable):
    """Replace the list of people who work in the file; undo puts the previous list back
    (someone added is taken off again, someone removed comes back)."""

    before: list[PersonRow]
    after: list[PersonRow]
    pins: dict[int, str] = field(default_factory=dict)  # index in ``after`` -> new PIN ("" removes)
    label: str = "Изменение списка людей"

    def apply(self, tx: Tx) -> Changes:
        save_people(tx, self.after, self.pins)
        return Changes(None, settings=True)

    def revert(self, tx: Tx) -> Changes:
        save_people(tx, [replace(p, version=0) for p in self.before], {})
        return Changes(None, settings=True)


def _structure(
    roadmap_id: int | None,
    focus: ChildRef | None = None,
    added: frozenset[int] = frozenset(),
    removed: frozenset[int] = frozenset(),
    parents: frozenset[int | None] | None = None,
) -> Changes:
    return Changes(
        roadmap_id, structure=True, figures=True, focus=focus, added=added, removed=removed, parents=parents
    )


@dataclass
class InsertMeasureCommand(_Undoable):
    """A new empty measure at a place; undo removes it, redo brings it back with the same id."""

    roadmap_id: int
    section_id: int | None
    position: int
    measure_id: int | None = None
    label: str = "Вставка мероприятия"
    place: structure.Place | None = None  # the section's rows once the undo ran
    uid: str = field(default_factory=new_uid)  # the row's identity: a redo brings back the same row

    def apply(self, tx: Tx) -> Changes:
        ids = None if self.measure_id is None else [self.measure_id]
        (self.measure_id,) = structure.insert_measures(
            tx, self.roadmap_id, self.section_id, self.position, [{}], ids, self.place, [self.uid]
        )
        return _structure(
            self.roadmap_id,
            ("measure", self.measure_id),
            added=frozenset({self.measure_id}),
            parents=frozenset({self.section_id}),
        )

    def revert(self, tx: Tx) -> Changes:
        assert self.measure_id is not None
        self.place = structure.remove_inserted(tx, [self.measure_id])
        return _structure(
            self.roadmap_id, removed=frozenset({self.measure_id}), parents=frozenset({self.section_id})
        )


@dataclass
class DeleteMeasuresCommand(_Undoable):
    """Delete measures; undo puts them back with their ids, positions, values and schools."""

    measure_ids: list[int]
    seen: dict[int, int] = field(default_factory=dict)  # versions the user saw
    roadmap_id: int | None = None
    snapshot: list[dict[str, object]] = field(default_factory=list)

    @classmethod
    def for_rows(cls, rows: list[MeasureRow]) -> DeleteMeasuresCommand:
        roadmap = rows[0].roadmap_id if rows else None
        return cls([r.id for r in rows], {r.id: r.version for r in rows}, roadmap)

    @property
    def label(self) -> str:
        return f"Удаление мероприятий: {len(self.measure_ids)}"

    def apply(self, tx: Tx) -> Changes:
        self.snapshot = structure.snapshot_measures(tx.conn, self.measure_ids)
        structure.delete_measures(tx, self.snapshot, self.seen if tx.first else {})
        return _structure(self.roadmap_id, removed=frozenset(self.measure_ids), parents=self._parents())

    def revert(self, tx: Tx) -> Changes:
        structure.restore_measures(tx, self.snapshot)
        ids = frozenset(self.measure_ids)
        return _structure(
            self.roadmap_id, ("measure", self.measure_ids[0]), added=ids, parents=self._parents()
        )

    def _parents(self) -> frozenset[int | None]:
        return frozenset(row["section_id"] for row in self.snapshot)  # type: ignore[misc]


@dataclass
class MoveMeasureCommand(_Undoable):
    """Move a measure one place up (-1) or down (+1) among its section's rows."""

    measure_id: int
    step: int
    roadmap_id: int | None = None
    swapped: tuple[ChildRef, tuple[int, int], tuple[int, int]] | None = None
    section_id: int | None = None  # where it moves (set by the first apply)

    @property
    def label(self) -> str:
        return "Перемещение мероприятия " + ("вверх" if self.step < 0 else "вниз")

    def apply(self, tx: Tx) -> Changes:
        focus: ChildRef = ("measure", self.measure_id)
        if self.swapped is None:
            done = structure.swap_with_neighbour(tx, self.measure_id, self.step)
            if done is None:
                return Changes(self.roadmap_id, focus=focus)  # at an edge: nothing moved
            other, mine, theirs, self.section_id = done
            self.swapped = (other, (theirs, mine), (mine, theirs))  # (other, before, after)
        else:
            other, before, after = self.swapped
            structure.reposition(tx, self.measure_id, other, before, after)
        return _structure(self.roadmap_id, focus, parents=frozenset({self.section_id}))

    def revert(self, tx: Tx) -> Changes:
        if self.swapped is not None:
            other, before, after = self.swapped
            structure.reposition(tx, self.measure_id, other, after, before)
        return _structure(self.roadmap_id, ("measure", self.measure_id), parents=frozenset({self.section_id}))


@dataclass
class MoveRowsCommand(_Undoable):
    """Rows dragged to another place (drag and drop): each lands just before ``before`` under
    ``parent_id`` (so they keep the order given); undo puts them back one by one in reverse."""

    rows: list[structure.RowRef]
    parent_id: int | None
    before: structure.RowRef | None
    roadmap_id: int | None = None
    origins: list[structure.Placement] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "Перемещение строк" if len(self.rows) > 1 else "Перемещение строки"

    @property
    def focus(self) -> ChildRef | None:
        measure = next(((k, i) for k, i in self.rows if k == "measure"), None)
        return measure or (self.rows[0] if self.rows else None)

    def apply(self, tx: Tx) -> Changes:
        if not self.origins:
            self.origins = [structure.place_row(tx, ref, self.parent_id, self.before) for ref in self.rows]
        else:
            for ref, placement in zip(self.rows, self.origins, strict=True):
                structure.redo_placement(tx, ref, placement)
        return _structure(self.roadmap_id, self.focus)

    def revert(self, tx: Tx) -> Changes:
        for ref, placement in reversed(list(zip(self.rows, self.origins, strict=True))):
            structure.unplace_row(tx, ref, placement)
        return _structure(self.roadmap_id, self.focus)


@dataclass
class PasteCommand(_Undoable):
    """A block of values over several measures (paste, fill down), plus new rows when the block
    reaches past the last row: one transaction, one undo step."""

    edits: list[EditMeasureCommand]
    roadmap_id: int | None = None
    section_id: int | None = None
    append_at: int = 0  # position of the first new row in its section
    new_rows: list[dict[str, object]] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    place: structure.Place | None = None  # the section's rows once the undo removed the new ones
    label: str = "Вставка из буфера обмена"
    new_uids: list[str] = field(default_factory=list)  # the new rows' identities, the same on redo

    @property
    def measure_id(self) -> int | None:
        return self.edits[0].measure_id if self.edits else (self.new_ids[0] if self.new_ids else None)

    def apply(self, tx: Tx) -> Changes:
        changed = self._edit(tx, "after")
        if self.new_rows:
            rows = [
                {EDITABLE_COLUMNS[k]: normalise_value(k, v) for k, v in row.items()} for row in self.new_rows
            ]
            self.new_uids = self.new_uids or [new_uid() for _ in rows]
            self.new_ids = structure.insert_measures(
                tx,
                self.roadmap_id or 0,
                self.section_id,
                self.append_at,
                rows,
                self.new_ids or None,
                self.place,
                self.new_uids,
            )
        return self._changes(changed, added=frozenset(self.new_ids))

    def revert(self, tx: Tx) -> Changes:
        if self.new_ids:
            self.place = structure.remove_inserted(tx, self.new_ids)
        changed = self._edit(tx, "before")
        return self._changes(changed, removed=frozenset(self.new_ids))

    def _edit(self, tx: Tx, side: str) -> set[str]:
        edits = [(e.measure_id, e.seen_version, getattr(e, side)) for e in self.edits]
        return {name for names in write_measures(tx, edits).values() for name in names}

    def _changes(
        self, changed: set[str], added: frozenset[int] = frozenset(), removed: frozenset[int] = frozenset()
    ) -> Changes:
        focus: ChildRef | None = ("measure", self.measure_id) if self.measure_id is not None else None
        return Changes(
            self.roadmap_id,
            measures=frozenset(e.measure_id for e in self.edits),
            structure=bool(self.new_rows),
            parents=frozenset({self.section_id}) if self.new_rows else None,
            figures=bool(self.new_rows) or bool(FIGURE_FIELDS & changed),
            focus=focus,
            fields=frozenset(changed),
            added=added,
            removed=removed,
        )


@dataclass
class EditSectionCommand(_Undoable):
    """Rename a section; undo gives the old name back."""

    section_id: int
    seen_version: int | None
    after: str
    before: str
    roadmap_id: int | None = None
    label: str = "Изменение: название раздела"

    def apply(self, tx: Tx) -> Changes:
        structure.rename_section(tx, self.section_id, self.seen_version, self.after)
        return self._changes()

    def revert(self, tx: Tx) -> Changes:
        structure.rename_section(tx, self.section_id, self.seen_version, self.before)
        return self._changes()

    def _changes(self) -> Changes:
        return Changes(
            self.roadmap_id, sections=frozenset({self.section_id}), focus=("section", self.section_id)
        )


@dataclass
class InsertSectionCommand(_Undoable):
    """A new section at a place; undo removes it while it is still empty."""

    roadmap_id: int
    parent_id: int | None
    position: int
    title: str = "Новый раздел"
    section_id: int | None = None
    label: str = "Вставка раздела"
    place: structure.Place | None = None  # the parent's rows once the undo ran
    uid: str = field(default_factory=new_uid)  # the section's identity: a redo brings back the same one

    def apply(self, tx: Tx) -> Changes:
        self.section_id = structure.insert_section(
            tx,
            self.roadmap_id,
            self.parent_id,
            self.position,
            self.title,
            self.section_id,
            self.place,
            self.uid,
        )
        return Changes(self.roadmap_id, structure=True, focus=("section", self.section_id))

    def revert(self, tx: Tx) -> Changes:
        assert self.section_id is not None
        self.place = structure.uninsert_section(tx, self.section_id)
        return Changes(self.roadmap_id, structure=True)


@dataclass
class IndentSectionCommand(_Undoable):
    """Indent a section under the section above it, or outdent it to its parent's level."""

    section_id: int
    direction: structure.Direction
    seen_version: int | None = None
    roadmap_id: int | None = None
    origin: tuple[int | None, int] | None = None

    @property
    def label(self) -> str:
        return "Понижение уровня раздела" if self.direction == "indent" else "Повышение уровня раздела"

    def apply(self, tx: Tx) -> Changes:
        self.origin = structure.relocate_section(tx, self.section_id, self.direction, self.seen_version)
        return self._changes(self.origin is not None)

    def revert(self, tx: Tx) -> Changes:
        if self.origin is not None:
            structure.relocate_section(tx, self.section_id, self.origin)
        return self._changes(self.origin is not None)

    def _changes(self, moved: bool) -> Changes:
        return Changes(self.roadmap_id, structure=moved, focus=("section", self.section_id))


@dataclass
class DeleteSectionCommand(_Undoable):
    """Delete a section with its subsections and measures; undo puts all of it back."""

    section_id: int
    seen_version: int | None = None
    roadmap_id: int | None = None
    snapshot: dict[str, Any] = field(default_factory=dict)
    label: str = "Удаление раздела"

    def apply(self, tx: Tx) -> Changes:
        self.snapshot = structure.snapshot_section(tx.conn, self.section_id)
        structure.delete_section(tx, self.snapshot, self.seen_version)
        return _structure(self.roadmap_id, removed=self._measures())

    def revert(self, tx: Tx) -> Changes:
        structure.restore_section(tx, self.snapshot)
        return _structure(self.roadmap_id, ("section", self.section_id), added=self._measures())

    def _measures(self) -> frozenset[int]:
        return frozenset(int(m["id"]) for m in self.snapshot.get("measures", []))


@dataclass
class EditDocumentCommand(_Undoable):
    """Change the roadmap's document parts; undo writes the whole state before back.

    After the first write ``after`` is read back from the file, so a redo gives new schools the
    same ids (and links) as the first time.
    """

    roadmap_id: int
    seen_version: int | None
    before: dict[str, Any]  # document states, as desktop.services.document reads and saves them
    after: dict[str, Any]

    @classmethod
    def for_state(cls, before: dict[str, Any], after: dict[str, Any]) -> EditDocumentCommand:
        return cls(int(before["roadmap_id"]), int(before["version"]), before, after)

    @property
    def label(self) -> str:
        parts = document.changed_parts(self.before, self.after)
        names = dict.fromkeys(document.FIELD_LABELS.get(p, p) for p in parts)
        return "Изменение документа: " + (", ".join(names) or "без изменений")

    def apply(self, tx: Tx) -> Changes:
        written = document.save_document(tx, self.roadmap_id, self.seen_version, self.after)
        self.after = {**read_document_in(tx.conn, self.roadmap_id), "roadmap_id": self.roadmap_id}
        return self._changes(written is not None)

    def revert(self, tx: Tx) -> Changes:
        written = document.save_document(tx, self.roadmap_id, self.seen_version, self.before)
        return self._changes(written is not None)

    def _changes(self, written: bool) -> Changes:
        return Changes(self.roadmap_id, document=written, figures=written)


@dataclass
class EditSchoolCalendarCommand(_Undoable):
    """Replace the file's school calendar; undo puts the previous one back (version-checked)."""

    seen_version: int | None
    before: SchoolCalendar
    after: SchoolCalendar
    label: str = "Изменение учебного календаря"

    def apply(self, tx: Tx) -> Changes:
        settings.save_school_calendar(tx, self.after, self.seen_version)
        return Changes(settings=True, figures=True)

    def revert(self, tx: Tx) -> Changes:
        settings.save_school_calendar(tx, self.before, self.seen_version)
        return Changes(settings=True, figures=True)


Command = (
    EditMeasureCommand
    | InsertMeasureCommand
    | DeleteMeasuresCommand
    | MoveMeasureCommand
    | MoveRowsCommand
    | PasteCommand
    | EditSectionCommand
    | InsertSectionCommand
    | IndentSectionCommand
    | DeleteSectionCommand
    | EditDocumentCommand
    | EditSchoolCalendarCommand
    | EditSchoolRecordCommand
    | EditPeopleCommand
    | TakeSheetCommand
    | AddEvidenceCommand
    | RemoveEvidenceCommand
    | MergeCopyCommand
)
