"""A measure's field as text, the way the grid shows it and a user types it: the status in Russian,
dates as 31.12.2024, schools by name. What a field is and its kind come from models.domain.fields;
the grid shows this, paste compares with it, the filter searches it and the exports print it.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.services.dto import MeasureRow
from models.domain.fields import BY_NAME
from models.domain.status import STATUS_LABELS

_NO_SCHOOLS: Mapping[int, str] = {}


def cell_text(
    row: MeasureRow, name: str, school_names: Mapping[int, str] = _NO_SCHOOLS, separator: str = ", "
) -> str:
    """Field ``name`` of ``row`` as text; schools are named from ``school_names`` (id -> name, ids
    not in it left out) and joined by ``separator``."""
    field = BY_NAME[name]
    kind = field.kind
    if kind == "number":
        return row.number
    if kind == "status":  # made from the schools' records: «выполняется (3 из 5 школ)»
        label = STATUS_LABELS.get(row.status, row.status)
        return f"{label} ({row.derived.label})" if row.derived is not None else label
    if kind == "date":
        value = getattr(row, field.column or name)
        return f"{value:%d.%m.%Y}" if value else ""
    if kind == "schools":
        return separator.join(school_names[i] for i in row.school_ids if i in school_names)
    return str(getattr(row, field.column or name))  # text; a deadline as written
