"""The regional server, first figures (issue 18): on a real PostgreSQL started for the bench (the
tests' own server, tests/pg_server.py), districts of 5 roadmaps × 500 measures loaded; one
district's roadmap read as the window reads it, the region's summary (every district and school)
and a committed edit, each over loopback, medians — for 10 and for 50 districts, to see how they
grow; and a district's file (5 × 500) synced as that district's account: its first sync (the
roadmaps carried whole), then a day of work — 200 changes made in the file, and 200 made on the
server — each brought over by one ``sync``. Budgets: the summary ≤ 1 s, a roadmap ≤ 0.5 s, an
edit ≤ 10 ms, a sync of 200 changes ≤ 2 s. JSON goes to bench/results/server.json.

    python bench/bench_server.py [--districts 10,50] [--edits 200]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from synthetic import operations_of, roadmap_dict  # noqa: E402

BUDGETS = {
    "region_summary_s": 1.0,
    "district_roadmap_load_s": 0.5,
    "committed_edit_ms": 10.0,
    "sync_200_changes_s": 2.0,
}
ROADMAPS_PER_DISTRICT = 5
MEASURES = 500


def main() -> None:
    from sqlalchemy import update

    from desktop.services.region import region_summary
    from desktop.services.roadmap import Actor, RoadmapService
    from desktop.services.writer import write_roadmap
    from models.domain.roles import IMPORT
    from models.entities import Roadmap
    from models.storage.server import open_server
    from tests.pg_server import PgServer, binaries

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", default="10,50")
    parser.add_argument("--edits", type=int, default=200)
    options = parser.parse_args()
    found = binaries()
    if found is None:
        raise SystemExit("PostgreSQL не установлен: apt-get install postgresql")
    server = PgServer(found)
    server.start()
    results: dict[str, object] = {"budgets": BUDGETS, "measures_per_roadmap": MEASURES}
    try:
        url = server.new_database()
        from models.storage.server import make_server_engine
        from models.storage.server_security import setup_region

        admin = make_server_engine(url)  # the region's triggers (stamp, trail) from the first row on
        open_server(url).close()
        setup_region(admin)
        admin.dispose()
        template = roadmap_dict(MEASURES)
        loaded = 0
        for districts in sorted(int(n) for n in options.districts.split(",")):
            began = time.perf_counter()
            database = open_server(url)
            while loaded < districts * ROADMAPS_PER_DISTRICT:
                data = copy.deepcopy(template)
                district = f"Район {loaded // ROADMAPS_PER_DISTRICT + 1}"
                data["title"] = f"Дорожная карта: {district}, № {loaded + 1}"
                made = write_roadmap(operations_of(database), data)
                operations_of(database).transact(  # the administrator files it under its district
                    IMPORT,
                    lambda tx, made=made, district=district: tx.conn.execute(
                        update(Roadmap).where(Roadmap.id == made.roadmap_id).values(district=district)
                    ),
                )
                loaded += 1
            database.close()
            load_s = time.perf_counter() - began
            service = RoadmapService(open_server(url), Actor("bench", "bench"))
            summaries = []
            for _ in range(3):
                start = time.perf_counter()
                lines = region_summary(service.db)
                summaries.append(time.perf_counter() - start)
            assert sum(1 for line in lines if not line.school) >= districts
            ids = service.roadmap_ids()
            reads = []
            for roadmap in ids[-5:] * 3:
                start = time.perf_counter()
                tree = service.load(roadmap)
                reads.append(time.perf_counter() - start)
            rows = tree.measures_in_order()
            edits, bare = [], []
            for number in range(options.edits):
                row = rows[number % len(rows)]
                start = time.perf_counter()
                service.edit_measure(row.id, None, {"note": f"правка {number}"})
                edits.append(time.perf_counter() - start)
            triggers(url, "DISABLE")  # the same edits without the trail and the stamp: their cost
            for number in range(options.edits):
                row = rows[number % len(rows)]
                start = time.perf_counter()
                service.edit_measure(row.id, None, {"note": f"без журнала {number}"})
                bare.append(time.perf_counter() - start)
            triggers(url, "ENABLE")
            service.db.close()
            synced = sync_figures(url, server, districts, template, options.edits)
            figures = {
                "roadmaps": len(ids),
                "measures": len(ids) * MEASURES,
                "loading_s": round(load_s, 1),
                "region_summary_s": round(statistics.median(summaries), 3),
                "district_roadmap_load_s": round(statistics.median(reads), 3),
                "committed_edit_ms": round(statistics.median(edits) * 1000, 2),
                "committed_edit_without_triggers_ms": round(statistics.median(bare) * 1000, 2),
                **synced,
            }
            results[f"{districts}_districts"] = figures
            print(districts, json.dumps(figures, ensure_ascii=False), flush=True)
    finally:
        server.stop()
    out = HERE / "results" / "server.json"
    if out.exists():  # the figures before this run, kept beside the new ones
        before = json.loads(out.read_text(encoding="utf-8"))
        results["before"] = {k: v for k, v in before.items() if k.endswith("_districts")}
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("->", out)


def triggers(url: str, verb: str) -> None:
    """The server's own trail and change-log stamp on measures switched on or off (the bench's
    comparison only; a region's server always has them)."""
    from models.storage.server import make_server_engine

    engine = make_server_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER TABLE public.measures {verb} TRIGGER roadmap_trail")
        conn.exec_driver_sql(f"ALTER TABLE public.change_log {verb} TRIGGER roadmap_stamp")
    engine.dispose()


