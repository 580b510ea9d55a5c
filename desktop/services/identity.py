"""The file's identity: an id and a secret made once and kept in the file's settings.

A school's report sheet carries the id and a checksum made with the secret, so the program knows
its own sheets and the file they belong to; a sheet another file made, or one altered outside its
unlocked cells, fails the check. A copy of the file (a USB stick, another PC) keeps the identity:
it is the same file's lineage. The secret is not a password: whoever has the file has it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from models.entities import IDENTITY_KEY, SERVER_ID_KEY, FileSetting, identity_parts, new_identity
from models.storage import write_gate
from models.storage.database import Database

IDENTITY = IDENTITY_KEY


@dataclass(frozen=True, slots=True)
class FileIdentity:
    file_id: str
    secret: bytes

    def sign(self, payload: Any) -> str:
        """HMAC-SHA256 of ``payload`` (JSON, keys sorted) with the file's secret."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def signed(self, payload: Any, signature: str) -> bool:
        return hmac.compare_digest(self.sign(payload), signature)


def _read(value: Any) -> FileIdentity | None:
    parts = identity_parts(value)
    return None if parts is None else FileIdentity(*parts)


def existing_identity(database: Database) -> FileIdentity | None:
    """The file's identity if it has one (no write: a file that never sent sheets has none)."""
    with database.read() as conn:
        return _read(conn.execute(select(FileSetting.value).where(FileSetting.key == IDENTITY)).scalar())


def file_identity(database: Database) -> FileIdentity:
    """The file's identity, made (one small transaction) the first time it is needed."""
    found = existing_identity(database)
    if found is not None:
        return found
    with write_gate.opened("the file's identity"), database.write() as conn:
        found = _read(conn.execute(select(FileSetting.value).where(FileSetting.key == IDENTITY)).scalar())
        if found is not None:  # made by a colleague meanwhile
            return found
        made = new_identity()
        conn.execute(FileSetting.__table__.delete().where(FileSetting.key == IDENTITY))  # a damaged one
        conn.execute(
            insert(FileSetting).values(
                key=IDENTITY, value=made, updated_at=datetime.now().replace(microsecond=0), version=1
            )
        )
    identity = _read(made)
    assert identity is not None
    return identity


def server_id(server: Database) -> str:
    """The id a district's file knows its server by (a file's own id, or a copy's, is
    copies.store_id). A region's server gives it as a setting of its own — its identity, with the
    secret, is read by no district: server-setup makes both; a server never set up for a region
    gives its identity's id."""
    with server.read() as conn:
        value = conn.execute(select(FileSetting.value).where(FileSetting.key == SERVER_ID_KEY)).scalar()
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return file_identity(server).file_id
