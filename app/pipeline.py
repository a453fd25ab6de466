"""Entry-point pipelines shared by the CLI and the server: ingest, index, open the retriever, build the manager."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.settings import Settings
from knowledge.loaders import LoadReport, Rejection, load_paths
from knowledge.schema import PolicyDocument, ServiceGuide
from knowledge.store import IngestResult, KnowledgeStore
from retrieval.paraphrase import VECTORS_FILE, ParaphraseScorer, load_paraphrase_scorer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from assistant.policy.manager import DialogueManager
    from assistant.state import DialogueState
    from guides.curation import CuratedFlows
    from guides.registry import FlowRegistry
    from guides.schema import Flow
    from retrieval.hybrid import HybridRetriever

log = logging.getLogger("govassist.pipeline")


def open_store(settings: Settings) -> KnowledgeStore:
    """The store on `settings.db_url`, its schema migrated to the latest revision (a no-op when current)."""
    from app.migrate import upgrade

    store = KnowledgeStore(settings.db_url)
    upgrade(store.engine)
    return store


def bundled_paths(settings: Settings) -> list[Path]:
    """The bundled real data from the shared directory, plus our authored sample guides."""
    from guides.loader import SAMPLES_DIR

    paths = [p for p in settings.bundled_sources() if p.exists()]
    missing = [p for p in settings.bundled_sources() if not p.exists()]
    if missing:
        log.warning("内置数据缺失：%s（GOVASSIST_SHARED=%s）", ", ".join(map(str, missing)), settings.shared)
    return [*paths, SAMPLES_DIR]


def dedupe(report: LoadReport) -> LoadReport:
    """Reject ids seen in an earlier file: the store refuses a batch with duplicate ids."""
    seen: set[str] = set()
    guides: list[ServiceGuide] = []
    rejected = list(report.rejected)
    for g in report.guides:
        if g.id in seen:
            rejected.append(Rejection(file="(多个文件)", line=None, reason=f"重复的办事指南编号：{g.id}"))
            continue
        seen.add(g.id)
        guides.append(g)
    seen_p: set[str] = set()
    policies: list[PolicyDocument] = []
    for p in report.policies:
        if p.id in seen_p:
            rejected.append(
                Rejection(file=p.source_path or "(多个文件)", line=None, reason=f"重复的政策编号：{p.id}")
            )
            continue
        seen_p.add(p.id)
        policies.append(p)
    return report.model_copy(update={"guides": guides, "policies": policies, "rejected": rejected})


def ingest_paths(
    settings: Settings, paths: list[Path] | None, *, actor: str = "cli", publish: bool = True
) -> tuple[LoadReport, IngestResult | None]:
    """Load files and write them in one transaction. Returns the load report and the store's result."""
    report = dedupe(load_paths(paths or bundled_paths(settings)))
    if not report.guides and not report.policies:
        return report, None
    with open_store(settings) as store:
        result = store.ingest(guides=report.guides, policies=report.policies, actor=actor, publish=publish)
    return report, result


