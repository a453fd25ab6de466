"""Curated flow records: versioned text (YAML) of 情形引导 / 预审 flows, published like guides, audited.

The knowledge layer cannot read flows (guides/ sits downstream), so a record is opaque text plus its flow id
and service id; guides/curation.py validates the text before every save. Every save is a new immutable version
(identical text is a no-op); `flows.published_version` is the version served. Each mutating call writes its
audit entry in the same transaction as the change, so nothing is half-saved.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.crud.common import check_actor, now
from knowledge.engine import WRITE_OPTION
from knowledge.orm import AuditRow, FlowRow, FlowVersionRow
from knowledge.records import NotFound

SYSTEM_ACTOR = "system:flows"  # versions written from the bundled YAML (guides/flows)


class FlowVersion(BaseModel):
    flow_id: str
    service_id: str
    version: int
    body: str
    actor: str
    note: str
    created_at: datetime
    published: bool  # this version is the one served
    is_current: bool  # the editing head


def _hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _out(f: FlowRow, v: FlowVersionRow) -> FlowVersion:
    return FlowVersion(
        flow_id=f.id,
        service_id=f.service_id,
        version=v.version,
        body=v.body,
        actor=v.actor,
        note=v.note,
        created_at=v.created_at,
        published=f.published_version == v.version,
        is_current=f.current_version == v.version,
    )


class FlowRecordStore:
    """Flow records over the knowledge store's engine (same database, same audit log)."""

    def __init__(self, engine: Engine) -> None:
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)

    # --- reads ------------------------------------------------------------------------------------

    def get(
        self, flow_id: str, *, version: int | None = None, published_only: bool = False
    ) -> FlowVersion | None:
        with self._read.begin() as s:
            f = s.get(FlowRow, flow_id)
            if f is None:
                return None
            target = f.published_version if published_only else (version or f.current_version)
            if target is None or (published_only and version not in (None, target)):
                return None
            v = s.get(FlowVersionRow, (flow_id, target))
            return None if v is None else _out(f, v)

    def for_service(self, service_id: str, *, published_only: bool = False) -> FlowVersion | None:
        """The record of a service (its editing head, or with published_only its served version)."""
        with self._read.begin() as s:
            stmt = select(FlowRow).where(FlowRow.service_id == service_id).order_by(FlowRow.updated_at.desc())
            rows = list(s.scalars(stmt))
        for f in rows:
            got = self.get(f.id, published_only=published_only)
            if got is not None:
                return got
        return None

    def published(self) -> list[FlowVersion]:
        """Every served flow version (one per flow), by flow id."""
        with self._read.begin() as s:
            stmt = (
                select(FlowRow, FlowVersionRow)
                .join(
                    FlowVersionRow,
                    (FlowVersionRow.flow_id == FlowRow.id)
                    & (FlowVersionRow.version == FlowRow.published_version),
                )
                .order_by(FlowRow.id)
            )
            return [_out(f, v) for f, v in s.execute(stmt)]

    def versions(self, flow_id: str) -> list[FlowVersion]:
        with self._read.begin() as s:
            f = s.get(FlowRow, flow_id)
            if f is None:
                raise NotFound(f"没有流程记录：{flow_id}")
            rows = s.scalars(
                select(FlowVersionRow)
                .where(FlowVersionRow.flow_id == flow_id)
                .order_by(FlowVersionRow.version)
            )
            return [_out(f, v) for v in rows]

    def diff(self, flow_id: str, a: int, b: int) -> str:
        """Unified diff of the text of version a -> version b."""
        va, vb = self.get(flow_id, version=a), self.get(flow_id, version=b)
        if va is None or vb is None:
            raise NotFound(f"流程 {flow_id} 没有第 {a if va is None else b} 版")
        return "".join(
            difflib.unified_diff(
                va.body.splitlines(keepends=True),
                vb.body.splitlines(keepends=True),
                fromfile=f"{flow_id} 第{a}版",
                tofile=f"{flow_id} 第{b}版",
            )
        )

    def version_stamp(self) -> tuple[int, str]:
        """(number of flows, latest change): differs after any save or publish, in any process."""
        with self._read.begin() as s:
            n, latest = s.execute(select(func.count(FlowRow.id), func.max(FlowRow.updated_at))).one()
        return int(n or 0), str(latest)

    # --- writes -----------------------------------------------------------------------------------

    def _save(
        self, s: Session, flow_id: str, service_id: str, body: str, actor: str, note: str
    ) -> FlowVersion:
        at = now()
        f = s.scalars(select(FlowRow).where(FlowRow.id == flow_id).with_for_update()).one_or_none()
        if f is not None and f.service_id != service_id:
            raise ValueError(f"流程 {flow_id} 属于事项 {f.service_id}，不能改为 {service_id}")
        if f is not None:
            head = s.get(FlowVersionRow, (flow_id, f.current_version))
            if head is not None and head.content_hash == _hash(body):
                return _out(f, head)
        version = 1 if f is None else f.current_version + 1
        if f is None:
            f = FlowRow(
                id=flow_id, service_id=service_id, current_version=1, published_version=None, updated_at=at
            )
            s.add(f)
        else:
            f.current_version, f.updated_at = version, at
        v = FlowVersionRow(
            flow_id=flow_id,
            version=version,
            body=body,
            content_hash=_hash(body),
            actor=actor,
            note=note,
            created_at=at,
        )
        s.add(v)
        s.add(
            AuditRow(
                at=at,
                actor=actor,
                action="flow.save",
                target=f"flow:{flow_id}",
                detail={"version": version, "service_id": service_id, "note": note},
            )
        )
        s.flush()
        return _out(f, v)

    def _publish(self, s: Session, flow_id: str, version: int | None, actor: str) -> FlowVersion:
        f = s.scalars(select(FlowRow).where(FlowRow.id == flow_id).with_for_update()).one_or_none()
        if f is None:
            raise NotFound(f"没有流程记录：{flow_id}")
        target = version or f.current_version
        v = s.get(FlowVersionRow, (flow_id, target))
        if v is None:
            raise NotFound(f"流程 {flow_id} 没有第 {target} 版")
        before = f.published_version
        f.published_version, f.updated_at = target, now()
        s.add(
            AuditRow(
                at=f.updated_at,
                actor=actor,
                action="flow.publish",
                target=f"flow:{flow_id}",
                detail={"version": target, "previous": before, "service_id": f.service_id},
            )
        )
        s.flush()
        return _out(f, v)

    def save_draft(
        self, flow_id: str, service_id: str, body: str, *, actor: str, note: str = ""
    ) -> FlowVersion:
        """A new draft version (the served version stays until publish); identical text is a no-op."""
        actor = check_actor(actor)
        with self._write.begin() as s:
            return self._save(s, flow_id, service_id, body, actor, note)

    def publish(self, flow_id: str, *, actor: str, version: int | None = None) -> FlowVersion:
        """Serve `version` (default: the editing head); an older version rolls back."""
        actor = check_actor(actor)
        with self._write.begin() as s:
            return self._publish(s, flow_id, version, actor)

    def seed(self, items: Sequence[tuple[str, str, str]]) -> list[str]:
        """(flow id, service id, text) of the bundled flows as published records, in one transaction: new
        flows get version 1; a flow whose served text came from the bundle and changed there gets a new
        version; a flow content staff have edited is left alone. Returns the flow ids written."""
        written: list[str] = []
        with self._write.begin() as s:
            for flow_id, service_id, body in items:
                f = s.get(FlowRow, flow_id)
                if f is not None:
                    head = s.get(FlowVersionRow, (flow_id, f.current_version))
                    if head is None or head.actor != SYSTEM_ACTOR or head.content_hash == _hash(body):
                        continue
                v = self._save(s, flow_id, service_id, body, SYSTEM_ACTOR, "随程序发布的流程")
                self._publish(s, flow_id, v.version, SYSTEM_ACTOR)
                written.append(flow_id)
        return written
