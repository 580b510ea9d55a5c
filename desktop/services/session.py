"""An open file as the window sees it: changes by others, and who else has it open."""

from __future__ import annotations

from models.storage.database import Database
from models.storage.presence import Presence, PresenceRecord
from models.storage.watch import ChangeWatcher


class FileSession:
    def __init__(self, database: Database, user: str, computer: str) -> None:
        self.database = database
        self.watcher = ChangeWatcher(database.path)
        self.presence = None if database.read_only else PresenceRecord(database.path, user, computer)

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
