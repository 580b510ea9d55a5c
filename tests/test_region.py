"""The region's summary: per district and per school, the same figures as the roadmap list and
«Отчёт» (one computation), from a file and from the server as each account may see it, and its
Excel workbook read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.schedule import Schedule
from models.storage.database import open_database
from tests.conftest import DEMO_TODAY, cli_json
from tests.test_server_security import region  # noqa: F401  # the fixture: two districts and the ministry


def test_the_region_of_a_file_counts_as_the_roadmap_list_and_the_report(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "Регион.xlsx"
    today = DEMO_TODAY.isoformat()
    answer = cli_json("region", "--db", str(demo_db), "--today", today, "--xlsx", str(out))
    (district,) = answer["districts"]
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    try:
        listed = service.list_roadmaps(today=DEMO_TODAY)
        assert district["roadmaps"] == len(listed)
        assert district["measures"] == sum(r.measures for r in listed)
        assert district["done"] == sum(r.done for r in listed)
        assert district["overdue"] == sum(r.overdue for r in listed)
        expected: dict[str, list[int]] = {}  # school -> measures, done, overdue, by «Отчёт» per roadmap
        for summary in listed:
            for progress in Schedule(service.load(summary.id), DEMO_TODAY).by_school():
                if progress.total:
                    sums = expected.setdefault(progress.label, [0, 0, 0])
                    sums[0] += progress.total
                    sums[1] += progress.done
                    sums[2] += progress.overdue
    finally:
        service.db.close()
    got = {s["school"]: [s["measures"], s["done"], s["overdue"]] for s in district["schools"]}
    assert got == expected and got
    sheet = load_workbook(out)["Регион"]
    assert sheet["A1"].value.endswith(f"на {DEMO_TODAY:%d.%m.%Y}")
    row = [c.value for c in sheet[4]]
    assert (
        row[0] == district["district"] and row[1] == district["roadmaps"] and row[2] == district["measures"]
    )
    assert sheet[4][0].font.bold and sheet.max_row == 4 + len(district["schools"])
    # printed as the ministry reads it: landscape, one page wide, the heads on every page
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"


def test_the_server_region_shows_each_account_what_it_may_see(region: dict[str, str]) -> None:  # noqa: F811
    today = date(2025, 3, 1).isoformat()
    everything = cli_json("region", "--db", region["ministry"], "--today", today)
    assert [d["district"] for d in everything["districts"]] == ["Кусинский район", "Мокшанский район"]
    own = cli_json("region", "--db", region["mokshan"], "--today", today)
    assert [d["district"] for d in own["districts"]] == ["Мокшанский район"]
    assert own["districts"][0] == everything["districts"][1]  # the same figures, seen by both
    assert all(d["measures"] > 0 for d in everything["districts"])
