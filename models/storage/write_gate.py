"""The one door to a write transaction: ``Database.write`` (and every ORM flush) refuses unless
the door was opened, and only the operations layer (desktop/services/operations.py) opens it —
after the role check, for one transaction that writes the change log too. The import contract
«one write path» in pyproject.toml lists the few others allowed to open it and why.

A write outside it is the program's own bug, never the user's: it stops loudly (in tests and in
the log) instead of writing a change nobody checked or logged."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_HOLDER: ContextVar[str | None] = ContextVar("roadmap_write_gate", default=None)


class WriteOutsideOperation(RuntimeError):
    """A write transaction or flush that did not come through the operations layer."""


@contextlib.contextmanager
def opened(by: str) -> Iterator[None]:
    """Let this thread (and context) open write transactions while the block runs; ``by`` says who."""
    token = _HOLDER.set(by)
    try:
        yield
    finally:
        _HOLDER.reset(token)


def check() -> None:
    if _HOLDER.get() is None:
        raise WriteOutsideOperation(
            "a write outside an operation: go through desktop.services.operations (Operations.apply "
            "or Operations.transact)"
        )


@event.listens_for(Session, "before_flush")
def _flush_guard(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        check()
