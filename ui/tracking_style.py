"""Colours, words and keys shared by the month, year, timeline and progress views: one measure looks
and answers the same in all of them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.services.schedule import PROGRESS_LABELS

CLASS_COLOURS = {
    "done": QColor("#43a047"),
    "in_progress": QColor("#1e88e5"),
    "overdue": QColor("#e53935"),
    "not_started": QColor("#78909c"),
    "not_done": QColor("#8d6e63"),
    "cancelled": QColor("#c7c7c7"),
}
CLASS_LABELS = {**PROGRESS_LABELS, "cancelled": "Отменено"}
TODAY_COLOUR = QColor("#d81b60")
GRID_COLOUR = QColor("#d0d0d0")
MUTED_TEXT = QColor("#707070")
MONTHS_NOMINATIVE = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)  # fmt: skip
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


def one_line(text: str) -> str:
    """A title as one line (titles keep their line breaks and bullet lists; a chip or a row has
    room for one line only)."""
    return " ".join(text.split())


def colour(progress_class: str) -> QColor:
    return CLASS_COLOURS.get(progress_class, CLASS_COLOURS["not_started"])


def text_colour_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    return QColor("#ffffff") if background.lightnessF() < 0.62 else QColor("#202020")


def answer_measure_key(
    key: int, selected: int | None, open_it: Callable[[int], None], edit: Callable[[int], None]
) -> bool:
    """Enter edits the chosen measure's status, Space opens it in the grid; True when handled."""
    if selected is None:
        return False
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        edit(selected)
        return True
    if key == Qt.Key.Key_Space:
        open_it(selected)
        return True
    return False
