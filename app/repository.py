"""Keyword-only data access for the app tables. Functions take a `Session` and never commit: the caller owns
the transaction (`with db.write() as session: ...`). The one exception is
`create_or_get_application`, which runs its own transactions to make creation idempotent under races.

Rows never leave this module: every function returns pydantic records.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import (
    REASON_REQUIRED,
    TRANSITIONS,
    ApiTokenRow,
    AppDB,
    ApplicationEventRow,
    ApplicationRow,
    ApplicationStatus,
    ChatSessionRow,
    FeedbackRow,
    UnansweredRow,
    utcnow,
)

CHINA_TZ = timezone(timedelta(hours=8))
_ID_ATTEMPTS = 8


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


class ApplicationRecord(_Record):
    id: str
    service_id: str
    flow_id: str
    service_name: str
    owner: str
    owner_role: str
    session_id: str | None
    status: str
    answers: dict[str, Any]
    fields: dict[str, Any]
    materials: list[Any]
    missing_materials: list[Any]
    summary: str
    idempotency_key: str
    payload_hash: str
    created_at: datetime
    updated_at: datetime


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


# --- tokens -------------------------------------------------------------------------------------------


def insert_token(*, session: Session, token_id: str, token_hash: str, role: str, name: str) -> TokenRecord:
    row = ApiTokenRow(id=token_id, token_hash=token_hash, role=role, name=name, created_at=utcnow())
    session.add(row)
    session.flush()
    return TokenRecord.model_validate(row)


def get_token_by_hash(*, session: Session, token_hash: str) -> TokenRecord | None:
    row = session.scalars(select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)).first()
    return TokenRecord.model_validate(row) if row else None


def list_tokens(*, session: Session) -> list[TokenRecord]:
    rows = session.scalars(select(ApiTokenRow).order_by(ApiTokenRow.created_at, ApiTokenRow.id))
    return [TokenRecord.model_validate(r) for r in rows]


def revoke_token(*, session: Session, token_id: str) -> TokenRecord:
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFound(token_id)
    if not row.revoked:
        row.revoked, row.revoked_at = True, utcnow()
        session.flush()
    return TokenRecord.model_validate(row)


# --- chat sessions ------------------------------------------------------------------------------------


def get_chat_session(*, session: Session, session_id: str) -> ChatSessionRecord | None:
    row = session.get(ChatSessionRow, session_id)
    return ChatSessionRecord.model_validate(row) if row else None


def get_chat_sessions(*, session: Session, session_ids: list[str]) -> dict[str, ChatSessionRecord]:
    if not session_ids:
        return {}
    rows = session.scalars(select(ChatSessionRow).where(ChatSessionRow.id.in_(set(session_ids))))
    return {r.id: ChatSessionRecord.model_validate(r) for r in rows}


def save_chat_session(
    *,
    session: Session,
    session_id: str,
    owner: str,
    owner_role: str,
    state: dict[str, Any],
    expected_version: int | None,
) -> int:
    """Insert (expected_version None) or update when the stored version still matches; returns the new version."""
    now = utcnow()
    turns = int(state.get("turns") or 0)
    if expected_version is None:
        session.add(
            ChatSessionRow(
                id=session_id,
                owner=owner,
                owner_role=owner_role,
                state=state,
                turns=turns,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        try:
            session.flush()
        except IntegrityError as exc:  # the transaction is doomed; the caller's `begin()` rolls it back
            raise StaleSession(session_id) from exc
        return 1
    result = session.execute(
        update(ChatSessionRow)
        .where(ChatSessionRow.id == session_id, ChatSessionRow.version == expected_version)
        .values(state=state, turns=turns, version=expected_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleSession(session_id)
    return expected_version + 1


# --- applications -------------------------------------------------------------------------------------


def new_application_id(now: datetime | None = None) -> str:
    """A readable receipt number: GA + date (China time) + 6 random digits, e.g. GA20261121-048213."""
    day = (now or utcnow()).astimezone(CHINA_TZ).strftime("%Y%m%d")
    return f"GA{day}-{secrets.randbelow(1_000_000):06d}"


def insert_application(
    *,
    session: Session,
    application_id: str,
    data: ApplicationData,
    owner: str,
    owner_role: str,
    idempotency_key: str,
    actor: str,
    session_id: str | None = None,
) -> ApplicationRecord:
    """Insert an application in status 已提交 plus its first event; flushes (IntegrityError propagates)."""
    now = utcnow()
    doc = data.model_dump(mode="json")  # JSON-safe (dates, decimals) for the JSON columns
    row = ApplicationRow(
        id=application_id,
        service_id=data.service_id,
        flow_id=data.flow_id,
        service_name=data.service_name,
        owner=owner,
        owner_role=owner_role,
        session_id=session_id,
        status=ApplicationStatus.SUBMITTED.value,
        answers=doc["answers"],
        fields=doc["fields"],
        materials=doc["materials"],
        missing_materials=doc["missing_materials"],
        summary=data.summary,
        idempotency_key=idempotency_key,
        payload_hash=data.payload_hash(),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        ApplicationEventRow(
            application_id=application_id,
            at=now,
            actor=actor,
            actor_role=owner_role,
            from_status=None,
            to_status=ApplicationStatus.SUBMITTED.value,
            reason="",
        )
    )
    session.flush()
    return ApplicationRecord.model_validate(row)


def get_application(*, session: Session, application_id: str) -> ApplicationRecord | None:
    row = session.get(ApplicationRow, application_id)
    return ApplicationRecord.model_validate(row) if row else None


def get_application_by_key(*, session: Session, idempotency_key: str) -> ApplicationRecord | None:
    row = session.scalars(
        select(ApplicationRow).where(ApplicationRow.idempotency_key == idempotency_key)
    ).first()
    return ApplicationRecord.model_validate(row) if row else None


def create_or_get_application(
    *,
    db: AppDB,
    data: ApplicationData,
    owner: str,
    owner_role: str,
    idempotency_key: str,
    actor: str,
    session_id: str | None = None,
    in_transaction: Callable[[Session, ApplicationRecord], None] | None = None,
) -> tuple[ApplicationRecord, bool]:
    """Create the application for `idempotency_key`, or return the one that already has it.

    Races are settled by the UNIQUE constraint: the loser's transaction rolls back and it re-reads the winner's
    row. `in_transaction(session, record)` runs inside the creating transaction (e.g. saving the chat state),
    so both commit or neither does. Returns (record, created).
    """
    for _ in range(_ID_ATTEMPTS):
        with db.read() as session:
            existing = get_application_by_key(session=session, idempotency_key=idempotency_key)
        if existing is not None:
            return existing, False
        try:
            with db.write() as session:
                record = insert_application(
                    session=session,
                    application_id=new_application_id(),
                    data=data,
                    owner=owner,
                    owner_role=owner_role,
                    idempotency_key=idempotency_key,
                    actor=actor,
                    session_id=session_id,
                )
                if in_transaction is not None:
                    in_transaction(session, record)
            return record, True
        except IntegrityError:
            continue  # key taken by a concurrent request (re-read above) or a receipt number collision
    raise RuntimeError("could not allocate an application id")


def _page(
    session: Session, row: type[Any], conds: list[Any], order: tuple[Any, ...], limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of `row` matching `conds`, newest first, and the total count."""
    total = session.scalar(select(func.count()).select_from(row).where(*conds)) or 0
    rows = session.scalars(select(row).where(*conds).order_by(*order).limit(limit).offset(offset))
    return list(rows), int(total)


