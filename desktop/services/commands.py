"""Undoable commands: each applies and reverts through RoadmapService, one transaction each.

A command keeps ids and before/after values, never ORM objects, so it can be replayed on a
fresh session (ARCHITECTURE.md, "Undo"). The GUI wraps them in QUndoCommand (ui/undo.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.services import document, settings, structure
from desktop.services.dto import MeasureRow
from desktop.services.roadmap import EDITABLE_FIELDS, RoadmapService, normalise_value
from models.domain.school_calendar import SchoolCalendar

FIELD_LABELS = {
    "title": "мероприятие",
    "form": "форма",
    "deadline": "срок",
    "responsible": "ответственные",
    "result": "ожидаемый результат",
    "target_group": "целевая группа",
    "status": "статус",
    "done_on": "дата выполнения",
    "note": "отметка об исполнении",
}


def _current(row: MeasureRow, name: str) -> object:
    return list(row.school_ids) if name == "schools" else getattr(row, EDITABLE_FIELDS[name])


@dataclass
class EditMeasureCommand:
    """Change fields of one measure; undo puts the values it replaced back.

    ``expected_version`` is the version the next apply or revert is based on: the one the user
    saw at first, then the one this command's own last write produced. A colleague's save in
    between makes the next step fail with StaleEditError instead of overwriting it.
    """

    measure_id: int
    expected_version: int
    after: dict[str, object]
    before: dict[str, object] = field(default_factory=dict)

    @classmethod
    def for_row(cls, row: MeasureRow, changes: dict[str, object]) -> EditMeasureCommand:
        return cls(row.id, row.version, dict(changes), {name: _current(row, name) for name in changes})

    @property
    def label(self) -> str:
        names = ", ".join(FIELD_LABELS.get(name, name) for name in self.after)
        return f"Изменение: {names}"

    def apply(self, service: RoadmapService) -> MeasureRow:
        return self._write(service, self.after)

    def revert(self, service: RoadmapService) -> MeasureRow:
        return self._write(service, self.before)

    def _write(self, service: RoadmapService, values: dict[str, object]) -> MeasureRow:
        service.edit_measure(self.measure_id, self.expected_version, values)
        row = service.measure(self.measure_id)
        self.expected_version = row.version
        return row


@dataclass
class InsertMeasureCommand:
    """A new empty measure at a place; undo removes it, redo brings it back with the same id."""

    roadmap_id: int
    section_id: int | None
    position: int
    measure_id: int | None = None
    label: str = "Вставка мероприятия"

    def apply(self, service: RoadmapService) -> None:
        self.measure_id = structure.insert_measure(
            service.db,
            service.actor,
            self.roadmap_id,
            self.section_id,
            self.position,
            measure_id=self.measure_id,
        )

    def revert(self, service: RoadmapService) -> None:
        assert self.measure_id is not None
        structure.uninsert_measure(service.db, service.actor, self.measure_id)


@dataclass
class DeleteMeasuresCommand:
    """Delete measures; undo puts them back with their ids, positions, values and schools."""

    measure_ids: list[int]
    snapshot: list[dict[str, object]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Удаление мероприятий: {len(self.measure_ids)}"

    def apply(self, service: RoadmapService) -> None:
        self.snapshot = structure.snapshot_measures(service.db, self.measure_ids)
        structure.delete_measures(service.db, service.actor, self.snapshot)

    def revert(self, service: RoadmapService) -> None:
        structure.restore_measures(service.db, service.actor, self.snapshot)


@dataclass
class MoveMeasureCommand:
    """Move a measure one place up (-1) or down (+1) among its section's rows."""

    measure_id: int
    step: int
    moved: bool = False

    @property
    def label(self) -> str:
        return "Перемещение мероприятия " + ("вверх" if self.step < 0 else "вниз")

    def apply(self, service: RoadmapService) -> None:
        self.moved = structure.move_measure(service.db, service.actor, self.measure_id, self.step)

    def revert(self, service: RoadmapService) -> None:
        if self.moved:
            structure.move_measure(service.db, service.actor, self.measure_id, -self.step)


@dataclass
class MoveRowsCommand:
    """Rows dragged to another place (drag and drop): each lands just before ``before`` under
    ``parent_id`` (so they keep the order given); undo puts them back one by one in reverse."""

    rows: list[structure.RowRef]
    parent_id: int | None
    before: structure.RowRef | None
    origins: list[structure.Placement] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "Перемещение строк" if len(self.rows) > 1 else "Перемещение строки"

    @property
    def measure_id(self) -> int | None:
        return next((ident for kind, ident in self.rows if kind == "measure"), None)

    @property
    def section_id(self) -> int | None:
        return next((ident for kind, ident in self.rows if kind == "section"), None)

    def apply(self, service: RoadmapService) -> None:
        with service.db.write() as conn:
            self.origins = [
                structure.place_row(conn, service.actor, ref, self.parent_id, self.before)
                for ref in self.rows
            ]

    def revert(self, service: RoadmapService) -> None:
        with service.db.write() as conn:
            for ref, placement in reversed(list(zip(self.rows, self.origins, strict=True))):
                structure.unplace_row(conn, service.actor, ref, placement)


