"""The roadmap as a calendar file (RFC 5545) for Outlook, Thunderbird and Яндекс Календарь.

One all-day event per window of every measure ("ежемесячно" gives one a month). The icalendar
package does the escaping and line folding the standard asks for. UIDs are stable: the same measure
and window give the same UID in every export, so importing a newer file updates events instead of
doubling them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from desktop.exports.steps import Progress, Steps
from desktop.services.cell_text import cell_text
from desktop.services.dto import MeasureRow, RoadmapTree
from models.domain.fields import BY_NAME

PRODUCT = "-//Дорожные карты//RU"
UID_DOMAIN = "dorozhnye-karty.local"
STEP = 500
SUMMARY_LIMIT = 250  # longer titles are cut in the summary and given whole in the description


def measure_uid(tree: RoadmapTree, measure: MeasureRow, start: date, end: date) -> str:
    """Stable across exports; the roadmap's creation time tells it from roadmap N of another file,
    the window's both ends tell two windows of one measure apart."""
    header = tree.header
    born = f"-{header.created_at:%Y%m%d%H%M%S}" if header.created_at else ""
    return f"roadmap-{header.id}{born}-measure-{measure.id}-{start:%Y%m%d}-{end:%Y%m%d}@{UID_DOMAIN}"


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
) -> Iterator[Event]:
    """Every window of every measure as an event, in the roadmap's order."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    names = {school.id: school.name for school in tree.schools}
    measures = tree.measures_in_order()
    step = Steps(progress, cancel, "Запись календаря")
    for done, measure in enumerate(measures, start=1):
        if done % STEP == 0:
            step(done, len(measures))
        summary = " ".join(f"{measure.number} {measure.title}".split())
        description = _description(measure, names, len(summary) > SUMMARY_LIMIT)
        for start, end in tree.header.deadline(measure.deadline_text).windows:
            event = Event()
            event.add("uid", measure_uid(tree, measure, start, end))
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", end + timedelta(days=1))  # DTEND of an all-day event is exclusive
            event.add("summary", summary[:SUMMARY_LIMIT])
            event.add("description", description)
            event.add("transp", "TRANSPARENT")  # a measure's window does not make people busy
            yield event


def write_ics(
    tree: RoadmapTree,
    out: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
) -> int:
    """Write the calendar to ``out``, one event at a time (the file is what the library would make
    of the whole calendar, byte for byte, but 100,000 measures never sit in memory as objects);
    returns the number of events."""
    head, tail = _frame(tree)
    count = 0
    with open(out, "wb") as stream:
        stream.write(head)
        for event in events(tree, now, progress, cancel):
            stream.write(event.to_ical())
            count += 1
        stream.write(tail)
    return count
