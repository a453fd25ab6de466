"""SQL tables of the app layer: chat sessions, applications (办件) and their events, API tokens, feedback and
the unanswered-question queue. They live on the same engine as the knowledge store and share its one
declarative base (knowledge/sqlbase.py), so one MetaData describes the whole database for Alembic.

Portable across SQLite and PostgreSQL: `JSON` for documents, timestamps stored as UTC and returned aware.
Rows are private to `app/`: `app.repository` turns them into pydantic records.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.engine import WRITE_OPTION
from knowledge.sqlbase import Base, UTCDateTime  # one declarative base and UTC type for the whole database

ID_LEN = 120  # guide ids (TASK_CODE) as in knowledge.schema
KEY_LEN = 300  # idempotency keys: "<owner>:<client key>" or "<session id>:<turn>"


class Role(StrEnum):
    CITIZEN = "citizen"
    CLERK = "clerk"
    EDITOR = "editor"
    ADMIN = "admin"


class ApplicationStatus(StrEnum):
    SUBMITTED = "已提交"
    ACCEPTED = "已受理"
    NEEDS_CORRECTION = "需补正"
    REJECTED = "不予受理"
    COMPLETED = "办结"


# from -> allowed targets. 需补正 -> 已提交 is the citizen's resubmission; the rest are clerk decisions.
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.ACCEPTED, ApplicationStatus.NEEDS_CORRECTION, ApplicationStatus.REJECTED}
    ),
    ApplicationStatus.NEEDS_CORRECTION: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED}),
    ApplicationStatus.ACCEPTED: frozenset({ApplicationStatus.COMPLETED}),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.COMPLETED: frozenset(),
}
REASON_REQUIRED = frozenset({ApplicationStatus.NEEDS_CORRECTION, ApplicationStatus.REJECTED})


def utcnow() -> datetime:
    return datetime.now(UTC)


def _in(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"role IN ({_in([r.value for r in Role])})", name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the secret
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # None: never expires


class ChatSessionRow(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(32), index=True)  # api_tokens.id
    owner_role: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)  # DialogueState.model_dump(mode="json")
    turns: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock between concurrent turns
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # last activity: session expiry and retention
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in([s.value for s in ApplicationStatus])})", name="status"),
        Index(None, "owner", "created_at"),
        Index(None, "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # receipt number, GA20261121-123456
    service_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    flow_id: Mapped[str] = mapped_column(String(ID_LEN), default="")
    service_name: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(32))
    owner_role: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    materials: Mapped[list[Any]] = mapped_column(JSON, default=list)
    missing_materials: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LEN), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApplicationEventRow(Base):
    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating IN ('up', 'down')", name="rating"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnansweredRow(Base):
    """Content-staff queue: low-confidence turns and thumbs-down feedback. A repeated unresolved low-confidence
    question (same `question_key`) counts up `repeats` instead of adding a row."""

    __tablename__ = "unanswered"
    __table_args__ = (
        CheckConstraint("kind IN ('low_confidence', 'thumbs_down')", name="kind"),
        Index(None, "resolved", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    turn: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    feedback_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    guide_id: Mapped[str | None] = mapped_column(String(ID_LEN))
    # sha256 of the normalized question (repeats are counted on the unresolved row with this key)
    question_key: Mapped[str | None] = mapped_column(String(64), index=True)
    repeats: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # latest repeat


class RateCounterRow(Base):
    """Fixed-window rate-limit counters shared by every worker and host (GOVASSIST_RATE_LIMIT_STORAGE=database)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # limit/window/identifier
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


# Write transactions start with BEGIN IMMEDIATE on SQLite (a deferred read->write upgrade fails under WAL
# when another writer committed meanwhile). Other engines ignore it.
_WRITE_OPTION = WRITE_OPTION


class AppDB:
    """The app tables on a given engine (normally `KnowledgeStore.engine`) and its session factories.

    `read()` / `write()` are transactions (`with db.write() as session: ...` commits or rolls back).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.read_sessionmaker: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        self.write_sessionmaker: sessionmaker[Session] = sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    def create_all(self) -> None:
        """Create the missing tables of the whole database (tests; deployments use `govassist db upgrade`)."""
        Base.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        """Drop the app tables only (the knowledge tables on the same base are left alone)."""
        mine = {m.local_table.name for m in Base.registry.mappers if m.class_.__module__ == __name__}
        Base.metadata.drop_all(self.engine, tables=[t for t in Base.metadata.sorted_tables if t.name in mine])

    def read(self) -> AbstractContextManager[Session]:
        return self.read_sessionmaker.begin()

    def write(self) -> AbstractContextManager[Session]:
        return self.write_sessionmaker.begin()
