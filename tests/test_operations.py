"""Every command through the one executor, over a real file, without Qt.

apply -> revert -> apply: the file equals its snapshot at each step (every table but the change
log; versions only move forward and are compared apart), and a colleague's write between the
steps is refused without changing anything. Plus the chains of undo a user makes: two edits of
one cell undone in turn, edits then a delete undone three times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop.services.commands import (
    DeleteMeasuresCommand,
    DeleteSectionCommand,
    EditDocumentCommand,
    EditMeasureCommand,
    EditSchoolCalendarCommand,
    EditSectionCommand,
    IndentSectionCommand,
    InsertMeasureCommand,
    InsertSectionCommand,
    MoveMeasureCommand,
    MoveRowsCommand,
)
from desktop.services.document import read_document
from desktop.services.dto import RoadmapTree
from desktop.services.paste import fill_down_command, paste_command
from desktop.services.roadmap import Actor, RoadmapService
from models.domain.errors import DomainError, StaleEditError
from models.domain.school_calendar import DEFAULT_CALENDAR, SchoolCalendar
from models.storage.errors import StorageError
from tests.stores import Store

SKIPPED_TABLES = {"change_log", "presence", "sqlite_sequence"}
MOVING_COLUMNS = {"version", "updated_at"}  # always move forward: compared apart


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as another program reads them, without versions and times."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in store.tables():
        if table in SKIPPED_TABLES:
            continue
        kept = [c for c in store.columns(table) if c not in MOVING_COLUMNS]
        out[table] = sorted(store.rows(f"SELECT {', '.join(kept)} FROM {table}"), key=repr)
    return out


def versions(store: Store) -> dict[tuple[str, int], int]:
    out = {("measure", i): v for i, v in store.rows("SELECT id, version FROM measures")}
    out |= {("section", i): v for i, v in store.rows("SELECT id, version FROM sections")}
    out |= {("roadmap", i): v for i, v in store.rows("SELECT id, version FROM roadmaps")}
    return out


@pytest.fixture
def me(store: Store) -> RoadmapService:
    service = RoadmapService(store.open(), Actor("Петрова", "ПК-1"))
    yield service
    service.db.close()


@pytest.fixture
def colleague(store: Store) -> RoadmapService:
    service = RoadmapService(store.open(), Actor("Иванов", "ПК-2"))
    yield service
    service.db.close()


def tree_of(service: RoadmapService) -> RoadmapTree:
    return service.load(service.roadmap_ids()[0])


LATE = SchoolCalendar(
    (((9, 1), (10, 29)), ((11, 7), (12, 28)), ((1, 10), (3, 20)), ((4, 2), (5, 24))),
    DEFAULT_CALENDAR.holidays,
)

# name -> (make the command from the tree, the colleague's write that collides with it)
Make = Callable[[RoadmapService, RoadmapTree], Any]
Collide = Callable[[RoadmapService, Any], None]


def _edit_note(service: RoadmapService, measure_id: int, text: str) -> None:
    service.edit_measure(measure_id, None, {"note": text})


def _first(tree: RoadmapTree) -> Any:
    return tree.measures_in_order()[0]


def _doc(service: RoadmapService, tree: RoadmapTree) -> EditDocumentCommand:
    before = read_document(service.db, tree.header.id)
    return EditDocumentCommand.for_state(before, {**before, "goal": "Новая цель"})


def _colleague_doc(service: RoadmapService, _command: Any) -> None:
    seen = read_document(service.db, 1)
    service.operations.apply(EditDocumentCommand.for_state(seen, {**seen, "title": "Их название"}))


def _colleague_calendar(service: RoadmapService, _command: Any) -> None:
    calendar, version = service.school_calendar()
    other = DEFAULT_CALENDAR if calendar != DEFAULT_CALENDAR else LATE
    service.operations.apply(EditSchoolCalendarCommand(version, calendar, other))


def _section_of(tree: RoadmapTree, k: int) -> Any:
    return tree.sections[tree.top[k][1]]


def _colleague_renames(section_id: Callable[[Any], int]) -> Collide:
    return lambda service, command: service.edit_section(section_id(command), None, "Их раздел")


def _colleague_moves_first_down(service: RoadmapService, command: Any) -> None:
    measure = _first(tree_of(service))
    service.operations.apply(MoveMeasureCommand(measure.id, +1))


def _calendar(service: RoadmapService) -> EditSchoolCalendarCommand:
    """The file's calendar saved once as it is (a stored row), then a change of it."""
    service.operations.apply(EditSchoolCalendarCommand(0, DEFAULT_CALENDAR, DEFAULT_CALENDAR))
    return EditSchoolCalendarCommand(1, DEFAULT_CALENDAR, LATE)


