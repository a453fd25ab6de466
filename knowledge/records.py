"""The store's own record types and errors (pydantic in, pydantic out; ORM rows never leave the package)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from knowledge.schema import GuideStatus


class StoreError(Exception):
    """Base class of the store's own errors; messages are user-facing (Chinese)."""


class NotFound(StoreError, KeyError):
    """Unknown guide id or version."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "未找到"


class InvalidBatch(StoreError, ValueError):
    """An ingest batch that cannot be written as a whole (nothing was written)."""


class IngestResult(BaseModel):
    """Ids per outcome. Guides in added/updated/unchanged, policies in the policies_* lists."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    policies_added: list[str] = Field(default_factory=list)
    policies_updated: list[str] = Field(default_factory=list)
    policies_unchanged: list[str] = Field(default_factory=list)


class GuideVersionInfo(BaseModel):
    guide_id: str
    version: int
    status: GuideStatus  # published = the version currently served
    is_current: bool  # the editing head
    actor: str
    note: str
    created_at: datetime
    content_hash: str


class FieldChange(BaseModel):
    field: str
    before: Any = None
    after: Any = None


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str  # ingest, guide.create, guide.update, guide.save, guide.publish, guide.unpublish, policy.*
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
