"""A measure's execution when it concerns several schools: each school keeps its own record
(status, date done, note), and the measure's status is made from them — one computation, which
the grid, the «Отчёт» tab and every export read.

A measure with schools but no school's record yet keeps its own record, as before schools could
report (so a file from before shows what it showed). Once any school has reported:
- every school (but those whose part was cancelled) done → выполнено, on the last date done;
- every school's part cancelled → отменено;
- nothing open and some not done → не выполнено;
- any school at work or done → выполняется;
- otherwise → запланировано (a school that has not reported counts as planned).
Overdue is then the measure's usual rule (an open status past its deadline): any school not done
by the deadline keeps the measure open, so it shows as просрочено.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.domain.status import CANCELLED, DONE, IN_PROGRESS, NOT_DONE, PLANNED


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    school_id: int
    status: str
    done_on: date | None
    note: str
    version: int
    record_id: int | None = None  # None: the school has not reported (a planned record, not stored)
    by: str = ""  # who changed it last (a person's name, else the computer's account)


@dataclass(frozen=True, slots=True)
class Derived:
    status: str
    done_on: date | None
    done: int  # schools done
    counted: int  # schools whose part is not cancelled

    @property
    def label(self) -> str:
        """«3 из 5 школ», as the grid and the report show it beside the status."""
        return f"{self.done} из {self.counted} {_schools_word(self.counted)}"


def derive(records: Sequence[SchoolRecord]) -> Derived | None:
    """The measure's status made from its schools' records (one per school it concerns, a
    planned one for a school that has not reported); None when no school has reported."""
    if not any(r.record_id is not None for r in records):
        return None
    counted = [r for r in records if r.status != CANCELLED]
    done = [r for r in counted if r.status == DONE]
    if not counted:
        return Derived(CANCELLED, None, 0, 0)
    if len(done) == len(counted):
        last = max((r.done_on for r in done if r.done_on), default=None)
        return Derived(DONE, last, len(done), len(counted))
    statuses = {r.status for r in counted}
    if not statuses & {PLANNED, IN_PROGRESS}:
        status = NOT_DONE
    elif done or IN_PROGRESS in statuses:
        status = IN_PROGRESS
    else:
        status = PLANNED
    return Derived(status, None, len(done), len(counted))


def _schools_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "школы"  # «1 из 1 школы», «1 из 21 школы»
    return "школ"
