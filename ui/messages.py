"""One way to tell the user that something was refused: a Russian message box, and a log line."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.config import APP_TITLE
from models.domain.errors import DomainError

log = logging.getLogger("roadmap.messages")


def show_error(parent: QWidget | None, error: DomainError | str) -> None:
    """Show ``error`` (its Russian message) and log it, so a district's IT person can read later
    what a user was told."""
    message = error.message if isinstance(error, DomainError) else error
    log.info("shown to the user: %s", message)
    QMessageBox.warning(parent, APP_TITLE, message)
