"""Vectors in the SQL database (real SQLite file): shared between retrievers, and an older deployment's Chroma
folder imported once instead of re-embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.engine import make_engine
from knowledge.schema import PolicyDocument, ServiceGuide
from knowledge.sqlbase import Base
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever
from retrieval.vector_sql import SqlVectorStore


def _engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    Base.metadata.create_all(engine, tables=[Base.metadata.tables["chunk_vectors"]])
    return engine


def test_chroma_folder_is_imported_once(
    tmp_path: Path, guides: list[ServiceGuide], law: PolicyDocument
) -> None:
    emb = HashEmbedder(64)
    old = HybridRetriever(tmp_path / "index", embedder=emb)  # the Chroma layout of earlier releases
    assert old.build(guides, [law], progress=False)["embedded"] > 0
    expected = old.search("驾驶证遗失补办").hits[0].doc_id

    vectors = SqlVectorStore(_engine(tmp_path), emb, chroma_path=tmp_path / "index" / "chroma")
    new = HybridRetriever(tmp_path / "index2", embedder=emb, vectors=vectors)
    stats = new.build(guides, [law], progress=False)
    assert stats["embedded"] == 0 and vectors.count() == old.vectors.count()
    assert new.search("驾驶证遗失补办").hits[0].doc_id == expected


def test_vectors_written_by_one_are_read_by_another(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    a = SqlVectorStore(engine, HashEmbedder(64))
    b = SqlVectorStore(engine, HashEmbedder(64))
    texts = {"g#name#0": "居民身份证换领", "g#materials#0": "户口簿 照片"}
    assert a.sync(texts, {}) == 2
    assert b.sync(texts, {}) == 0 and b.embed_calls == 0
    rows = b.rows_for(list(texts))
    assert (rows >= 0).all()
    q = HashEmbedder(64).embed_query("身份证换领")
    np.testing.assert_allclose(a.similarities(q, list(texts)), b.similarities(q, list(texts)), rtol=1e-6)
    a.delete(["g#materials#0"])
    assert b.count() == 1
