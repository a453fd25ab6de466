"""Composition root: build the services of one entry point from one Settings.

`create_app(build_services(settings))` is the production path: the store on `settings.db_url` (the app tables
share its engine), the persisted retrieval index, the checked flows and the dialogue manager, all built by
`app.pipeline`. Every piece can be passed in instead (tests inject their own manager or retriever), and the
heavy parts may be left out: the API answers 503 on the endpoints that need a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from app import repository as repo
from app.db import AppDB
from app.masking import get_logger
from app.settings import Settings
from assistant.state import ApplicationDraft, DialogueState, TurnResult
from knowledge.schema import ServiceGuide
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from guides.schema import Flow
    from retrieval.types import SearchResult

log = get_logger("govassist.wiring")


class Manager(Protocol):
    """What the API needs from `assistant.policy.manager.DialogueManager`."""

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
    flows: Mapping[str, Flow] | None = None  # flow id -> flow (a guides.registry.FlowRegistry in the app)
    manager: Manager | None = None

    def close(self) -> None:
        self.store.close()


def build_services(
    settings: Settings,
    *,
    store: KnowledgeStore | None = None,
    retriever: Retriever | None = None,
    flows: Mapping[str, Flow] | None = None,
    manager: Manager | None = None,
    load_retriever: bool = True,
    load_manager: bool = True,
    background: bool = False,
) -> Services:
    """Open the store (migrating its schema), then the retriever, flows and dialogue manager unless given.

    `load_retriever=False` / `load_manager=False` leave those parts out (None) when not passed in.
    `background=True` (the server) loads the index in a background thread: the app starts serving at once
    and retrieval calls wait until the index is ready (`/health` reports `retriever_ready`).
    """
    from app import pipeline

    if store is None:
        store = pipeline.open_store(settings)  # migrated to the latest schema
    else:
        from app.migrate import target_metadata

        target_metadata().create_all(store.engine)  # an injected store (tests): every table there is
    db = AppDB(store.engine)
    if retriever is None and load_retriever:
        retriever = (
            pipeline.BackgroundRetriever(settings, store) if background else pipeline.open_retriever(settings)
        )
    if manager is None and load_manager and retriever is not None:
        manager, loaded = pipeline.build_manager(
            settings,
            store=store,
            retriever=retriever,
            status_lookup=status_lookup(db),  # type: ignore[arg-type]
        )
        flows = flows if flows is not None else loaded
    if flows is None and (manager is not None or load_manager):
        flows = pipeline.flow_registry(store)
    if manager is None:
        log.warning("对话模块未加载，对话接口将返回 503")
    elif getattr(manager, "status_lookup", False) is None:  # the DialogueManager's optional progress hook
        manager.status_lookup = status_lookup(db)  # type: ignore[attr-defined]
    return Services(settings=settings, store=store, db=db, retriever=retriever, flows=flows, manager=manager)


# The token id on whose behalf the dialogue manager runs this turn (set by the chat route around `handle`).
_acting_owner: ContextVar[str | None] = ContextVar("govassist_acting_owner", default=None)


@contextmanager
def acting_for(owner: str) -> Iterator[None]:
    """Run dialogue calls on behalf of `owner`, so injected lookups can enforce ownership."""
    token = _acting_owner.set(owner)
    try:
        yield
    finally:
        _acting_owner.reset(token)


def status_lookup(db: AppDB) -> Callable[[str, DialogueState], str | None]:
    """Progress text for "查进度" in the chat, for the acting owner's own applications (None = not found)."""

    def lookup(application_id: str, state: DialogueState) -> str | None:
        owner = _acting_owner.get()
        if owner is None:
            return None
        if not application_id.strip():  # "我的申请到哪一步了" without a number: list the owner's own
            return _own_applications(owner)
        with db.read() as session:
            record = repo.get_application(session=session, application_id=application_id.strip().upper())
            if record is None or record.owner != owner:
                return None
            events = repo.list_events(session=session, application_id=record.id)
        when = record.updated_at.astimezone(repo.CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        text = f"{record.status}（{record.service_name}，更新于 {when}）"
        last = events[-1] if events else None
        if last is not None and last.reason and last.to_status == record.status:
            text += f"，说明：{last.reason}"
        return text

    def _own_applications(owner: str) -> str | None:
        with db.read() as session:
            records, total = repo.list_applications(session=session, owner=owner, limit=5)
        if not records:
            return None
        lines = [f"您名下共有{total}件申请" + ("（显示最近5件）" if total > len(records) else "") + "："]
        for r in records:
            when = r.updated_at.astimezone(repo.CHINA_TZ).strftime("%Y-%m-%d")
            lines.append(f"- {r.id}：{r.service_name}，{r.status}（更新于 {when}）")
        lines.append("需要某一件的详细进度，请发送它的申请编号。")
        return "\n".join(lines)

    return lookup
