"""A scrolling list of conflicts, each a choice («взять значение …») beside a wrapped text of what
and both values — shared by taking a school's sheet back and merging a copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QScrollArea, QWidget


def conflict_list(
    rows: list[tuple[str, str, bool]], choice: str, hint: str
) -> tuple[QScrollArea, list[QCheckBox]]:
    """``rows``: (text, tooltip, may be chosen); ``choice`` the checkbox's word («из копии»)."""
    inner = QWidget()
    grid = QGridLayout(inner)
    grid.setColumnStretch(1, 1)
    boxes = []
    for row, (text, tooltip, allowed) in enumerate(rows):
        box = QCheckBox(choice if allowed else "—")
        box.setToolTip(hint)
        box.setEnabled(allowed)
        label = QLabel(text)
        label.setWordWrap(True)
        label.setToolTip(tooltip)
        label.setBuddy(box)
        grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(label, row, 1)
        boxes.append(box)
    grid.setRowStretch(len(rows), 1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area, boxes