CASES: dict[str, tuple[Make, Collide]] = {
    "edit": (
        lambda s, t: EditMeasureCommand.for_row(_first(t), {"status": "done", "note": "Приказ № 1"}),
        lambda s, c: _edit_note(s, c.measure_id, "от коллеги"),
    ),
    "edit schools": (
        lambda s, t: EditMeasureCommand.for_row(_first(t), {"schools": [t.schools[0].id]}),
        lambda s, c: _edit_note(s, c.measure_id, "от коллеги"),
    ),
    "insert measure": (
        lambda s, t: InsertMeasureCommand(t.header.id, t.top[0][1], 2),
        lambda s, c: _edit_note(s, c.measure_id, "записал в новую строку"),
    ),
    "delete measures": (
        lambda s, t: DeleteMeasuresCommand.for_rows(t.measures_in_order()[:2]),
        None,  # nothing of a deleted row to write: the collision is tested between revert and redo
    ),
    "move measure": (
        lambda s, t: MoveMeasureCommand(_first(t).id, +1, t.header.id),
        _colleague_moves_first_down,
    ),
    "drag rows": (
        lambda s, t: MoveRowsCommand(
            list(_section_of(t, 0).children), _section_of(t, 1).id, _section_of(t, 1).children[0]
        ),
        lambda s, c: s.operations.apply(MoveRowsCommand([c.rows[0]], None, None)),
    ),
    "paste": (
        lambda s, t: paste_command(t, _first(t).id, 1, [["Первое"], ["Второе"], ["Третье"], ["Новое"]]),
        lambda s, c: _edit_note(s, c.edits[0].measure_id, "от коллеги"),
    ),
    "fill down": (
        lambda s, t: fill_down_command(t.measures_in_order(), [4, 8]),
        lambda s, c: _edit_note(s, c.edits[-1].measure_id, "от коллеги"),
    ),
    "rename section": (
        lambda s, t: EditSectionCommand(
            _section_of(t, 0).id, _section_of(t, 0).version, "Организация", _section_of(t, 0).title
        ),
        _colleague_renames(lambda c: c.section_id),
    ),
    "insert section": (
        lambda s, t: InsertSectionCommand(t.header.id, None, 2),
        _colleague_renames(lambda c: c.section_id),
    ),
    "indent section": (
        lambda s, t: IndentSectionCommand(_section_of(t, 1).id, "indent", _section_of(t, 1).version),
        _colleague_renames(lambda c: c.section_id),
    ),
    "delete section": (
        lambda s, t: DeleteSectionCommand(_section_of(t, 0).id, _section_of(t, 0).version),
        None,
    ),
    "document": (_doc, _colleague_doc),
    "school calendar": (
        lambda s, t: _calendar(s),
        _colleague_calendar,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_apply_revert_apply_gives_the_same_file_each_time(
    name: str, me: RoadmapService, store: Store
) -> None:
    if store.district and name == "school calendar":  # the region's setting: its administrator's
        before = snapshot(store)
        with pytest.raises(StorageError, match="нет права"):
            CASES[name][0](me, tree_of(me))
        assert snapshot(store) == before
        return
    command = CASES[name][0](me, tree_of(me))
    before = snapshot(store)
    first_versions = versions(store)
    me.operations.apply(command)
    after = snapshot(store)
    assert after != before, "the command changed nothing"
    me.operations.revert(command)
    assert snapshot(store) == before
    me.operations.apply(command)
    assert snapshot(store) == after
    final = versions(store)
    assert all(final[key] >= version for key, version in first_versions.items() if key in final)


@pytest.mark.parametrize("name", [n for n, (_, collide) in CASES.items() if collide is not None])
def test_a_colleagues_write_before_undo_is_refused_and_changes_nothing(
    name: str, me: RoadmapService, colleague: RoadmapService, store: Store
) -> None:
    if store.district and name == "school calendar":
        pytest.skip("a district may not change the region's calendar (test_apply_revert_apply… says so)")
    make, collide = CASES[name]
    command = make(me, tree_of(me))
    me.operations.apply(command)
    collide(colleague, command)
    theirs = snapshot(store)
    with pytest.raises(DomainError):
        me.operations.revert(command)
    assert snapshot(store) == theirs


@pytest.mark.parametrize("name", list(CASES))
def test_a_colleagues_write_before_redo_is_refused_and_changes_nothing(
    name: str, me: RoadmapService, colleague: RoadmapService, store: Store
) -> None:
    if store.district and name == "school calendar":
        pytest.skip("a district may not change the region's calendar (test_apply_revert_apply… says so)")
    make, _ = CASES[name]
    command = make(me, tree_of(me))
    me.operations.apply(command)
    me.operations.revert(command)
    # The colleague changes what the redo would write over (or what would be deleted again).
    tree = tree_of(colleague)
    if name == "school calendar":
        _colleague_calendar(colleague, command)
    elif name == "document":
        _colleague_doc(colleague, command)
    elif name in ("rename section", "indent section"):
        colleague.edit_section(command.section_id, None, "Их раздел")
    elif name == "insert section":
        colleague.operations.apply(MoveMeasureCommand(_first(tree).id, +1))  # the place moved
        colleague.operations.apply(InsertSectionCommand(tree.header.id, None, 2))
    elif name == "drag rows":
        colleague.operations.apply(MoveRowsCommand([command.rows[0]], None, None))
    elif name == "move measure":
        colleague.operations.apply(MoveMeasureCommand(command.measure_id, +1))
    elif name == "insert measure":
        colleague.operations.apply(InsertMeasureCommand(tree.header.id, tree.top[0][1], 2))
    elif name == "delete section":
        inside = tree.sections[command.section_id].children[0][1]
        _edit_note(colleague, inside, "от коллеги")
    elif name == "delete measures":
        _edit_note(colleague, command.measure_ids[-1], "от коллеги")
    elif name in ("paste", "fill down"):
        _edit_note(colleague, command.edits[-1].measure_id, "от коллеги")
    else:
        _edit_note(colleague, command.measure_id, "от коллеги")
    theirs = snapshot(store)
    with pytest.raises(DomainError):
        me.operations.apply(command)
    assert snapshot(store) == theirs


def test_two_edits_of_one_cell_undo_in_turn(me: RoadmapService, store: Store) -> None:
    """Typed into a cell twice, Ctrl+Z twice: the original value is back (it was refused)."""
    ops = me.operations
    original = _first(tree_of(me))
    first = EditMeasureCommand.for_row(original, {"note": "раз"})
    ops.apply(first)
    second = EditMeasureCommand.for_row(_first(tree_of(me)), {"note": "два"})
    ops.apply(second)
    ops.revert(second)
    ops.revert(first)
    assert _first(tree_of(me)).note == original.note
    ops.apply(first)
    ops.apply(second)
    assert _first(tree_of(me)).note == "два"


def test_two_edits_then_a_delete_undo_three_times(me: RoadmapService, store: Store) -> None:
    before = snapshot(store)
    ops = me.operations
    row = _first(tree_of(me))
    steps = [EditMeasureCommand.for_row(row, {"title": "Новое название"})]
    ops.apply(steps[0])
    steps.append(EditMeasureCommand.for_row(_first(tree_of(me)), {"responsible": "Иванова"}))
    ops.apply(steps[1])
    steps.append(DeleteMeasuresCommand.for_rows([_first(tree_of(me))]))
    ops.apply(steps[2])
    for step in reversed(steps):
        ops.revert(step)
    assert snapshot(store) == before
    for step in steps:
        ops.apply(step)
    assert row.id not in tree_of(me).measures


def test_undo_over_a_colleagues_later_write_is_refused(
    me: RoadmapService, colleague: RoadmapService, store: Store
) -> None:
    """Mine, theirs, mine again (after seeing theirs): my second undo would wipe their value."""
    ops = me.operations
    first = EditMeasureCommand.for_row(_first(tree_of(me)), {"note": "моё 1"})
    ops.apply(first)
    _edit_note(colleague, first.measure_id, "их")
    second = EditMeasureCommand.for_row(_first(tree_of(me)), {"note": "моё 2"})
    ops.apply(second)
    ops.revert(second)
    assert _first(tree_of(me)).note == "их"
    with pytest.raises(StaleEditError, match="Иванов"):
        ops.revert(first)
    assert _first(tree_of(me)).note == "их"


def test_a_failed_step_writes_nothing_at_all(
    me: RoadmapService, colleague: RoadmapService, store: Store
) -> None:
    """A paste over three rows, the third changed by a colleague: none of the three is written,
    and no line of the change log either."""
    tree = tree_of(me)
    command = paste_command(tree, _first(tree).id, 10, [["а"], ["б"], ["в"]])
    _edit_note(colleague, tree.measures_in_order()[2].id, "их")
    logged = store.rows("SELECT count(*) FROM change_log")
    theirs = snapshot(store)
    with pytest.raises(StaleEditError):
        me.operations.apply(command)
    assert snapshot(store) == theirs
    assert store.rows("SELECT count(*) FROM change_log") == logged


def test_rows_pasted_past_the_last_measure_go_after_it_in_its_section(me: RoadmapService) -> None:
    """Where a paste puts rows it has no measure for — decided without Qt."""
    tree = tree_of(me)
    last = tree.measures_in_order()[-1]
    command = paste_command(tree, last.id, 1, [["Заменено", "май"], ["Новое А", "июнь"], ["Новое Б"]])
    assert command is not None and [e.measure_id for e in command.edits] == [last.id]
    assert command.new_rows == [{"title": "Новое А", "form": "июнь"}, {"title": "Новое Б"}]
    me.operations.apply(command)
    after = tree_of(me).measures_in_order()
    assert [(m.number, m.title, m.form) for m in after[-3:]] == [
        ("2.1", "Заменено", "май"),
        ("2.2", "Новое А", "июнь"),
        ("2.3", "Новое Б", ""),
    ]
    assert {m.section_id for m in after[-3:]} == {last.section_id}


def test_a_paste_never_writes_the_number_column_and_skips_equal_cells(me: RoadmapService) -> None:
    tree = tree_of(me)
    first = tree.measures_in_order()[0]
    same = paste_command(tree, first.id, 0, [["9.9", first.title]])
    assert same is None  # the № column is not written, the title is already that
