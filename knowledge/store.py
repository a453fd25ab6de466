"""SQL store of the knowledge base: versioned service guides (draft/publish), policies and an audit log.

Works on SQLite ("sqlite:///path") and PostgreSQL ("postgresql+psycopg://..."). Public methods take and
return pydantic models; ORM rows (knowledge/orm.py) never leave this package.

Versioning model:
- every content change of a guide is a new immutable row in `guide_versions` (version = previous + 1);
- `guides.current_version` is the editing head (always the highest version), `guides.published_version`
  the version served to citizens (None = not served);
- editing a published guide creates a draft version while the published one stays served until publish;
- every mutating call writes its audit entries in the same transaction as the change.
Content identity is a SHA-256 over the model's JSON minus metadata (version, status, updated_at); the
metadata lives in columns and is put back on read.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Engine, and_, create_engine, event, func, insert, or_, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ColumnElement

from knowledge.orm import AuditRow, Base, GuideRow, GuideVersionRow, PolicyRow
from knowledge.schema import GuideStatus, PolicyDocument, ServiceGuide

T = TypeVar("T")

_GUIDE_META = {"version", "status", "updated_at"}
_POLICY_META = {"updated_at"}
_CHUNK = 500  # ids per IN (...) list
_RETRIES = 3  # write transactions retried on unique-key races
_WRITE = "govassist_write"  # execution option: SQLite write transactions use BEGIN IMMEDIATE


# ---------------------------------------------------------------------------------------------- models


class StoreError(Exception):
    """Base class of the store's own errors; messages are user-facing (Chinese)."""


class NotFound(StoreError, KeyError):
    """Unknown guide id or version."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "未找到"


class InvalidBatch(StoreError, ValueError):
    """An ingest batch that cannot be written as a whole (nothing was written)."""


class IngestResult(BaseModel):
    """Ids per outcome. Guides in added/updated/unchanged, policies in the policies_* lists."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    policies_added: list[str] = Field(default_factory=list)
    policies_updated: list[str] = Field(default_factory=list)
    policies_unchanged: list[str] = Field(default_factory=list)


class GuideVersionInfo(BaseModel):
    guide_id: str
    version: int
    status: GuideStatus  # published = the version currently served
    is_current: bool  # the editing head
    actor: str
    note: str
    created_at: datetime
    content_hash: str


