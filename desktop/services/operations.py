"""The one way a change reaches the file: a command applied or reverted in ONE write transaction.

Anki's ``CollectionOp``/``transact()`` in small: ``Operations.apply(command)`` opens the write
transaction, hands the command a ``Tx`` (the connection, who writes, the change-log writer and the
version checks), commits, and returns the command's ``Changes``. A command never opens a
transaction of its own; a failure rolls everything back and nothing is remembered.

Versions. Every versioned row (measure, section, roadmap, file setting) is written as
``… SET version = expected + 1 WHERE id = … AND version = expected``, so a colleague's save in
between is never overwritten. ``expected`` is, on a command's first apply, the version the user
saw; on an undo or redo, the version this window itself wrote last — but only while the window's
own writes to that row form an unbroken chain back to the command. A colleague's write breaks
the chain (our next write is based on a version we did not write), and the older commands on that
row are then refused instead of silently undoing the colleague's work.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.orm import Session

from desktop.services.changes import Changes
from models.domain.errors import StaleEditError
from models.domain.roles import check_file_operation, check_operation
from models.entities import ChangeLogEntry
from models.storage import write_gate
from models.storage.database import Database

T = TypeVar("T")

Key = tuple[str, int]  # ("measure" | "section" | "roadmap" | "settings", id): as in the change log


@dataclass(frozen=True)
class Actor:
    """Who makes a change, for the change log and conflict messages: the computer's account and,
    once the file has its people, the person who said «это я» on opening (their role and school
    decide what they may change)."""

    user: str
    computer: str
    person: str = ""
    role: str = "coordinator"
    school: str = ""  # a director's or team member's school, by name

    @property
    def shown(self) -> str:
        """The name people see in the log and in messages: the person's, else the account's."""
        return self.person or self.user


@dataclass
class CommandState:
    """What the executor keeps on a command: applied yet, and the version chains it wrote."""

    applied: bool = False
    chains: dict[Key, int] = field(default_factory=dict)


class Command(Protocol):
    """A Qt-free, undoable change; ``apply``/``revert`` run inside the executor's transaction."""

    state: CommandState

    @property
    def label(self) -> str: ...

    def apply(self, tx: Tx) -> Changes: ...

    def revert(self, tx: Tx) -> Changes: ...


@dataclass
class _Written:
    version: int
    chain: int


class VersionLedger:
    """The versions this window wrote last, row by row, with the chain each belongs to."""

    def __init__(self) -> None:
        self.rows: dict[Key, _Written] = {}
        self._chains = itertools.count(1)

    def new_chain(self) -> int:
        return next(self._chains)

    def clear(self) -> None:
        self.rows.clear()


