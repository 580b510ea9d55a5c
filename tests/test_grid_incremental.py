"""The grid after an operation is updated row by row (moves, inserts, removals, repaints), not
reloaded: after every step — do, undo, redo, of every kind — it must show exactly what a grid
freshly loaded from the file shows, and Qt's model tester must find every signal consistent."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.services.commands import (
    DeleteMeasuresCommand,
    DeleteSectionCommand,
    EditMeasureCommand,
    EditSectionCommand,
    IndentSectionCommand,
    InsertMeasureCommand,
    InsertSectionCommand,
    MoveMeasureCommand,
    MoveRowsCommand,
)
from desktop.services.dto import RoadmapTree
from desktop.services.paste import paste_command
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.tree_refresh import refreshed
from models.storage.database import open_database
from ui.roadmap_model import COLUMNS, RoadmapTreeModel


def shown(model: RoadmapTreeModel) -> list[Any]:
    """Every row as the grid shows it: depth, kind, id and the text of each column."""
    out: list[Any] = []

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            node = index.internalPointer()
            texts = [
                model.index(row, c, parent).data(Qt.ItemDataRole.DisplayRole) for c in range(len(COLUMNS))
            ]
            out.append((depth, node.kind, node.node_id, texts))
            walk(index, depth + 1)

    walk(QModelIndex(), 0)
    return out


def fresh(service: RoadmapService, roadmap_id: int) -> list[Any]:
    model = RoadmapTreeModel()
    model.set_tree(service.load(roadmap_id))
    return shown(model)


def random_command(tree: RoadmapTree, rng: random.Random) -> Any:
    measures = tree.measures_in_order()
    sections = list(tree.sections.values())
    measure = rng.choice(measures) if measures else None
    section = rng.choice(sections) if sections else None
    kinds = ["insert", "section"]
    if measure is not None:
        kinds += ["edit", "move", "delete", "paste", "drag"]
    if section is not None:
        kinds += ["rename", "indent", "outdent"] + (["delsection"] if len(sections) > 2 else [])
    kind = rng.choice(kinds)
    if kind == "edit":
        return EditMeasureCommand.for_row(
            measure, {"status": rng.choice(["done", "planned"]), "note": str(rng.random())}
        )
    if kind == "move":
        return MoveMeasureCommand(measure.id, rng.choice([-1, 1]), tree.header.id)
    if kind == "delete":
        return DeleteMeasuresCommand.for_rows(rng.sample(measures, min(len(measures), rng.randint(1, 3))))
    if kind == "paste":
        at = rng.randrange(len(measures))
        block = [[f"вставка {k}", "март 2024"] for k in range(rng.randint(1, 4))]
        return paste_command(tree, measures[at].id, 1, block)
    if kind == "drag":
        parent = rng.choice([None, *[s.id for s in sections]])
        return MoveRowsCommand([("measure", measure.id)], parent, None, tree.header.id)
    if kind == "insert":
        place = measure.section_id if measure else None
        return InsertMeasureCommand(tree.header.id, place, measure.position if measure else 1)
    if kind == "section":
        return InsertSectionCommand(tree.header.id, None, rng.randint(1, 5))
    if kind == "rename":
        return EditSectionCommand(section.id, section.version, f"Раздел {rng.random():.3f}", section.title)
    if kind in ("indent", "outdent"):
        return IndentSectionCommand(section.id, kind, section.version, tree.header.id)
    return DeleteSectionCommand(section.id, section.version, tree.header.id)


@pytest.mark.parametrize("seed", range(6))
def test_row_by_row_updates_equal_a_fresh_load(qtmodeltester: Any, demo_db: Path, seed: int) -> None:
    rng = random.Random(seed)
    service = RoadmapService(open_database(demo_db), Actor("t", "t"))
    roadmap_id = service.roadmap_ids()[seed % 3]
    model = RoadmapTreeModel()
    model.set_tree(service.load(roadmap_id))
    qtmodeltester.check(model)
    done: list[Any] = []
    try:
        for _ in range(40):
            tree = model.tree
            assert tree is not None
            if done and rng.random() < 0.3:
                command = done.pop()
                step = service.operations.revert
            else:
                command = random_command(tree, rng)
                step = service.operations.apply
            if command is None:
                continue
            try:
                changes = step(command)
            except Exception as error:  # a move at an edge, a section too deep: refused is fine
                from models.domain.errors import DomainError

                assert isinstance(error, DomainError), error
                continue
            if step == service.operations.apply:
                done.append(command)
            model.apply_tree(refreshed(service, tree, changes))
            assert shown(model) == fresh(service, roadmap_id), f"after {command.label}"
    finally:
        service.db.close()