def list_applications(
    *,
    session: Session,
    owner: str | None = None,
    status: str | None = None,
    service_id: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[ApplicationRecord], int]:
    conds = []
    if owner is not None:
        conds.append(ApplicationRow.owner == owner)
    if status is not None:
        conds.append(ApplicationRow.status == status)
    if service_id is not None:
        conds.append(ApplicationRow.service_id == service_id)
    order = (ApplicationRow.created_at.desc(), ApplicationRow.id.desc())
    rows, total = _page(session, ApplicationRow, conds, order, limit, offset)
    return [ApplicationRecord.model_validate(r) for r in rows], total


def transition_application(
    *,
    session: Session,
    application_id: str,
    to: ApplicationStatus,
    actor: str,
    actor_role: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> ApplicationRecord:
    """Move an application to `to` if the workflow allows it; writes an event row. Compare-and-set on status,
    so two clerks deciding at once cannot both succeed. `changes` updates fields/materials (resubmission)."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFound(application_id)
    current = ApplicationStatus(row.status)
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(f"办件当前状态为“{current.value}”，不能变更为“{to.value}”")
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise InvalidTransition(f"变更为“{to.value}”时必须填写原因")
    now = utcnow()
    values: dict[str, Any] = {"status": to.value, "updated_at": now, **(changes or {})}
    result = session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.id == application_id, ApplicationRow.status == current.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvalidTransition("办件状态已被他人更新，请刷新后重试")
    session.add(
        ApplicationEventRow(
            application_id=application_id,
            at=now,
            actor=actor,
            actor_role=actor_role,
            from_status=current.value,
            to_status=to.value,
            reason=reason,
        )
    )
    session.flush()
    session.expire(row)
    return ApplicationRecord.model_validate(session.get(ApplicationRow, application_id))


def list_events(*, session: Session, application_id: str) -> list[EventRecord]:
    rows = session.scalars(
        select(ApplicationEventRow)
        .where(ApplicationEventRow.application_id == application_id)
        .order_by(ApplicationEventRow.id)
    )
    return [EventRecord.model_validate(r) for r in rows]


# --- feedback and the unanswered queue ----------------------------------------------------------------


def add_unanswered(
    *,
    session: Session,
    kind: str,
    question: str,
    reply: str = "",
    comment: str = "",
    session_id: str | None = None,
    turn: int | None = None,
    confidence: float | None = None,
    feedback_id: int | None = None,
) -> UnansweredRecord:
    row = UnansweredRow(
        kind=kind,
        question=question,
        reply=reply,
        comment=comment,
        session_id=session_id,
        turn=turn,
        confidence=confidence,
        feedback_id=feedback_id,
        at=utcnow(),
        resolved=False,
    )
    session.add(row)
    session.flush()
    return UnansweredRecord.model_validate(row)


def add_feedback(
    *,
    session: Session,
    session_id: str,
    turn: int,
    rating: str,
    actor: str,
    comment: str = "",
    question: str = "",
    reply: str = "",
) -> FeedbackRecord:
    """Store a rating; a thumbs-down also enters the unanswered queue for content staff."""
    row = FeedbackRow(
        session_id=session_id,
        turn=turn,
        rating=rating,
        comment=comment,
        question=question,
        reply=reply,
        actor=actor,
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    if rating == "down":
        add_unanswered(
            session=session,
            kind="thumbs_down",
            question=question,
            reply=reply,
            comment=comment,
            session_id=session_id,
            turn=turn,
            feedback_id=row.id,
        )
    return FeedbackRecord.model_validate(row)


def list_unanswered(
    *,
    session: Session,
    resolved: bool | None = False,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UnansweredRecord], int]:
    conds = []
    if resolved is not None:
        conds.append(UnansweredRow.resolved.is_(resolved))
    if kind is not None:
        conds.append(UnansweredRow.kind == kind)
    order = (UnansweredRow.at.desc(), UnansweredRow.id.desc())
    rows, total = _page(session, UnansweredRow, conds, order, limit, offset)
    return [UnansweredRecord.model_validate(r) for r in rows], total


def resolve_unanswered(
    *, session: Session, item_id: int, actor: str, guide_id: str | None = None
) -> UnansweredRecord:
    row = session.get(UnansweredRow, item_id)
    if row is None:
        raise NotFound(str(item_id))
    row.resolved, row.resolved_at, row.resolved_by, row.guide_id = True, utcnow(), actor, guide_id
    session.flush()
    return UnansweredRecord.model_validate(row)
