"""The school calendar: quarters (четверти) and holidays (каникулы) of a school year, as the file's
settings keep them. Deadlines such as «в конце каждой четверти» are read against it.

Apart from the deadline reader so that loading a roadmap (which carries the file's calendar) does
not compile the reader's rules: exports of a plan never need them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Final

Window = tuple[date, date]


def safe_date(year: int, month: int, day: int) -> date:
    """The day, or the month's last day when it has fewer (31 April -> 30 April, 29 Feb -> 28)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


MonthDay = tuple[int, int]


@dataclass(frozen=True)
class SchoolCalendar:
    """School quarters (четверти) and holidays (каникулы) as (month, day) pairs of a school year
    that starts in September; the file's settings may replace the defaults below."""

    quarters: tuple[tuple[MonthDay, MonthDay], ...] = (
        ((9, 1), (10, 27)),
        ((11, 5), (12, 29)),
        ((1, 9), (3, 22)),
        ((4, 1), (5, 26)),
    )
    holidays: tuple[tuple[str, MonthDay, MonthDay], ...] = (
        ("осенние", (10, 28), (11, 4)),
        ("зимние", (12, 30), (1, 8)),
        ("весенние", (3, 23), (3, 31)),
        ("летние", (5, 27), (8, 31)),
    )

    @staticmethod
    def _spans(pairs: list[tuple[MonthDay, MonthDay]], start: date, end: date) -> list[Window]:
        out: list[Window] = []
        for school_year in range(start.year - 1, end.year + 1):
            for (m1, d1), (m2, d2) in pairs:
                y1 = school_year if m1 >= 9 else school_year + 1
                y2 = school_year if m2 >= 9 else school_year + 1
                out.append((safe_date(y1, m1, d1), safe_date(y2, m2, d2)))
        return out

    def quarter_windows(self, start: date, end: date) -> list[Window]:
        """Every school quarter of every school year that touches [start, end]."""
        return self._spans(list(self.quarters), start, end)

    def holiday_windows(self, start: date, end: date, stems: frozenset[str] | None = None) -> list[Window]:
        """The holidays (all, or those whose name begins with one of ``stems``: «осен» finds
        «осенние» and «осенние каникулы») of every school year that touches [start, end]."""
        chosen = [
            (a, b)
            for name, a, b in self.holidays
            if stems is None or any(name.lower().startswith(stem) for stem in stems)
        ]
        return self._spans(chosen, start, end)

    # ---- the file's settings ---------------------------------------------------------------
    def to_settings(self) -> dict[str, object]:
        return {
            "quarters": [[_month_day(a), _month_day(b)] for a, b in self.quarters],
            "holidays": [
                {"name": name, "from": _month_day(a), "to": _month_day(b)} for name, a, b in self.holidays
            ],
        }

    @classmethod
    def from_settings(cls, stored: object) -> SchoolCalendar:
        """The calendar a file stores; raises ValidationError with a Russian message if it is wrong."""
        from models.domain.errors import ValidationError

        if not isinstance(stored, dict):
            raise ValidationError("Учебный календарь в файле записан неверно.")
        try:
            quarters = tuple((_parse_month_day(a), _parse_month_day(b)) for a, b in stored["quarters"])
            holidays = tuple(
                (str(h["name"]).strip().lower(), _parse_month_day(h["from"]), _parse_month_day(h["to"]))
                for h in stored.get("holidays", [])
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(f"Учебный календарь в файле записан неверно: {error}.") from error
        calendar_ = cls(quarters, holidays)
        calendar_.check()
        return calendar_

    def check(self) -> None:
        """Four quarters in order through the school year; holidays named and not empty."""
        from models.domain.errors import ValidationError

        if len(self.quarters) != 4:
            raise ValidationError("В учебном году должно быть четыре четверти.")
        days = [(_school_day(a), _school_day(b)) for a, b in self.quarters]
        for number, (first, last) in enumerate(days, start=1):
            if first > last:
                raise ValidationError(f"{number}-я четверть кончается раньше, чем начинается.")
            if number > 1 and first <= days[number - 2][1]:
                raise ValidationError(f"{number}-я четверть начинается до конца {number - 1}-й.")
        for name, a, b in self.holidays:
            if not name:
                raise ValidationError("У каникул должно быть название (например, «осенние»).")
            if _school_day(a) > _school_day(b):
                raise ValidationError(f"Каникулы «{name}» кончаются раньше, чем начинаются.")


def _month_day(value: MonthDay) -> str:
    return f"{value[1]:02d}.{value[0]:02d}"


def _parse_month_day(text: object) -> MonthDay:
    """«28.10» -> (10, 28); the day must exist in some year (29.02 does)."""
    day, month = (int(part) for part in str(text).strip().split("."))
    date(2000, month, day)  # raises ValueError for 31.04 and the like
    return month, day


def _school_day(value: MonthDay) -> int:
    """Days from 1 September, so that a school year's dates compare in order."""
    month, day = value
    year = 2000 if month >= 9 else 2001
    return (date(year, month, min(day, 28 if month == 2 else day)) - date(2000, 9, 1)).days


DEFAULT_CALENDAR: Final = SchoolCalendar()
