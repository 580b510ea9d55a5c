"""The roadmap as a calendar file (RFC 5545) for Outlook, Thunderbird and Яндекс Календарь.

One all-day event per window of every measure ("ежемесячно" gives one a month). The icalendar
package does the escaping and line folding the standard asks for. UIDs are stable: a measure's
n-th window has the same UID in every export, also after its deadline was edited, and SEQUENCE is
the measure's version, so importing a newer file moves the event instead of adding a second one.
Each event reminds (VALARM) a chosen number of days before its end, at 9 in the morning. A long
title is cut at a word with «…» in the event's name and given whole in its description.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from desktop.exports.steps import Progress, Steps
from desktop.services.cell_text import cell_text
from desktop.services.dto import MeasureRow, RoadmapTree
from models.domain.fields import BY_NAME

PRODUCT = "-//Дорожные карты//RU"
UID_DOMAIN = "dorozhnye-karty.local"
STEP = 500
SUMMARY_LIMIT = 120  # calendars show about this much; longer titles are cut at a word, given whole below
REMIND_DAYS = 3  # the reminder's default: three days before the window ends
REMIND_HOUR = 9  # on that day, at 9:00


def measure_uid(tree: RoadmapTree, measure: MeasureRow, window: int) -> str:
    """Stable across exports and edits of the deadline: the roadmap's creation time tells it from
    roadmap N of another file, ``window`` (1, 2, … in date order) two windows of one measure."""
    header = tree.header
    born = f"-{header.created_at:%Y%m%d%H%M%S}" if header.created_at else ""
    suffix = f"-{window}" if window > 1 else ""
    return f"roadmap-{header.id}{born}-measure-{measure.id}{suffix}@{UID_DOMAIN}"


def cut_at_word(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """``text`` as is when it fits ``limit``, else up to its last whole word within it and «…»."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:-–—") + "…"


def _alarm(summary: str, days: int) -> Alarm:
    """A reminder ``days`` before the event's last day, at REMIND_HOUR (relative to its end, which
    for an all-day event is midnight after that day)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -timedelta(days=days, hours=24 - REMIND_HOUR), parameters={"RELATED": "END"})
    return alarm


# What an event's description gives, in its order: field -> label. A field is labelled as a roadmap
# document heads its column, the title by the grid's shorter word (it is given only when too long
# for the event's summary).
DESCRIBED = {
    name: BY_NAME[name].document_header
    for name in ("title", "deadline", "form", "responsible", "result", "target_group", "schools", "status")
} | {"title": BY_NAME["title"].header}


def _description(measure: MeasureRow, names: dict[int, str], summary_cut: bool) -> str:
    parts = [
        (label, cell_text(measure, name, names, "; "))
        for name, label in DESCRIBED.items()
        if summary_cut or name != "title"
    ]  # the roadmap's title is the calendar's name: not repeated in every event
    return "\n".join(f"{label}: {value.strip()}" for label, value in parts if value.strip())


def _frame(tree: RoadmapTree) -> tuple[bytes, bytes]:
    """The calendar's own lines before its events, and its closing line."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", tree.header.title.strip() or "Дорожная карта")
    whole = calendar.to_ical()
    end = whole.rindex(b"END:VCALENDAR")
    return whole[:end], whole[end:]


def events(
    tree: RoadmapTree,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    remind_days: int | None = REMIND_DAYS,
) -> Iterator[Event]:
    """Every window of every measure as an event, in the roadmap's order; ``remind_days`` None or
    negative: no reminders."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    names = {school.id: school.name for school in tree.schools}
    measures = tree.measures_in_order()
    step = Steps(progress, cancel, "Запись календаря")
    for done, measure in enumerate(measures, start=1):
        if done % STEP == 0:
            step(done, len(measures))
        whole = " ".join(f"{measure.number} {measure.title}".split())
        summary = cut_at_word(whole)
        description = _description(measure, names, summary != whole)
        windows = tree.header.deadline(measure.deadline_text).windows
        for ordinal, (start, end) in enumerate(windows, start=1):
            event = Event()
            event.add("uid", measure_uid(tree, measure, ordinal))
            event.add("sequence", measure.version)  # an edited measure replaces its event
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", end + timedelta(days=1))  # DTEND of an all-day event is exclusive
            event.add("summary", summary)
            event.add("description", description)
            event.add("transp", "TRANSPARENT")  # a measure's window does not make people busy
            if remind_days is not None and remind_days >= 0:
                event.add_component(_alarm(summary, remind_days))
            yield event


def write_ics(
    tree: RoadmapTree,
    out: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
    remind_days: int | None = REMIND_DAYS,
) -> int:
    """Write the calendar to ``out``, one event at a time (the file is what the library would make
    of the whole calendar, byte for byte, but 100,000 measures never sit in memory as objects);
    returns the number of events."""
    head, tail = _frame(tree)
    count = 0
    with open(out, "wb") as stream:
        stream.write(head)
        for event in events(tree, now, progress, cancel, remind_days):
            stream.write(event.to_ical())
            count += 1
        stream.write(tail)
    return count
