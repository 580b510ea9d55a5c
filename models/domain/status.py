"""Measure statuses: stable English codes in files and the CLI, Russian labels for people."""

from __future__ import annotations

import re
from typing import Final

PLANNED: Final = "planned"
IN_PROGRESS: Final = "in_progress"
DONE: Final = "done"
NOT_DONE: Final = "not_done"
CANCELLED: Final = "cancelled"

STATUS_LABELS: Final[dict[str, str]] = {
    PLANNED: "запланировано",
    IN_PROGRESS: "выполняется",
    DONE: "выполнено",
    NOT_DONE: "не выполнено",
    CANCELLED: "отменено",
}
STATUSES: Final = tuple(STATUS_LABELS)
# Statuses that still expect work: a measure in one of them whose deadline has passed is overdue.
OPEN_STATUSES: Final = frozenset({PLANNED, IN_PROGRESS})


def parse_status(value: str) -> str:
    """Accept a code or its Russian label (any case); raise ValidationError otherwise."""
    from models.domain.errors import ValidationError

    key = value.strip().lower()
    key = re.sub(r"\s*\(\d+ из \d+ школы?\)$", "", key)  # a status made from schools, as the grid shows it
    if key in STATUS_LABELS:
        return key
    for code, label in STATUS_LABELS.items():
        if key == label:
            return code
    allowed = ", ".join(f"{c} ({label})" for c, label in STATUS_LABELS.items())
    raise ValidationError(f"Неизвестный статус «{value}». Допустимые значения: {allowed}.")
