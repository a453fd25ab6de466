"""SQL tables of the knowledge store. Private to `knowledge/`: rows never leave the package.

Portable across SQLite and PostgreSQL: `sqlalchemy.JSON` for documents, timestamps always UTC-aware.
The declarative base is shared by every table of the database (knowledge/sqlbase.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.sqlbase import Base, UTCDateTime

__all__ = [
    "ID_LEN",
    "AuditRow",
    "Base",
    "FlowRow",
    "FlowVersionRow",
    "GuideRow",
    "GuideVersionRow",
    "IndexEventRow",
    "PolicyRow",
    "UTCDateTime",
]

ID_LEN = 120  # matches ServiceGuide.id / PolicyDocument.id max_length


class GuideRow(Base):
    """One guide: pointers to its editing head (`current_version`) and served (`published_version`)."""

    __tablename__ = "guides"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("current_version >= 1", name="current_version"),
        Index(None, "status"),
    )

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # status of the current version
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GuideVersionRow(Base):
    """Immutable content of one guide version: ServiceGuide.model_dump(mode="json") minus metadata."""

    __tablename__ = "guide_versions"

    guide_id: Mapped[str] = mapped_column(
        String(ID_LEN), ForeignKey("guides.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)  # PK = unique (guide_id, version)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PolicyRow(Base):
    __tablename__ = "policies"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "target", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IndexEventRow(Base):
    """One change of what is served (a guide published/unpublished, a policy written), written in the same
    transaction as the change. The highest id is the index version; every server process applies the
    events after its own version to its in-memory search index (app/index_sync.py)."""

    __tablename__ = "index_events"
    __table_args__ = (CheckConstraint("kind IN ('guide', 'policy')", name="kind"), Index(None, "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(ID_LEN))
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FlowRow(Base):
    """A curated flow record (情形引导 / 预审 flow as content staff edit it): its editing head and the version
    served. The content is opaque text here (YAML); guides/curation.py validates it before every save."""

    __tablename__ = "flows"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)  # the flow id
    service_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    current_version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FlowVersionRow(Base):
    """Immutable text of one flow version."""

    __tablename__ = "flow_versions"

    flow_id: Mapped[str] = mapped_column(
        String(ID_LEN), ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
