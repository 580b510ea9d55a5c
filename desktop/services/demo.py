"""The demo file: the three real roadmaps shipped in resources/demo, with a year of tracking.

The roadmaps (sections, measures, deadlines, responsible people, orders) are the labelled
readings of real district documents. Their tracking is made up but plausible and repeatable:
early measures are mostly done with evidence, a few were not done or cancelled, later ones are
in progress or planned — and, as their deadlines have passed, show up as overdue.
"""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.services.writer import write_roadmap
from models.domain.deadlines import read_deadline
from models.storage.database import create_database

DEMO_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "demo"
EVIDENCE = (
    "Протокол заседания рабочей группы № {n} от {d}",
    "Приказ Управления образования № {n} от {d}",
    "Аналитическая справка от {d}",
    "Информация размещена на сайте Управления образования {d}",
    "Отчёт школ получен {d}, сводная справка № {n}",
)


def demo_roadmaps(folder: Path = DEMO_FOLDER) -> list[dict[str, Any]]:
    """The shipped roadmaps with tracking added."""
    roadmaps: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        for roadmap in json.loads(path.read_text(encoding="utf-8"))["roadmaps"]:
            roadmaps.append(with_tracking(roadmap))
    return roadmaps


def _measures(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(node.get("measures") or [])
    for section in node.get("sections") or []:
        out.extend(_measures(section))
    return out


def with_tracking(roadmap: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``roadmap`` whose measures carry status, date done and evidence."""
    result = deepcopy(roadmap)
    start, end = (date.fromisoformat(x) for x in result["period"])
    cut = start + (end - start) * 3 // 5
    for i, measure in enumerate(_measures(result), start=1):
        text = (measure.get("deadline") or {}).get("text", "")
        windows = read_deadline(text, (start, end)).windows
        finish = max((b for _, b in windows), default=None)
        if i % 17 == 9:
            measure.update(status="cancelled", note="Отменено: мероприятие перенесено в план следующего года")
        elif finish is None:
            measure["status"] = "in_progress" if i % 3 == 0 else "planned"
        elif finish <= cut and i % 7 == 3:
            measure.update(status="not_done", note="Не выполнено: не сформирована группа участников")
        elif finish <= cut:
            done_on = min(finish, end) - timedelta(days=i % 5)
            note = EVIDENCE[i % len(EVIDENCE)].format(n=i + 2, d=done_on.strftime("%d.%m.%Y"))
            measure.update(status="done", done_on=done_on.isoformat(), note=note if i % 4 else "")
        else:
            measure["status"] = "in_progress" if i % 2 else "planned"
    return result


def create_demo(path: Path) -> int:
    """Create ``path`` (must not exist) with the demo roadmaps; returns how many."""
    database = create_database(path)
    try:
        roadmaps = demo_roadmaps()
        for roadmap in roadmaps:
            write_roadmap(database, roadmap)
    except BaseException:
        database.close()
        path.unlink(missing_ok=True)
        raise
    database.close()
    return len(roadmaps)
