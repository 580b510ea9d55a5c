"""The fields of a measure, said once: name (as in the dump and the CLI), stored column, the grid's
column header, the word used in the change log and undo labels, whether a user edits it, its kind,
the header a roadmap document (and so an export) gives its column, and the words of a document's
column header that name it. The grid, the change log, the dump, the importers, filters and exports
all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["number", "text", "deadline", "schools", "status", "date"]


@dataclass(frozen=True, slots=True)
class MeasureField:
    name: str  # as in the dump, the CLI and the change log
    column: str | None  # column of the measures table (None: derived or a link table)
    header: str  # the grid's column header
    label: str  # lower-case word for messages: «Изменение: срок»
    editable: bool
    kind: FieldKind
    # The column's header in a roadmap document, where it is not the grid's: «Сроки» for «Срок».
    printed: str | None = None
    # What a document's column header says when the column holds this field: a regular expression
    # searched in the header lower-cased, «ё» as «е», spaces collapsed. None: never read from a table.
    synonyms: str | None = None

    @property
    def document_header(self) -> str:
        """The header of the field's column in a roadmap document and in the exports."""
        return self.printed or self.header


MEASURE_FIELDS: tuple[MeasureField, ...] = (
    MeasureField(
        "number",
        None,
        "№",
        "номер",
        False,
        "number",
        printed="№ п/п",
        synonyms=r"^\s*(?:№|n|no\.?|номер)\s*(?:п\s*/\s*п)?\.?\s*$|^\s*п\s*/\s*п\s*$",
    ),
    MeasureField(
        "title",
        "title",
        "Мероприятие",
        "мероприятие",
        True,
        "text",
        printed="Наименование мероприятия",
        synonyms=r"мероприят|наименован|меры|содержани|действи|направлени|задач",
    ),
    MeasureField(
        "form",
        "form",
        "Форма",
        "форма",
        True,
        "text",
        printed="Форма проведения",
        synonyms=r"^\s*форм[аы](?:\s+(?:проведения|реализации|мероприяти[яй]|работы))?\s*$",
    ),
    MeasureField(
        "deadline",
        "deadline_text",
        "Срок",
        "срок",
        True,
        "deadline",
        printed="Сроки",
        synonyms=r"срок|дата проведен|период|время проведен",
    ),
    MeasureField(
        "responsible",
        "responsible",
        "Ответственные",
        "ответственные",
        True,
        "text",
        synonyms=r"ответствен|исполнител",
    ),
    MeasureField(
        "result",
        "result",
        "Ожидаемый результат",
        "ожидаемый результат",
        True,
        "text",
        synonyms=r"результат|показател|индикатор|продукт|эффект",
    ),
    MeasureField(
        "target_group",
        "target_group",
        "Целевая группа",
        "целевая группа",
        True,
        "text",
        synonyms=r"целев|категори\w* участ|участники",
    ),
    MeasureField(
        "schools",
        None,
        "Школы",
        "школы",
        True,
        "schools",
        # only a header that says just this: «Участники» alone is the target group
        synonyms=r"^(?:школы|оо|общеобразовательные организации|образовательные организации)$",
    ),
    MeasureField("status", "status", "Статус", "статус", True, "status"),
    MeasureField("done_on", "done_on", "Дата выполнения", "дата выполнения", True, "date"),
    MeasureField(
        "note",
        "note",
        "Отметка об исполнении",
        "отметка об исполнении",
        True,
        "text",
        synonyms=r"отметк|примечан|комментар|информация об исполн",
    ),
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
# Fields an importer reads from a column of a document's table (those with header synonyms).
TABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in MEASURE_FIELDS if f.synonyms is not None)


def label_of(name: str) -> str:
    field = BY_NAME.get(name)
    return field.label if field is not None else name
