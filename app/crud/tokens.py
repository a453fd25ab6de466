"""API tokens: insert, look up by hash, list, revoke."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.crud.records import NotFound, TokenRecord
from app.db import ApiTokenRow, utcnow


def insert_token(
    *,
    session: Session,
    token_id: str,
    token_hash: str,
    role: str,
    name: str,
    expires_at: datetime | None = None,
) -> TokenRecord:
    row = ApiTokenRow(
        id=token_id, token_hash=token_hash, role=role, name=name, created_at=utcnow(), expires_at=expires_at
    )
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