def warm_vectors(
    scorer: ParaphraseScorer,
    index_dir: Path,
    guides: Iterable[ServiceGuide],
    policies: Iterable[PolicyDocument] | None,
    *,
    pause: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Read the e5 vectors kept next to the index, then embed the official questions and (unless `policies` is
    None) the guides' names and every law article's opening that are not there yet, saving them; `pause` between
    them lets turns go first. Returns how many were embedded."""
    from assistant.policy.evidence import article_openings

    guides = list(guides)
    path = index_dir / VECTORS_FILE
    loaded = scorer.load(path)
    n = scorer.warm_up(f.question for g in guides for f in g.faqs)
    if policies is not None:
        # (a turn reads guide names with e5 before a refusal or an article: one not read before costs ~25 ms)
        texts = [*(g.name for g in guides), *article_openings(policies)]
        n += scorer.warm_up(texts, save_to=path, pause=pause, progress=progress)
    log.info("e5 向量：读取 %d 个，新算 %d 个", loaded, n)
    return n


def warm_paraphrase(settings: Settings, scorer: ParaphraseScorer, *, pause: float = 0.05) -> int:
    """The server's warm-up after start: the published guides' official questions, and the laws' article
    openings unless `paraphrase_warm` is off."""
    policies = None
    if settings.paraphrase_warm:
        with open_store(settings) as store:
            policies = _policies(store)
    return warm_vectors(scorer, settings.index_dir, published_guides(settings), policies, pause=pause)


def published_guides(settings: Settings) -> list[ServiceGuide]:
    with open_store(settings) as store:
        return list(store.iter_published_guides())


def _policies(store: KnowledgeStore) -> list[PolicyDocument]:
    return list(store.iter_policies())


def make_retriever(settings: Settings) -> HybridRetriever:
    """The retriever over `settings.index_dir`; with `vectors=database` its vectors live in the database
    (shared by every worker and host; an older index's Chroma folder is imported once)."""
    from retrieval.embedders import make_embedder
    from retrieval.hybrid import HybridRetriever

    embedder = make_embedder(settings.embedder)
    if settings.vectors == "chroma":
        return HybridRetriever(settings.index_dir, embedder=embedder)
    if settings.vectors != "database":
        raise ValueError(f"GOVASSIST_VECTORS 只能是 database 或 chroma：{settings.vectors}")
    from app.migrate import upgrade
    from knowledge.engine import make_engine
    from retrieval.vector_sql import SqlVectorStore

    engine = make_engine(settings.db_url)
    upgrade(engine)  # the vector table must exist before the first read
    vectors = SqlVectorStore(engine, embedder, chroma_path=settings.index_dir / "chroma")
    return HybridRetriever(settings.index_dir, embedder=embedder, vectors=vectors)


def build_index(settings: Settings, *, rebuild: bool = False, progress: bool = True) -> dict[str, Any]:
    """Index all published guides and all policies. Unchanged chunks keep their stored embeddings."""
    t0 = time.perf_counter()
    with open_store(settings) as store:
        version = store.index_version()  # read first: a change after it is replayed by the servers
        guides = list(store.iter_published_guides())
        policies = _policies(store)
    retriever = make_retriever(settings)
    if rebuild:
        retriever.clear()
    retriever.index_version = version
    stats = retriever.build(guides, policies, progress=progress)
    out = dict(stats) if isinstance(stats, dict) else {}
    out.update(
        {"guides": len(guides), "policies": len(policies), "seconds": round(time.perf_counter() - t0, 1)}
    )
    return out


def open_retriever(settings: Settings) -> HybridRetriever:
    """Load the persisted index; build it first when there is none."""
    retriever = make_retriever(settings)
    if not retriever.load():
        build_index(settings)
        retriever = make_retriever(settings)
        retriever.load()
    return retriever


def ensure_index(settings: Settings) -> None:
    """Make sure a usable index snapshot exists (built when missing), without keeping it in memory."""
    if not make_retriever(settings).load():
        build_index(settings, progress=False)


class BackgroundRetriever:
    """Opens (or, when missing, builds) the index and warms it up in a background thread, so the server
    answers health checks and serves the UI at once; retrieval calls wait until it is ready.

    With a `store`, the index then follows every published change, from this process or any other worker or
    host on the same database (app/index_sync.py); changes are applied in memory, never written to the
    shared on-disk snapshot."""

    def __init__(self, settings: Settings, store: KnowledgeStore | None = None) -> None:
        from app.index_sync import IndexSync

        self._ready = threading.Event()
        self._retriever: HybridRetriever | None = None
        self._error: BaseException | None = None
        self.ready_seconds: float | None = None
        self.sync: IndexSync | None = None

        def load() -> None:
            t0 = time.perf_counter()
            scorer = None
            try:
                retriever = open_retriever(settings)
                if store is not None:
                    self.sync = IndexSync(store, retriever, interval=settings.index_poll_seconds)
                    try:
                        self.sync.poll()  # changes since the snapshot, before the first answer
                    except Exception:  # the thread retries; serving a slightly old index beats not serving
                        log.exception("索引同步失败，稍后重试")
                    self.sync.start()
                retriever.warm_up()
                scorer = load_paraphrase_scorer()
                if scorer is not None:
                    scorer.warm_up()  # the FAQ paraphrase check's model, before the first question
                self._retriever = retriever
            except BaseException as exc:  # reported to every caller, never swallowed
                log.exception("检索索引加载失败")
                self._error = exc
            finally:
                self.ready_seconds = round(time.perf_counter() - t0, 2)
                self._ready.set()
            if self._error is None and scorer is not None:
                # after readiness: the official questions' and law articles' e5 vectors, so no citizen's turn
                # pays for them; kept next to the index for the next start (an article costs ~150 ms)
                try:
                    warm_paraphrase(settings, scorer)
                except Exception:
                    log.exception("e5 向量预计算失败（回答时再算）")

        self._thread = threading.Thread(target=load, name="retriever-warm-up", daemon=True)

    def start(self) -> BackgroundRetriever:
        """Start loading (idempotent). The server calls it last, so the load does not slow its own start."""
        if not self._thread.is_alive() and not self._ready.is_set():
            self._thread.start()
        return self

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._error is None

    def get(self, timeout: float | None = 600) -> HybridRetriever:
        self.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("检索索引仍在加载，请稍后再试")
        if self._error is not None or self._retriever is None:
            raise RuntimeError("检索索引加载失败") from self._error
        return self._retriever

    def upsert_guide(self, guide: ServiceGuide) -> int:
        """Re-index one guide in memory (the on-disk snapshot is shared by the workers: never rewritten)."""
        retriever = self.get()
        if self.sync is not None:
            return self.sync.upsert_guide(guide)
        return retriever.upsert_guide(guide, persist=False)

    def remove_doc(self, doc_id: str) -> bool:
        retriever = self.get()
        if self.sync is not None:
            return self.sync.remove_doc(doc_id)
        return retriever.remove_doc(doc_id, persist=False)

    def fix_typos(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Typos are read only once the index is ready; until then the text is left as typed (no wait)."""
        return self.get().fix_typos(text) if self.ready else (text, [])

    def __getattr__(self, name: str) -> Any:  # search ... wait for readiness
        return getattr(self.get(), name)


def load_flows_checked(store: KnowledgeStore) -> dict[str, Flow]:
    from guides.loader import load_flows

    def known(guide_id: str) -> bool:
        return store.get_guide(guide_id) is not None

    return load_flows(known_service_ids=known)


def flow_registry(store: KnowledgeStore) -> FlowRegistry:
    """Authored flows (checked against the KB), published curated flow records, and a lazily derived
    generic 预审 flow for every other published, applicable guide."""
    from guides.registry import FlowRegistry

    def get_guide(gid: str) -> ServiceGuide | None:
        return store.get_guide(gid, published_only=True)

    authored = load_flows_checked(store)
    return FlowRegistry(authored, get_guide=get_guide, curated=curated_flows(store, seed=authored))


def curated_flows(store: KnowledgeStore, *, seed: dict[str, Flow] | None = None) -> CuratedFlows:
    """The published flow records; `seed`: bundled flows to store as records first (idempotent). A seeding
    race with another process starting at the same time is harmless (one of them wrote the records)."""
    from sqlalchemy.exc import IntegrityError

    from guides.curation import CuratedFlows, seed_bundled
    from knowledge.flow_records import FlowRecordStore

    records = FlowRecordStore(store.engine)
    if seed:
        try:
            seed_bundled(records, seed)
        except IntegrityError:
            log.info("flow records were seeded by another process")
    return CuratedFlows(records)


def build_manager(
    settings: Settings,
    *,
    store: KnowledgeStore | None = None,
    retriever: HybridRetriever | None = None,
    status_lookup: Callable[[str, DialogueState], str | None] | None = None,
) -> tuple[DialogueManager, FlowRegistry]:
    from assistant.policy.manager import DialogueManager

    store = store or open_store(settings)
    retriever = retriever or open_retriever(settings)
    flows = flow_registry(store)
    phraser = None
    if settings.llm_base_url and settings.llm_model:
        from assistant.nlg.llm import LLMPhraser, make_chat_model

        phraser = LLMPhraser(make_chat_model(settings.llm_base_url, settings.llm_model, settings.llm_api_key))

    def get_guide(gid: str) -> ServiceGuide | None:
        return store.get_guide(gid, published_only=True)

    manager = DialogueManager(
        retriever=retriever,
        get_guide=get_guide,
        get_policy=store.get_policy,
        flows=flows,
        phraser=phraser,
        status_lookup=status_lookup,
        max_chars=settings.max_message_chars,
    )
    manager.answering.home_region = settings.home_region_path
    return manager, flows


def create_api_token(settings: Settings, *, role: str, name: str = "") -> str:
    from app.auth import create_token
    from app.db import AppDB

    with open_store(settings) as store:
        db = AppDB(store.engine)
        with db.write() as session:
            return create_token(session=session, role=role, name=name)
