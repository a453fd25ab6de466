"""KnowledgeStore: the SQL store of the knowledge base (versioned guides with draft/publish, policies, audit).

Works on SQLite ("sqlite:///path") and PostgreSQL ("postgresql+psycopg://..."). Public methods take and
return pydantic models; ORM rows (knowledge/orm.py) never leave the package. This class owns the engine and
the transactions; the operations live in knowledge/crud/ (one module per job).

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

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.crud import audit as audit_ops
from knowledge.crud import guides as guide_ops
from knowledge.crud import index_events as event_ops
from knowledge.crud import ingest as ingest_ops
from knowledge.crud import policies as policy_ops
from knowledge.crud.common import check_actor
from knowledge.crud.index_events import IndexEvent
from knowledge.engine import WRITE_OPTION, make_engine
from knowledge.records import (
    AuditEntry,
    FieldChange,
    GuideVersionInfo,
    IngestResult,
    InvalidBatch,
    NotFound,
    StoreError,
)
from knowledge.schema import GuideStatus, PolicyDocument, ServiceGuide
from knowledge.sqlbase import Base

__all__ = [
    "AuditEntry",
    "FieldChange",
    "GuideVersionInfo",
    "IndexEvent",
    "IngestResult",
    "InvalidBatch",
    "KnowledgeStore",
    "NotFound",
    "StoreError",
]

T = TypeVar("T")

_RETRIES = 3  # write transactions retried on unique-key races


class KnowledgeStore:
    """Versioned guides + policies + audit log over one SQLAlchemy engine."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self._engine = make_engine(url, echo)
        self._read = sessionmaker(self._engine, expire_on_commit=False)
        self._write = sessionmaker(
            self._engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def engine(self) -> Engine:
        """The shared engine, so the app layer can use its own tables in the same database."""
        return self._engine

    def create_all(self) -> None:
        """Create the missing tables of every model imported so far (tests; deployments use migrations)."""
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
        actor, prepared_g, prepared_p = ingest_ops.prepare(guides, policies, actor)
        return self._write_tx(
            lambda s: ingest_ops.ingest(s, prepared_g, prepared_p, actor=actor, publish=publish)
        )

    # ------------------------------------------------------------------------------------------- guides

    def get_guide(
        self, guide_id: str, *, version: int | None = None, published_only: bool = False
    ) -> ServiceGuide | None:
        """The current version by default; with published_only the served version (None if not served)."""
        with self._read.begin() as s:
            return guide_ops.get_guide(s, guide_id, version=version, published_only=published_only)

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
        with self._read.begin() as s:
            return guide_ops.list_guides(s, status=status, query=query, limit=limit, offset=offset)

    def count_guides(self, *, status: GuideStatus | None = None, query: str | None = None) -> int:
        with self._read.begin() as s:
            return guide_ops.count_guides(s, status=status, query=query)

    def iter_published_guides(self, *, batch_size: int = 200) -> Iterator[ServiceGuide]:
        """Every served guide (published version), by id, read in batches of short transactions."""
        last: str | None = ""
        while last is not None:
            with self._read.begin() as s:
                batch, last = guide_ops.published_after(s, last, batch_size)
            yield from batch

    def save_guide(
        self, guide: ServiceGuide, *, actor: str, note: str = "", create: bool = False
    ) -> ServiceGuide:
        """An edit: stores `guide` as a new draft version (previous max + 1); the published version stays
        served until publish(). Unknown id: NotFound, or with create=True a new guide (version 1, draft).
        Content identical to the current version is a no-op. Returns the stored model."""
        actor = check_actor(actor)
        return self._write_tx(lambda s: guide_ops.save_guide(s, guide, actor=actor, note=note, create=create))

    def publish(self, guide_id: str, *, actor: str, version: int | None = None) -> ServiceGuide:
        """Serve `version` (default: the current one). Publishing an older version rolls back."""
        actor = check_actor(actor)

        def work(s: Session) -> ServiceGuide:
            guide, _changed = guide_ops.publish(s, guide_id, actor=actor, version=version)
            return guide

        return self._write_tx(work)

    def unpublish(self, guide_id: str, *, actor: str) -> ServiceGuide:
        """Stop serving the guide; returns its current version (now a draft)."""
        actor = check_actor(actor)

        def work(s: Session) -> ServiceGuide:
            guide, _changed = guide_ops.unpublish(s, guide_id, actor=actor)
            return guide

        return self._write_tx(work)

    def versions(self, guide_id: str) -> list[GuideVersionInfo]:
        with self._read.begin() as s:
            return guide_ops.versions(s, guide_id)

    def diff(self, guide_id: str, a: int, b: int) -> list[FieldChange]:
        """Top-level fields that differ from version a to version b (nested values compared whole)."""
        with self._read.begin() as s:
            return guide_ops.diff(s, guide_id, a, b)

    # ----------------------------------------------------------------------------------------- policies

    def get_policy(self, policy_id: str) -> PolicyDocument | None:
        with self._read.begin() as s:
            return policy_ops.get_policy(s, policy_id)

    def list_policies(
        self, *, kind: str | None = None, query: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[PolicyDocument]:
        """Policies ordered by id; `query` is a substring of the title."""
        with self._read.begin() as s:
            return policy_ops.list_policies(s, kind=kind, query=query, limit=limit, offset=offset)

    def count_policies(self, *, kind: str | None = None, query: str | None = None) -> int:
        with self._read.begin() as s:
            return policy_ops.count_policies(s, kind=kind, query=query)

    def iter_policies(self, *, batch_size: int = 50) -> Iterator[PolicyDocument]:
        last = ""
        while True:
            with self._read.begin() as s:
                batch = policy_ops.policies_after(s, last, batch_size)
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
        with self._read.begin() as s:
            return audit_ops.audit_log(s, target=target, actor=actor, action=action, limit=limit)

    # ------------------------------------------------------------------------------------- index events

    def index_version(self) -> int:
        """The id of the latest served-content change (0 = none yet)."""
        with self._read.begin() as s:
            return event_ops.version(s)

    def index_events(self, *, after: int, limit: int = 1000) -> list[IndexEvent]:
        """Committed served-content changes with id > after, by id."""
        with self._read.begin() as s:
            return event_ops.events(s, after=after, limit=limit)
