"""Two "processes" (two retrievers with their own index folders) on one real database, SQLite and PostgreSQL:
vectors are embedded once and shared through the database; a change published through one reaches the other
by polling the index events; a late-committing event is still applied; a restart replays what it missed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.index_sync import IndexSync
from app.migrate import upgrade
from guides.loader import load_sample_guides
from knowledge.orm import IndexEventRow
from knowledge.schema import PolicyDocument, ServiceGuide
from knowledge.store import KnowledgeStore
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever
from retrieval.vector_sql import SqlVectorStore

PG = [pytest.mark.postgres, pytest.mark.integration]
NEW = "test-sync-otter"
NAME = "水獭饲养备案登记"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=PG)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeStore]:
    url = f"sqlite:///{tmp_path / 'kb.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    s = KnowledgeStore(url)
    upgrade(s.engine)
    s.ingest(guides=load_sample_guides(), actor="test")
    yield s
    s.close()


def retriever(store: KnowledgeStore, folder: Path) -> HybridRetriever:
    emb = HashEmbedder(64)
    return HybridRetriever(folder, embedder=emb, vectors=SqlVectorStore(store.engine, emb))


def build(store: KnowledgeStore, folder: Path) -> tuple[HybridRetriever, int]:
    r = retriever(store, folder)
    r.index_version = store.index_version()
    stats = r.build(list(store.iter_published_guides()), list(store.iter_policies()), progress=False)
    return r, stats["embedded"]


def otter() -> ServiceGuide:
    base = load_sample_guides()[0]
    return base.model_copy(update={"id": NEW, "name": NAME, "catalogue_name": NAME, "sub_name": None})


def top(r: HybridRetriever, q: str = NAME) -> str | None:
    hits = r.search(q, top_k=1).hits
    return hits[0].doc_id if hits else None


def test_publish_through_one_reaches_the_other(store: KnowledgeStore, tmp_path: Path) -> None:
    a, embedded_a = build(store, tmp_path / "a")
    b, embedded_b = build(store, tmp_path / "b")
    assert embedded_a > 0 and embedded_b == 0  # the second process reuses the stored vectors
    sync_a, sync_b = IndexSync(store, a), IndexSync(store, b)
    assert sync_b.poll() == 0 and b.index_version == store.index_version() > 0

    store.save_guide(otter(), actor="editor", create=True)
    guide = store.publish(NEW, actor="editor")
    sync_a.upsert_guide(guide)  # the publishing process applies it at once
    assert top(a) == NEW and top(b) != NEW
    calls = b.vectors.embed_calls
    assert sync_b.poll() == 1
    assert top(b) == NEW
    assert b.vectors.embed_calls == calls  # B copied A's vectors instead of embedding again
    assert sync_a.poll() == 0  # A already holds that version: nothing re-done

    store.unpublish(NEW, actor="editor")
    assert sync_b.poll() == 1 and top(b) != NEW
    assert sync_a.poll() == 1 and top(a) != NEW


def test_late_commit_and_restart_replay(store: KnowledgeStore, tmp_path: Path) -> None:
    a, _ = build(store, tmp_path / "a")
    a.save()
    sync = IndexSync(store, a)
    assert sync.poll() == 0  # the snapshot already holds everything up to its version
    store.save_guide(otter(), actor="editor", create=True)
    store.publish(NEW, actor="editor")
    policy = PolicyDocument(id="test-sync-policy", title="水獭保护暂行办法", kind="policy", text="水獭饲养应当备案。")
    store.ingest(policies=[policy], actor="editor")
    # a restarted process loads the snapshot (its version is before both changes) and replays them
    restarted = retriever(store, tmp_path / "a")
    assert restarted.load() and restarted.index_version < store.index_version()
    assert IndexSync(store, restarted).poll() == 2
    assert top(restarted) == NEW
    assert top(restarted, "水獭保护暂行办法") == "test-sync-policy"

    # PostgreSQL hands out ids before commit: an id may appear after a higher one. The higher one is applied
    # at once; the version waits at the gap, and the late event is applied when it shows up.
    assert sync.poll() == 2
    v = a.index_version
    store.unpublish(NEW, actor="editor")  # takes id v + 1; we move it to v + 2, leaving v + 1 open
    with store.engine.begin() as conn:
        conn.execute(update(IndexEventRow).where(IndexEventRow.id == v + 1).values(id=v + 2))
    assert sync.poll() == 1 and top(a) != NEW
    assert a.index_version == v  # held at the gap
    store.save_guide(otter().model_copy(update={"name": NAME + "（更新）"}), actor="editor")
    store.publish(NEW, actor="editor")
    with store.engine.begin() as conn:  # the late transaction's event commits now, with the missing id
        conn.execute(update(IndexEventRow).where(IndexEventRow.id > v + 2).values(id=v + 1))
    assert sync.poll() == 1 and top(a) == NEW
    assert a.index_version == v + 2
