"""Data minimisation (个人信息保护法): delete chat sessions idle past the retention period and anonymous
citizen tokens that have expired or are older than it. Applications and their events are records of the
administration and are kept."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import and_, delete, or_
from sqlalchemy.orm import Session

from app.db import ApiTokenRow, ChatSessionRow, FeedbackRow, RateCounterRow, Role, UnansweredRow

ANONYMOUS_NAME = "匿名群众"  # the name of tokens minted by POST /auth/citizen


class PurgeResult(BaseModel):
    sessions: int
    tokens: int
    feedback: int
    unanswered_links: int
    rate_counters: int = 0


def purge_expired(*, session: Session, before: datetime, now: datetime) -> PurgeResult:
    """Delete chat sessions last active before `before`, their feedback rows, anonymous citizen tokens
    expired by `now` or created before `before`, and finished rate-limit windows. Queue items keep their (masked on view) question but lose
    the link to the deleted conversation."""
    old = ChatSessionRow.updated_at < before
    old_ids = [i for (i,) in session.query(ChatSessionRow.id).filter(old)]
    feedback = unlinked = 0
    for start in range(0, len(old_ids), 500):
        chunk = old_ids[start : start + 500]
        feedback += session.execute(delete(FeedbackRow).where(FeedbackRow.session_id.in_(chunk))).rowcount
        unlinked += (
            session.query(UnansweredRow)
            .filter(UnansweredRow.session_id.in_(chunk))
            .update({UnansweredRow.session_id: None}, synchronize_session=False)
        )
    sessions = session.execute(delete(ChatSessionRow).where(old)).rowcount
    tokens = session.execute(
        delete(ApiTokenRow).where(
            ApiTokenRow.role == Role.CITIZEN.value,
            ApiTokenRow.name == ANONYMOUS_NAME,
            or_(
                and_(ApiTokenRow.expires_at.is_not(None), ApiTokenRow.expires_at < now),
                ApiTokenRow.created_at < before,
            ),
        )
    ).rowcount
    counters = session.execute(delete(RateCounterRow).where(RateCounterRow.expires_at <= now)).rowcount
    return PurgeResult(
        sessions=sessions, tokens=tokens, feedback=feedback, unanswered_links=unlinked, rate_counters=counters
    )
