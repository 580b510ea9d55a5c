"""One registry of a measure's fields (models.domain.fields): the grid, the change log's panel, the
exports, the dump, the importers and the edit checks all say what it says, so a field renamed or
added there is renamed or added everywhere."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.exports import ics
from desktop.exports.content import OPTIONAL, PLAN_COLUMNS, REPORT_COLUMNS, build_content
from desktop.importers import table
from desktop.services.dump import roadmap_dict
from desktop.services.measure_writes import normalise_value
from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import MEASURE_TEXT_FIELDS
from models.domain.errors import ValidationError
from models.domain.fields import (
    BY_NAME,
    EDITABLE_NAMES,
    FIELD_HEADERS,
    MEASURE_FIELDS,
    TABLE_FIELDS,
    MeasureField,
)
from models.storage.database import open_database
from ui.history_panel import FIELD_NAMES, HistoryPanel
from ui.import_dialog import FIELD_CHOICES
from ui.roadmap_model import COLUMNS, RoadmapTreeModel

# A value a user could give each kind of field.
SAMPLES: dict[str, object] = {
    "text": "Семинар",
    "deadline": "до 01.03.2024",
    "schools": [2, 1],
    "status": "выполнено",
    "date": "01.03.2024",
}


def test_the_registry_names_each_field_once() -> None:
    names = [f.name for f in MEASURE_FIELDS]
    assert len(set(names)) == len(names)
    assert len({f.header for f in MEASURE_FIELDS}) == len(names)
    assert len({f.document_header for f in MEASURE_FIELDS}) == len(names)
    assert all(f.label == f.label.lower() for f in MEASURE_FIELDS)


def test_the_grid_has_a_column_per_field_with_its_header(small_db: Path) -> None:
    assert [header for header, _ in COLUMNS] == [f.header for f in MEASURE_FIELDS]
    assert [name for _, name in COLUMNS] == [f.name if f.editable else None for f in MEASURE_FIELDS]
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    model = RoadmapTreeModel()
    model.set_tree(service.load(service.roadmap_ids()[0]))
    service.db.close()
    shown = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert shown == [f.header for f in MEASURE_FIELDS]


def test_the_history_panel_names_a_changed_field_by_its_header(qtbot: QtBot) -> None:
    assert {n: FIELD_NAMES[n] for n in EDITABLE_NAMES} == {n: FIELD_HEADERS[n] for n in EDITABLE_NAMES}
    panel = HistoryPanel()
    qtbot.addWidget(panel)
    at = datetime(2024, 3, 1, 10, 30)
    panel.show_entries(
        [
            {"at": at, "user": "Петрова", "computer": "ПК-1", "field": n, "old": "", "new": "x"}
            for n in EDITABLE_NAMES
        ]
    )
    whats = [panel.table.model().index(row, 2).data() for row in range(panel.table.rowCount())]
    assert whats == [FIELD_HEADERS[n] for n in EDITABLE_NAMES]


def test_the_exports_head_their_columns_as_a_roadmap_document_does(small_db: Path) -> None:
    for column in (*PLAN_COLUMNS, *REPORT_COLUMNS):
        assert column.title == BY_NAME[column.key].document_header
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    tree = service.load(service.roadmap_ids()[0])
    service.db.close()
    content = build_content(tree, report=True, today=date(2024, 3, 1))
    order = [*(c.key for c in PLAN_COLUMNS), "schools", *(c.key for c in REPORT_COLUMNS)]
    expected = [key for key in order if key in {k.key for k in content.columns}]
    assert [c.title for c in content.columns] == [BY_NAME[key].document_header for key in expected]
    assert "schools" in expected  # the small roadmap's first measure names its school
    assert {c.key for c in PLAN_COLUMNS} - OPTIONAL <= {c.key for c in content.columns}
    # the calendar's descriptions: the document's headers, the title by the grid's word
    for name, label in ics.DESCRIBED.items():
        assert label == (FIELD_HEADERS[name] if name == "title" else BY_NAME[name].document_header)


def test_the_dump_gives_every_field_under_its_name(small_db: Path) -> None:
    service = RoadmapService(open_database(small_db), Actor("t", "t"))
    tree = service.load(service.roadmap_ids()[0])
    service.db.close()
    dumped = roadmap_dict(tree)
    measure = (dumped["measures"] or dumped["sections"][0]["measures"])[0]
    assert {f.name for f in MEASURE_FIELDS} <= set(measure)
    assert set(MEASURE_TEXT_FIELDS) == {f.name for f in MEASURE_FIELDS if f.kind == "text"}


def test_the_importers_read_the_registrys_fields_by_its_header_words() -> None:
    assert table.FIELDS == TABLE_FIELDS
    assert sorted(table._TRIED) == sorted(TABLE_FIELDS)  # each tried, once
    assert [name for name, _ in table._SYNONYMS] == list(table._TRIED)
    for name in TABLE_FIELDS:
        field = BY_NAME[name]
        assert table.field_of(field.document_header) == name, field.document_header
        assert table.field_of(field.header) == name, field.header
    assert FIELD_CHOICES[:-1] == tuple((n, FIELD_HEADERS[n]) for n in TABLE_FIELDS)
    assert FIELD_CHOICES[-1][0] is None


@pytest.mark.parametrize("field", [f for f in MEASURE_FIELDS if f.editable], ids=lambda f: f.name)
def test_every_editable_field_is_accepted(field: MeasureField) -> None:
    value = normalise_value(field.name, SAMPLES[field.kind])
    expected = {"schools": [1, 2], "status": "done", "date": date(2024, 3, 1)}
    assert value == expected.get(field.kind, SAMPLES[field.kind])


@pytest.mark.parametrize(
    "name", [*(f.name for f in MEASURE_FIELDS if not f.editable), "colour", "deadline_text"]
)
def test_a_field_no_one_edits_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="нельзя изменить"):
        normalise_value(name, "5")
