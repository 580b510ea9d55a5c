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


def month_to_show(windows: Sequence[tuple[date, date]], today: date) -> date | None:
    """The month a calendar opens at for a measure: today's, when a window of it covers today,
    else the next window's, else the last one's; None for a measure without dates."""
    if not windows:
        return None
    current = next((start for start, end in windows if start <= today <= end), None)
    upcoming = min((start for start, _end in windows if start > today), default=None)
    chosen = today if current is not None else upcoming or max(start for start, _end in windows)
    return chosen.replace(day=1)
