"""Dialogue state and turn results: the contract between assistant/ (pure) and app/ (persistence, HTTP).

The state is a pydantic model so the app can store it as JSON and resume a session after a restart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from assistant.events import Event


class Intent(StrEnum):
    SERVICE_QUESTION = "service_question"  # 问办事
    APPLY = "apply"  # 想办理
    POLICY_QUESTION = "policy_question"  # 政策/法规
    APPLICATION_STATUS = "application_status"  # 查进度
    COMPLAINT = "complaint"  # 投诉建议 -> 12345
    GREETING = "greeting"  # 问候/闲聊
    OUT_OF_SCOPE = "out_of_scope"


class Citation(BaseModel):
    id: str  # "guide:<id>#<field>" or "policy:<id>#<article number>"
    title: str  # guide name / law title + article
    source: str  # URL or file the fact comes from
    quote: str  # the exact evidence text


class FormView(BaseModel):
    service_id: str
    flow_id: str
    fields: dict[str, Any] = Field(default_factory=dict)  # name -> value filled so far
    missing: list[str] = Field(default_factory=list)  # labels of required fields still missing
    answers: dict[str, str] = Field(default_factory=dict)  # 情形 answers
    materials: list[dict[str, Any]] = Field(default_factory=list)  # [{"name", "required", "provided"}]
    labels: dict[str, str] = Field(default_factory=dict)  # field name -> label (for rendering `fields`)
    service_name: str = ""  # the service being applied for


class ApplicationDraft(BaseModel):
    """What the assistant hands to the intake API when the user confirms."""

    service_id: str
    flow_id: str
    service_name: str
    answers: dict[str, str]  # 情形 question id -> choice value
    fields: dict[str, Any]  # form field name -> validated value
    materials: list[dict[str, Any]]  # [{"name", "required", "provided": bool}]
    missing_materials: list[str]  # 预审: required materials not yet provided
    summary: str = ""


class Reply(BaseModel):
    text: str
    citations: list[Citation] = Field(default_factory=list)
    choices: list[str] = Field(default_factory=list)  # buttons the client can render
    form: FormView | None = None
    intent: Intent | None = None
    confident: bool = True  # False for unanswered / low-confidence turns (content-staff queue)


class SuspendedForm(BaseModel):
    """A form left with "不办了" or a switch to another service, kept so "继续刚才的" resumes it."""

    flow_id: str
    answers: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, Any] = Field(default_factory=dict)
    provided_materials: list[str] = Field(default_factory=list)


class PendingConfirm(BaseModel):
    """An inferred 情形 answer awaiting a yes / no ("您是外地户籍，对吗？")."""

    question: str
    value: str


class AppliedRecord(BaseModel):
    """The application submitted in this conversation: follow-ups ("要补什么") refer to it."""

    application_id: str
    flow_id: str
    service_id: str
    missing_materials: list[str] = Field(default_factory=list)


class DialogueState(BaseModel):
    """Everything the conversation remembers; stored as JSON per session."""

    session_id: str | None = None
    turns: int = 0
    current_service_id: str | None = None  # the guide being talked about (follow-ups use it)
    current_policy_id: str | None = None
    # what the last question named beyond its question words ("结婚登记在哪里办" -> 结婚登记…): a bare follow-up
    # after a statute's answer ("要带什么") asks about it
    last_subject: str | None = None
    pending_choices: dict[str, str] = Field(default_factory=dict)  # label -> service id (disambiguation)
    # "answer" | "apply" | "related" (buttons beside an answer): what to do once a pending choice is picked
    pending_purpose: str | None = None
    pending_query: str | None = None  # the message that led to the disambiguation (answered after it)
    last_aspects: list[str] = Field(default_factory=list)  # aspects of the last guide answer ("那低保呢？")
    flow_id: str | None = None  # active form flow
    flow_stage: str | None = None  # "questions" | "fields" | "confirm" | None
    answers: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, Any] = Field(default_factory=dict)
    provided_materials: list[str] = Field(default_factory=list)
    materials_asked: bool = False  # the "这些材料您准备好了吗？" step of a pre-check flow is done
    requested: str | None = None  # the question id / field name being asked
    last_application_id: str | None = None
    pending_confirm: PendingConfirm | None = None
    suspended: SuspendedForm | None = None
    offered_flow_id: str | None = None  # the flow the last reply offered to start ("回复“我要办…”")
    # what the person said in the message that got the offer ("我妈的社保卡丢了，怎么补办"): the form it
    # starts keeps the facts stated there
    offered_text: str | None = None
    last_application: AppliedRecord | None = None
    history: list[dict[str, str]] = Field(default_factory=list)  # [{"role", "text"}], bounded


class TurnResult(BaseModel):
    state: DialogueState
    reply: Reply
    submission: ApplicationDraft | None = None  # set when the user confirmed: the app persists it
    events: list[Event] = Field(default_factory=list)  # typed, for tests, audit and metrics
