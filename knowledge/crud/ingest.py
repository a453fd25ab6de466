"""Bulk upsert of guides and policies (one transaction, all or nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.orm import Session

from knowledge.crud import index_events
from knowledge.crud.common import (
    GUIDE_META,
    POLICY_META,
    audit_row,
    check_actor,
    chunks,
    content,
    duplicates,
    now,
)
from knowledge.orm import AuditRow, GuideRow, GuideVersionRow, PolicyRow
from knowledge.records import IngestResult, InvalidBatch
from knowledge.schema import PolicyDocument, ServiceGuide

Prepared = list[tuple[Any, dict[str, Any], str]]


def prepare(
    guides: Sequence[ServiceGuide], policies: Sequence[PolicyDocument], actor: str
) -> tuple[str, Prepared, Prepared]:
    """Check the batch before any write: actor, no duplicate ids. Returns (actor, guides, policies) with
    each item's content and hash."""
    actor = check_actor(actor)
    dup_g = duplicates([g.id for g in guides])
    dup_p = duplicates([p.id for p in policies])
    if dup_g or dup_p:
        raise InvalidBatch(f"同一批次中有重复的编号，未写入任何数据：{'、'.join(dup_g + dup_p)}")
    return (
        actor,
        [(g, *content(g, GUIDE_META)) for g in guides],
        [(p, *content(p, POLICY_META)) for p in policies],
    )


def _ingest_guides(
    s: Session, prepared: Prepared, actor: str, publish: bool, res: IngestResult, audit: list[dict[str, Any]]
) -> None:
    at = now()
    status = "published" if publish else "draft"
    current: dict[str, tuple[int, int | None, str]] = {}
    for chunk in chunks(sorted(g.id for g, _, _ in prepared)):
        rows = s.execute(
            select(
                GuideRow.id,
                GuideRow.current_version,
                GuideRow.published_version,
                GuideVersionRow.content_hash,
            )
            .join(
                GuideVersionRow,
                and_(
                    GuideVersionRow.guide_id == GuideRow.id,
                    GuideVersionRow.version == GuideRow.current_version,
                ),
            )
            .where(GuideRow.id.in_(chunk))
            .order_by(GuideRow.id)
            .with_for_update(of=GuideRow)
        )
        current.update({r[0]: (r[1], r[2], r[3]) for r in rows})

    new_rows: list[dict[str, Any]] = []
    upd_rows: list[dict[str, Any]] = []
    ver_rows: list[dict[str, Any]] = []
    for g, data, h in prepared:
        head = current.get(g.id)
        if head is not None and head[2] == h:
            res.unchanged.append(g.id)
            continue
        version = 1 if head is None else head[0] + 1
        published = version if publish else (None if head is None else head[1])
        row = {
            "id": g.id,
            "current_version": version,
            "published_version": published,
            "status": status,
            "name": g.name,
            "department": g.department,
            "updated_at": at,
        }
        ver_rows.append(
            {"guide_id": g.id, "version": version, "data": data, "content_hash": h,
             "actor": actor, "note": "导入", "created_at": at}
        )  # fmt: skip
        if head is None:
            new_rows.append(row)
            res.added.append(g.id)
            action = "guide.create"
        else:
            upd_rows.append(row)
            res.updated.append(g.id)
            action = "guide.update"
        audit.append(audit_row(actor, action, g.id, {"version": version, "published": publish}, at))
    if new_rows:
        s.execute(insert(GuideRow), new_rows)
    if upd_rows:
        s.execute(update(GuideRow), upd_rows)
    if ver_rows:
        s.execute(insert(GuideVersionRow), ver_rows)


def _ingest_policies(
    s: Session, prepared: Prepared, actor: str, res: IngestResult, audit: list[dict[str, Any]]
) -> None:
    at = now()
    existing: dict[str, tuple[int, str]] = {}
    for chunk in chunks(sorted(p.id for p, _, _ in prepared)):
        rows = s.execute(
            select(PolicyRow.id, PolicyRow.version, PolicyRow.content_hash)
            .where(PolicyRow.id.in_(chunk))
            .order_by(PolicyRow.id)
            .with_for_update()
        )
        existing.update({r[0]: (r[1], r[2]) for r in rows})
    new_p: list[dict[str, Any]] = []
    upd_p: list[dict[str, Any]] = []
    for p, data, h in prepared:
        old = existing.get(p.id)
        if old is not None and old[1] == h:
            res.policies_unchanged.append(p.id)
            continue
        version = 1 if old is None else old[0] + 1
        row = {"id": p.id, "version": version, "title": p.title, "kind": p.kind, "data": data,
               "content_hash": h, "updated_at": at}  # fmt: skip
        (new_p if old is None else upd_p).append(row)
        (res.policies_added if old is None else res.policies_updated).append(p.id)
        action = "policy.create" if old is None else "policy.update"
        audit.append(audit_row(actor, action, p.id, {"version": version}, at))
    if new_p:
        s.execute(insert(PolicyRow), new_p)
    if upd_p:
        s.execute(update(PolicyRow), upd_p)


def ingest(s: Session, guides: Prepared, policies: Prepared, *, actor: str, publish: bool) -> IngestResult:
    """New ids get version 1; an id whose content differs from its current version gets a new version;
    identical content is left alone. With publish=True the new versions are published."""
    res = IngestResult()
    audit: list[dict[str, Any]] = []
    _ingest_guides(s, guides, actor, publish, res, audit)
    _ingest_policies(s, policies, actor, res, audit)
    if publish:  # drafts change nothing that is served
        index_events.record(s, "guide", [*res.added, *res.updated])
    index_events.record(s, "policy", [*res.policies_added, *res.policies_updated])
    summary = {k: len(v) for k, v in res.model_dump().items()} | {"publish": publish}
    audit.append(audit_row(actor, "ingest", None, summary, now()))
    s.execute(insert(AuditRow), audit)
    return res