def sync_figures(url: str, server: object, districts: int, template: dict, changes: int) -> dict[str, float]:
    """A district's file synced as the district's own account: the first sync, then a day of work
    (``changes`` edits) made in the file and, apart, on the server, each brought over by one sync."""
    import tempfile

    from desktop.services.roadmap import Actor, RoadmapService
    from desktop.services.sync import sync
    from desktop.services.writer import write_roadmap
    from models.storage.database import create_database
    from models.storage.server import make_server_engine, open_server
    from models.storage.server_security import add_account, setup_region

    admin = make_server_engine(url)
    setup_region(admin)
    name = f"sync{districts}"
    add_account(admin, name, "bench-pass", f"Район синхронизации {districts}")
    add_account(admin, "ministry", "bench-pass", None)
    admin.dispose()
    from desktop.services.region import region_summary

    ministry = open_server(url.replace("postgresql://postgres@", "postgresql://ministry:bench-pass@", 1))
    summaries = []
    for _ in range(3):  # the region view as the ministry sees it: through every policy
        start = time.perf_counter()
        region_summary(ministry)
        summaries.append(time.perf_counter() - start)
    ministry.close()
    district_url = url.replace("postgresql://postgres@", f"postgresql://{name}:bench-pass@", 1)
    actor = Actor("bench", "bench")
    with tempfile.TemporaryDirectory() as folder:
        file = create_database(Path(folder) / "district.sqlite")
        for number in range(ROADMAPS_PER_DISTRICT):
            data = copy.deepcopy(template)
            data["title"] = f"Дорожная карта района, № {number + 1}"
            write_roadmap(operations_of(file), data)
        on_server = open_server(district_url)
        start = time.perf_counter()
        first = sync(file, on_server, actor)
        first_s = time.perf_counter() - start
        assert first.roadmaps_pushed == ROADMAPS_PER_DISTRICT, first
        own = RoadmapService(on_server, actor)  # the window of the district's account: through its policies
        loads = []
        for ident in own.roadmap_ids() * 3:
            start = time.perf_counter()
            own.load(ident)
            loads.append(time.perf_counter() - start)
        edits = []
        rows = own.load(own.roadmap_ids()[0]).measures_in_order()
        for number in range(100):  # a committed edit as the district's account: policies and triggers
            start = time.perf_counter()
            own.edit_measure(rows[number % len(rows)].id, None, {"note": f"район, правка {number}"})
            edits.append(time.perf_counter() - start)
        sync(file, on_server, actor)  # the file takes them before the day of work
        pushes, pulls = [], []
        for round_number in range(3):
            for where, timings in ((file, pushes), (on_server, pulls)):
                service = RoadmapService(where, actor)
                trees = [service.load(ident) for ident in service.roadmap_ids()]
                rows = [row for tree in trees for row in tree.measures_in_order()]
                for number in range(changes):
                    row = rows[(number * 7 + round_number) % len(rows)]
                    note = f"{where.location[:8]}: день {round_number}, правка {number}"
                    service.edit_measure(row.id, None, {"note": note})
                start = time.perf_counter()
                done = sync(file, on_server, actor)
                timings.append(time.perf_counter() - start)
                assert done.pushed + done.pulled == changes and not done.conflicts, done
        on_server.close()
        file.close()
    return {
        "district_roadmap_load_as_district_s": round(statistics.median(loads), 3),
        "region_summary_as_ministry_s": round(statistics.median(summaries), 3),
        "committed_edit_as_district_ms": round(statistics.median(edits) * 1000, 2),
        "sync_first_s": round(first_s, 2),
        # the slower direction is the figure held against the budget
        "sync_200_changes_s": round(max(statistics.median(pushes), statistics.median(pulls)), 3),
        "sync_push_200_s": round(statistics.median(pushes), 3),
        "sync_pull_200_s": round(statistics.median(pulls), 3),
    }


if __name__ == "__main__":
    main()
