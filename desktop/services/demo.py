"""The demo file: the three real roadmaps shipped in resources/demo, dated around today.

The roadmaps (sections, measures, deadlines, responsible people, orders) are the labelled
readings of real district documents. Each is moved by whole years so that its period covers
today (every year written in it moves alike: period, order, deadlines, titles), so a newcomer
sees a current plan, not a past year where everything is red. Their tracking is made up but
plausible and repeatable: measures due before today are mostly done with evidence, a few were
not done, a few are late (overdue), some were cancelled; the rest are in progress or planned.
"""

from __future__ import annotations

import calendar
import json
import re
from copy import deepcopy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.services.operations import Actor, Operations, Tx
from desktop.services.writer import write_roadmap
from models.domain.deadlines import read_deadline
from models.domain.roles import IMPORT
from models.storage.database import create_database

DEMO_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "demo"
EVIDENCE = (
    "Протокол заседания рабочей группы № {n} от {d}",
    "Приказ Управления образования № {n} от {d}",
    "Аналитическая справка от {d}",
    "Информация размещена на сайте Управления образования {d}",
    "Отчёт школ получен {d}, сводная справка № {n}",
)


def demo_roadmaps(folder: Path = DEMO_FOLDER, today: date | None = None) -> list[dict[str, Any]]:
    """The shipped roadmaps, dated around ``today`` (the real today unless given), with tracking."""
    today = today or date.today()
    roadmaps: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        for roadmap in json.loads(path.read_text(encoding="utf-8"))["roadmaps"]:
            roadmaps.append(with_school_reports(with_tracking(dated_around(roadmap, today), today)))
    return roadmaps


# 2023, «2023-24» (the short year moves too), 2023–2024; an ISO date's month is not a short year
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?:([-–/])(\d\d)(?![-\d]))?(?!\d)")
_LEAP_DAY = re.compile(r"(\d{4})-02-29|29\.02\.(\d{4})")


def years_to_today(period: tuple[date, date], today: date) -> int:
    """The whole years that move ``period`` to the first one ending on or after ``today``
    (never back: a roadmap still ahead stays as written)."""
    start, end = period
    shift = max(0, today.year - end.year)
    while _moved(end, shift) < today:
        shift += 1
    while shift > 0 and _moved(end, shift - 1) >= today and _moved(start, shift - 1) <= today:
        shift -= 1
    return shift


