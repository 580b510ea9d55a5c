"""ORM entities of the roadmap file (SQLAlchemy 2 typed mappings).

Numbers shown to people ("1.2", "IV") are not stored: they are derived from ``position`` and the
roadmap's numbering style (``models.domain.numbering``). ``number_as_written`` only keeps what an
imported document printed, for reference. Measures and subsections of one parent share a single
``position`` sequence, so document order is well defined.

Only portable column types are used (the same models must run on PostgreSQL later).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.domain.status import PLANNED, STATUSES


def new_uid() -> str:
    """A row's identity that survives copies, school sheets and the server (the integer id is
    the store's own and differs between them)."""
    return str(uuid.uuid4())


def _uid_index(table: str) -> Index:
    """Each identity once in a store; rows written by another program without one are left alone."""
    given = text("uid <> ''")
    return Index(f"ix_{table}_uid", "uid", unique=True, sqlite_where=given, postgresql_where=given)


class TolerantDate(TypeDecorator[date]):
    """A date column whose damaged value reads as None instead of stopping every read of the
    roadmap (SQLite keeps dates as text: a flipped bit makes «2024-13-45»). Written and declared
    exactly as ``Date`` (the schema and the migrations do not change)."""

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], date | None]:
        def read(value: Any) -> date | None:
            if value is None or isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                return None

        return read


class TolerantJSON(TypeDecorator[Any]):
    """A JSON column whose damaged value reads as None (the callers' ``or []`` / ``or {}``)
    instead of stopping every read of the roadmap; written and declared exactly as ``JSON``.

    ``shape`` says what the column holds: "texts" (a list of text: other items are read as their
    text, None dropped) or "object" (a mapping); a value of another shape, which only a file
    altered by hand or a bit flip holds, reads as None too (a string where a list belongs was read
    letter by letter, a string where settings belong stopped every read of the roadmap)."""

    impl = JSON
    cache_ok = True

    def __init__(self, shape: str | None = None) -> None:
        super().__init__()
        self.shape = shape

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any]:
        shape = self.shape

        def read(value: Any) -> Any:
            if isinstance(value, str | bytes):
                try:
                    value = json.loads(value)
                except ValueError:
                    return None
            if shape == "texts":
                if not isinstance(value, list):
                    return None
                return [item if isinstance(item, str) else str(item) for item in value if item is not None]
            if shape == "object" and not isinstance(value, dict):
                return None
            return value

        return read


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
STATUS_CHECK = "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every entity here is declared with ``__tablename__``, so its ``__table__`` is a Table
        # (DeclarativeBase types it as any FromClause); for the type checker only.
        __table__: ClassVar[Table]


class Roadmap(Base):
    __tablename__ = "roadmaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default="")
    title: Mapped[str] = mapped_column(Text, default="")
    organization: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date] = mapped_column(Date)  # needed: damage here is told as damage
    period_end: Mapped[date] = mapped_column(Date)
    # "hierarchical" (1, 1.1, 1.1.1), "restart" (1, 2… in each section) or "flat" (1…N throughout).
    numbering: Mapped[str] = mapped_column(String(20), default="hierarchical")
    # How subsections are labelled: "nested" (1.1) or "roman" (I, II; measures count on by top section).
    subsection_numbering: Mapped[str] = mapped_column(String(20), default="nested")
    goal: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[list[str]] = mapped_column(TolerantJSON("texts"), default=list)
    approval_kind: Mapped[str | None] = mapped_column(String(20))  # "stamp" | "appendix" | None
    approval_lines: Mapped[list[str]] = mapped_column(TolerantJSON("texts"), default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(TolerantJSON("object"), default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The district it belongs to. Left out of inserts on purpose: on the regional server the
    # column's default is the writing account's district (models/storage/server_security.py).
    district: Mapped[str] = mapped_column(String(200), server_default="")

    order: Mapped[ApprovalOrder | None] = relationship(
        back_populates="roadmap", cascade="all, delete-orphan", uselist=False
    )
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period"), _uid_index("roadmaps"))


class ApprovalOrder(Base):
    """The order (приказ) that approves a roadmap; at most one per roadmap."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(50), default="")
    number_text: Mapped[str] = mapped_column(String(100), default="")
    date: Mapped[date | None] = mapped_column(TolerantDate)
    date_text: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    preamble: Mapped[str] = mapped_column(Text, default="")
    directive: Mapped[str] = mapped_column(String(100), default="")
    clauses: Mapped[list[str]] = mapped_column(TolerantJSON("texts"), default=list)
    signer: Mapped[str] = mapped_column(Text, default="")
    signer_position: Mapped[str] = mapped_column(Text, default="")

    roadmap: Mapped[Roadmap] = relationship(back_populates="order")


class Section(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default="")
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    number_as_written: Mapped[str] = mapped_column(String(50), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_sections_parent", "roadmap_id", "parent_id", "position"),
        _uid_index("sections"),
    )


class Measure(Base):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default="")
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    form: Mapped[str] = mapped_column(Text, default="")
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    done_on: Mapped[date | None] = mapped_column(TolerantDate)
    note: Mapped[str] = mapped_column(Text, default="")
    number_as_written: Mapped[str] = mapped_column(String(50), default="")
    # Unknown imported columns, by their header.
    extra: Mapped[dict[str, str]] = mapped_column(TolerantJSON("object"), default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        Index("ix_measures_parent", "roadmap_id", "section_id", "position"),
        _uid_index("measures"),
    )


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    is_shnor: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sssu: Mapped[bool] = mapped_column(Boolean, default=False)
    is_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_profiles: Mapped[list[str]] = mapped_column(TolerantJSON("texts"), default=list)

    __table_args__ = (Index("ix_schools_roadmap", "roadmap_id", "position"),)


class MeasureSchool(Base):
    """Which schools a measure concerns."""

    __tablename__ = "measure_schools"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)


class ChangeLogEntry(Base):
    """One changed field: who, when, on which computer, old → new (text)."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(200), default="")
    computer: Mapped[str] = mapped_column(String(200), default="")
    roadmap_id: Mapped[int | None] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(20))  # "measure", "section", "roadmap"
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(50))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    person: Mapped[str] = mapped_column(String(200), default="", server_default="")  # who, by name
    # On the regional server the server stamps these itself (a trigger): the account that wrote
    # the line and its district, whatever the program sent; in a file both stay empty.
    district: Mapped[str] = mapped_column(String(200), default="", server_default="")
    account: Mapped[str] = mapped_column(String(200), default="", server_default="")

    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id", "at"),)


