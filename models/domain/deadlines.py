"""The deadline reader: free Russian "Сроки" text -> kind and calendar windows.

A pure function (no I/O), following DOMAIN.md. The text is read as a small grammar rather than
a list of phrases:

1. The text is normalised (case, ё, dashes, spaces) and cut into tokens: full dates (25.01.2023),
   day numbers, month names in any case form or abbreviation, quarters and halves (Roman, Arabic
   or in words), years (2023, "2023 г.", "2023-2024 учебный год"), range connectors ("-", "по",
   "до" after "с") and deadline prefixes ("до", "к", "не позднее").
2. Tokens are grouped into dated items: a point (day, month, quarter, half, year) or a range of
   two points. A year-less item takes the year of the nearest later item that has one ("Февраль –
   Май, август – декабрь 2024 год"); with none, its first occurrence on or after the period's
   start. A range whose start lacks a year starts in the same year as its end, or the year before
   when the months wrap ("ноябрь – январь 2024").
3. The kind is decided by markers: recurring words (ежегодно, ежемесячно, ежеквартально, каждой
   четверти…) expand the months named (or the frequency) over the period; dated items make the
   deadline ``fixed``; otherwise continuous, per_plan, on_request and after_event phrases; else
   ``unknown``.

Judgement calls: a phrase with explicit dates is ``fixed`` even when it also says "по плану"
(the dates are what a calendar needs); "по итогам I полугодия" is ``after_event`` (the half names
the event, not the window) unless a month or day is also named; "ежедневно"/"еженедельно" are
recurring with the whole period as one window; "до <месяц>" and "к <месяцу>" are the first day of
that month. Explicit dates are never clipped; a window outside the period gives a warning.
Recurring and continuous windows are clipped to the period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from models.domain.school_calendar import (  # noqa: F401 - names this module has always offered
    DEFAULT_CALENDAR,
    MonthDay,
    SchoolCalendar,
    Window,
)
from models.domain.school_calendar import (
    safe_date as _safe_date,
)

KINDS: Final = ("fixed", "recurring", "continuous", "on_request", "per_plan", "after_event", "unknown")
MAX_TEXT: Final = 2000  # longer cells are read only this far: bounded work for any input


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str
    windows: tuple[Window, ...] = ()
    warnings: tuple[str, ...] = field(default=())


# ---- normalisation and tokens -------------------------------------------------------------------
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‑": "-", "‒": "-", "ё": "е", "\u00a0": " "})
MONTHS: Final = {
    "январ": 1,
    "янв": 1,
    "феврал": 2,
    "февр": 2,
    "фев": 2,
    "март": 3,
    "мар": 3,
    "апрел": 4,
    "апр": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "авг": 8,
    "сентябр": 9,
    "сент": 9,
    "сен": 9,
    "октябр": 10,
    "окт": 10,
    "ноябр": 11,
    "нояб": 11,
    "ноя": 11,
    "декабр": 12,
    "дек": 12,
}
_MONTH_RE = (
    r"(?:январ[ьяею]|янв\.?|феврал[ьяею]|февр?\.?|март[аеу]?|мар\.?|апрел[ьяею]|апр\.?|ма[йяею]|"
    r"июн[ьяею]|июн\.?|июл[ьяею]|июл\.?|август[аеу]?|авг\.?|сентябр[ьяею]|сент?\.?|октябр[ьяею]|окт\.?|"
    r"ноябр[ьяею]|нояб?\.?|декабр[ьяею]|дек\.?)"
)
_ORDINALS = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_TOKEN = re.compile(
    r"""
    (?P<date>(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?!\d))
  | (?P<dm>(?<![\d.])(?P<dd>\d{1,2})\.(?P<mm>\d{2})(?![\d.]))
  | (?P<schoolyear>(?<!\d)(?P<sy1>(?:19|20)\d\d)\s*[-/]\s*(?P<sy2>(?:19|20)\d\d)
        \s*(?:уч\.?|учебн\w*)\s*(?:г\.?|год\w*)?)
  | (?P<years>(?<!\d)(?P<ya>(?:19|20)\d\d)\s*[-/]\s*(?P<yb>(?:19|20)\d\d)(?!\d)
        \s*(?:г\.?\s*г\.?|гг\.?|годы|годов|годах|год\w*)?)
  | (?P<quarter>(?P<qn>iv|i{1,3}|[1-4]|перв\w*|втор\w*|трет\w*|четверт\w*)
        \s*(?:-?(?:й|ый|ой|ий|го|м|ом))?\s*квартал\w*)
  | (?P<squarter>(?P<sqn>iv|i{1,3}|[1-4]|перв\w*|втор\w*|трет\w*|четверт\w*)
        \s*(?:-?(?:я|ая|ой|й))?\s*четверт\w*)
  | (?P<half>(?P<hn>i{1,2}|[12]|перв\w*|втор\w*)\s*(?:-?(?:е|ое|ом|го|м|й))?\s*полугоди\w*)
  | (?P<month>(?<![а-я])"""
    + _MONTH_RE
    + r"""(?![а-я]))
  | (?P<year>(?<![\w-])(?P<yv>(?:19|20)\d\d)(?!\d)(?P<ysuf>\s*(?:г\.?|год\w*))?)
  | (?P<num>(?<![\d.])\d{1,2}(?![\d.]))
  | (?P<conn>-|(?<![а-я])по(?![а-я]))
  | (?P<prefix>(?<![а-я])(?:до|к|ко|не\s+позднее|не\s+позже)(?![а-я]))
  | (?P<since>(?<![а-я])с(?![а-я]))
  | (?P<edge>(?<![а-я])(?:начал[оеаи]|середин[аеуы]|конц[еау]|конец|окончани[ея])(?![а-я]))
    """,
    re.VERBOSE,
)

# ---- kind markers --------------------------------------------------------------------------------
_RECURRING = re.compile(
    r"ежегодн|ежемесячн|ежекварт|ежеполугод|ежедневн|еженедел|ежечетверт|"
    r"кажд\w*\s+(?:год|месяц|квартал|полугоди|четверт|недел|учебн)|"
    r"раз\w*\s+в\s+(?:год|месяц|квартал|полугоди|четверт|недел)|"
    r"по\s+четвертям|по\s+полугодиям|по\s+месяцам|по\s+кварталам"
)
_CONTINUOUS = re.compile(
    r"в\s+течени[еи]\s+(?:всего\s+)?(?:учебного\s+|календарного\s+|текущего\s+)?(?:года|периода|срока)|"
    r"постоянн|весь\s+(?:учебный\s+)?(?:год|период)|на\s+протяжении|систематическ|регулярн|"
    r"круглогодичн|в\s+течени[еи]\s+реализации|в\s+период\s+реализации|весь\s+срок|непрерывн"
)
_ON_REQUEST = re.compile(
    r"по\s+запрос|по\s+мере\s+(?:необходимост|потребност)|по\s+заявк|при\s+необходимост|по\s+требовани|"
    r"по\s+обращени|по\s+потребност|при\s+поступлении\s+запрос|по\s+необходимост"
)
_PER_PLAN = re.compile(
    r"по\s+(?:отдельному\s+|утвержденному\s+|единому\s+)?(?:графику|плану|расписанию)|"
    r"(?:в\s+соответствии|согласно)\s+(?:с\s+)?(?:\w+\s+){0,3}?(?:план|график|расписани|приказ|положени|"
    r"календар|дорожн|программ|срок)|"
    r"в\s+(?:установленные|определенные)\s+сроки|в\s+сроки,?\s+(?:установлен|определ|утвержд)|"
    r"по\s+плану|по\s+графику|по\s+срокам"
)
_AFTER_EVENT = re.compile(
    r"по\s+(?:итогам|результатам|окончании|завершении|факту|мере\s+поступления|мере\s+выявлени)|"
    r"после\s+|по\s+мере\s+(?:проведени|получени)|в\s+течение\s+\d+\s+\w*\s*(?:дн|недел|месяц)\w*\s+(?:после|с\s+момента)"
)
_AFTER_EVENT_START = re.compile(r"^\W*(?:по\s+(?:итогам|результатам|окончании|завершении)|после\s)")
_FREQ_MONTH = re.compile(r"ежемесячн|кажд\w*\s+месяц|раз\w*\s+в\s+месяц|по\s+месяцам")
_FREQ_QUARTER = re.compile(r"ежекварт|кажд\w*\s+квартал|раз\w*\s+в\s+квартал|по\s+кварталам")
_FREQ_HALF = re.compile(r"ежеполугод|кажд\w*\s+полугоди|раз\w*\s+в\s+полугоди|по\s+полугодиям")
_HOLIDAY = re.compile(r"каникул")
_AFTER_HOLIDAY = re.compile(r"(?:после|по\s+окончании|по\s+завершении|по\s+итогам)\s+(?:\w+\s+)?каникул")
_HOLIDAY_STEMS = ("осен", "зимн", "весен", "летн")  # осенние, зимние, весенние, летние каникулы
_FREQ_SCHOOL_Q = re.compile(r"ежечетверт|четверт")
_QUARTER_END = re.compile(r"(?:конц\w*|окончани\w*|итог\w*)\s+(?:\w+\s+)?четверт")


@dataclass
class _Point:
    """A dated thing with a possibly missing year; ``unit`` says how wide it is."""

    unit: str  # "day", "month", "quarter", "half", "year", "span"; "span" also for a school quarter
    month: int = 1
    day: int = 1
    number: int = 0  # quarter or half number
    year: int | None = None
    explicit_year: bool = False
    end_year: int | None = None  # for "span" (years or a school year)
    end_month: int = 12
    end_day: int = 31
    edge: str = ""  # "начало", "середина", "конец" of a month


@dataclass
class _Item:
    start: _Point
    end: _Point | None = None
    deadline: bool = False  # "до …": a single day


def _month_number(word: str) -> int | None:
    word = word.rstrip(".")
    for stem in sorted(MONTHS, key=len, reverse=True):
        if word.startswith(stem):
            return MONTHS[stem]
    return None


def _ordinal(text: str) -> int:
    if text in _ROMAN:
        return _ROMAN[text]
    if text.isdigit():
        return int(text)
    for stem, value in _ORDINALS.items():
        if text.startswith(stem):
            return value
    return 0


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _group_kind(match: re.Match[str]) -> str:
    """The token's kind: its outermost named group, which closes last."""
    return match.lastgroup or ""


