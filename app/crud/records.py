"""The pydantic records the crud functions return (rows never leave `app.crud`) and their errors."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

CHINA_TZ = timezone(timedelta(hours=8))


class NotFound(LookupError):
    """No such row."""


class StaleSession(RuntimeError):
    """Another turn of the same chat session was saved first (optimistic lock)."""


class InvalidTransition(ValueError):
    """A status change the workflow does not allow; `message` is user-facing Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Record(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class TokenRecord(_Record):
    id: str
    role: str
    name: str
    created_at: datetime
    revoked: bool
    revoked_at: datetime | None = None
    expires_at: datetime | None = None


class ChatSessionRecord(_Record):
    id: str
    owner: str
    owner_role: str
    state: dict[str, Any]
    turns: int
    version: int
    created_at: datetime
    updated_at: datetime


class ApplicationData(BaseModel):
    """What is submitted: from the dialogue (ApplicationDraft) or from POST /applications."""

    service_id: str
    flow_id: str = ""
    service_name: str = ""
    answers: dict[str, Any] = Field(default_factory=dict)
    fields: dict[str, Any] = Field(default_factory=dict)
    materials: list[Any] = Field(default_factory=list)
    missing_materials: list[Any] = Field(default_factory=list)
    summary: str = ""

    def payload_hash(self) -> str:
        body = self.model_dump(mode="json", exclude={"summary", "service_name"})
        return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class ApplicationView(_Record):
    """What the applicant and clerks see of an application (the API returns it as is)."""

    id: str = Field(description="受理编号")
    service_id: str
    flow_id: str
    service_name: str
    status: str
    owner_role: str
    session_id: str | None
    answers: dict[str, Any]
    fields: dict[str, Any]
    materials: list[Any]
    missing_materials: list[Any]
    summary: str
    created_at: datetime
    updated_at: datetime


class ApplicationRecord(ApplicationView):
    owner: str
    idempotency_key: str
    payload_hash: str


class EventRecord(_Record):
    id: int
    application_id: str
    at: datetime
    actor: str
    actor_role: str
    from_status: str | None
    to_status: str
    reason: str


class FeedbackRecord(_Record):
    id: int
    session_id: str
    turn: int
    rating: str
    comment: str
    question: str
    reply: str
    actor: str
    at: datetime


class UnansweredRecord(_Record):
    id: int
    kind: str
    question: str
    reply: str
    comment: str
    session_id: str | None
    turn: int | None
    confidence: float | None
    feedback_id: int | None
    at: datetime
    resolved: bool
    resolved_at: datetime | None
    resolved_by: str | None
    guide_id: str | None
    repeats: int = 1
    last_at: datetime | None = None
