"""Errors a user can understand: every message is a complete Russian sentence."""

from __future__ import annotations


class DomainError(Exception):
    """A failure caused by the user's data or environment, not by a bug.

    The GUI shows ``message`` in a warning box; the CLI prints it on stderr and exits 1.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The roadmap, section or measure asked for does not exist (any more)."""


class ValidationError(DomainError):
    """A value the user entered cannot be stored (bad date, unknown status...)."""


class StaleEditError(DomainError):
    """Someone else changed the row after the user saw it; the edit was not written.

    ``entity``/``entity_id`` name the row, so the window can show the stored values beside the
    user's own («их» и «ваше») instead of dropping what was typed.
    """

    def __init__(self, message: str, entity: str = "", entity_id: int = 0) -> None:
        super().__init__(message)
        self.entity, self.entity_id = entity, entity_id


class FileBusyError(DomainError):
    """A colleague's write holds the file longer than the wait allowed: nothing was written;
    the same change may simply be tried again."""


class NotAllowedError(DomainError):
    """The person working may not make this change (a school's director edits only their own
    school's records); nothing was written."""
