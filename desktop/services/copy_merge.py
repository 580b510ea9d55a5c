"""Merging a copy: its changes written as one operation (MergeCopyCommand), undone whole; the
sync point with the copy moves with it, so the same changes are never carried twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from desktop.services.changes import Changes
from desktop.services.changesets import SyncPoint, save_sync_point, sync_point
from desktop.services.copy_reading import CopyConflict, CopyError, CopyReading, NewFile, NewSection
from desktop.services.evidence import add_evidence, set_removed
from desktop.services.execution import write_school_records
from desktop.services.measure_writes import write_measure
from desktop.services.operations import CommandState, Tx
from desktop.services.structure import (
    delete_measures,
    delete_section,
    insert_measures,
    insert_section,
    remove_inserted,
    rename_section,
    restore_measures,
    restore_section,
    snapshot_measures,
    snapshot_section,
    uninsert_section,
)
from models.domain.fields import EDITABLE_COLUMNS
from models.entities import Measure, MeasureSchool, Section

COPY_MARK = "copy_of"  # the copy's setting: which file it was taken from, and when


@dataclass
class MergeCopyCommand:
    """The copy's changes (and the conflicts resolved for the copy's value) as one operation;
    undo takes all of it back and the copy can be merged again."""

    reading: CopyReading
    chosen: list[CopyConflict] = field(default_factory=list)  # conflicts where the copy's value wins
    state: CommandState = field(default_factory=CommandState, repr=False, compare=False)
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    records_before: dict[tuple[int, int], dict[str, Any] | None] = field(default_factory=dict)
    titles_before: dict[int, str] = field(default_factory=dict)
    snapshot: list[dict[str, Any]] = field(default_factory=list)
    section_snapshots: list[dict[str, Any]] = field(default_factory=list)
    merged: SyncPoint | None = None  # the point after the merge
    merged_lines: tuple[int, int] = (0, -1)  # the merge's own change-log lines
    reverted: SyncPoint | None = None  # the point the last undo wrote
    label: str = "Объединение с копией"
    for_school = False

    def _edits(
        self,
    ) -> tuple[dict[int, dict[str, Any]], dict[tuple[int, int], dict[str, Any]], dict[int, str]]:
        """What to write: the copy's changes and the conflicts the user gave to the copy."""
        edits = {m: dict(v) for m, v in self.reading.edits.items()}
        records = {k: dict(v) for k, v in self.reading.records.items()}
        titles = dict(self.reading.titles)
        for conflict in self.chosen:
            if conflict.field == "section":
                titles[conflict.measure_id] = str(conflict.copy)
            elif conflict.field == "measure":
                continue  # a deletion on one side and a change on the other: the file stays
            elif conflict.school_id is not None:
                records.setdefault((conflict.measure_id, conflict.school_id), {})[conflict.field] = (
                    conflict.copy
                )
            else:
                edits.setdefault(conflict.measure_id, {})[conflict.field] = conflict.write
        return edits, records, titles

    def _check_point(self, tx: Tx) -> None:
        """The sync point is still the one the reading started from: a merge of the same copy
        since (another window, another program) would carry its rows a second time."""
        expected = self.reading.point if tx.first else self.reverted
        current = sync_point(tx.conn, self.reading.copy_id)
        if (current and current.as_value()) != (expected and expected.as_value()):
            raise CopyError(
                f"Копию «{self.reading.name}» уже объединили с файлом после того, как она была "
                "прочитана (в другом окне или другой программой). Объедините её заново: программа "
                "прочитает, что осталось."
            )

    def apply(self, tx: Tx) -> Changes:
        reading = self.reading
        self._check_point(tx)
        edits, records, titles = self._edits()
        sections: dict[int, int] = dict(reading.start.sections)
        measures: dict[int, int] = dict(reading.start.measures)
        touched: set[int] = set()
        for new_section in reading.new_sections:
            parent = (
                None if new_section.parent is None else sections.get(new_section.parent, new_section.parent)
            )
            if new_section.position is None:
                new_section.position = _section_position(tx.conn, new_section, parent, sections, measures)
            new_section.section_id = insert_section(
                tx,
                new_section.roadmap_id,
                parent,
                new_section.position,
                new_section.title,
                new_section.section_id,
            )
            sections[new_section.copy_id] = new_section.section_id
        for new in reading.new_measures:
            section = None if new.section is None else sections.get(new.section, new.section)
            if new.position is None:
                after = None if new.after is None else measures.get(new.after, new.after)
                new.position = _position_after(tx.conn, new.roadmap_id, section, after)
            ids = None if new.measure_id is None else [new.measure_id]
            (new.measure_id,) = insert_measures(tx, new.roadmap_id, section, new.position, [new.values], ids)
            measures[new.copy_id] = new.measure_id
            if new.schools:
                write_measure(tx, new.measure_id, None, {"schools": new.schools})
            for school, values in new.records.items():
                write_school_records(tx, school, {new.measure_id: values})
            for file in new.files:
                _attach(tx, new.measure_id, file)
            touched.add(new.measure_id)
        for measure_id, values in edits.items():
            if tx.first:
                self.before[measure_id] = _current_values(tx.conn, measure_id, values)
            write_measure(tx, measure_id, reading.seen.get(measure_id) if tx.first else None, values)
            touched.add(measure_id)
        for (measure_id, school), values in records.items():
            written = write_school_records(tx, school, {measure_id: values})
            if tx.first:
                old = written[measure_id][1]
                self.records_before[(measure_id, school)] = (
                    None if old is None else {name: getattr(old, name) for name in values}
                )
            touched.add(measure_id)
        for section_id, title in titles.items():
            if tx.first:
                self.titles_before[section_id] = str(
                    tx.conn.execute(select(Section.title).where(Section.id == section_id)).scalar_one()
                )
            rename_section(tx, section_id, None, title)
        for measure_id, files in reading.files_added.items():
            for file in files:
                _attach(tx, measure_id, file)
            touched.add(measure_id)
        for attachment_id, measure_id in reading.files_removed:
            set_removed(tx, attachment_id, True)
            touched.add(measure_id)
        if reading.deletions:
            self.snapshot = snapshot_measures(tx.conn, reading.deletions)
            delete_measures(tx, self.snapshot, reading.seen if tx.first else {})
        self.section_snapshots = []
        for section_id in reading.section_deletions:  # with what is still in them: nothing changed here
            snapshot = snapshot_section(tx.conn, section_id)
            delete_section(tx, snapshot, None)
            self.section_snapshots.append(snapshot)

        def mark(first: int, last: int) -> None:
            self.merged = SyncPoint(reading.theirs_last, last, measures, sections, mark=reading.theirs_mark)
            self.merged_lines = (first, last)
            self._save_point(tx, self.merged)

        tx.after_log(mark)
        return self._changes(touched)

    def _save_point(self, tx: Tx, point: SyncPoint) -> None:
        """Where the file and the copy agree after this merge, kept in the file (a sync with the
        server keeps its own record instead)."""
        save_sync_point(tx, self.reading.copy_id, point)

    def revert(self, tx: Tx) -> Changes:
        reading = self.reading
        for snapshot in reversed(self.section_snapshots):
            restore_section(tx, snapshot)
        if self.snapshot:
            restore_measures(tx, self.snapshot)
        for attachment_id, _measure in reversed(reading.files_removed):
            set_removed(tx, attachment_id, False)
        for files in reading.files_added.values():
            for file in reversed(files):
                if file.attachment_id is not None:
                    set_removed(tx, file.attachment_id, True)
        for section_id, title in self.titles_before.items():
            rename_section(tx, section_id, None, title)
        from desktop.services.execution import remove_school_record

        for (measure_id, school), old in self.records_before.items():
            if old is None:
                remove_school_record(tx, measure_id, school)
            else:
                write_school_records(tx, school, {measure_id: old})
        for measure_id, old in self.before.items():
            write_measure(tx, measure_id, None, old)
        for new in reversed(reading.new_measures):
            for file in new.files:
                if file.attachment_id is not None:
                    set_removed(tx, file.attachment_id, True)
            if new.measure_id is not None:
                remove_inserted(tx, [new.measure_id])
        for new_section in reversed(reading.new_sections):
            if new_section.section_id is not None:
                uninsert_section(tx, new_section.section_id)
        previous = reading.point

        def mark(first: int, last: int) -> None:
            # back to the point before the merge, leaving out the merge's lines and this undo's:
            # they are not changes the file's people made
            start = previous or reading.start
            skip = [*start.skip, self.merged_lines, (first, last)]
            point = SyncPoint(start.theirs, start.ours, start.measures, start.sections, skip, start.mark)
            self.reverted = point
            save_sync_point(tx, reading.copy_id, point)

        tx.after_log(mark)
        return self._changes(set(self.before) | {m for m, _s in self.records_before})

    def _changes(self, touched: set[int]) -> Changes:
        roadmap = next(iter(self.reading.roadmaps), None) if len(self.reading.roadmaps) == 1 else None
        return Changes(roadmap, measures=frozenset(touched), structure=True, figures=True)