ROLES = ("coordinator", "director", "team")


class Person(Base):
    """Someone who works in the file: a coordinator, or a school's director or team member (their
    school by name: the same school stands in several roadmaps). A PIN is optional; only its salted
    hash is kept."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default="coordinator")
    school: Mapped[str] = mapped_column(Text, default="")
    pin_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The district whose people they are on the regional server: left out of inserts, the
    # column's default there is the writing account's district; "" in a file.
    district: Mapped[str] = mapped_column(String(200), server_default="")

    __table_args__ = (CheckConstraint("role IN ('coordinator', 'director', 'team')", name="role"),)


class SchoolExecution(Base):
    """One school's record of a measure's execution (status, date done, note): a measure that
    concerns five schools is done school by school."""

    __tablename__ = "school_executions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default="")
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    done_on: Mapped[date | None] = mapped_column(TolerantDate)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(200), default="")  # who reported last, by name

    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        UniqueConstraint("measure_id", "school_id"),
        Index("ix_school_executions_school", "school_id"),
        _uid_index("school_executions"),
    )


class Attachment(Base):
    """A file of evidence attached to a measure or to one school's record of it, its bytes kept
    in the roadmap file. No foreign keys on purpose: deleting a measure must not take its files
    with it while the deletion can still be undone; ``removed`` marks a file taken off (undo
    puts it back), and such rows and those of measures gone are dropped when the file is next
    opened (desktop/services/evidence.py)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[datetime | None] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(200), default="")
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_attachments_measure", "measure_id"),)


# Settings the storage itself knows by key: the file's (or the server's) identity with its secret,
# the server's id that every account may read, and the prefix of a district's own settings (a
# sync's record) — on the server a district writes these alone (models/storage/server_security.py).
IDENTITY_KEY = "file_identity"
SERVER_ID_KEY = "server_id"
DISTRICT_SETTINGS_PREFIX = "sync:"


def new_identity() -> dict[str, str]:
    """A store's identity as kept under IDENTITY_KEY: a random id and a secret (hex)."""
    return {"id": str(uuid.uuid4()), "secret": secrets.token_hex(32)}


def identity_parts(value: Any) -> tuple[str, bytes] | None:
    """The id and secret of a stored identity; None when it is missing or damaged."""
    if not isinstance(value, dict):
        return None
    ident, secret = value.get("id"), value.get("secret")
    if not isinstance(ident, str) or not isinstance(secret, str) or len(secret) < 32:
        return None
    try:
        return ident, bytes.fromhex(secret)
    except ValueError:
        return None


class FileSetting(Base):
    """A setting of the whole file (e.g. the school calendar), versioned like every edited row."""

    __tablename__ = "file_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[Any] = mapped_column(TolerantJSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # On the regional server: "" for the region's own settings (the administrator's), else the
    # district whose setting it is (a sync's record: left out of inserts, the column's default
    # there is the writing account's district); always "" in a file.
    district: Mapped[str] = mapped_column(String(200), server_default="")
