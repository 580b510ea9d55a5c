"""An open file as the window sees it: changes by others, and who else has it open."""

from __future__ import annotations

from desktop.services.evidence import drop_removed
from models.domain.errors import DomainError
from models.storage import write_gate
from models.storage.database import Database
from models.storage.presence import Presence, PresenceRecord
from models.storage.watch import ChangeWatcher


class ServerWatcher:
    """Colleagues' commits on the server: the change log's last line moves (the window polls)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._seen = 0
        self._seen = self._version()

    def _version(self) -> int:
        try:
            return self.database.data_version()
        except DomainError:
            return self._seen  # the network is down: asked again at the next poll

    def changed(self) -> bool:
        now = self._version()
        if now != self._seen:
            self._seen = now
            return True
        return False

    def acknowledge(self) -> None:
        self._seen = self._version()

    def close(self) -> None:
        return None


class FileSession:
    def __init__(self, database: Database, user: str, computer: str) -> None:
        self.database = database
        if database.is_server:  # no file to watch or to leave a presence record beside
            self.watcher: ChangeWatcher | ServerWatcher = ServerWatcher(database)
            self.presence = None
            return
        self.watcher = ChangeWatcher(database.path)
        self.presence = None if database.read_only else PresenceRecord(database.path, user, computer)
        self._tidy()

    def _tidy(self) -> None:
        """Drop the evidence files taken off in earlier sessions (their undo went with them) —
        only when nobody else has the file open, whose undo could still want one back."""
        if self.presence is None or self.others():
            return
        try:
            with write_gate.opened("tidying"), self.database.write(wait_ms=200) as conn:
                drop_removed(conn)
        except DomainError:
            pass  # a busy or read-only file keeps them until the next time

    def changed_by_others(self) -> bool:
        return self.watcher.changed()

    def acknowledge_own_commit(self) -> None:
        self.watcher.acknowledge()

    def others(self) -> list[Presence]:
        return self.presence.others() if self.presence else []

    def heartbeat(self) -> None:
        """Keep this session's presence record fresh (written once a minute; cheap to call often)."""
        if self.presence:
            self.presence.heartbeat()

    def close(self) -> None:
        self.watcher.close()
        if self.presence:
            self.presence.close()
