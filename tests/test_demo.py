"""The demo file: three real roadmaps with a plausible year of tracking."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from desktop.services.roadmap import Actor, RoadmapService
from models.storage.database import open_database


def test_demo_has_the_three_real_roadmaps_with_tracking(demo_db: Path) -> None:
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    summaries = service.list_roadmaps(today=date(2026, 11, 24))
    trees = [service.load(s.id) for s in summaries]
    assert [len(t.measures) for t in trees] == [37, 22, 11]
    assert [s.measures for s in summaries] == [35, 21, 10]  # the list does not count the cancelled
    statuses = Counter(m.status for t in trees for m in t.measures.values())
    assert statuses["done"] >= 10 and statuses["in_progress"] >= 3 and statuses["planned"] >= 3
    assert statuses["not_done"] >= 1 and statuses["cancelled"] >= 1
    assert sum(s.overdue for s in summaries) >= 5
    done = [m for t in trees for m in t.measures.values() if m.status == "done"]
    assert all(m.done_on is not None for m in done)
    assert sum(bool(m.note) for m in done) >= len(done) // 2
    mokshan = trees[0]
    assert mokshan.header.approval_kind == "stamp"
    assert mokshan.header.order is not None and mokshan.header.order.number == "49"
    # The document's own numbering survives: Roman subsections, measures 2.1–2.9 across them.
    section_two = mokshan.sections[mokshan.top[1][1]]
    assert [mokshan.sections[i].number for k, i in section_two.children if k == "section"] == [
        "I",
        "II",
        "III",
    ]
    numbers = [m.number for m in mokshan.measures_in_order()]
    assert numbers[:3] == ["1.1", "1.2", "1.3"] and "2.9" in numbers and numbers[-1] == "4.3"
    service.db.close()
