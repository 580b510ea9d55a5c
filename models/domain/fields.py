"""The fields of a measure, said once: name (as in the dump and the CLI), stored column, the grid's
column header, the word used in the change log and undo labels, whether a user edits it, and its
kind. The grid, the change log, the dump, filters and exports all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["number", "text", "deadline", "schools", "status", "date"]


@dataclass(frozen=True, slots=True)
class MeasureField:
    name: str  # as in the dump, the CLI and the change log
    column: str | None  # column of the measures table (None: derived or a link table)
    header: str  # the grid's and the exports' column header
    label: str  # lower-case word for messages: «Изменение: срок»
    editable: bool
    kind: FieldKind


MEASURE_FIELDS: tuple[MeasureField, ...] = (
    MeasureField("number", None, "№", "номер", False, "number"),
    MeasureField("title", "title", "Мероприятие", "мероприятие", True, "text"),
    MeasureField("form", "form", "Форма", "форма", True, "text"),
    MeasureField("deadline", "deadline_text", "Срок", "срок", True, "deadline"),
    MeasureField("responsible", "responsible", "Ответственные", "ответственные", True, "text"),
    MeasureField("result", "result", "Ожидаемый результат", "ожидаемый результат", True, "text"),
    MeasureField("target_group", "target_group", "Целевая группа", "целевая группа", True, "text"),
    MeasureField("schools", None, "Школы", "школы", True, "schools"),
    MeasureField("status", "status", "Статус", "статус", True, "status"),
    MeasureField("done_on", "done_on", "Дата выполнения", "дата выполнения", True, "date"),
    MeasureField("note", "note", "Отметка об исполнении", "отметка об исполнении", True, "text"),
)
BY_NAME: dict[str, MeasureField] = {f.name: f for f in MEASURE_FIELDS}

# Fields a user may change that are columns of the measures table: name -> column.
EDITABLE_COLUMNS: dict[str, str] = {
    f.name: f.column for f in MEASURE_FIELDS if f.editable and f.column is not None
}
# Every field a user may change, columns and links alike.
EDITABLE_NAMES: tuple[str, ...] = tuple(f.name for f in MEASURE_FIELDS if f.editable)
# Words for the change log and messages, by field name (structural actions have their own).
FIELD_LABELS: dict[str, str] = {f.name: f.label for f in MEASURE_FIELDS}
FIELD_HEADERS: dict[str, str] = {f.name: f.header for f in MEASURE_FIELDS}


def label_of(name: str) -> str:
    field = BY_NAME.get(name)
    return field.label if field is not None else name
