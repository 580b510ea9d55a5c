"""Every command: apply -> the file changed as asked -> revert -> the file equals its snapshot."""

from __future__ import annotations

import pytest

from desktop.services.commands import (
    DeleteMeasuresCommand,
    EditMeasureCommand,
    InsertMeasureCommand,
    InsertSectionCommand,
    MoveMeasureCommand,
    MoveRowsCommand,
)
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import ValidationError
from tests.stores import Store


def content(store: Store) -> list[tuple]:
    """The measures and their school links as stored (the change log grows and is left out)."""
    measures = store.rows(
        "SELECT id, section_id, position, title, deadline_text, responsible, status, note "
        "FROM measures ORDER BY id"
    )
    return measures + store.rows("SELECT * FROM measure_schools ORDER BY 1, 2")


@pytest.fixture
def service(store: Store) -> RoadmapService:
    svc = RoadmapService(store.open(), Actor("t", "t"))
    yield svc
    svc.db.close()


def titles(service: RoadmapService) -> list[tuple[str, str]]:
    tree = service.load(service.roadmap_ids()[0])
    return [(m.number, m.title.split("\n")[0]) for m in tree.measures_in_order()]


def test_insert_then_undo_then_redo(service: RoadmapService, store: Store) -> None:
    before = content(store)
    tree = service.load(service.roadmap_ids()[0])
    first_section = tree.top[0][1]
    command = InsertMeasureCommand(tree.header.id, first_section, 2)
    service.operations.apply(command)
    assert titles(service) == [
        ("1.1", "Создание рабочей группы"),
        ("1.2", ""),
        ("1.3", "Семинар для директоров"),
        ("2.1", "Консультации учителей"),
    ]
    service.operations.revert(command)
    assert content(store) == before
    inserted = command.measure_id
    service.operations.apply(command)
    assert command.measure_id == inserted


def test_delete_then_undo_restores_everything(service: RoadmapService, store: Store) -> None:
    before = content(store)
    rows = service.load(service.roadmap_ids()[0]).measures_in_order()
    command = DeleteMeasuresCommand([rows[0].id, rows[2].id])
    service.operations.apply(command)
    assert titles(service) == [("1.1", "Семинар для директоров")]
    service.operations.revert(command)
    assert content(store) == before  # same ids, positions, values and school links


def test_move_down_and_back(service: RoadmapService, store: Store) -> None:
    before = content(store)
    rows = service.load(service.roadmap_ids()[0]).measures_in_order()
    command = MoveMeasureCommand(rows[0].id, +1)
    service.operations.apply(command)
    assert titles(service)[:2] == [("1.1", "Семинар для директоров"), ("1.2", "Создание рабочей группы")]
    service.operations.revert(command)
    assert content(store) == before
    edge = MoveMeasureCommand(rows[0].id, -1)
    service.operations.apply(edge)
    assert edge.swapped is None and content(store) == before


def test_edit_then_undo(service: RoadmapService, store: Store) -> None:
    before = content(store)
    row = service.load(service.roadmap_ids()[0]).measures_in_order()[0]
    command = EditMeasureCommand.for_row(row, {"status": "done", "note": "Приказ № 1"})
    service.operations.apply(command)
    assert content(store) != before
    service.operations.revert(command)
    assert content(store) == before


def test_delete_section_then_undo_restores_the_subtree(service: RoadmapService, store: Store) -> None:
    from desktop.services.commands import DeleteSectionCommand, IndentSectionCommand

    tree = service.load(service.roadmap_ids()[0])
    second = tree.top[1][1]
    service.operations.apply(IndentSectionCommand(second, "indent"))  # a subsection inside section 1
    before = content(store)
    first = tree.top[0][1]
    command = DeleteSectionCommand(first)
    service.operations.apply(command)
    assert titles(service) == []
    service.operations.revert(command)
    assert content(store) == before
    assert [n for n, _ in titles(service)] == ["1.1", "1.2", "1.3.1"]


def test_moved_rows_return_exactly_on_undo(service: RoadmapService, store: Store) -> None:
    before = content(store)
    tree = service.load(service.roadmap_ids()[0])
    first, second = (ident for _, ident in tree.top)
    rows = list(tree.sections[first].children)
    command = MoveRowsCommand(rows, second, tree.sections[second].children[0])
    service.operations.apply(command)
    assert titles(service) == [
        ("2.1", "Создание рабочей группы"),
        ("2.2", "Семинар для директоров"),
        ("2.3", "Консультации учителей"),
    ]
    service.operations.revert(command)
    assert content(store) == before


def test_a_section_move_that_breaks_the_tree_is_refused(service: RoadmapService) -> None:
    tree = service.load(service.roadmap_ids()[0])
    first, second = (ident for _, ident in tree.top)
    with pytest.raises(ValidationError, match="внутрь"):
        service.operations.apply(MoveRowsCommand([("section", first)], first, None))
    deep = second
    for _ in range(2):  # section 2 gets two levels of subsections inside
        inner = InsertSectionCommand(tree.header.id, deep, 99)
        service.operations.apply(inner)
        deep = inner.section_id
    with pytest.raises(ValidationError, match="не глубже"):
        service.operations.apply(MoveRowsCommand([("section", second)], first, None))
    other = service.add_roadmap(
        {"title": "Другая", "period": ["2024-01-01", "2024-12-31"], "sections": [{"title": "Чужой раздел"}]}
    )
    foreign = service.load(other).top[0][1]
    with pytest.raises(ValidationError, match="той же"):
        service.operations.apply(MoveRowsCommand([("section", second)], foreign, None))
    assert [t for t, _ in titles(service)] == ["1.1", "1.2", "2.1"]