class FieldChange(BaseModel):
    field: str
    before: Any = None
    after: Any = None


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str  # ingest, guide.create, guide.update, guide.save, guide.publish, guide.unpublish, policy.*
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _content(model: BaseModel, meta: set[str]) -> tuple[dict[str, Any], str]:
    data = model.model_dump(mode="json", exclude=meta)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return data, hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[str], n: int = _CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _duplicates(ids: Sequence[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError("操作人不能为空")
    return actor.strip()


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit 和 offset 不能为负数")


def _make_engine(url: str, echo: bool) -> Engine:
    u = make_url(url)
    serializer = partial(json.dumps, ensure_ascii=False)
    if u.get_backend_name() != "sqlite":
        return create_engine(u, echo=echo, json_serializer=serializer, pool_pre_ping=True)

    memory = u.database in (None, "", ":memory:")
    engine = create_engine(
        u,
        echo=echo,
        json_serializer=serializer,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred read->write upgrade fails under WAL when
        # another writer committed in between, and it would let two savers read the same version.
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _guide(g_published: int | None, v: GuideVersionRow) -> ServiceGuide:
    status = GuideStatus.PUBLISHED if g_published == v.version else GuideStatus.DRAFT
    return ServiceGuide.model_validate(
        {**v.data, "version": v.version, "status": status, "updated_at": v.created_at}
    )


def _policy(p: PolicyRow) -> PolicyDocument:
    return PolicyDocument.model_validate({**p.data, "updated_at": p.updated_at})


def _audit(
    actor: str, action: str, target: str | None, detail: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {"at": at, "actor": actor, "action": action, "target": target, "detail": detail}


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    order = [f for f in ServiceGuide.model_fields if f not in _GUIDE_META]
    keys = order + sorted((before.keys() | after.keys()) - set(order))
    return [k for k in keys if before.get(k) != after.get(k)]


# ----------------------------------------------------------------------------------------------- store


class KnowledgeStore:
    """Versioned guides + policies + audit log over one SQLAlchemy engine."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self._engine = _make_engine(url, echo)
        self._read = sessionmaker(self._engine, expire_on_commit=False)
        self._write = sessionmaker(self._engine.execution_options(**{_WRITE: True}), expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        """The shared engine, so the app layer can create its own tables in the same database."""
        return self._engine

    def create_all(self) -> None:
        Base.metadata.create_all(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write_tx(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction; retry when a concurrent writer won a unique-key race."""
        for attempt in range(_RETRIES):
            try:
                with self._write.begin() as s:
                    return work(s)
            except IntegrityError:
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _lock_guide(s: Session, guide_id: str) -> GuideRow | None:
        # FOR UPDATE serializes writers of one guide on PostgreSQL; SQLite is serialized by BEGIN IMMEDIATE.
        return s.scalars(select(GuideRow).where(GuideRow.id == guide_id).with_for_update()).one_or_none()

    @staticmethod
    def _version(s: Session, guide_id: str, version: int) -> GuideVersionRow:
        v = s.get(GuideVersionRow, (guide_id, version))
        if v is None:
            raise NotFound(f"办事指南 {guide_id} 没有第 {version} 版")
        return v

    # ------------------------------------------------------------------------------------------ ingest

    def ingest(
        self,
        *,
        guides: Sequence[ServiceGuide] = (),
        policies: Sequence[PolicyDocument] = (),
        actor: str,
        publish: bool = True,
    ) -> IngestResult:
        """Bulk upsert in ONE transaction (all or nothing).

        New ids get version 1; an id whose content differs from its current version gets a new version;
        identical content is left alone (no version, no state change). With publish=True the new versions
        are published, otherwise they are drafts. Raises InvalidBatch before writing on duplicate ids.
        """
        actor = _check_actor(actor)
        dup_g = _duplicates([g.id for g in guides])
        dup_p = _duplicates([p.id for p in policies])
        if dup_g or dup_p:
            raise InvalidBatch(f"同一批次中有重复的编号，未写入任何数据：{'、'.join(dup_g + dup_p)}")
        prepared_g = [(g, *_content(g, _GUIDE_META)) for g in guides]
        prepared_p = [(p, *_content(p, _POLICY_META)) for p in policies]

        def work(s: Session) -> IngestResult:
            now = _now()
            res = IngestResult()
            audit: list[dict[str, Any]] = []
            status = "published" if publish else "draft"

            current: dict[str, tuple[int, int | None, str]] = {}
            for chunk in _chunks(sorted(g.id for g in guides)):
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
            for g, data, h in prepared_g:
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
                    "updated_at": now,
                }
                ver_rows.append(
                    {"guide_id": g.id, "version": version, "data": data, "content_hash": h,
                     "actor": actor, "note": "导入", "created_at": now}
                )  # fmt: skip
                if head is None:
                    new_rows.append(row)
                    res.added.append(g.id)
                    action = "guide.create"
                else:
                    upd_rows.append(row)
                    res.updated.append(g.id)
                    action = "guide.update"
                audit.append(_audit(actor, action, g.id, {"version": version, "published": publish}, now))
            if new_rows:
                s.execute(insert(GuideRow), new_rows)
            if upd_rows:
                s.execute(update(GuideRow), upd_rows)
            if ver_rows:
                s.execute(insert(GuideVersionRow), ver_rows)

            existing_p: dict[str, tuple[int, str]] = {}
            for chunk in _chunks(sorted(p.id for p in policies)):
                rows = s.execute(
                    select(PolicyRow.id, PolicyRow.version, PolicyRow.content_hash)
                    .where(PolicyRow.id.in_(chunk))
                    .order_by(PolicyRow.id)
                    .with_for_update()
                )
                existing_p.update({r[0]: (r[1], r[2]) for r in rows})
            new_p: list[dict[str, Any]] = []
            upd_p: list[dict[str, Any]] = []
            for p, data, h in prepared_p:
                old = existing_p.get(p.id)
                if old is not None and old[1] == h:
                    res.policies_unchanged.append(p.id)
                    continue
                version = 1 if old is None else old[0] + 1
                row = {"id": p.id, "version": version, "title": p.title, "kind": p.kind, "data": data,
                       "content_hash": h, "updated_at": now}  # fmt: skip
                (new_p if old is None else upd_p).append(row)
                (res.policies_added if old is None else res.policies_updated).append(p.id)
                action = "policy.create" if old is None else "policy.update"
                audit.append(_audit(actor, action, p.id, {"version": version}, now))
            if new_p:
                s.execute(insert(PolicyRow), new_p)
            if upd_p:
                s.execute(update(PolicyRow), upd_p)

            summary = {k: len(v) for k, v in res.model_dump().items()} | {"publish": publish}
            audit.append(_audit(actor, "ingest", None, summary, now))
            s.execute(insert(AuditRow), audit)
            return res

        return self._write_tx(work)

    # ------------------------------------------------------------------------------------------- guides

    def get_guide(
        self, guide_id: str, *, version: int | None = None, published_only: bool = False
    ) -> ServiceGuide | None:
        """The current version by default; with published_only the served version (None if not served)."""
        with self._read.begin() as s:
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
            return None if v is None else _guide(g.published_version, v)

    @staticmethod
    def _guide_filters(status: GuideStatus | None, query: str | None) -> list[ColumnElement[bool]]:
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
        self,
        *,
        status: GuideStatus | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[ServiceGuide]:
        """Guides ordered by id. status=PUBLISHED: served guides, as served (their published version);
        status=DRAFT: guides whose current version is not published; otherwise current versions.
        `query` is a substring of the current name or department."""
        _check_page(limit, offset)
        vcol = GuideRow.published_version if status == GuideStatus.PUBLISHED else GuideRow.current_version
        stmt = (
            select(GuideRow.published_version, GuideVersionRow)
            .join(
                GuideVersionRow,
                and_(GuideVersionRow.guide_id == GuideRow.id, GuideVersionRow.version == vcol),
            )
            .where(*self._guide_filters(status, query))
            .order_by(GuideRow.id)
            .limit(limit)
            .offset(offset)
        )
        with self._read.begin() as s:
            return [_guide(pub, v) for pub, v in s.execute(stmt)]

    def count_guides(self, *, status: GuideStatus | None = None, query: str | None = None) -> int:
        stmt = select(func.count()).select_from(GuideRow).where(*self._guide_filters(status, query))
        with self._read.begin() as s:
            return int(s.execute(stmt).scalar_one())

    def iter_published_guides(self, *, batch_size: int = 200) -> Iterator[ServiceGuide]:
        """Every served guide (published version), by id, read in batches of short transactions."""
        last = ""
        while True:
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
            with self._read.begin() as s:
                rows = s.execute(stmt).all()
                batch = [_guide(pub, v) for _, pub, v in rows]
            yield from batch
            if len(rows) < batch_size:
                return
            last = rows[-1][0]

    def save_guide(
        self, guide: ServiceGuide, *, actor: str, note: str = "", create: bool = False
    ) -> ServiceGuide:
        """An edit: stores `guide` as a new draft version (previous max + 1); the published version stays
        served until publish(). Unknown id: NotFound, or with create=True a new guide (version 1, draft).
        Content identical to the current version is a no-op. Returns the stored model."""
        actor = _check_actor(actor)
        data, h = _content(guide, _GUIDE_META)

        def work(s: Session) -> ServiceGuide:
            now = _now()
            g = self._lock_guide(s, guide.id)
            base: dict[str, Any] = {}
            if g is None:
                if not create:
                    raise NotFound(f"办事指南不存在：{guide.id}")
                version, action = 1, "guide.create"
                g = GuideRow(
                    id=guide.id, current_version=1, published_version=None, status="draft",
                    name=guide.name, department=guide.department, updated_at=now,
                )  # fmt: skip
                s.add(g)
                s.flush()  # the version row references it
            else:
                head = self._version(s, g.id, g.current_version)
                if head.content_hash == h:
                    return _guide(g.published_version, head)
                version, action, base = g.current_version + 1, "guide.save", head.data
            v = GuideVersionRow(
                guide_id=g.id,
                version=version,
                data=data,
                content_hash=h,
                actor=actor,
                note=note,
                created_at=now,
            )
            s.add(v)
            g.current_version, g.status, g.updated_at = version, "draft", now
            g.name, g.department = guide.name, guide.department
            detail = {"version": version, "note": note, "fields": _changed_fields(base, data)}
            s.execute(insert(AuditRow), [_audit(actor, action, g.id, detail, now)])
            s.flush()
            return _guide(g.published_version, v)

        return self._write_tx(work)

    def publish(self, guide_id: str, *, actor: str, version: int | None = None) -> ServiceGuide:
        """Serve `version` (default: the current one). Publishing an older version rolls back."""
        actor = _check_actor(actor)

        def work(s: Session) -> ServiceGuide:
            g = self._lock_guide(s, guide_id)
            if g is None:
                raise NotFound(f"办事指南不存在：{guide_id}")
            target = g.current_version if version is None else version
            v = self._version(s, guide_id, target)
            if g.published_version == target:
                return _guide(g.published_version, v)
            now = _now()
            previous = g.published_version
            g.published_version, g.updated_at = target, now
            g.status = "published" if target == g.current_version else "draft"
            detail = {"version": target, "previous": previous}
            s.execute(insert(AuditRow), [_audit(actor, "guide.publish", guide_id, detail, now)])
            return _guide(g.published_version, v)

        return self._write_tx(work)

    def unpublish(self, guide_id: str, *, actor: str) -> ServiceGuide:
        """Stop serving the guide; returns its current version (now a draft)."""
        actor = _check_actor(actor)

        def work(s: Session) -> ServiceGuide:
            g = self._lock_guide(s, guide_id)
            if g is None:
                raise NotFound(f"办事指南不存在：{guide_id}")
            if g.published_version is not None:
                now = _now()
                detail = {"previous": g.published_version}
                g.published_version, g.status, g.updated_at = None, "draft", now
                s.execute(insert(AuditRow), [_audit(actor, "guide.unpublish", guide_id, detail, now)])
            return _guide(None, self._version(s, guide_id, g.current_version))

        return self._write_tx(work)

    def versions(self, guide_id: str) -> list[GuideVersionInfo]:
        with self._read.begin() as s:
            g = s.get(GuideRow, guide_id)
            if g is None:
                raise NotFound(f"办事指南不存在：{guide_id}")
            rows = s.scalars(
                select(GuideVersionRow)
                .where(GuideVersionRow.guide_id == guide_id)
                .order_by(GuideVersionRow.version)
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

    def diff(self, guide_id: str, a: int, b: int) -> list[FieldChange]:
        """Top-level fields that differ from version a to version b (nested values compared whole)."""
        with self._read.begin() as s:
            if s.get(GuideRow, guide_id) is None:
                raise NotFound(f"办事指南不存在：{guide_id}")
            before, after = self._version(s, guide_id, a).data, self._version(s, guide_id, b).data
        return [
            FieldChange(field=f, before=before.get(f), after=after.get(f))
            for f in _changed_fields(before, after)
        ]

    # ----------------------------------------------------------------------------------------- policies

    def get_policy(self, policy_id: str) -> PolicyDocument | None:
        with self._read.begin() as s:
            p = s.get(PolicyRow, policy_id)
            return None if p is None else _policy(p)

    @staticmethod
    def _policy_filters(kind: str | None, query: str | None) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if kind:
            where.append(PolicyRow.kind == kind)
        if query and query.strip():
            where.append(PolicyRow.title.contains(query.strip(), autoescape=True))
        return where

    def list_policies(
        self, *, kind: str | None = None, query: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[PolicyDocument]:
        """Policies ordered by id; `query` is a substring of the title."""
        _check_page(limit, offset)
        stmt = select(PolicyRow).where(*self._policy_filters(kind, query)).order_by(PolicyRow.id)
        with self._read.begin() as s:
            return [_policy(p) for p in s.scalars(stmt.limit(limit).offset(offset))]

    def count_policies(self, *, kind: str | None = None, query: str | None = None) -> int:
        stmt = select(func.count()).select_from(PolicyRow).where(*self._policy_filters(kind, query))
        with self._read.begin() as s:
            return int(s.execute(stmt).scalar_one())

    def iter_policies(self, *, batch_size: int = 50) -> Iterator[PolicyDocument]:
        last = ""
        while True:
            stmt = select(PolicyRow).where(PolicyRow.id > last).order_by(PolicyRow.id).limit(batch_size)
            with self._read.begin() as s:
                batch = [_policy(p) for p in s.scalars(stmt)]
            yield from batch
            if len(batch) < batch_size:
                return
            last = batch[-1].id

    # -------------------------------------------------------------------------------------------- audit

    def audit_log(
        self,
        *,
        target: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first."""
        _check_page(limit, 0)
        stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if target is not None:
            stmt = stmt.where(AuditRow.target == target)
        if actor is not None:
            stmt = stmt.where(AuditRow.actor == actor)
        if action is not None:
            stmt = stmt.where(AuditRow.action == action)
        with self._read.begin() as s:
            return [
                AuditEntry(
                    id=r.id, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=r.detail or {}
                )
                for r in s.scalars(stmt)
            ]
