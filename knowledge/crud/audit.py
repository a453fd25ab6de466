"""Reading the audit log (entries are written by each mutating operation, in its own transaction)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.crud.common import check_page
from knowledge.orm import AuditRow
from knowledge.records import AuditEntry


def audit_log(
    s: Session, *, target: str | None, actor: str | None, action: str | None, limit: int
) -> list[AuditEntry]:
    """Newest first."""
    check_page(limit, 0)
    stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if target is not None:
        stmt = stmt.where(AuditRow.target == target)
    if actor is not None:
        stmt = stmt.where(AuditRow.actor == actor)
    if action is not None:
        stmt = stmt.where(AuditRow.action == action)
    return [
        AuditEntry(id=r.id, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=r.detail or {})
        for r in s.scalars(stmt)
    ]