@dataclass
class PasteCommand:
    """A block of values over several measures (paste, fill down), plus new rows when the block
    reaches past the last row: one transaction, one undo step."""

    edits: list[EditMeasureCommand]
    roadmap_id: int = 0
    section_id: int | None = None
    append_at: int = 0  # position of the first new row in its section
    new_rows: list[dict[str, object]] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    label: str = "Вставка из буфера обмена"

    @property
    def measure_id(self) -> int | None:
        return self.edits[0].measure_id if self.edits else (self.new_ids[0] if self.new_ids else None)

    def apply(self, service: RoadmapService) -> None:
        with service.db.write() as conn:
            for edit in self.edits:
                service.edit_in_transaction(conn, edit.measure_id, edit.expected_version, edit.after)
            if self.new_rows:
                self.new_ids = structure.insert_many_in(
                    conn,
                    service.actor,
                    self.roadmap_id,
                    self.section_id,
                    self.append_at,
                    [
                        {EDITABLE_FIELDS[k]: normalise_value(k, v) for k, v in row.items()}
                        for row in self.new_rows
                    ],
                )
        self._refresh_versions(service)

    def revert(self, service: RoadmapService) -> None:
        with service.db.write() as conn:
            if self.new_ids:
                structure.remove_many_in(conn, service.actor, self.new_ids)
            for edit in self.edits:
                service.edit_in_transaction(conn, edit.measure_id, edit.expected_version, edit.before)
        self._refresh_versions(service)

    def _refresh_versions(self, service: RoadmapService) -> None:
        for edit in self.edits:
            edit.expected_version = service.measure(edit.measure_id).version


@dataclass
class EditSectionCommand:
    """Rename a section; undo gives the old name back."""

    section_id: int
    expected_version: int
    after: str
    before: str
    label: str = "Изменение: название раздела"

    def apply(self, service: RoadmapService) -> None:
        self.expected_version = service.edit_section(self.section_id, self.expected_version, self.after)

    def revert(self, service: RoadmapService) -> None:
        self.expected_version = service.edit_section(self.section_id, self.expected_version, self.before)


@dataclass
class InsertSectionCommand:
    """A new section at a place; undo removes it while it is still empty."""

    roadmap_id: int
    parent_id: int | None
    position: int
    title: str = "Новый раздел"
    section_id: int | None = None
    label: str = "Вставка раздела"

    def apply(self, service: RoadmapService) -> None:
        self.section_id = structure.insert_section(
            service.db,
            service.actor,
            self.roadmap_id,
            self.parent_id,
            self.position,
            self.title,
            self.section_id,
        )

    def revert(self, service: RoadmapService) -> None:
        assert self.section_id is not None
        structure.uninsert_section(service.db, service.actor, self.section_id)


@dataclass
class IndentSectionCommand:
    """Indent a section under the section above it, or outdent it to its parent's level."""

    section_id: int
    direction: str  # "indent" | "outdent"
    origin: tuple[int | None, int] | None = None

    @property
    def label(self) -> str:
        return "Понижение уровня раздела" if self.direction == "indent" else "Повышение уровня раздела"

    def apply(self, service: RoadmapService) -> None:
        self.origin = structure.relocate_section(service.db, service.actor, self.section_id, self.direction)

    def revert(self, service: RoadmapService) -> None:
        if self.origin is not None:
            structure.relocate_section(service.db, service.actor, self.section_id, self.origin)


@dataclass
class DeleteSectionCommand:
    """Delete a section with its subsections and measures; undo puts all of it back."""

    section_id: int
    snapshot: dict[str, object] = field(default_factory=dict)
    label: str = "Удаление раздела"

    def apply(self, service: RoadmapService) -> None:
        self.snapshot = structure.snapshot_section(service.db, self.section_id)
        structure.delete_section(service.db, service.actor, self.snapshot)

    def revert(self, service: RoadmapService) -> None:
        structure.restore_section(service.db, service.actor, self.snapshot)


@dataclass
class EditDocumentCommand:
    """Change the roadmap's document parts; undo writes the whole state before back.

    After the first write ``after`` is read back from the file, so a redo gives new schools the
    same ids (and links) as the first time.
    """

    roadmap_id: int
    expected_version: int
    before: dict[str, object]
    after: dict[str, object]
    measure_id: None = None

    @classmethod
    def for_state(cls, before: dict[str, object], after: dict[str, object]) -> EditDocumentCommand:
        return cls(int(before["roadmap_id"]), int(before["version"]), before, after)  # type: ignore[call-overload]

    @property
    def label(self) -> str:
        parts = document.changed_parts(self.before, self.after)
        names = dict.fromkeys(document.FIELD_LABELS.get(p, p) for p in parts)
        return "Изменение документа: " + (", ".join(names) or "без изменений")

    def apply(self, service: RoadmapService) -> None:
        self.expected_version = document.save_document(
            service.db, service.actor, self.roadmap_id, self.expected_version, self.after
        )
        self.after = {**document.read_document(service.db, self.roadmap_id), "roadmap_id": self.roadmap_id}

    def revert(self, service: RoadmapService) -> None:
        self.expected_version = document.save_document(
            service.db, service.actor, self.roadmap_id, self.expected_version, self.before
        )


@dataclass
class EditSchoolCalendarCommand:
    """Replace the file's school calendar; undo puts the previous one back (version-checked)."""

    expected_version: int
    before: SchoolCalendar
    after: SchoolCalendar
    measure_id: None = None
    label: str = "Изменение учебного календаря"

    def apply(self, service: RoadmapService) -> None:
        self.expected_version = settings.save_school_calendar(
            service.db, service.actor, self.after, self.expected_version
        )

    def revert(self, service: RoadmapService) -> None:
        self.expected_version = settings.save_school_calendar(
            service.db, service.actor, self.before, self.expected_version
        )


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
)
