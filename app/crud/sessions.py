"""Chat sessions: the persisted dialogue state with an optimistic lock between concurrent turns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.crud.records import ChatSessionRecord, StaleSession
from app.db import ChatSessionRow, utcnow


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


def count_active_sessions(*, session: Session, owner: str, since: datetime) -> int:
    """Sessions of `owner` with activity at or after `since` (the per-token session cap)."""
    stmt = (
        select(func.count())
        .select_from(ChatSessionRow)
        .where(ChatSessionRow.owner == owner, ChatSessionRow.updated_at >= since)
    )
    return int(session.scalar(stmt) or 0)
