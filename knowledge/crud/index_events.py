"""The served-content change log that keeps every server process's search index current.

Writers append (doc id, kind) in the same transaction as the change; readers re-read the document's served
state, so applying an event twice or out of order is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, insert, or_, select
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


def events(s: Session, *, after: int, since: datetime | None, limit: int) -> list[IndexEvent]:
    """Events with id > after, plus (when `since` is given) every event at or after `since`: a transaction
    that took its id earlier may commit after a reader has moved past that id."""
    cond = IndexEventRow.id > after
    if since is not None:
        cond = or_(cond, IndexEventRow.at >= since)
    rows = s.scalars(select(IndexEventRow).where(cond).order_by(IndexEventRow.id).limit(limit))
    return [IndexEvent(id=r.id, doc_id=r.doc_id, kind=r.kind, at=r.at) for r in rows]
