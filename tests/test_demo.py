"""The demo file: three real roadmaps with a plausible year of tracking."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from pypdf import PdfReader

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
    # some schools' reports come with a scanned «справка», a real PDF naming the school
    files = [(m, e) for m in mokshan.measures_in_order() for e in m.evidence]
    assert len(files) == 3 and all(e.school_id in m.school_ids for m, e in files)
    data = service.db.path.read_bytes()
    assert data.count(b"%PDF-") >= 3
    copy = service.evidence_view_copy(files[0][1].id)
    school = next(s.name for s in mokshan.schools if s.id == files[0][1].school_id)
    assert school.split()[0] in "".join(p.extract_text() for p in PdfReader(copy).pages)
    service.db.close()


def test_the_demo_is_dated_around_the_day_it_is_made(tmp_path: Path) -> None:
    """A newcomer sees the current plan: each roadmap moved by whole years to cover today, with
    measures done, some late, some due within days and some ahead — not a past year all red."""
    from desktop.services.demo import create_demo
    from desktop.services.schedule import Schedule

    today = date(2026, 12, 4)
    path = tmp_path / "demo.sqlite"
    create_demo(path, today=today)
    service = RoadmapService(open_database(path), Actor("t", "t"))
    summaries = service.list_roadmaps(today=today)
    trees = [service.load(s.id) for s in summaries]
    for tree in trees:
        assert tree.header.period_start <= today <= tree.header.period_end, tree.header.title
    mokshan = trees[0]
    assert "2026" in mokshan.header.title or "2026" in str(mokshan.header.period_start)
    assert mokshan.header.order is not None and mokshan.header.order.date == date(2026, 2, 13)
    entries = [e for tree in trees for e in Schedule(tree, today).entries]
    assert sum(e.status == "done" for e in entries) >= 10
    overdue = sum(e.overdue for e in entries)
    assert 3 <= overdue <= len(entries) // 3  # some late, not everything red
    ahead = [e for e in entries if e.status in ("planned", "in_progress") and not e.overdue]
    assert len(ahead) >= 5
    assert all(m.done_on is None or m.done_on < today for t in trees for m in t.measures.values())
    service.db.close()


def test_every_year_of_a_roadmap_moves_alike() -> None:
    from desktop.services.demo import dated_around

    roadmap = {
        "title": "План на 2023-24 учебный год (2023–2024), приказ от 29.02.2024, № 2023-од",
        "period": ["2023-09-01", "2024-08-31"],
        "order": {"date": "2024-02-29", "number": "1999"},
    }
    moved = dated_around(roadmap, date(2026, 12, 4))
    assert moved["period"] == ["2026-09-01", "2027-08-31"]
    assert moved["title"].startswith("План на 2026-27 учебный год (2026–2027), приказ от 28.02.2027")
    assert moved["order"] == {"date": "2027-02-28", "number": "1999"}  # 29 February of a common year
