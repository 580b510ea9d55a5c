"""What merging a copy would do: the fields, records, rows and files it carries, and the
conflicts — read by desktop/services/copy_plan.py, shown by the window, applied by
desktop/services/copy_merge.py, summed up for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.services.changesets import (
    SyncPoint,
)
from models.domain.errors import DomainError
from models.domain.fields import label_of

COPY_MARK = "copy_of"  # the copy's setting: which file it was taken from, and when


class CopyError(DomainError):
    """Not a copy this file can merge (another file's, a copy of a copy, damaged, merged since)."""


@dataclass(frozen=True, slots=True)
class CopyConflict:
    measure_id: int  # in the file
    number: str
    title: str
    school: str  # "" for a field of the measure itself
    field: str  # «status», «title»…; a school's record: «status», with ``school``
    file: Any
    copy: Any
    school_id: int | None = None  # the file's id of ``school``

    write: Any = None  # the copy's value as written (schools: the file's ids), when it differs

    @property
    def label(self) -> str:
        """The field in words: «статус», «наименование», «раздел: название»…"""
        special = {"measure": "мероприятие", "section": "название раздела", "title": "наименование"}
        return special.get(self.field) or label_of(self.field)

    def as_dict(self) -> dict[str, Any]:
        """take-sheet's conflict (``sheet``: the incoming value) with ``copy`` as well."""
        return {
            "measure": self.measure_id,
            "number": self.number,
            "school": self.school,
            "field": self.field,
            "file": plain_value(self.file),
            "sheet": plain_value(self.copy),
            "copy": plain_value(self.copy),
        }


def plain_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass
class NewSection:
    copy_id: int
    roadmap_id: int
    parent: int | None  # the copy's id of the parent (mapped when the merge runs)
    title: str
    section_id: int | None = None  # given on the first apply
    position: int | None = None
    after: tuple[str, int] | None = None  # the copy's row before it (None: its parent's end)


@dataclass
class NewFile:
    school: int | None  # the file's school id
    name: str
    data: bytes = field(repr=False)
    attachment_id: int | None = None


@dataclass
class NewMeasure:
    copy_id: int
    roadmap_id: int
    section: int | None  # the copy's id of its section
    after: int | None  # the copy's id of the measure before it (None: first in its section)
    values: dict[str, Any]  # columns
    schools: list[int]  # the file's school ids
    records: dict[int, dict[str, Any]]  # file school id -> record fields
    files: list[NewFile] = field(default_factory=list)
    measure_id: int | None = None
    position: int | None = None


@dataclass
class CopyReading:
    copy_id: str
    name: str
    taken: str
    point: SyncPoint | None  # as stored before this merge (None: never merged)
    start: SyncPoint  # the point this reading starts from
    theirs_last: int
    theirs_mark: str = ""  # the fingerprint of the copy's line ``theirs_last``
    edits: dict[int, dict[str, Any]] = field(default_factory=dict)  # measure -> fields
    seen: dict[int, int] = field(default_factory=dict)  # measure -> version read
    records: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (measure, school)
    titles: dict[int, str] = field(default_factory=dict)  # section -> new title
    new_sections: list[NewSection] = field(default_factory=list)
    new_measures: list[NewMeasure] = field(default_factory=list)
    deletions: list[int] = field(default_factory=list)
    section_deletions: list[int] = field(default_factory=list)  # sections deleted in the copy
    files_added: dict[int, list[NewFile]] = field(default_factory=dict)  # measure -> files
    files_removed: list[tuple[int, int]] = field(default_factory=list)  # (attachment, measure)
    conflicts: list[CopyConflict] = field(default_factory=list)
    unchanged: int = 0
    other: int = 0
    refused_files: list[str] = field(default_factory=list)  # files in the copy no file may hold
    roadmaps: set[int] = field(default_factory=set)

    @property
    def applied(self) -> int:
        """Measures and sections the merge changes, adds or deletes."""
        measures = set(self.edits) | {m for m, _s in self.records} | set(self.files_added)
        measures |= {m for _a, m in self.files_removed} | set(self.deletions)
        sections = len(self.new_sections) + len(self.titles) + len(self.section_deletions)
        return len(measures) + len(self.new_measures) + sections

    @property
    def empty(self) -> bool:
        return self.applied == 0


def summary(reading: CopyReading) -> dict[str, Any]:
    """The command line's answer, as take-sheet's: changed, conflicts (the file's value kept), unchanged."""
    return {
        "applied": reading.applied,
        "conflicts": [c.as_dict() for c in reading.conflicts],
        "unchanged": reading.unchanged,
    }
