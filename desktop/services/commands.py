"""Undoable commands: each applies and reverts through RoadmapService, one transaction each.

A command keeps ids and before/after values, never ORM objects, so it can be replayed on a
fresh session (ARCHITECTURE.md, "Undo"). The GUI wraps them in QUndoCommand (ui/undo.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.services.dto import MeasureRow
from desktop.services.roadmap import EDITABLE_FIELDS, RoadmapService

FIELD_LABELS = {"title": "мероприятие", "form": "форма", "deadline": "срок", "responsible": "ответственные",
                "result": "ожидаемый результат", "target_group": "целевая группа", "status": "статус",
                "done_on": "дата выполнения", "note": "отметка об исполнении"}


def _current(row: MeasureRow, name: str) -> object:
    return getattr(row, EDITABLE_FIELDS[name])


@dataclass
class EditMeasureCommand:
    """Change fields of one measure; undo puts the values it replaced back.

    ``expected_version`` is the version the next apply or revert is based on: the one the user
    saw at first, then the one this command's own last write produced. A colleague's save in
    between makes the next step fail with StaleEditError instead of overwriting it.
    """

    measure_id: int
    expected_version: int
    after: dict[str, object]
    before: dict[str, object] = field(default_factory=dict)

    @classmethod
    def for_row(cls, row: MeasureRow, changes: dict[str, object]) -> EditMeasureCommand:
        return cls(row.id, row.version, dict(changes), {name: _current(row, name) for name in changes})

    @property
    def label(self) -> str:
        names = ", ".join(FIELD_LABELS.get(name, name) for name in self.after)
        return f"Изменение: {names}"

    def apply(self, service: RoadmapService) -> MeasureRow:
        return self._write(service, self.after)

    def revert(self, service: RoadmapService) -> MeasureRow:
        return self._write(service, self.before)

    def _write(self, service: RoadmapService, values: dict[str, object]) -> MeasureRow:
        service.edit_measure(self.measure_id, self.expected_version, values)
        row = service.measure(self.measure_id)
        self.expected_version = row.version
        return row
