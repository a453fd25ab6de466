"""The served-content change log that keeps every server process's search index current.

Writers append (doc id, kind) in the same transaction as the change; readers re-read the document's served
state, so applying an event twice or out of order is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from knowledge.crud.common import now
from knowledge.orm import IndexEventRow


class IndexEvent(BaseModel):
    id: int
    doc_id: str
    kind: str  # guide | policy
    at: datetime


def record(s: Session, kind: str, doc_ids: Iterable[str]) -> None:
    at = now()
    rows = [{"doc_id": d, "kind": kind, "at": at} for d in doc_ids]
    if rows:
        s.execute(insert(IndexEventRow), rows)


def version(s: Session) -> int:
    return int(s.execute(select(func.coalesce(func.max(IndexEventRow.id), 0))).scalar_one())


def events(s: Session, *, after: int, limit: int) -> list[IndexEvent]:
    """Committed events with id > after, by id. On PostgreSQL an id can show up after a higher one (its
    transaction committed later): readers keep looking above the first gap for a while (app/index_sync.py)."""
    stmt = select(IndexEventRow).where(IndexEventRow.id > after).order_by(IndexEventRow.id).limit(limit)
    rows = s.scalars(stmt)
    return [IndexEvent(id=r.id, doc_id=r.doc_id, kind=r.kind, at=r.at) for r in rows]
