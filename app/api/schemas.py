"""Request (`XIn`) and response (`XOut`) models of the HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.crud.records import ApplicationView, EventRecord, UnansweredRecord
from app.db import Role
from app.settings import INT4_MAX
from knowledge.records import FieldChange, GuideVersionInfo
from knowledge.schema import PolicyDocument, ServiceGuide


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItemOut(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    detail: str
    errors: list[ErrorItemOut] = Field(default_factory=list)


class PageOut(BaseModel):
    total: int
    limit: int
    offset: int


# --- auth / tokens --------------------------------------------------------------------------------------


class TokenIn(_In):
    role: Role = Field(description="citizen | clerk | editor | admin")
    name: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    token: str = Field(description="令牌明文，仅在创建时返回一次")
    token_id: str
    role: Role
    name: str


class TokenInfoOut(BaseModel):
    token_id: str
    role: Role
    name: str
    created_at: datetime
    revoked: bool
    expires_at: datetime | None = None


class PrincipalOut(BaseModel):
    token_id: str
    role: Role
    name: str


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    database: bool
    retriever: bool
    manager: bool
    retriever_ready: bool  # False while the index loads in the background after a start


# --- chat -------------------------------------------------------------------------------------------------


class ChatIn(_In):
    session_id: str | None = Field(default=None, min_length=1, max_length=64)
    message: str = Field(min_length=1, description="用户输入；长度上限由配置 max_message_chars 决定")


class CitationOut(BaseModel):
    id: str
    title: str
    source: str
    quote: str


class FormOut(BaseModel):
    service_id: str
    flow_id: str
    fields: dict[str, Any]
    missing: list[str]
    answers: dict[str, str] = Field(default_factory=dict)
    materials: list[dict[str, Any]] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)  # field name -> label
    service_name: str = ""


class ChatOut(BaseModel):
    session_id: str
    reply: str
    citations: list[CitationOut]
    choices: list[str]
    form: FormOut | None
    application_id: str | None
    intent: str | None = None
    confident: bool = True


class ChatSessionOut(BaseModel):
    session_id: str
    turns: int
    history: list[dict[str, str]]
    current_service_id: str | None
    last_application_id: str | None
    created_at: datetime
    updated_at: datetime


# --- applications ---------------------------------------------------------------------------------------


class MaterialIn(_In):
    name: str = Field(min_length=1, max_length=300)
    required: bool = True
    provided: bool = False


class ApplicationIn(_In):
    service_id: str = Field(min_length=1, max_length=120)
    flow_id: str = Field(default="", max_length=120)
    answers: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, Any] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)


class ApplicationOut(ApplicationView):
    pass


class ApplicationPageOut(PageOut):
    items: list[ApplicationOut]


class TransitionIn(_In):
    to: Literal["已受理", "需补正", "不予受理", "办结"]
    reason: str = Field(default="", max_length=1000)


class ResubmitIn(_In):
    fields: dict[str, Any] | None = None
    materials: list[MaterialIn] | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=1000)


class EventOut(EventRecord):
    pass


# --- guides, policies, search ---------------------------------------------------------------------------


class GuideOut(ServiceGuide):
    pass


class GuideIn(ServiceGuide):
    note: str = Field(default="", max_length=500, description="修改说明（写入版本记录）")


class GuideSummaryOut(BaseModel):
    id: str
    name: str
    department: str | None
    region: str | None
    status: str
    version: int
    is_sample: bool
    updated_at: datetime | None


class GuidePageOut(PageOut):
    items: list[GuideSummaryOut]


class PublishIn(_In):
    version: int | None = Field(default=None, ge=1, le=INT4_MAX)


class PublishOut(BaseModel):
    guide: GuideOut
    indexed: bool = Field(description="检索索引是否已同步")
    message: str


class GuideVersionOut(GuideVersionInfo):
    """The store's version record as it is (the content hash lets an editor see two versions are equal)."""


class FieldChangeOut(FieldChange):
    pass


class DiffOut(BaseModel):
    guide_id: str
    a: int
    b: int
    changes: list[FieldChangeOut]


class PolicyOut(PolicyDocument):
    pass


class PolicySummaryOut(BaseModel):
    id: str
    title: str
    kind: str
    issuer: str | None
    doc_number: str | None
    level: str | None
    region: str | None
    published: date | None
    articles: int


class PolicyPageOut(PageOut):
    items: list[PolicySummaryOut]


class ChunkHitOut(BaseModel):
    id: str
    field: str
    heading: str | None
    text: str
    score: float
    scores: dict[str, float]


class HitOut(BaseModel):
    doc_id: str
    kind: str
    title: str
    score: float
    chunks: list[ChunkHitOut]


class SearchOut(BaseModel):
    query: str
    confident: bool
    confidence: float
    latency_ms: float
    hits: list[HitOut]


# --- feedback and the unanswered queue ------------------------------------------------------------------


class FeedbackIn(_In):
    session_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=1000)


class FeedbackOut(BaseModel):
    id: int
    session_id: str
    turn: int
    rating: str


class UnansweredOut(UnansweredRecord):
    """A queue item for content staff; its texts are masked (see the feedback routes)."""

    kind: Literal["low_confidence", "thumbs_down"]
    repeats: int = Field(default=1, description="同一问题被重复提问的次数")
    conversation: list[dict[str, str]] = Field(default_factory=list)


class UnansweredPageOut(PageOut):
    items: list[UnansweredOut]


class ResolveIn(_In):
    guide_id: str | None = Field(default=None, min_length=1, max_length=120)
