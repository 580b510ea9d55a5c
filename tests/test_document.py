"""The roadmap's document parts: saved in one version-checked transaction, undone exactly."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop.services.commands import EditDocumentCommand
from desktop.services.document import read_document
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import StaleEditError, ValidationError
from models.storage.database import open_database


@pytest.fixture
def service(small_db: Path) -> RoadmapService:
    svc = RoadmapService(open_database(small_db), Actor("Петрова", "ПК-1"))
    yield svc
    svc.db.close()


def stored(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


def test_edit_header_order_and_schools_then_undo_and_redo(service: RoadmapService, small_db: Path) -> None:
    roadmap_id = service.roadmap_ids()[0]
    before = read_document(service.db, roadmap_id)
    assert [s["name"] for s in before["schools"]] == ["МБОУ «Тубинская СОШ»", "МКОУ СОШ № 16"]
    assert before["schools"][1]["measure_ids"]  # 1.1 concerns school № 16
    after = {
        **before,
        "title": "Дорожная карта ШНОР на 2024 год",
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 12, 31),
        "numbering": "flat",
        "tasks": ["Повысить качество", "  ", "Снизить долю неуспевающих"],
        "approval_kind": "stamp",
        "approval_lines": ["УТВЕРЖДАЮ", "Начальник отдела образования"],
        "order": {**before["order"], "number": "15", "clauses": ["Утвердить дорожную карту."]},
        "schools": [
            {**before["schools"][0], "is_shnor": True, "risk_profiles": ["дефицит педагогических кадров"]},
            {"name": "МБОУ СОШ № 3", "is_mentor": True},  # new; school № 16 removed
        ],
    }
    command = EditDocumentCommand.for_state(before, after)
    assert "название" in command.label and "школы" in command.label
    service.operations.apply(command)
    assert stored(small_db, "SELECT title, numbering, approval_kind, version FROM roadmaps") == [
        ("Дорожная карта ШНОР на 2024 год", "flat", "stamp", 2)
    ]
    tasks = json.loads(stored(small_db, "SELECT tasks FROM roadmaps")[0][0])
    assert tasks == ["Повысить качество", "Снизить долю неуспевающих"]  # the empty line dropped
    number, clauses = stored(small_db, "SELECT number, clauses FROM orders")[0]
    assert (number, json.loads(clauses)) == ("15", ["Утвердить дорожную карту."])
    assert stored(small_db, "SELECT name, is_shnor, is_mentor FROM schools ORDER BY position") == [
        ("МБОУ «Тубинская СОШ»", 1, 0),
        ("МБОУ СОШ № 3", 0, 1),
    ]
    assert stored(small_db, "SELECT count(*) FROM measure_schools") == [(0,)]  # № 16's link went with it
    tree = service.load(roadmap_id)
    assert [m.number for m in tree.measures_in_order()] == ["1", "2", "3"]  # flat numbering at once
    new_school = tree.schools[1].id

    service.operations.revert(command)
    assert read_document(service.db, roadmap_id)["schools"] == before["schools"]  # № 16 back, with its link
    restored = read_document(service.db, roadmap_id)
    assert {k: v for k, v in restored.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }
    service.operations.apply(command)  # redo: the new school gets the same id again
    assert service.load(roadmap_id).schools[1].id == new_school
    entries = stored(small_db, "SELECT user, field FROM change_log WHERE entity = 'roadmap'")
    assert ("Петрова", "title") in entries and ("Петрова", "schools") in entries


def test_removing_the_order_and_putting_it_back(service: RoadmapService, small_db: Path) -> None:
    roadmap_id = service.roadmap_ids()[0]
    before = read_document(service.db, roadmap_id)
    command = EditDocumentCommand.for_state(before, {**before, "order": None})
    service.operations.apply(command)
    assert stored(small_db, "SELECT count(*) FROM orders") == [(0,)]
    service.operations.revert(command)
    assert stored(small_db, "SELECT number, place, signer FROM orders") == [
        ("12", "с. Тестовое", "И.И. Иванов")
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "Название"),
        ({"period_start": date(2025, 1, 1)}, "позже"),
        ({"schools": [{"name": "А"}, {"name": "а"}]}, "дважды"),
        ({"schools": [{"name": ""}]}, "название"),
        ({"goal": "цель\x00"}, "NUL"),
        ({"numbering": "alphabet"}, "нумерации"),
    ],
)
def test_wrong_values_are_refused_and_nothing_is_written(
    service: RoadmapService, small_db: Path, change: dict, message: str
) -> None:
    roadmap_id = service.roadmap_ids()[0]
    before = read_document(service.db, roadmap_id)
    file_before = small_db.read_bytes()
    with pytest.raises(ValidationError, match=message):
        service.operations.apply(EditDocumentCommand.for_state(before, {**before, **change}))
    assert small_db.read_bytes() == file_before


def test_a_colleagues_newer_save_is_not_overwritten(service: RoadmapService, small_db: Path) -> None:
    roadmap_id = service.roadmap_ids()[0]
    seen = read_document(service.db, roadmap_id)
    colleague = RoadmapService(open_database(small_db), Actor("Иванов", "ПК-2"))
    colleague.operations.apply(EditDocumentCommand.for_state(seen, {**seen, "goal": "Их цель"}))
    colleague.db.close()
    with pytest.raises(StaleEditError, match="другим пользователем"):
        service.operations.apply(EditDocumentCommand.for_state(seen, {**seen, "goal": "Моя цель"}))
    assert stored(small_db, "SELECT goal FROM roadmaps") == [("Их цель",)]
