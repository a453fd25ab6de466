"""Keeps this process's in-memory search index in step with what is served, across workers and hosts.

Every change of what is served is an index event in the database (knowledge/crud/index_events.py), written in
the same transaction as the change. Each server process polls for events after its own index version and
applies them incrementally (re-index one guide, or drop it); the process that made the change applies it at
once. Events are re-read as document state, so applying one twice or out of order is harmless, and events
seen recently are re-checked for a while: a transaction may commit after a later one that a reader saw.
Incremental changes are not written to the on-disk snapshot (several processes share that folder): a restart
loads the snapshot and replays the events after its version; `govassist index` refreshes the snapshot.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.schema import ServiceGuide
    from knowledge.store import KnowledgeStore
    from retrieval.hybrid import HybridRetriever

log = logging.getLogger("govassist.index_sync")

LATE_COMMIT_WINDOW = timedelta(minutes=5)  # events this recent are re-checked on every poll
_MISSING = object()


class IndexSync:
    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever, *, interval: float = 1.0) -> None:
        self.store = store
        self.retriever = retriever
        self.interval = interval
        self._lock = threading.Lock()
        self._served: dict[tuple[str, str], Any] = {}  # (kind, doc id) -> what the index holds
        self._seen: dict[int, datetime] = {}  # recent event ids already applied -> their time
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
        now = datetime.now(UTC)
        events = self.store.index_events(after=self.retriever.index_version, since=now - LATE_COMMIT_WINDOW)
        new = [e for e in events if e.id not in self._seen]
        if not new:
            self._prune(now)
            return 0
        latest = {(e.kind, e.doc_id): e for e in new}  # several events of one document: one re-read
        changed = 0
        with self._lock:
            for kind, doc_id in latest:
                changed += self._apply(kind, doc_id)
            for e in new:
                self._seen[e.id] = e.at
            self.retriever.index_version = max(self.retriever.index_version, max(e.id for e in new))
        self.applied += changed
        self._prune(now)
        return changed

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

    def _prune(self, now: datetime) -> None:
        old = now - 2 * LATE_COMMIT_WINDOW
        for eid in [i for i, at in self._seen.items() if at < old]:
            del self._seen[eid]

    # -------------------------------------------------------------------------------------- thread

    def start(self) -> IndexSync:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="index-sync", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while True:
            try:
                self.poll()
            except Exception:  # the database may be briefly unreachable; try again on the next tick
                log.exception("索引同步失败，稍后重试")
            if self._stop.wait(self.interval):
                return