def _point(kind: str, match: re.Match[str], school: SchoolCalendar) -> _Point | None:
    """The point a single token stands for, or None."""
    if kind == "date":
        month, day = int(match["m"]), int(match["d"])
        year = _year(match["y"])
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            return None
        return _Point("day", month, day, year=year, explicit_year=True)
    if kind == "dm":
        month, day = int(match["mm"]), int(match["dd"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _Point("day", month, day)
    if kind == "schoolyear":
        first, second = int(match["sy1"]), int(match["sy2"])
        if second < first:
            return None
        return _Point("span", 9, 1, year=first, explicit_year=True, end_year=second, end_month=8, end_day=31)
    if kind == "years":
        first, second = int(match["ya"]), int(match["yb"])
        if second < first or second - first > 20:
            return None
        return _Point("span", 1, 1, year=first, explicit_year=True, end_year=second)
    if kind == "quarter":
        number = _ordinal(match["qn"])
        return _Point("quarter", number=number) if 1 <= number <= 4 else None
    if kind == "squarter":
        number = _ordinal(match["sqn"])
        if not 1 <= number <= len(school.quarters):
            return None
        (m1, d1), (m2, d2) = school.quarters[number - 1]
        return _Point("squarter", m1, d1, number=number, end_month=m2, end_day=d2)
    if kind == "half":
        number = _ordinal(match["hn"])
        return _Point("half", number=number) if 1 <= number <= 2 else None
    if kind == "month":
        named = _month_number(match.group(0))
        return _Point("month", named) if named else None
    return None


def _items(text: str, school: SchoolCalendar) -> list[_Item]:
    """Dated items in reading order."""
    tokens = [(_group_kind(m), m) for m in _TOKEN.finditer(text)]
    items: list[_Item] = []
    pending_prefix = False
    pending_since = False
    pending_edge = ""
    i = 0
    last_item_open: _Item | None = None  # an item that may take the next year token
    while i < len(tokens):
        kind, match = tokens[i]
        if kind == "prefix":
            word = match.group(0)
            if pending_since and word.startswith("до") and items:
                # "с сентября до декабря": a range connector, not a deadline.
                kind = "conn"
            else:
                pending_prefix = True
                i += 1
                continue
        if kind == "since":
            pending_since = True
            i += 1
            continue
        if kind == "edge":
            pending_edge = match.group(0)
            i += 1
            continue
        if kind == "year":
            year = int(match["yv"])
            if last_item_open is not None:
                _give_year(last_item_open, year)
                last_item_open = None
            elif match["ysuf"]:
                items.append(_Item(_Point("year", year=year, explicit_year=True), deadline=pending_prefix))
                pending_prefix = False
            i += 1
            continue
        if kind == "conn":
            if items and i + 1 < len(tokens):
                end, used = _read_point(tokens, i + 1, school)
                if end is not None and items[-1].end is None and not items[-1].deadline:
                    items[-1].end = end
                    last_item_open = items[-1]
                    i += 1 + used
                    continue
            i += 1
            continue
        point, used = _read_point(tokens, i, school)
        if point is None:
            # "с 1 по 15 марта": numbers joined by a connector before a month.
            day_range = _day_range(tokens, i)
            if day_range is not None:
                item, used = day_range
                items.append(item)
                last_item_open = item if not item.start.explicit_year else None
                i += used
                continue
            i += 1
            continue
        if pending_edge and point.unit == "month":
            point.edge = pending_edge
        pending_edge = ""
        item = _Item(point, deadline=pending_prefix)
        pending_prefix = False
        items.append(item)
        last_item_open = None if point.explicit_year else item
        i += used
    return items


def _read_point(
    tokens: list[tuple[str, re.Match[str]]], i: int, school: SchoolCalendar
) -> tuple[_Point | None, int]:
    """A point starting at token i: "15 марта", "март", "I квартал"…; returns (point, tokens used)."""
    kind, match = tokens[i]
    if kind == "num" and i + 1 < len(tokens) and tokens[i + 1][0] == "month":
        month = _month_number(tokens[i + 1][1].group(0))
        day = int(match.group(0))
        if month and 1 <= day <= 31:
            return _Point("day", month, day), 2
        return None, 1
    point = _point(kind, match, school)
    return (point, 1) if point is not None else (None, 1)


def _day_range(tokens: list[tuple[str, re.Match[str]]], i: int) -> tuple[_Item, int] | None:
    """NUM conn NUM MONTH ("с 1 по 15 марта"): days of one month."""
    kinds = [kind for kind, _ in tokens[i : i + 4]]
    if kinds != ["num", "conn", "num", "month"]:
        return None
    month = _month_number(tokens[i + 3][1].group(0))
    first, last = int(tokens[i][1].group(0)), int(tokens[i + 2][1].group(0))
    if month and 1 <= first <= last <= 31:
        return _Item(_Point("day", month, first), _Point("day", month, last)), 4
    return None


def _give_year(item: _Item, year: int) -> None:
    """A year written after an item belongs to its last point (and to its start if it has none)."""
    target = item.end if item.end is not None else item.start
    target.year, target.explicit_year = year, True


# ---- turning items into windows ------------------------------------------------------------------
def _first_on_or_after(point: _Point, anchor: date) -> int:
    """The year in which ``point`` first begins on or after ``anchor``."""
    year = anchor.year
    if _point_window(point, year)[1] < anchor:
        year += 1
    return year


def _point_window(point: _Point, year: int) -> Window:
    unit = point.unit
    if unit == "day":
        day = _safe_date(year, point.month, point.day)
        return day, day
    if unit == "month":
        last = calendar.monthrange(year, point.month)[1]
        if point.edge.startswith("начал"):
            return date(year, point.month, 1), date(year, point.month, 10)
        if point.edge.startswith("середин"):
            return date(year, point.month, 11), date(year, point.month, 20)
        if point.edge.startswith(("конц", "конец", "окончани")):
            return date(year, point.month, 21), date(year, point.month, last)
        return date(year, point.month, 1), date(year, point.month, last)
    if unit == "quarter":
        first = 3 * point.number - 2
        return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    if unit == "half":
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if point.number == 1
            else (date(year, 7, 1), date(year, 12, 31))
        )
    if unit == "squarter":  # ``year`` is the year the school quarter starts in
        end_year = year if point.end_month >= point.month else year + 1
        return _safe_date(year, point.month, point.day), _safe_date(end_year, point.end_month, point.end_day)
    if unit == "span":
        end_year = point.end_year or year
        return date(year, point.month, point.day), _safe_date(end_year, point.end_month, point.end_day)
    return date(year, 1, 1), date(year, 12, 31)


def _resolve_years(items: list[_Item], period: tuple[date, date]) -> list[Window]:
    """Give every item its years (trailing-year rule, else the period) and make its window."""
    next_year: int | None = None
    for item in reversed(items):
        points = [item.start] + ([item.end] if item.end else [])
        if (
            item.end is not None
            and item.end.year is None
            and next_year is not None
            and item.start.year is None
        ):
            item.end.year = next_year
        elif item.end is None and item.start.year is None and next_year is not None:
            item.start.year = next_year
        if item.end is not None and item.end.year is not None and item.start.year is None:
            item.start.year = _start_year_before(item.start, item.end)
        if item.end is not None and item.start.year is not None and item.end.year is None:
            item.end.year = _end_year_after(item.start, item.end)
        known = [p.year for p in points if p.year is not None]
        if known:
            next_year = min(known)
    windows: list[Window] = []
    for item in items:
        start = item.start
        if start.year is None:
            start.year = _first_on_or_after(start, period[0])
            if item.end is not None:
                item.end.year = _end_year_after(start, item.end)
        first = _point_window(start, start.year)
        if item.end is not None and item.end.year is not None:
            last = _point_window(item.end, item.end.year)
            if last[1] < first[0] and not item.end.explicit_year:
                last = _point_window(item.end, item.end.year + 1)
            if last[1] < first[0]:  # a backwards range as written: keep both ends, never drop one
                windows += [first, last]
                continue
            window = (first[0], last[1])
        elif item.deadline and start.unit != "day":
            window = (first[0], first[0])
        else:
            window = first
        windows.append(window)
    return windows


def _start_year_before(start: _Point, end: _Point) -> int:
    assert end.year is not None
    same = _point_window(start, end.year)[0]
    return end.year if same <= _point_window(end, end.year)[1] else end.year - 1


def _end_year_after(start: _Point, end: _Point) -> int:
    assert start.year is not None
    begin = _point_window(start, start.year)[0]
    return start.year if _point_window(end, start.year)[1] >= begin else start.year + 1


# ---- recurring ---------------------------------------------------------------------------------
def _clip(windows: list[Window], period: tuple[date, date]) -> list[Window]:
    out = []
    for a, b in windows:
        a, b = max(a, period[0]), min(b, period[1])
        if a <= b:
            out.append((a, b))
    return out


def _every(unit_months: int, period: tuple[date, date]) -> list[Window]:
    """Calendar months / quarters / halves / years (unit in months) clipped to the period."""
    start, end = period
    month_index = start.year * 12 + (start.month - 1)
    month_index -= month_index % unit_months if unit_months in (3, 6, 12) else 0
    out: list[Window] = []
    while True:
        year, month = divmod(month_index, 12)
        first = date(year, month + 1, 1)
        if first > end:
            break
        last_index = month_index + unit_months - 1
        last_year, last_month = divmod(last_index, 12)
        last = date(last_year, last_month + 1, calendar.monthrange(last_year, last_month + 1)[1])
        out.append((first, last))
        month_index += unit_months
    return _clip(out, period)


def _recurring(
    text: str, items: list[_Item], period: tuple[date, date], school: SchoolCalendar
) -> list[Window]:
    # The months named recur every year; a year written beside them only says where it starts.
    yearless = [item for item in items if item.start.unit in ("day", "month", "quarter", "half", "squarter")]
    if yearless:
        out: list[Window] = []
        for year in range(period[0].year - 1, period[1].year + 1):
            for item in yearless:
                first = _point_window(item.start, year)
                if item.end is not None:
                    last = _point_window(item.end, year)
                    if last[1] < first[0]:
                        last = _point_window(item.end, year + 1)
                    out.append((first[0], max(first[1], last[1])))
                else:
                    out.append(first)
        return _clip(out, period)
    if _QUARTER_END.search(text):
        return _clip([(max(a, b - timedelta(days=6)), b) for a, b in school.quarter_windows(*period)], period)
    if _FREQ_MONTH.search(text):
        return _every(1, period)
    if _FREQ_QUARTER.search(text):
        return _every(3, period)
    if _FREQ_HALF.search(text):
        return _every(6, period)
    if _FREQ_SCHOOL_Q.search(text):
        return _clip(school.quarter_windows(*period), period)
    if re.search(r"ежегодн|кажд\w*\s+(?:учебн\w+\s+)?год|раз\w*\s+в\s+год", text):
        return _every(12, period)
    return [period]  # daily or weekly: the whole period, as one window


# ---- the reader ----------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    text = text[:MAX_TEXT].lower().translate(_DASHES).replace("\x00", " ")
    return re.sub(r"\s+", " ", text).strip()


def _sorted_unique(windows: list[Window]) -> tuple[Window, ...]:
    return tuple(sorted(set(windows)))


def _outside_warnings(windows: tuple[Window, ...], period: tuple[date, date]) -> tuple[str, ...]:
    start, end = period
    out = []
    for a, b in windows:
        if a < start or b > end:
            when = f"{a:%d.%m.%Y}" if a == b else f"{a:%d.%m.%Y}–{b:%d.%m.%Y}"
            out.append(f"Срок {when} выходит за период дорожной карты ({start:%d.%m.%Y}–{end:%d.%m.%Y}).")
    return tuple(out)


def _holiday_windows(
    text: str, items: list[_Item], period: tuple[date, date], school: SchoolCalendar
) -> list[Window]:
    """The holidays named (or all), within the years or school years the text names, if any."""
    stems = frozenset(stem for stem in _HOLIDAY_STEMS if re.search(rf"\b{stem}", text))
    windows = school.holiday_windows(*period, stems or None)
    try:
        limits = _resolve_years(items, period) if items else []
    except (ValueError, OverflowError):
        limits = []
    if limits:  # «летние каникулы 2024 г.»: the summer of 2024 only
        windows = [(a, b) for a, b in windows if any(a <= last and b >= first for first, last in limits)]
    return _clip(windows, period)


def read_deadline(
    text: str, period: tuple[date, date], calendar_: SchoolCalendar = DEFAULT_CALENDAR
) -> Deadline:
    """Read one deadline phrase against the roadmap's period. Never raises on any text."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _read_cached(text, period[0], period[1], calendar_)


@lru_cache(maxsize=8192)
def _read_cached(text: str, start: date, end: date, school: SchoolCalendar) -> Deadline:
    period = (start, end) if start <= end else (end, start)
    norm = _normalise(text)
    if not norm:
        return Deadline(text, "unknown")
    try:
        items = _items(norm, school)
    except (ValueError, OverflowError):  # an impossible date in odd text: read no dates
        items = []
    has_day_or_month = any(i.start.unit in ("day", "month") for i in items)
    if _HOLIDAY.search(norm) and not has_day_or_month and not _AFTER_HOLIDAY.search(norm):
        holidays = _holiday_windows(norm, items, period, school)  # «в период осенних каникул»
        if holidays:
            return Deadline(text, "recurring", _sorted_unique(holidays))
    if _RECURRING.search(norm):
        return Deadline(text, "recurring", _sorted_unique(_recurring(norm, items, period, school)))
    if items and not (_AFTER_EVENT_START.search(norm) and not has_day_or_month):
        try:
            windows = _sorted_unique(_resolve_years(items, period))
        except (ValueError, OverflowError):
            windows = ()
        if windows:
            return Deadline(text, "fixed", windows, _outside_warnings(windows, period))
    if _CONTINUOUS.search(norm):
        return Deadline(text, "continuous", (period,))
    if _PER_PLAN.search(norm):
        return Deadline(text, "per_plan")
    if _ON_REQUEST.search(norm):
        return Deadline(text, "on_request")
    if _AFTER_EVENT.search(norm):
        return Deadline(text, "after_event")
    return Deadline(text, "unknown")


# ---- comparing windows -------------------------------------------------------------------------
def merge_windows(windows: tuple[Window, ...] | list[Window]) -> tuple[Window, ...]:
    """Windows sorted, with those that touch or overlap merged into one."""
    merged: list[Window] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def windows_equal(a: tuple[Window, ...] | list[Window], b: tuple[Window, ...] | list[Window]) -> bool:
    """DOMAIN.md: equal when identical, or equal after merging windows that touch or overlap."""
    return tuple(a) == tuple(b) or merge_windows(a) == merge_windows(b)
