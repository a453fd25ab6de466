"""Ratings of replies; a thumbs-down also enters the unanswered queue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.crud.records import FeedbackRecord
from app.crud.unanswered import add_unanswered
from app.db import FeedbackRow, utcnow


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
