"""Progress rules shared by the list, the calendars and the reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from models.domain.status import OPEN_STATUSES

Window = tuple[date, date]


def is_overdue(status: str, windows: Sequence[Window], today: date) -> bool:
    """Still open although its last window has ended.

    Measures with no dated window (по запросу, по плану…) are never overdue: nothing says when.
    """
    return status in OPEN_STATUSES and bool(windows) and max(end for _, end in windows) < today


DUE_SOON_DAYS = 14


def is_due_soon(status: str, windows: Sequence[Window], today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Still open, and one of its windows ends within the next ``days`` days (today included)."""
    soon = today + timedelta(days=days)
    return status in OPEN_STATUSES and any(today <= end <= soon for _, end in windows)
