"""Edits: one committed transaction each, logged, guarded by the version the user saw."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.dto import MeasureRow
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import NotFoundError, StaleEditError, ValidationError
from tests.stores import Store


@pytest.fixture
def service(store: Store) -> RoadmapService:
    svc = RoadmapService(store.open(), Actor("Петрова", "ПК-УО"))
    yield svc
    svc.db.close()


def first_measure(service: RoadmapService) -> MeasureRow:
    return service.load(service.roadmap_ids()[0]).measures_in_order()[0]


def read_row(store: Store, measure_id: int) -> tuple:
    """The row as another program would see it: straight from the file (or the server)."""
    (row,) = store.rows("SELECT note, status, done_on, version FROM measures WHERE id=?", (measure_id,))
    return row


def test_edit_is_committed_to_the_file(service: RoadmapService, store: Store) -> None:
    measure = first_measure(service)
    changed = service.edit_measure(
        measure.id, measure.version, {"status": "выполнено", "done_on": "15.09.2023", "note": "Приказ № 5"}
    )
    assert changed == ["status", "done_on", "note"]
    assert read_row(store, measure.id) == ("Приказ № 5", "done", "2023-09-15", measure.version + 1)


def test_edit_is_logged_with_who_and_old_value(service: RoadmapService) -> None:
    measure = first_measure(service)
    service.edit_measure(measure.id, measure.version, {"responsible": "МКУ «ЦРО»"})
    entry = service.history(measure.id)[0]
    assert (entry["user"], entry["computer"], entry["field"]) == ("Петрова", "ПК-УО", "responsible")
    assert (entry["old"], entry["new"]) == ("Отдел образования", "МКУ «ЦРО»")


def test_stale_edit_is_refused_and_changes_nothing(service: RoadmapService, store: Store) -> None:
    measure = first_measure(service)
    colleague = RoadmapService(store.open(), Actor("Иванов", "ПК-2"))
    colleague.edit_measure(measure.id, measure.version, {"note": "от коллеги"})
    before = read_row(store, measure.id)
    with pytest.raises(StaleEditError) as caught:
        service.edit_measure(measure.id, measure.version, {"note": "моё"})
    assert "уже изменено другим пользователем" in caught.value.message
    assert "Иванов" in caught.value.message
    assert read_row(store, measure.id) == before
    colleague.db.close()


def test_unchanged_value_writes_nothing(service: RoadmapService, store: Store) -> None:
    measure = first_measure(service)
    assert service.edit_measure(measure.id, measure.version, {"title": measure.title}) == []
    assert read_row(store, measure.id)[3] == measure.version
    assert service.history(measure.id) == []


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "готово"}, "Неизвестный статус"),
        ({"done_on": "31.02.2024"}, "Не удалось понять дату"),
        ({"number": "5"}, "нельзя изменить"),
        ({"note": "a\x00b"}, "недопустимый символ"),
    ],
)
def test_bad_values_are_refused_in_russian(
    service: RoadmapService, store: Store, changes: dict, words: str
) -> None:
    measure = first_measure(service)
    before = read_row(store, measure.id)
    with pytest.raises(ValidationError, match=words):
        service.edit_measure(measure.id, measure.version, changes)
    assert read_row(store, measure.id) == before


def test_missing_measure(service: RoadmapService) -> None:
    with pytest.raises(NotFoundError, match="не найдено"):
        service.edit_measure(99999, 1, {"note": "x"})


def test_load_numbers_and_keeps_line_breaks(service: RoadmapService) -> None:
    tree = service.load(service.roadmap_ids()[0])
    rows = tree.measures_in_order()
    assert [r.number for r in rows] == ["1.1", "1.2", "2.1"]
    assert rows[1].title == "Семинар для директоров\n- анализ ВПР\n- планирование"
    assert tree.header.period == (date(2023, 9, 1), date(2024, 8, 31))
    assert [s.name for s in tree.schools] == ["МБОУ «Тубинская СОШ»", "МКОУ СОШ № 16"]
    assert rows[0].school_ids == (tree.schools[1].id,)
