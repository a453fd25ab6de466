"""FAQ pairs scored by their question alone and their answer alone (retrieval.faq_sides)."""

from __future__ import annotations

from retrieval.embedders import HashEmbedder
from retrieval.faq_sides import FaqSides, split_pair
from retrieval.types import Chunk, ChunkHit, DocKind


def _hit(text: str, n: int) -> ChunkHit:
    chunk = Chunk(id=f"g#faq#{n}", doc_id="g", kind=DocKind.GUIDE, field="faq", title="示例", text=text)
    return ChunkHit(chunk=chunk, score=0.5, scores={"dense": 0.4})


def test_split_pair_reads_the_indexed_shape() -> None:
    assert split_pair("问：公租房在哪里申请？ 答：可在街道便民服务中心申请。") == (
        "公租房在哪里申请？",
        "可在街道便民服务中心申请。",
    )
    assert split_pair("没有问答标记的文本") == ("没有问答标记的文本", "没有问答标记的文本")


def test_each_side_gets_its_own_cosine_and_vectors_are_reused() -> None:
    emb = HashEmbedder()
    sides = FaqSides(emb)
    hits = [
        _hit("问：公租房在哪里申请？ 答：可在街道便民服务中心申请。", 0),
        _hit("问：低保多久能批下来？ 答：自受理之日起30个工作日内作出决定。", 1),
    ]
    scored = sides.score(emb.embed_query("公租房在哪里申请"), hits)
    assert [h.chunk.id for h in scored] == ["g#faq#0", "g#faq#1"]
    assert scored[0].scores["dense"] == 0.4  # the retriever's own signals are kept
    assert scored[0].scores["dense_q"] > scored[0].scores["dense_a"]
    assert scored[0].scores["dense_q"] > scored[1].scores["dense_q"]
    cached = dict(sides._cache)
    sides.score(emb.embed_query("低保多久"), hits)
    assert sides._cache.keys() == cached.keys()  # nothing embedded twice
