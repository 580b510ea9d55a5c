"""Progress rules shared by the list, the calendars and the reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from models.domain.status import OPEN_STATUSES

Window = tuple[date, date]


def is_overdue(status: str, windows: Sequence[Window], today: date) -> bool:
    """Still open although its last window has ended.

    Measures with no dated window (по запросу, по плану…) are never overdue: nothing says when.
    """
    return status in OPEN_STATUSES and bool(windows) and max(end for _, end in windows) < today
