"""Which of the grid's columns a roadmap shows. On a 1366×768 screen every column counts: a
roadmap whose measures have no «Форма», «Целевая группа» or schools does not show those empty
columns, so its status is in view without scrolling. The user shows or hides any column from
the header's right-click menu; that choice is kept per file and roadmap."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeView

from desktop.services.cell_text import cell_text
from desktop.services.dto import ChildRef, RoadmapTree
from models.domain.fields import MEASURE_FIELDS

# Columns hidden while no measure of the roadmap has a value in them.
OPTIONAL = ("form", "target_group", "schools")
ALWAYS_SHOWN = ("number", "title")  # the row's number and title are never hidden
NAMES = tuple(f.name for f in MEASURE_FIELDS)  # the grid's columns in order
# Widths that fit 1366×768 with the status in view; headers wrap at spaces, never inside a word.
DEFAULT_WIDTHS = {
    "number": 56, "title": 330, "form": 110, "deadline": 140, "responsible": 170, "result": 210,
    "target_group": 120, "schools": 140, "status": 110, "done_on": 110, "note": 200,
}


def longest_numbers(tree: RoadmapTree) -> dict[int, set[str]]:
    """Per depth in the tree (a top-level row is 0), the measure numbers of the most characters:
    the ones that may need the number column widest (measuring only these keeps a reload of
    5,000 measures from measuring 5,000 numbers)."""
    longest: dict[int, set[str]] = {}

    def walk(children: tuple[ChildRef, ...], depth: int) -> None:
        for kind, ident in children:
            if kind != "measure":
                walk(tree.sections[ident].children, depth + 1)
                continue
            number = tree.measures[ident].number
            best = longest.setdefault(depth, set())
            length = len(next(iter(best))) if best else -1
            if len(number) > length:
                best.clear()
            if len(number) >= length:
                best.add(number)

    walk(tree.top, 0)
    return longest


def empty_optional_columns(tree: RoadmapTree) -> set[str]:
    """The optional columns no measure of ``tree`` fills."""
    empty = set(OPTIONAL)
    for measure in tree.measures.values():
        for name in list(empty):
            if (measure.school_ids if name == "schools" else cell_text(measure, name)):
                empty.discard(name)
        if not empty:
            break
    return empty


class GridColumns:
    """Shows and hides the grid's columns per roadmap; remembers what the user chose."""

    def __init__(self, grid: QTreeView, file_path: str) -> None:
        self.grid = grid
        self.file_key = ""
        self.roadmap_id: int | None = None
        self.switch_file(file_path)
        self.tree: RoadmapTree | None = None
        header = grid.header()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Two-line headers that wrap at spaces: «Дата выполнения» is never cut to «Дата выполнен».
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        header.setDefaultAlignment(Qt.AlignmentFlag(int(left) | int(Qt.TextFlag.TextWordWrap)))
        header.setMinimumHeight(2 * header.fontMetrics().lineSpacing() + 8)
        header.customContextMenuRequested.connect(self._menu)

    def switch_file(self, file_path: str) -> None:
        self.file_key = hashlib.sha1(file_path.encode("utf-8")).hexdigest()[:16]
        self.roadmap_id = None

    def _key(self) -> str:
        return f"grid/hidden/{self.file_key}/{self.roadmap_id}"

    def show_roadmap(self, tree: RoadmapTree | None) -> None:
        """Apply the roadmap's columns: the user's choice for it, else its empty optional ones."""
        self.tree = tree
        if tree is None:
            return
        self._fit_numbers(tree)
        if tree.header.id == self.roadmap_id:
            return
        self.roadmap_id = tree.header.id
        stored = QSettings().value(self._key())
        hidden = set(str(stored).split(",")) - {""} if stored is not None else empty_optional_columns(tree)
        for column, name in enumerate(NAMES):
            self.grid.setColumnHidden(column, name in hidden and name not in ALWAYS_SHOWN)

    def _fit_numbers(self, tree: RoadmapTree) -> None:
        """The number column at least as wide as the deepest, longest number («2.1.10» three
        levels down did not fit the default 56 pixels and was cut to «2.»)."""
        metrics = self.grid.fontMetrics()
        indentation = self.grid.indentation()
        needed = max(
            (
                (depth + 1) * indentation + max(metrics.horizontalAdvance(n) for n in numbers) + 12
                for depth, numbers in longest_numbers(tree).items()
            ),
            default=0,
        )
        if self.grid.columnWidth(0) < needed:
            self.grid.setColumnWidth(0, needed)

    def hidden(self) -> set[str]:
        return {name for column, name in enumerate(NAMES) if self.grid.isColumnHidden(column)}

    def set_shown(self, name: str, shown: bool) -> None:
        self.grid.setColumnHidden(NAMES.index(name), not shown)
        if self.roadmap_id is not None:
            QSettings().setValue(self._key(), ",".join(sorted(self.hidden())) or ",")

    def _menu(self, position: QPoint) -> None:
        header: QHeaderView = self.grid.header()
        menu = QMenu(header)
        for column, field in enumerate(MEASURE_FIELDS):
            if field.name in ALWAYS_SHOWN:
                continue
            action = menu.addAction(field.header)
            action.setCheckable(True)
            action.setChecked(not self.grid.isColumnHidden(column))
            action.toggled.connect(lambda shown, name=field.name: self.set_shown(name, shown))
        menu.exec(header.mapToGlobal(position))