def _attach(tx: Tx, measure_id: int, file: NewFile) -> None:
    if file.attachment_id is None:
        file.attachment_id = add_evidence(tx, measure_id, file.school, file.name, file.data)
    else:
        set_removed(tx, file.attachment_id, False)


def _current_values(conn: Connection, measure_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """The measure's stored values of the fields about to be written (for undo)."""
    row = conn.execute(select(Measure.__table__).where(Measure.id == measure_id)).mappings().one()
    links = select(MeasureSchool.school_id).where(MeasureSchool.measure_id == measure_id)
    return {
        name: list(conn.scalars(links)) if name == "schools" else row[EDITABLE_COLUMNS[name]]
        for name in values
    }


def _end_of(conn: Connection, roadmap_id: int, parent: int | None) -> int:
    """The position after the last child of ``parent`` (None: the top level)."""
    in_measures = Measure.section_id.is_(None) if parent is None else Measure.section_id == parent
    in_sections = Section.parent_id.is_(None) if parent is None else Section.parent_id == parent
    last = [
        conn.execute(
            select(func.max(Measure.position)).where(Measure.roadmap_id == roadmap_id, in_measures)
        ).scalar(),
        conn.execute(
            select(func.max(Section.position)).where(Section.roadmap_id == roadmap_id, in_sections)
        ).scalar(),
    ]
    return max([0, *(int(p) for p in last if p is not None)]) + 1  # positions count from 1


def _section_position(
    conn: Connection,
    new: NewSection,
    parent: int | None,
    sections: dict[int, int],
    measures: dict[int, int],
) -> int:
    """Where a section added in the copy goes: after the row that preceded it there, when the
    file has that row under the same parent; else at the parent's end."""
    if new.after is None:
        return _end_of(conn, new.roadmap_id, parent)
    kind, ident = new.after
    if kind == "measure":
        row = conn.execute(
            select(Measure.section_id, Measure.position).where(Measure.id == measures.get(ident, ident))
        ).one_or_none()
    else:
        row = conn.execute(
            select(Section.parent_id, Section.position).where(Section.id == sections.get(ident, ident))
        ).one_or_none()
    if row is not None and row[0] == parent:
        return int(row[1]) + 1
    return _end_of(conn, new.roadmap_id, parent)


def _position_after(conn: Connection, roadmap_id: int, section: int | None, after: int | None) -> int:
    """Where a measure added in the copy goes: after the measure that preceded it there (when
    the file has it in the same section), else first (it was first) or at the end."""
    if after is None:
        return 1
    row = conn.execute(select(Measure.section_id, Measure.position).where(Measure.id == after)).one_or_none()
    if row is not None and row.section_id == section:
        return int(row.position) + 1
    return _end_of(conn, roadmap_id, section)
