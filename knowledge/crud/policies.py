"""Reading policies (they are written by ingest only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from knowledge.crud.common import check_page, to_policy
from knowledge.orm import PolicyRow
from knowledge.schema import PolicyDocument


def get_policy(s: Session, policy_id: str) -> PolicyDocument | None:
    p = s.get(PolicyRow, policy_id)
    return None if p is None else to_policy(p)


def _filters(kind: str | None, query: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if kind:
        where.append(PolicyRow.kind == kind)
    if query and query.strip():
        where.append(PolicyRow.title.contains(query.strip(), autoescape=True))
    return where


def list_policies(
    s: Session, *, kind: str | None, query: str | None, limit: int, offset: int
) -> list[PolicyDocument]:
    check_page(limit, offset)
    stmt = select(PolicyRow).where(*_filters(kind, query)).order_by(PolicyRow.id)
    return [to_policy(p) for p in s.scalars(stmt.limit(limit).offset(offset))]


def count_policies(s: Session, *, kind: str | None, query: str | None) -> int:
    stmt = select(func.count()).select_from(PolicyRow).where(*_filters(kind, query))
    return int(s.execute(stmt).scalar_one())


def policies_after(s: Session, last: str, batch_size: int) -> list[PolicyDocument]:
    stmt = select(PolicyRow).where(PolicyRow.id > last).order_by(PolicyRow.id).limit(batch_size)
    return [to_policy(p) for p in s.scalars(stmt)]
