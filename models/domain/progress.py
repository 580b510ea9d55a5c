"""How a roadmap is going, counted once.

The «Отчёт» tab, the list of roadmaps, the status-bar notice, the document tab, the report PDF and
the workbook's «Сводка» all take their figures from ``tally`` here, so what is on screen is what
is exported. No Qt, no database: plain (status, deadline windows) pairs and a date.

Every measure falls in exactly one class, decided in this order:

- ``cancelled`` (отменено): shown, never counted — not part of the total;
- ``done`` (выполнено): status «выполнено», whatever its deadline;
- ``not_done`` (не выполнено): status «не выполнено» — closed without a result, never overdue;
- ``overdue`` (просрочено): still open («запланировано» or «выполняется») and its last dated
  window ended before today (``tracking.is_overdue``); counted here only, not also as in
  progress or not started;
- ``in_progress`` (выполняется): status «выполняется», not overdue;
- ``not_started`` (не начато): status «запланировано», not overdue (this includes measures with
  no dated window: «по запросу», «по плану»…).

So done + in_progress + overdue + not_started + not_done = total (the measures not cancelled), and
total + cancelled = every measure. «Срок в ближайшие 14 дней» (``due_soon``) is a reminder, not a
class: a measure due soon is also in progress or not started, and is counted there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from models.domain.status import CANCELLED, DONE, IN_PROGRESS, NOT_DONE
from models.domain.tracking import Window, is_due_soon, is_overdue

DONE_CLASS, IN_PROGRESS_CLASS, OVERDUE_CLASS, NOT_STARTED_CLASS, NOT_DONE_CLASS = (
    "done",
    "in_progress",
    "overdue",
    "not_started",
    "not_done",
)
CANCELLED_CLASS = "cancelled"
# The counted classes, in the order the report and the exports show them.
PROGRESS_CLASSES = (DONE_CLASS, IN_PROGRESS_CLASS, OVERDUE_CLASS, NOT_STARTED_CLASS, NOT_DONE_CLASS)
PROGRESS_LABELS = {
    DONE_CLASS: "Выполнено",
    IN_PROGRESS_CLASS: "Выполняется",
    OVERDUE_CLASS: "Просрочено",
    NOT_STARTED_CLASS: "Не начато",
    NOT_DONE_CLASS: "Не выполнено",
}


def classify(status: str, overdue: bool) -> str:
    """The class of a measure of ``status`` whose deadline has (``overdue``) or has not passed."""
    if status == CANCELLED:
        return CANCELLED_CLASS
    if status == DONE:
        return DONE_CLASS
    if status == NOT_DONE:
        return NOT_DONE_CLASS
    if overdue:
        return OVERDUE_CLASS
    return IN_PROGRESS_CLASS if status == IN_PROGRESS else NOT_STARTED_CLASS


def progress_class(status: str, windows: Sequence[Window], today: date) -> str:
    """One of PROGRESS_CLASSES, or ``cancelled``."""
    return classify(status, is_overdue(status, windows, today))


@dataclass(frozen=True)
class Progress:
    """The figures of one group (a section, a school, a roadmap, a file)."""

    label: str = ""
    counts: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(PROGRESS_CLASSES, 0))
    cancelled: int = 0  # not counted: not in ``counts``, not in ``total``
    due_soon: int = 0  # open, a window ends in the next DUE_SOON_DAYS days; also in a class above

    @property
    def total(self) -> int:
        """The measures counted: every one but the cancelled."""
        return sum(self.counts.values())

    def share(self, progress_class: str) -> float:
        return self.counts.get(progress_class, 0) / self.total if self.total else 0.0

    @property
    def done(self) -> int:
        return self.counts.get(DONE_CLASS, 0)

    @property
    def in_progress(self) -> int:
        return self.counts.get(IN_PROGRESS_CLASS, 0)

    @property
    def overdue(self) -> int:
        return self.counts.get(OVERDUE_CLASS, 0)

    @property
    def not_started(self) -> int:
        return self.counts.get(NOT_STARTED_CLASS, 0)

    @property
    def not_done(self) -> int:
        return self.counts.get(NOT_DONE_CLASS, 0)

    def figures(self) -> tuple[int, ...]:
        """Total, then every class in PROGRESS_CLASSES order (a table row)."""
        return (self.total, *(self.counts.get(c, 0) for c in PROGRESS_CLASSES))


def tally(measures: Iterable[tuple[str, Sequence[Window]]], today: date, label: str = "") -> Progress:
    """The figures of ``measures``, each a (status, deadline windows) pair, on ``today``."""
    counts = dict.fromkeys(PROGRESS_CLASSES, 0)
    cancelled = due_soon = 0
    for status, windows in measures:
        found = progress_class(status, windows, today)
        if found == CANCELLED_CLASS:
            cancelled += 1
            continue
        counts[found] += 1
        due_soon += is_due_soon(status, windows, today)
    return Progress(label, counts, cancelled, due_soon)
