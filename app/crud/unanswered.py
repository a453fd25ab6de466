"""The content staff's queue of unanswered / low-confidence questions and thumbs-down feedback."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.crud.paging import page
from app.crud.records import NotFound, UnansweredRecord
from app.db import UnansweredRow, utcnow
from app.masking import mask_pii

_SPACE_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def question_key(question: str) -> str:
    """Identity of a question for de-duplication: NFKC, case-folded, whitespace and punctuation removed."""
    norm = _SPACE_PUNCT_RE.sub("", unicodedata.normalize("NFKC", question).casefold())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()


def _serialize_on(session: Session, key: str) -> None:
    """Make concurrent transactions queuing the same question take turns, so they count one row up instead of
    each inserting one. PostgreSQL: a transaction-scoped advisory lock on the key (there is no row to lock yet);
    SQLite serializes write transactions already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(int(key[:15], 16))))


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
    """Queue an item. A low-confidence question already waiting unresolved (same normalized text) counts up its
    `repeats` instead: a hundred copies of one question are one row for the editors. Texts are stored with ID,
    phone and card numbers masked: the queue is for content staff, who never need them."""
    now = utcnow()
    question, reply, comment = mask_pii(question), mask_pii(reply), mask_pii(comment)
    key = question_key(question) if kind == "low_confidence" else None
    if key is not None:
        _serialize_on(session, key)
        existing = session.scalars(
            select(UnansweredRow)
            .where(
                UnansweredRow.question_key == key,
                UnansweredRow.kind == kind,
                UnansweredRow.resolved.is_(False),
            )
            .order_by(UnansweredRow.id)
            .limit(1)
            .with_for_update()
        ).first()
        if existing is not None:
            existing.repeats = (existing.repeats or 1) + 1
            existing.last_at = now
            session.flush()
            return UnansweredRecord.model_validate(existing)
    row = UnansweredRow(
        kind=kind,
        question=question,
        reply=reply,
        comment=comment,
        session_id=session_id,
        turn=turn,
        confidence=confidence,
        feedback_id=feedback_id,
        at=now,
        resolved=False,
        question_key=key,
        repeats=1,
        last_at=now,
    )
    session.add(row)
    session.flush()
    return UnansweredRecord.model_validate(row)


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
    rows, total = page(session, UnansweredRow, conds, order, limit, offset)
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
