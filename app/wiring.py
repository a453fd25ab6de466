"""Composition root: build the services of one entry point from one Settings.

Every piece can be passed in (tests inject a small manager, a fake-free retriever built on a hash embedder,
or None for parts they do not exercise); whatever is not passed is built from the settings. Heavy parts
(retriever, dialogue manager) are optional: the API answers 503 on the endpoints that need a missing one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from app.db import AppDB
from app.settings import Settings
from assistant.state import ApplicationDraft, DialogueState, TurnResult
from knowledge.schema import ServiceGuide
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from retrieval.types import SearchResult

log = logging.getLogger("govassist.wiring")


class Manager(Protocol):
    """What the API needs from `assistant.manager.DialogueManager`."""

    def handle(self, state: DialogueState, text: str) -> TurnResult: ...

    def on_submitted(self, state: DialogueState, application_id: str, draft: ApplicationDraft) -> TurnResult: ...


class Retriever(Protocol):
    """What the API needs from `retrieval.hybrid.HybridRetriever`."""

    def search(
        self, query: str, top_k: int = 5, filters: dict[str, Any] | None = None, kinds: Any = None
    ) -> SearchResult: ...

    def upsert_guide(self, guide: ServiceGuide) -> Any: ...

    def remove_doc(self, doc_id: str) -> Any: ...


@dataclass
class Services:
    settings: Settings
    store: KnowledgeStore
    db: AppDB
    retriever: Retriever | None = None
    flows: dict[str, Any] | None = None  # flow id -> guides.schema.Flow
    manager: Manager | None = None

    def close(self) -> None:
        self.store.close()


def build_services(
    settings: Settings,
    *,
    store: KnowledgeStore | None = None,
    retriever: Retriever | None = None,
    flows: dict[str, Any] | None = None,
    manager: Manager | None = None,
    load_retriever: bool = True,
    load_manager: bool = True,
) -> Services:
    """Open the store (creating tables), then the retriever, flows and dialogue manager unless given."""
    if store is None:
        store = KnowledgeStore(settings.db_url)
    store.create_all()
    db = AppDB(store.engine)
    db.create_all()
    if retriever is None and load_retriever:
        retriever = _open_retriever(settings, store)
    if flows is None and load_manager:
        flows = _load_flows(settings, store)
    if manager is None and load_manager:
        manager = _build_manager(settings, store=store, retriever=retriever, flows=flows)
    return Services(settings=settings, store=store, db=db, retriever=retriever, flows=flows, manager=manager)


def _open_retriever(settings: Settings, store: KnowledgeStore) -> Retriever | None:
    try:
        from app.pipeline import open_retriever
    except ImportError:
        log.warning("检索模块不可用（app.pipeline.open_retriever 缺失），检索相关接口将返回 503")
        return None
    return open_retriever(settings)


def _load_flows(settings: Settings, store: KnowledgeStore) -> dict[str, Any] | None:
    try:
        from guides.loader import load_flows
    except ImportError:
        log.warning("情形引导流程模块不可用（guides.loader 缺失）")
        return None
    loaded = load_flows()
    if isinstance(loaded, dict):
        return dict(loaded)
    return {f.id: f for f in loaded}


def _build_manager(
    settings: Settings,
    *,
    store: KnowledgeStore,
    retriever: Retriever | None,
    flows: dict[str, Any] | None,
) -> Manager | None:
    if retriever is None:
        log.warning("未加载检索模块，对话接口将返回 503")
        return None
    try:
        from assistant.manager import DialogueManager
    except ImportError:
        log.warning("对话模块不可用（assistant.manager 缺失），对话接口将返回 503")
        return None
    return DialogueManager(store=store, retriever=retriever, flows=flows)  # type: ignore[call-arg]
