"""Composition root: build the services of one entry point from one Settings.

Every piece can be passed in (tests inject a small manager, a fake-free retriever built on a hash embedder,
or None for parts they do not exercise); whatever is not passed is built from the settings. Heavy parts
(retriever, dialogue manager) are optional: the API answers 503 on the endpoints that need a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from app.db import AppDB
from app.masking import get_logger
from app.settings import Settings
from assistant.state import ApplicationDraft, DialogueState, TurnResult
from knowledge.schema import ServiceGuide
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from retrieval.types import SearchResult

log = get_logger("govassist.wiring")


class Manager(Protocol):
    """What the API needs from `assistant.manager.DialogueManager`."""

    def handle(self, state: DialogueState, text: str) -> TurnResult: ...

    def on_submitted(
        self, state: DialogueState, application_id: str, draft: ApplicationDraft
    ) -> TurnResult: ...


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
    """Open the store (creating all tables), then the retriever, flows and dialogue manager unless given.

    `load_retriever=False` / `load_manager=False` leave those parts out (None) when not passed in.
    """
    from app import pipeline

    if store is None:
        store = pipeline.open_store(settings)
    else:
        store.create_all()
    db = AppDB(store.engine)
    db.create_all()
    if retriever is None and load_retriever:
        retriever = pipeline.open_retriever(settings)
    if manager is None and load_manager and retriever is not None:
        manager, loaded = pipeline.build_manager(settings, store=store, retriever=retriever)  # type: ignore[arg-type]
        flows = flows if flows is not None else loaded
    if flows is None and (manager is not None or load_manager):
        flows = pipeline.load_flows_checked(store)
    if manager is None:
        log.warning("对话模块未加载，对话接口将返回 503")
    return Services(settings=settings, store=store, db=db, retriever=retriever, flows=flows, manager=manager)
