"""What one operation changed, so each view updates just that (Anki's ``OpChanges``).

A command's ``apply`` and ``revert`` return a Changes; the window hands it to the grid, the
roadmap list and the tracking views. A full reload is the fallback for what it cannot say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.services.dto import ChildRef


@dataclass(frozen=True, slots=True)
class Changes:
    """Ids and flags of what an operation wrote.

    ``measures``: measures whose fields changed (their rows are re-read); ``added`` /
    ``removed``: measures that came or went; ``sections``: sections renamed; ``structure``: rows
    were added, removed or moved (the row order and numbers are re-read); ``document``: the
    roadmap's document parts; ``settings``: the file's settings (deadlines are read anew);
    ``figures``: progress figures may differ (status, deadline, rows, period). ``focus`` is the
    row to show after the step; ``parents`` the sections (None: the top level) whose rows were
    added, removed or reordered, when the command knows them (a view then reads only those).
    """

    roadmap_id: int | None = None
    measures: frozenset[int] = frozenset()
    added: frozenset[int] = frozenset()
    removed: frozenset[int] = frozenset()
    sections: frozenset[int] = frozenset()
    structure: bool = False
    document: bool = False
    settings: bool = False
    figures: bool = False
    focus: ChildRef | None = None
    fields: frozenset[str] = field(default=frozenset())
    parents: frozenset[int | None] | None = None  # whose rows changed order (None: the top); unknown: all

    @property
    def empty(self) -> bool:
        return not (
            self.measures
            or self.added
            or self.removed
            or self.sections
            or self.structure
            or self.document
            or self.settings
        )

    @property
    def needs_reload(self) -> bool:
        """Document or settings: every deadline, number and header may differ."""
        return self.document or self.settings