def _moved(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def dated_around(roadmap: dict[str, Any], today: date) -> dict[str, Any]:
    """A copy of ``roadmap`` with every year written in it moved by the same whole years, so
    that its period covers ``today`` (or is the first to end after it)."""
    start, end = (date.fromisoformat(x) for x in roadmap["period"])
    shift = years_to_today((start, end), today)
    first, last = start.year - 2, end.year + 2  # years of the roadmap, not numbers that look like one

    def move(found: re.Match[str]) -> str:
        year = int(found.group(1))
        if not first <= year <= last:
            return found.group(0)
        text = str(year + shift)
        if found.group(2):  # "2023-24": the short second year moves too
            text += found.group(2) + f"{(int(found.group(3)) + shift) % 100:02d}"
        return text

    def leap_day(found: re.Match[str]) -> str:
        year = int(found.group(1) or found.group(2))
        if calendar.isleap(year):
            return found.group(0)
        return f"{year}-02-28" if found.group(1) else f"28.02.{year}"

    text = _YEAR.sub(move, json.dumps(roadmap, ensure_ascii=False))
    return dict(json.loads(_LEAP_DAY.sub(leap_day, text)))


def _measures(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(node.get("measures") or [])
    for section in node.get("sections") or []:
        out.extend(_measures(section))
    return out


def with_tracking(roadmap: dict[str, Any], today: date) -> dict[str, Any]:
    """A copy of ``roadmap`` whose measures carry status, date done and evidence as of ``today``:
    due before it mostly done, every 7th not done, every 11th still open (overdue)."""
    result = deepcopy(roadmap)
    start, end = (date.fromisoformat(x) for x in result["period"])
    cut = today - timedelta(days=1)
    for i, measure in enumerate(_measures(result), start=1):
        text = (measure.get("deadline") or {}).get("text", "")
        windows = read_deadline(text, (start, end)).windows
        finish = max((b for _, b in windows), default=None)
        if i % 17 == 9:
            measure.update(status="cancelled", note="Отменено: мероприятие перенесено в план следующего года")
        elif finish is None:
            measure["status"] = "in_progress" if i % 3 == 0 else "planned"
        elif finish <= cut and i % 11 == 5:
            measure["status"] = "in_progress"  # late: the window shows it overdue
        elif finish <= cut and i % 7 == 3:
            measure.update(status="not_done", note="Не выполнено: не сформирована группа участников")
        elif finish <= cut:
            done_on = min(finish, end) - timedelta(days=i % 5)
            note = EVIDENCE[i % len(EVIDENCE)].format(n=i + 2, d=done_on.strftime("%d.%m.%Y"))
            measure.update(status="done", done_on=done_on.isoformat(), note=note if i % 4 else "")
        else:
            measure["status"] = "in_progress" if i % 2 else "planned"
    return result


def with_school_reports(roadmap: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``roadmap`` where every third measure concerns its schools (the mentors left
    out) and the schools have reported as the measure's tracking says: a measure done was done by
    every school — but every fifth such one still waits for its last school; one in progress has
    its first schools done; one not done was not done by one school."""
    result = deepcopy(roadmap)
    schools = [str(s) for s in result.get("schools") or []][:5]
    if not schools:
        return result
    for i, measure in enumerate(_measures(result), start=1):
        if i % 3 != 1 or measure.get("schools"):
            continue
        measure["schools"] = schools
        status, done_on = measure.get("status"), measure.get("done_on")
        reports: list[dict[str, Any]] = []
        for n, school in enumerate(schools):
            day = (date.fromisoformat(done_on) - timedelta(days=n)).isoformat() if done_on else None
            if status == "done":
                waiting = i % 5 == 1 and n == len(schools) - 1
                reports.append(
                    {"school": school, "status": "in_progress"}
                    if waiting
                    else {
                        "school": school,
                        "status": "done",
                        "done_on": day,
                        "note": _school_note(day),
                    }
                )
            elif status == "in_progress" and n < len(schools) // 2:
                reports.append({"school": school, "status": "done", "note": "Протокол педсовета"})
            elif status == "not_done":
                reports.append({"school": school, "status": "not_done" if n == 0 else "done"})
        measure["execution"] = [{**r, "by": "демонстрация"} for r in reports]
    return result


def _school_note(day: str | None) -> str:
    return f"Справка школы от {date.fromisoformat(day):%d.%m.%Y}" if day else "Справка школы"


def create_demo(path: Path, today: date | None = None) -> int:
    """Create ``path`` (must not exist) with the demo roadmaps dated around ``today`` (the real
    today unless given); returns how many."""
    database = create_database(path)
    operations = Operations(database, Actor("демонстрация", ""))
    try:
        roadmaps = demo_roadmaps(today=today)
        for roadmap in roadmaps:
            write_roadmap(operations, roadmap)
        operations.transact(IMPORT, _attach_certificates)
    except BaseException:
        database.close()
        path.unlink(missing_ok=True)
        raise
    database.close()
    return len(roadmaps)


def _certificate(school: str, title: str, day: date | None) -> bytes:
    """A one-page «справка» a school would scan and send: the demo's evidence files."""
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from desktop.exports.pdf import SERIF, SERIF_BOLD, register_fonts

    register_fonts()
    out = BytesIO()
    page = Canvas(out, pagesize=A4, invariant=True)
    page.setFont(SERIF_BOLD, 14)
    page.drawCentredString(A4[0] / 2, A4[1] - 80, "СПРАВКА")
    page.setFont(SERIF, 12)
    lines = [school, "", "о выполнении мероприятия дорожной карты:", *_wrapped(title, 80), ""]
    lines.append(f"Мероприятие выполнено {day:%d.%m.%Y}." if day else "Мероприятие выполнено.")
    for number, line in enumerate(lines):
        page.drawString(70, A4[1] - 120 - 18 * number, line)
    page.drawString(70, 120, "Директор ____________________")
    page.save()
    return out.getvalue()


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width)[:6]


def _attach_certificates(tx: Tx) -> None:
    """Three schools' reports of the first roadmap come with a scanned «справка» (evidence
    files are shown in «Отчёты школ и файлы», «Отчёт» and the report exports)."""
    import hashlib

    from sqlalchemy import insert, select

    from models.entities import Attachment, Measure, School, SchoolExecution

    conn = tx.conn
    done = conn.execute(
        select(
            SchoolExecution.measure_id,
            SchoolExecution.school_id,
            SchoolExecution.done_on,
            School.name,
            Measure.title,
        )
        .join(School, School.id == SchoolExecution.school_id)
        .join(Measure, Measure.id == SchoolExecution.measure_id)
        .where(SchoolExecution.status == "done", Measure.roadmap_id == 1)
        .order_by(SchoolExecution.id)
        .limit(3)
    ).all()
    rows = []
    for measure_id, school_id, day, school, title in done:
        data = _certificate(school, title, day)
        rows.append(
            {
                "measure_id": measure_id,
                "school_id": school_id,
                "name": f"Справка о выполнении{f' от {day:%d.%m.%Y}' if day else ''}.pdf",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "added_at": None,
                "added_by": "демонстрация",
                "removed": False,
                "version": 1,
            }
        )
    if rows:
        conn.execute(insert(Attachment), rows)