class Tx:
    """One write transaction as a command sees it."""

    def __init__(self, conn: Connection, actor: Actor, ledger: VersionLedger, state: CommandState) -> None:
        self.conn, self.actor = conn, actor
        self.now = datetime.now().replace(microsecond=0)
        self.first = not state.applied
        self._ledger, self._state = ledger, state
        self._pending: dict[Key, _Written] = {}
        self._chains: dict[Key, int] = {}
        self._log: list[dict[str, Any]] = []
        self._after_log: list[Callable[[int, int], None]] = []

    # ---- versions --------------------------------------------------------------------------
    def expected(self, key: Key, seen: int | None, stored: int, title: str = "") -> int:
        """The version a write of ``key`` must find: ``seen`` (or ``stored`` when None) on the
        first apply; on undo/redo the one this window wrote last, if its chain is this command's."""
        if self.first:
            return stored if seen is None else seen
        written = self._pending.get(key) or self._ledger.rows.get(key)
        chain = self._state.chains.get(key)
        if written is None or chain is None or written.chain != chain:
            raise self.stale(key, title)
        return written.version

    def wrote(self, key: Key, expected: int, version: int) -> None:
        """Record that ``key`` went from ``expected`` to ``version`` in this transaction (a
        deletion keeps its last version: putting the row back writes the next one).

        On a first apply the chain goes on when ``expected`` is the version this window wrote
        last; otherwise (a colleague wrote in between, or the row is new to this window) a new
        chain starts, and older commands on the row can no longer be undone over it."""
        if not self.first and key in self._state.chains:
            chain = self._state.chains[key]
        elif not self.first:  # a row a redo made anew (a school's record gets a new id)
            chain = self._ledger.new_chain()
        else:
            written = self._pending.get(key) or self._ledger.rows.get(key)
            continues = written is not None and written.version == expected
            chain = written.chain if continues and written is not None else self._ledger.new_chain()
        self._pending[key] = _Written(version, chain)
        self._chains[key] = chain

    def created(self, key: Key, version: int) -> None:
        """A row this command made (first apply) or put back (redo/undo, after ``expected``)."""
        if self.first:
            chain = self._ledger.new_chain()
            self._pending[key] = _Written(version, chain)
            self._chains[key] = chain
        else:
            self.wrote(key, version - 1, version)

    def update_versioned(
        self,
        table: Table,
        key: Key,
        seen: int | None,
        stored: int,
        values: dict[str, Any],
        title: str = "",
    ) -> int:
        """``UPDATE table SET values, version = expected + 1 WHERE id AND version = expected``;
        the new version, or StaleEditError when a colleague saved in between."""
        expected = self.expected(key, seen, stored, title)
        result = self.conn.execute(
            update(table)
            .where(table.c.id == key[1], table.c.version == expected)
            .values(**values, version=expected + 1)
        )
        if result.rowcount != 1:
            raise self.stale(key, title)
        self.wrote(key, expected, expected + 1)
        return expected + 1

    def stale(self, key: Key, title: str = "") -> StaleEditError:
        """«… уже изменено другим пользователем (кто, где, когда)» for ``key``."""
        entity, ident = key
        mine = (ChangeLogEntry.user == self.actor.user) & (ChangeLogEntry.computer == self.actor.computer)
        last = self.conn.execute(  # the last one who wrote it other than this user, if any
            select(ChangeLogEntry.user, ChangeLogEntry.computer, ChangeLogEntry.at)
            .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == ident)
            .order_by(mine, ChangeLogEntry.id.desc())
            .limit(1)
        ).one_or_none()
        who = f" ({last.user}, {last.computer}, {last.at:%d.%m.%Y %H:%M})" if last else ""
        short = title if len(title) <= 60 else title[:57] + "…"
        what = {
            "measure": f"Мероприятие «{short}» уже изменено",
            "section": f"Раздел «{short}» уже изменён",
            "roadmap": "Документ дорожной карты уже изменён",
            "settings": "Учебный календарь уже изменён",
        }.get(entity, "Данные уже изменены")
        return StaleEditError(
            f"{what} другим пользователем{who}. Ваше изменение не сохранено: "
            "данные обновлены, внесите изменение ещё раз.",
            entity=entity,
            entity_id=ident,
        )

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session on this transaction (writing a whole roadmap), flushed at the end;
        objects stay usable after the commit."""
        session = Session(bind=self.conn, expire_on_commit=False, autoflush=False)
        try:
            yield session
            session.flush()
        finally:
            session.close()

    # ---- change log ------------------------------------------------------------------------
    def log(
        self,
        roadmap_id: int | None,
        entity: str,
        entity_id: int,
        field_name: str,
        old: str | None,
        new: str | None,
    ) -> None:
        """A line of the change log, written with the transaction (the only writer of it)."""
        self._log.append(
            {
                "at": self.now,
                "user": self.actor.user,
                "computer": self.actor.computer,
                "person": self.actor.person,
                "roadmap_id": roadmap_id,
                "entity": entity,
                "entity_id": entity_id,
                "field": field_name,
                "old": old,
                "new": new,
            }
        )

    def after_log(self, write: Callable[[int, int], None]) -> None:
        """``write(first, last)`` — the ids of this step's change-log lines (first > last: none)
        — once they are in, still inside the transaction: a merge's sync point must lie past
        the lines the merge itself wrote."""
        self._after_log.append(write)

    def flush_log(self) -> None:
        """Write this step's change-log lines now, still inside the transaction (a sync needs
        their ids before it commits); the executor calls it once more at the end."""
        if self._log:
            self.conn.execute(insert(ChangeLogEntry), self._log)
        if self._after_log:
            last = int(self.conn.execute(select(func.max(ChangeLogEntry.id))).scalar() or 0)
            for write in self._after_log:
                write(last - len(self._log) + 1, last)
        self._log, self._after_log = [], []

    def _commit_bookkeeping(self) -> None:
        self._ledger.rows.update(self._pending)
        self._state.chains.update(self._chains)
        self._state.applied = True


class Operations:
    """Executes commands against one open file, each step one transaction."""

    def __init__(self, database: Database, actor: Actor, wait_ms: int | None = None) -> None:
        self.db, self.actor = database, actor
        self.ledger = VersionLedger()
        # How long a step waits for a colleague's write lock before BusyError (None: the full
        # 10 s, for scripts); the window waits briefly and then asks the user.
        self.wait_ms = wait_ms

    def apply(self, command: Command) -> Changes:
        return self._run(command, command.apply)

    def revert(self, command: Command) -> Changes:
        return self._run(command, command.revert)

    def _run(self, command: Command, step: Callable[[Tx], Changes]) -> Changes:
        check_operation(self.actor.role, self.actor.shown, bool(getattr(command, "for_school", False)))
        with write_gate.opened("operation"), self.db.write(self.wait_ms) as conn:
            tx = Tx(conn, self.actor, self.ledger, command.state)
            changes = step(tx)
            tx.flush_log()
        tx._commit_bookkeeping()  # only once the transaction is committed
        return changes

    def transact(self, what: str, work: Callable[[Tx], T]) -> T:
        """A whole-file write that is not an undoable command — an import, the demo, each
        direction of a sync — through the same door as every command: the role check (``what``:
        models.domain.roles' word for it, the coordinator's alone), one transaction, the change
        log. ``work(tx)`` does the writing; what it returns is returned once committed."""
        check_file_operation(self.actor.role, self.actor.shown, what)
        with write_gate.opened(what), self.db.write(self.wait_ms) as conn:
            tx = Tx(conn, self.actor, VersionLedger(), CommandState())
            result = work(tx)
            tx.flush_log()
        return result

    def forget(self) -> None:
        """Another file, or a restore: nothing this window wrote is a base for undo any more."""
        self.ledger.clear()
