"""Guides: read the served or editing versions, save drafts, publish, unpublish, versions and diffs.

Every content change is a new immutable `guide_versions` row (version = previous + 1); `guides.current_version`
is the editing head, `guides.published_version` the version served to citizens (None = not served).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from knowledge.crud import index_events
from knowledge.crud.common import GUIDE_META, audit_row, changed_fields, check_page, content, now, to_guide
from knowledge.orm import AuditRow, GuideRow, GuideVersionRow
from knowledge.records import FieldChange, GuideVersionInfo, NotFound
from knowledge.schema import GuideStatus, ServiceGuide

# ------------------------------------------------------------------------------------------------- reads


def lock_guide(s: Session, guide_id: str) -> GuideRow | None:
    # FOR UPDATE serializes writers of one guide on PostgreSQL; SQLite is serialized by BEGIN IMMEDIATE.
    return s.scalars(select(GuideRow).where(GuideRow.id == guide_id).with_for_update()).one_or_none()


def version_row(s: Session, guide_id: str, version: int) -> GuideVersionRow:
    v = s.get(GuideVersionRow, (guide_id, version))
    if v is None:
        raise NotFound(f"办事指南 {guide_id} 没有第 {version} 版")
    return v


def get_guide(s: Session, guide_id: str, *, version: int | None, published_only: bool) -> ServiceGuide | None:
    g = s.get(GuideRow, guide_id)
    if g is None:
        return None
    if published_only:
        if g.published_version is None or version not in (None, g.published_version):
            return None
        target = g.published_version
    else:
        target = g.current_version if version is None else version
    v = s.get(GuideVersionRow, (guide_id, target))
    return None if v is None else to_guide(g.published_version, v)


def _filters(status: GuideStatus | None, query: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status == GuideStatus.PUBLISHED:
        where.append(GuideRow.published_version.is_not(None))
    elif status == GuideStatus.DRAFT:
        where.append(GuideRow.status == GuideStatus.DRAFT.value)
    if query and query.strip():
        q = query.strip()
        where.append(
            or_(
                GuideRow.name.contains(q, autoescape=True),
                GuideRow.department.contains(q, autoescape=True),
            )
        )
    return where


def list_guides(
    s: Session, *, status: GuideStatus | None, query: str | None, limit: int, offset: int
) -> list[ServiceGuide]:
    check_page(limit, offset)
    vcol = GuideRow.published_version if status == GuideStatus.PUBLISHED else GuideRow.current_version
    stmt = (
        select(GuideRow.published_version, GuideVersionRow)
        .join(GuideVersionRow, and_(GuideVersionRow.guide_id == GuideRow.id, GuideVersionRow.version == vcol))
        .where(*_filters(status, query))
        .order_by(GuideRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [to_guide(pub, v) for pub, v in s.execute(stmt)]


def count_guides(s: Session, *, status: GuideStatus | None, query: str | None) -> int:
    stmt = select(func.count()).select_from(GuideRow).where(*_filters(status, query))
    return int(s.execute(stmt).scalar_one())


def published_after(s: Session, last: str, batch_size: int) -> tuple[list[ServiceGuide], str | None]:
    """One batch of served guides with id > last, and the last id read (None when the batch is short)."""
    stmt = (
        select(GuideRow.id, GuideRow.published_version, GuideVersionRow)
        .join(
            GuideVersionRow,
            and_(
                GuideVersionRow.guide_id == GuideRow.id,
                GuideVersionRow.version == GuideRow.published_version,
            ),
        )
        .where(GuideRow.id > last)
        .order_by(GuideRow.id)
        .limit(batch_size)
    )
    rows = s.execute(stmt).all()
    batch = [to_guide(pub, v) for _, pub, v in rows]
    return batch, (rows[-1][0] if len(rows) == batch_size else None)


def versions(s: Session, guide_id: str) -> list[GuideVersionInfo]:
    g = s.get(GuideRow, guide_id)
    if g is None:
        raise NotFound(f"办事指南不存在：{guide_id}")
    rows = s.scalars(
        select(GuideVersionRow).where(GuideVersionRow.guide_id == guide_id).order_by(GuideVersionRow.version)
    )
    return [
        GuideVersionInfo(
            guide_id=guide_id,
            version=v.version,
            status=GuideStatus.PUBLISHED if v.version == g.published_version else GuideStatus.DRAFT,
            is_current=v.version == g.current_version,
            actor=v.actor,
            note=v.note,
            created_at=v.created_at,
            content_hash=v.content_hash,
        )
        for v in rows
    ]


def diff(s: Session, guide_id: str, a: int, b: int) -> list[FieldChange]:
    """Top-level fields that differ from version a to version b (nested values compared whole)."""
    if s.get(GuideRow, guide_id) is None:
        raise NotFound(f"办事指南不存在：{guide_id}")
    before, after = version_row(s, guide_id, a).data, version_row(s, guide_id, b).data
    return [
        FieldChange(field=f, before=before.get(f), after=after.get(f)) for f in changed_fields(before, after)
    ]


# ------------------------------------------------------------------------------------------------ writes


def save_guide(s: Session, guide: ServiceGuide, *, actor: str, note: str, create: bool) -> ServiceGuide:
    """Store `guide` as a new draft version; identical content is a no-op. `actor` is already checked."""
    data, h = content(guide, GUIDE_META)
    at = now()
    g = lock_guide(s, guide.id)
    base: dict[str, Any] = {}
    if g is None:
        if not create:
            raise NotFound(f"办事指南不存在：{guide.id}")
        version, action = 1, "guide.create"
        g = GuideRow(
            id=guide.id, current_version=1, published_version=None, status="draft",
            name=guide.name, department=guide.department, updated_at=at,
        )  # fmt: skip
        s.add(g)
        s.flush()  # the version row references it
    else:
        head = version_row(s, g.id, g.current_version)
        if head.content_hash == h:
            return to_guide(g.published_version, head)
        version, action, base = g.current_version + 1, "guide.save", head.data
    v = GuideVersionRow(
        guide_id=g.id, version=version, data=data, content_hash=h, actor=actor, note=note, created_at=at
    )
    s.add(v)
    g.current_version, g.status, g.updated_at = version, "draft", at
    g.name, g.department = guide.name, guide.department
    detail = {"version": version, "note": note, "fields": changed_fields(base, data)}
    s.execute(insert(AuditRow), [audit_row(actor, action, g.id, detail, at)])
    s.flush()
    return to_guide(g.published_version, v)


def publish(s: Session, guide_id: str, *, actor: str, version: int | None) -> tuple[ServiceGuide, bool]:
    """Serve `version` (default: the current one). Returns the guide and whether anything changed."""
    g = lock_guide(s, guide_id)
    if g is None:
        raise NotFound(f"办事指南不存在：{guide_id}")
    target = g.current_version if version is None else version
    v = version_row(s, guide_id, target)
    if g.published_version == target:
        return to_guide(g.published_version, v), False
    at = now()
    previous = g.published_version
    g.published_version, g.updated_at = target, at
    g.status = "published" if target == g.current_version else "draft"
    detail = {"version": target, "previous": previous}
    s.execute(insert(AuditRow), [audit_row(actor, "guide.publish", guide_id, detail, at)])
    index_events.record(s, "guide", [guide_id])
    return to_guide(g.published_version, v), True


def unpublish(s: Session, guide_id: str, *, actor: str) -> tuple[ServiceGuide, bool]:
    """Stop serving the guide. Returns its current version (a draft) and whether anything changed."""
    g = lock_guide(s, guide_id)
    if g is None:
        raise NotFound(f"办事指南不存在：{guide_id}")
    changed = g.published_version is not None
    if changed:
        at = now()
        detail = {"previous": g.published_version}
        g.published_version, g.status, g.updated_at = None, "draft", at
        s.execute(insert(AuditRow), [audit_row(actor, "guide.unpublish", guide_id, detail, at)])
        index_events.record(s, "guide", [guide_id])
    return to_guide(None, version_row(s, guide_id, g.current_version)), changed
