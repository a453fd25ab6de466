"""Keeps this process's in-memory search index in step with what is served, across workers and hosts.

Every change of what is served is an index event in the database (knowledge/crud/index_events.py), written in
the same transaction as the change. Each server process polls for events after its own index version and
applies them incrementally (re-index one guide, or drop it); the process that made the change applies it at
once. Events are re-read as document state, so applying one twice or out of order is harmless.
The index version only moves over contiguous ids: a missing id may be a transaction that commits after a later
one (PostgreSQL hands out ids before commit), so events above the gap are applied at once and the gap is
looked at again on every poll until it fills or `GAP_WAIT` passes (a rolled-back transaction never fills it).
Incremental changes are not written to the on-disk snapshot (several processes share that folder): a restart
loads the snapshot and replays the events after its version; `govassist index` refreshes the snapshot.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.schema import ServiceGuide
    from knowledge.store import KnowledgeStore
    from retrieval.hybrid import HybridRetriever

log = logging.getLogger("govassist.index_sync")

GAP_WAIT = 300.0  # seconds a missing event id is waited for (longer than any write transaction)
_MISSING = object()


class IndexSync:
    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever, *, interval: float = 1.0) -> None:
        self.store = store
        self.retriever = retriever
        self.interval = interval
        self._lock = threading.Lock()
        self._served: dict[tuple[str, str], Any] = {}  # (kind, doc id) -> what the index holds
        self._seen: set[int] = set()  # event ids above the index version already applied
        self._gaps: dict[int, float] = {}  # missing event id -> when first noticed (monotonic)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.applied = 0  # documents re-indexed or removed by polling (observability and tests)

    # ------------------------------------------------------------------------------- direct changes

    def upsert_guide(self, guide: ServiceGuide) -> int:
        """Apply a change this process made (the API's publish): at once, not on the next poll."""
        with self._lock:
            n = self.retriever.upsert_guide(guide, persist=False)
            self._served[("guide", guide.id)] = guide.version
            return n

    def remove_doc(self, doc_id: str) -> bool:
        with self._lock:
            removed = self.retriever.remove_doc(doc_id, persist=False)
            self._served[("guide", doc_id)] = None
            return removed

    # ------------------------------------------------------------------------------------- polling

    def poll(self) -> int:
        """Apply the events after this index's version. Returns the number of documents changed."""
        floor = self.retriever.index_version
        new = [e for e in self.store.index_events(after=floor) if e.id not in self._seen]
        changed = 0
        with self._lock:
            latest = {(e.kind, e.doc_id): e for e in new}  # several events of one document: one re-read
            for kind, doc_id in latest:
                changed += self._apply(kind, doc_id)
            self._seen.update(e.id for e in new)
            self.retriever.index_version = self._advance(floor)
        self.applied += changed
        return changed

    def _advance(self, floor: int) -> int:
        """The highest id up to which every event was applied (or its gap waited for long enough)."""
        now = time.monotonic()
        top = max(self._seen, default=floor)
        while floor < top:
            nxt = floor + 1
            if nxt not in self._seen and now - self._gaps.setdefault(nxt, now) < GAP_WAIT:
                break
            floor = nxt
        self._seen = {i for i in self._seen if i > floor}
        self._gaps = {i: t for i, t in self._gaps.items() if i > floor}
        return floor

    def _apply(self, kind: str, doc_id: str) -> int:
        if kind == "guide":
            guide = self.store.get_guide(doc_id, published_only=True)
            marker = None if guide is None else guide.version
            if self._served.get((kind, doc_id), _MISSING) == marker:
                return 0
            if guide is None:
                self.retriever.remove_doc(doc_id, persist=False)
            else:
                self.retriever.upsert_guide(guide, persist=False)
        else:
            policy = self.store.get_policy(doc_id)
            marker = None if policy is None else policy.updated_at
            if self._served.get((kind, doc_id), _MISSING) == marker:
                return 0
            if policy is None:
                self.retriever.remove_doc(doc_id, persist=False)
            else:
                self.retriever.upsert_policy(policy, persist=False)
        self._served[(kind, doc_id)] = marker
        return 1

    # -------------------------------------------------------------------------------------- thread

    def start(self) -> IndexSync:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="index-sync", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        for idx in getattr(self.retriever, "sparse", {}).values():  # first re-index after a load: fast too
            prepare = getattr(idx, "prepare_counts", None)
            if callable(prepare):
                prepare()
        while True:
            try:
                self.poll()
            except Exception:  # the database may be briefly unreachable; try again on the next tick
                log.exception("索引同步失败，稍后重试")
            if self._stop.wait(self.interval):
                return
