"""What taking something in would change, and its conflicts — each a choice («взять значение …»)
beside a wrapped text of what and both values — shared by taking a school's sheet back and
merging a copy."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.domain.status import STATUS_LABELS


def shown_value(value: object) -> str:
    """A value as a conflict shows it: dates as 05.03.2024, statuses in words, lists joined."""
    if value is None or value == "" or value == () or value == []:
        return "—"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    return STATUS_LABELS.get(str(value), str(value))


def short_title(title: str) -> str:
    """A measure's title as a conflict's line shows it: at most 160 characters."""
    return title if len(title) <= 160 else title[:159] + "…"


def fill_preview(
    dialog: QDialog,
    lines: list[str],
    conflicts: tuple[str, list[tuple[str, str, bool]], str, str],
    accept: str,
) -> list[QCheckBox]:
    """Lay ``dialog`` out: the summary ``lines``, then — when there are any — the conflicts
    (intro, rows, the choice's word, its hint), then Cancel and ``accept``; the choices."""
    intro, rows, choice, hint = conflicts
    layout = QVBoxLayout(dialog)
    summary = QLabel("\n".join(lines))
    summary.setWordWrap(True)
    layout.addWidget(summary)
    boxes: list[QCheckBox] = []
    if rows:
        layout.addWidget(QLabel(intro))
        area, boxes = conflict_list(rows, choice, hint)
        layout.addWidget(area)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    button.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons, alignment=Qt.AlignmentFlag.AlignRight)
    dialog.resize(820, 260 + 28 * min(12, len(rows)))
    return boxes


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
