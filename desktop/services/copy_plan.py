"""The copy compared with the file: what each changed since they last agreed (their change
sets), turned into a CopyReading — carried, conflicting or unchanged, with the copy's ids of rows
it added mapped to the file's."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from desktop.services.changesets import (
    ChangeSet,
)
from desktop.services.copy_reading import CopyConflict, CopyReading, NewFile, NewMeasure, NewSection
from desktop.services.dto import MeasureRow, RoadmapTree
from desktop.services.execution import RECORD_FIELDS
from models.domain.errors import ValidationError
from models.domain.evidence import check_new, plain_text
from models.domain.fields import EDITABLE_COLUMNS
from models.entities import Attachment, ChangeLogEntry, Measure
from models.storage.database import Database

COPY_MARK = "copy_of"  # the copy's setting: which file it was taken from, and when
CARRIED = (*EDITABLE_COLUMNS, "schools")  # a measure's fields a merge (and a sync) carries
NOT_IN_FILE = "удалено в файле"  # a conflict's value: the row the copy changed is gone here
DELETED_IN_COPY = "удалено в копии"  # … a section the copy deleted, changed here


def plain(value: object) -> str | None:
    return None if value is None else plain_text(value)


def evidence_lines(
    conn: Connection, after: int, skip: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, str, str | None, str | None]]:
    """(measure, field, old, new) of the copy's file lines after the point, in order, leaving out
    the lines in the ``skip`` ranges."""
    rows = conn.execute(
        select(
            ChangeLogEntry.id,
            ChangeLogEntry.entity_id,
            ChangeLogEntry.field,
            ChangeLogEntry.old,
            ChangeLogEntry.new,
        )
        .where(
            ChangeLogEntry.id > after,
            ChangeLogEntry.entity == "measure",
            ChangeLogEntry.field.like("evidence%"),
        )
        .order_by(ChangeLogEntry.id)
    ).all()
    return [
        (m, str(f), plain(o), plain(n))
        for line, m, f, o, n in rows
        if isinstance(m, int) and not any(first <= line <= last for first, last in skip)
    ]


def _comparable(row: MeasureRow, name: str, names: dict[int, str]) -> Any:
    if name == "schools":
        return tuple(sorted(names.get(s, "") for s in row.school_ids))
    return getattr(row, EDITABLE_COLUMNS[name])


def _own_status(row: MeasureRow, name: str) -> bool:
    """A status made from schools' reports is not the measure's own: not compared or carried."""
    return row.derived is not None and name in ("status", "done_on")


class Planner:
    def __init__(
        self,
        reading: CopyReading,
        theirs: ChangeSet,
        mine: ChangeSet,
        copy_trees: dict[int, RoadmapTree],
        file_trees: dict[int, RoadmapTree],
        copy: Database,
        database: Database,
        evidence_lines: list[tuple[int, str, str | None, str | None]],
        roadmaps: dict[int, int] | None = None,
    ) -> None:
        """``roadmaps``: the source's roadmap ids -> the target's, when the two stores number their
        rows apart (a sync with the server): then ``reading.start`` maps every row the two share,
        and a row it does not map is not in the target. None: a copy, whose rows keep the ids
        they had in the file."""
        self.reading, self.theirs, self.mine = reading, theirs, mine
        self.roadmap_map = roadmaps
        self.copy, self.database, self.evidence_lines = copy, database, evidence_lines
        self.copy_rows = {m: (t, row) for t in copy_trees.values() for m, row in t.measures.items()}
        self.file_rows = {m: (t, row) for t in file_trees.values() for m, row in t.measures.items()}
        self.file_trees = file_trees
        self.copy_sections = {s: t for t in copy_trees.values() for s in t.sections}
        self.file_sections = {s: t for t in file_trees.values() for s in t.sections}
        self.start = reading.start

    # ids of the copy -> ids of the file
    def file_measure(self, copy_id: int) -> int | None:
        if copy_id in self.start.measures:
            return self.start.measures[copy_id]
        return None if copy_id in self.theirs.inserted or self.roadmap_map is not None else copy_id

    def file_section(self, copy_id: int) -> int | None:
        if self.roadmap_map is not None:
            return self.start.sections.get(copy_id)
        return self.start.sections.get(copy_id, copy_id)

    def file_roadmap(self, copy_id: int) -> int | None:
        return copy_id if self.roadmap_map is None else self.roadmap_map.get(copy_id)

    def plan(self) -> None:
        self._sections()
        for copy_id in sorted(self.theirs.inserted):
            if copy_id in self.copy_rows and copy_id not in self.start.measures:
                self._new_measure(copy_id)
        for copy_id, names in sorted(self.theirs.fields.items()):
            if copy_id in self.copy_rows and copy_id not in self.theirs.inserted:
                self._edited(copy_id, names)
        for copy_id in sorted(self.theirs.deleted):
            self._deleted(copy_id)
        self._sections_deleted()
        self._files()

    # ---- sections ----------------------------------------------------------------------------
    def _sections(self) -> None:
        for copy_id in sorted(self.theirs.sections_inserted):
            tree = self.copy_sections.get(copy_id)
            if tree is None or copy_id in self.start.sections:
                continue
            section = tree.sections[copy_id]
            roadmap = self.file_roadmap(tree.header.id)
            if roadmap is None or self._target_section_gone(section.parent_id):
                continue
            new = NewSection(copy_id, roadmap, section.parent_id, section.title)
            new.after = self._previous_row(tree, section.parent_id, ("section", copy_id))
            self.reading.new_sections.append(new)
            self.reading.roadmaps.add(roadmap)
        for copy_id in sorted(self.theirs.section_titles - self.theirs.sections_inserted):
            tree = self.copy_sections.get(copy_id)
            file_id = self.file_section(copy_id)
            here = None if file_id is None else self.file_sections.get(file_id)
            if tree is None or here is None or file_id is None:
                continue
            title, current = tree.sections[copy_id].title, here.sections[file_id].title
            if title == current:
                self.reading.unchanged += 1
            elif file_id in self.mine.section_titles:
                number = here.sections[file_id].number
                self.reading.conflicts.append(
                    CopyConflict(file_id, number, current, "", "section", current, title)
                )
            else:
                self.reading.titles[file_id] = title
                self.reading.roadmaps.add(here.header.id)

    def _sections_deleted(self) -> None:
        """Sections the copy deleted (with all in them): deleted here too, unless something in
        them was changed or added here since — then both stand and it is a conflict."""
        for copy_id in sorted(self.theirs.sections_deleted):
            file_id = self.file_section(copy_id)
            tree = None if file_id is None else self.file_sections.get(file_id)
            if tree is None or file_id is None:
                continue  # deleted on both sides
            inside = _subtree(tree, file_id)
            measures = [m for m in tree.measures.values() if m.section_id in inside]
            if inside & (self.mine.section_titles | self.mine.sections_inserted) or any(
                self.mine.touched(m.id) for m in measures
            ):
                number, title = tree.sections[file_id].number, tree.sections[file_id].title
                found = CopyConflict(file_id, number, title, "", "section", title, DELETED_IN_COPY)
                self.reading.conflicts.append(found)
                continue
            self.reading.section_deletions.append(file_id)
            self.reading.roadmaps.add(tree.header.id)

    def _target_section_gone(self, copy_section: int | None) -> bool:
        """A section of the copy's that the file no longer has (and that the merge does not add)."""
        if copy_section is None or self.roadmap_map is None:
            return False
        if copy_section in self.theirs.sections_inserted and copy_section not in self.start.sections:
            return copy_section not in self.copy_sections  # added in the copy: added here first
        target = self.file_section(copy_section)
        return target is None or target not in self.file_sections

    def _previous_row(
        self,
        tree: RoadmapTree,
        parent_id: int | None,
        me: tuple[str, int],
        kinds: tuple[str, ...] = ("measure", "section"),
    ) -> tuple[str, int] | None:
        """The row (of ``kinds``) before ``me`` among its parent's children that the file has or
        gets (None: none before it)."""
        parent = tree.sections.get(parent_id) if parent_id is not None else None
        before = None
        for kind, ident in parent.children if parent is not None else tree.top:
            if (kind, ident) == me:
                break
            shared = self.start.measures if kind == "measure" else self.start.sections
            added = self.theirs.inserted if kind == "measure" else self.theirs.sections_inserted
            if kind in kinds and (self.roadmap_map is None or ident in shared or ident in added):
                before = (kind, ident)
        return before

    # ---- measures ----------------------------------------------------------------------------
    def _new_measure(self, copy_id: int) -> None:
        tree, row = self.copy_rows[copy_id]
        roadmap = self.file_roadmap(tree.header.id)
        file_tree = None if roadmap is None else self.file_trees.get(roadmap)
        if file_tree is None or roadmap is None:
            return  # a roadmap the file no longer has
        if self._target_section_gone(row.section_id):
            self._gone(row, copy_id)  # added in a section the file has deleted: both stand, said
            return
        names = {s.id: s.name for s in tree.schools}
        file_schools = {s.name.casefold(): s.id for s in file_tree.schools}
        schools = [
            file_schools[names[s].casefold()]
            for s in row.school_ids
            if names.get(s, "").casefold() in file_schools
        ]
        values = {column: getattr(row, column) for column in EDITABLE_COLUMNS.values()}
        records = {}
        for record in row.execution:
            school = file_schools.get(names.get(record.school_id, "").casefold())
            if record.record_id is not None and school is not None:
                records[school] = {name: getattr(record, name) for name in RECORD_FIELDS}
        if row.derived is not None:  # the measure's own record, not the one made from schools
            values.pop("status", None)
            values.pop("done_on", None)
        previous = self._previous_row(tree, row.section_id, ("measure", copy_id), ("measure",))
        before = None if previous is None else previous[1]
        new = NewMeasure(copy_id, roadmap, row.section_id, before, _columns(values), schools, records)
        for item in row.evidence:
            school = (
                None if item.school_id is None else file_schools.get(names.get(item.school_id, "").casefold())
            )
            data = self._bytes(item.id)
            if (item.school_id is None or school is not None) and self._allowed(item.name, data):
                new.files.append(NewFile(school, item.name, data))
        self.reading.new_measures.append(new)
        self.reading.roadmaps.add(roadmap)

    def _edited(self, copy_id: int, names: set[str]) -> None:
        copy_tree, copy_row = self.copy_rows[copy_id]
        file_id = self.file_measure(copy_id)
        found = self.file_rows.get(file_id) if file_id is not None else None
        if found is None or file_id is None:
            self._gone(copy_row, copy_id)
            return
        file_tree, file_row = found
        copy_names = {s.id: s.name for s in copy_tree.schools}
        file_names = {s.id: s.name for s in file_tree.schools}
        file_schools = {name.casefold(): ident for ident, name in file_names.items()}
        file_changed = self.mine.fields.get(file_id, set())
        edits: dict[str, Any] = {}
        changed_any = False
        # the measure's own fields first: a school linked in the copy takes its record along
        for name in sorted(names, key=lambda n: ("#" in n, n)):
            base, _hash, school_part = name.partition("#")
            if school_part:
                linked = set(file_row.school_ids) | set(edits.get("schools", ()))
                changed_any |= self._record(
                    copy_row, file_row, base, int(school_part), copy_names, file_schools, file_changed, linked
                )
                continue
            if base not in CARRIED or _own_status(file_row, base) or _own_status(copy_row, base):
                continue
            theirs_value = _comparable(copy_row, base, copy_names)
            file_value = _comparable(file_row, base, file_names)
            if theirs_value == file_value:
                continue
            changed_any = True
            if base in file_changed:
                write = theirs_value
                if base == "schools":
                    write = [file_schools[n.casefold()] for n in theirs_value if n.casefold() in file_schools]
                self.reading.conflicts.append(
                    CopyConflict(
                        file_id,
                        file_row.number,
                        file_row.title,
                        "",
                        base,
                        file_value,
                        theirs_value,
                        None,
                        write,
                    )
                )
            elif base == "schools":
                if all(n.casefold() in file_schools for n in theirs_value):
                    edits[base] = [file_schools[n.casefold()] for n in theirs_value]
                # a school the file's roadmap no longer lists: the file's schools stay
            else:
                edits[base] = theirs_value
        if edits:
            self.reading.edits[file_id] = edits
            self.reading.seen[file_id] = file_row.version
            self.reading.roadmaps.add(file_tree.header.id)
        if not changed_any:
            self.reading.unchanged += 1

    def _record(
        self,
        copy_row: MeasureRow,
        file_row: MeasureRow,
        name: str,
        copy_school: int,
        copy_names: dict[int, str],
        file_schools: dict[str, int],
        file_changed: set[str],
        linked: set[int],
    ) -> bool:
        if name not in RECORD_FIELDS:
            return False
        school_name = copy_names.get(copy_school, "")
        school = file_schools.get(school_name.casefold())
        theirs = next((r for r in copy_row.execution if r.school_id == copy_school), None)
        if school is None or theirs is None or school not in linked:
            return False
        mine = next((r for r in file_row.execution if r.school_id == school), None)
        value, current = getattr(theirs, name), getattr(mine, name) if mine else None
        if value == current:
            return False
        if f"{name}#{school}" in file_changed:
            self.reading.conflicts.append(
                CopyConflict(
                    file_row.id, file_row.number, file_row.title, school_name, name, current, value, school
                )
            )
        else:
            self.reading.records.setdefault((file_row.id, school), {})[name] = value
        return True

    def _gone(self, copy_row: MeasureRow, copy_id: int) -> None:
        """The copy changed a measure the file has deleted since: the file's deletion stands."""
        self.reading.conflicts.append(
            CopyConflict(
                copy_id, copy_row.number, copy_row.title, "", "measure", NOT_IN_FILE, "изменено в копии"
            )
        )

    def _deleted(self, copy_id: int) -> None:
        file_id = self.file_measure(copy_id)
        found = self.file_rows.get(file_id) if file_id is not None else None
        if found is None or file_id is None:
            return  # deleted on both sides, or added and deleted in the copy
        _tree, row = found
        if self.mine.touched(file_id):
            self.reading.conflicts.append(
                CopyConflict(
                    file_id, row.number, row.title, "", "measure", "изменено в файле", "удалено в копии"
                )
            )
        else:
            self.reading.deletions.append(file_id)
            self.reading.seen[file_id] = row.version
            self.reading.roadmaps.add(row.roadmap_id)

    # ---- files -------------------------------------------------------------------------------
    def _files(self) -> None:
        """Files attached in the copy (by the copy's log) that the file lacks, and files taken
        off in the copy that the file still has (matched by name and school)."""
        if not self.evidence_lines:
            return
        with self.copy.read() as conn:
            copy_files = conn.execute(
                select(Attachment.id, Attachment.measure_id, Attachment.school_id, Attachment.name).where(
                    Attachment.removed.is_(False)
                )
            ).all()
        with self.database.read() as conn:
            file_files = conn.execute(
                select(
                    Attachment.id,
                    Attachment.measure_id,
                    Attachment.school_id,
                    Attachment.name,
                    Attachment.sha256,
                ).where(Attachment.removed.is_(False))
            ).all()
        added: set[tuple[int, str, str]] = set()
        removed: set[tuple[int, str, str]] = set()
        for measure, name, old, new in self.evidence_lines:
            if measure in self.theirs.inserted and measure not in self.start.measures:
                continue  # came with the new measure
            school = name.partition("#")[2]
            if new and not old:
                added.add((measure, school, new))
                removed.discard((measure, school, new))
            elif old and not new:
                removed.add((measure, school, old))
                added.discard((measure, school, old))
        for copy_measure, school, name in sorted(added):
            file_measure = self.file_measure(copy_measure)
            target = self._file_school(copy_measure, school)
            if file_measure is None or file_measure not in self.file_rows or target == -1:
                continue
            for ident, measure, school_id, stored in copy_files:
                if measure != copy_measure or str(school_id or "") != school or stored != name:
                    continue
                data = self._bytes(ident)
                digest = hashlib.sha256(data).hexdigest()
                have = any(f[1] == file_measure and f[2] == target and f[4] == digest for f in file_files)
                if not have and self._allowed(str(stored), data):
                    self.reading.files_added.setdefault(file_measure, []).append(
                        NewFile(target, str(stored), data)
                    )
                    self.reading.roadmaps.add(self.file_rows[file_measure][0].header.id)
        for copy_measure, school, name in sorted(removed):
            file_measure = self.file_measure(copy_measure)
            target = self._file_school(copy_measure, school)
            for ident, measure, school_id, stored, _digest in file_files:
                if measure == file_measure and school_id == target and stored == name and target != -1:
                    self.reading.files_removed.append((ident, measure))
                    break

    def _file_school(self, copy_measure: int, school: str) -> int | None:
        """The file's id of the copy's school (None: the measure's own; -1: no such school)."""
        if not school:
            return None
        tree = self.copy_rows[copy_measure][0] if copy_measure in self.copy_rows else None
        file_measure = self.file_measure(copy_measure)
        file_tree = self.file_rows[file_measure][0] if file_measure in self.file_rows else None
        if tree is None or file_tree is None:
            return -1
        name = next((s.name for s in tree.schools if s.id == int(school)), "")
        return next((s.id for s in file_tree.schools if s.name.casefold() == name.casefold()), -1)

    def _allowed(self, name: str, data: bytes) -> bool:
        """A file of the copy the file may hold (a row planted in the copy may hold a program):
        the others are told and left out, the rest of the merge goes on."""
        try:
            check_new(name, len(data), data)
        except ValidationError as error:
            self.reading.refused_files.append(error.message)
            return False
        return True

    def _bytes(self, attachment_id: int) -> bytes:
        with self.copy.read() as conn:
            data = conn.execute(select(Attachment.data).where(Attachment.id == attachment_id)).scalar()
        return data if isinstance(data, bytes) else str(data or "").encode("utf-8")


def _subtree(tree: RoadmapTree, section_id: int) -> set[int]:
    """The section and every section under it."""
    found = {section_id}
    grew = True
    while grew:
        more = {s for s, row in tree.sections.items() if row.parent_id in found} - found
        found |= more
        grew = bool(more)
    return found


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in {c.name for c in Measure.__table__.columns}}
