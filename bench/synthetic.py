"""Synthetic roadmaps for benchmarks: the content of make_docs.py (copied from the shared
benchmark kit) as a roadmap dict, written straight into a file with the project's writer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from make_docs import ORDER, build_content


def roadmap_dict(n: int) -> dict[str, Any]:
    """N measures in ~N/15 sections, as make_docs.py lays them out."""
    sections = []
    for title, rows in build_content(n):
        number, _, name = title.partition(". ")
        sections.append(
            {
                "number": number,
                "title": name,
                "sections": [],
                "measures": [
                    {
                        "number": num,
                        "title": t,
                        "form": form,
                        "deadline": {"text": deadline},
                        "responsible": resp,
                        "result": result,
                    }
                    for num, t, form, deadline, resp, result in rows
                ],
            }
        )
    return {
        "title": ORDER["title"],
        "organization": " ".join(ORDER["org"]),
        "period": ["2023-01-01", "2024-12-31"],
        "order": {
            "number": "47-од",
            "date": "2023-02-15",
            "place": ORDER["place"],
            "signer": ORDER["sign_name"],
            "signer_position": ORDER["sign_pos"],
        },
        "sections": sections,
        "measures": [],
    }


def operations_of(database: Any) -> Any:
    """The benchmarks write as the coordinator, through the operations as the program does."""
    from desktop.services.operations import Actor, Operations

    return Operations(database, Actor("bench", "bench"))


def make_file(path: Path, n: int, fresh: bool = False) -> Path:
    """A roadmap file with one synthetic roadmap of ``n`` measures (made once, then reused;
    ``fresh``: made anew, for benchmarks that change it)."""
    if fresh:
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
    if path.exists():
        return path
    from desktop.services.writer import write_roadmap
    from models.storage.database import create_database

    database = create_database(path)
    write_roadmap(operations_of(database), roadmap_dict(n))
    database.close()
    return path
