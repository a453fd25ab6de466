from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever
from retrieval.types import DocKind


def top(r: HybridRetriever, query: str, **kw: object) -> str:
    res = r.search(query, **kw)  # type: ignore[arg-type]
    assert res.hits, query
    return res.hits[0].doc_id


@pytest.mark.parametrize(
    ("query", "doc_id"),
    [
        ("社会保障卡申领", "SSC"),
        ("住房公积金提取", "HF"),
        ("企业设立登记", "BIZ"),
        ("高等学校教师资格认定", "TEACH"),
        ("出生医学证明签发", "BIRTH"),
    ],
)
def test_exact_name_ranks_its_guide_first(shared_index: HybridRetriever, query: str, doc_id: str) -> None:
    assert top(shared_index, query) == doc_id


@pytest.mark.parametrize(
    ("query", "doc_id"),
    [
        ("驾驶证丢了怎么补办", "DL-LOST"),
        ("驾照到期了要换证", "DL-RENEW"),
        ("第一次申请驾驶证", "DL-NEW"),
    ],
)
def test_the_variant_named_in_the_query_wins(shared_index: HybridRetriever, query: str, doc_id: str) -> None:
    assert top(shared_index, query) == doc_id


def test_colloquial_queries_reach_formal_names(shared_index: HybridRetriever) -> None:
    assert top(shared_index, "我想取公积金") == "HF"
    assert top(shared_index, "家里困难怎么申请低保", kinds=["guide"]) == "LOWINC"
    assert top(shared_index, "开公司要办什么") == "BIZ"


def test_abbreviation_reaches_the_long_name(shared_index: HybridRetriever) -> None:
    assert top(shared_index, "教资认定") == "TEACH"


def test_hits_carry_chunks_scores_and_latency(shared_index: HybridRetriever) -> None:
    res = shared_index.search("社会保障卡要带什么材料", top_k=3)
    hit = res.hits[0]
    assert hit.doc_id == "SSC" and hit.kind == DocKind.GUIDE and hit.title == "社会保障卡申领"
    assert hit.chunks and all(ch.chunk.doc_id == "SSC" for ch in hit.chunks)
    assert {"bm25", "char", "name", "dense"} <= set(hit.chunks[0].scores)
    assert len(res.hits) <= 3 and res.latency_ms > 0
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)


def test_filters_and_kinds(shared_index: HybridRetriever) -> None:
    res = shared_index.search("申请", top_k=10, filters={"region": "广州市"})
    assert res.hits and {h.doc_id for h in res.hits} <= {"DL-NEW", "DL-RENEW", "DL-LOST", "HF"}
    res = shared_index.search("登记", top_k=10, filters={"audience": "法人"})
    assert {h.doc_id for h in res.hits} <= {"BIZ", "RADIO"}
    res = shared_index.search("最低生活保障", top_k=10, kinds=["policy"])
    assert [h.doc_id for h in res.hits] == ["law-demo"]
    assert res.hits[0].chunks[0].chunk.heading == "第二章 最低生活保障"
    res = shared_index.search(
        "最低生活保障", top_k=10, filters={"region": ["广州市", "广东省"], "kind": "guide"}
    )
    assert res.hits[0].doc_id == "LOWINC"
    with pytest.raises(ValueError, match="unknown filter"):
        shared_index.search("x", filters={"colour": "red"})


def test_no_confident_match_for_nonsense(shared_index: HybridRetriever) -> None:
    for q in ("明天天气怎么样", "推荐几只股票", "红烧肉怎么做", "zzqxj"):
        res = shared_index.search(q)
        assert not res.confident, q
        assert 0.0 <= res.confidence < 0.5
    assert shared_index.search("社会保障卡申领").confident


def test_empty_query(shared_index: HybridRetriever) -> None:
    res = shared_index.search("   ")
    assert res.hits == [] and not res.confident


def test_upsert_reindexes_only_that_guide(
    built: HybridRetriever, counting, guides: list[ServiceGuide]
) -> None:  # noqa: ANN001
    before = {
        q: built.search(q).hits[0].doc_id for q in ("社会保障卡申领", "企业设立登记", "出生医学证明签发")
    }
    counting.documents = 0
    counting.texts = []
    hf = next(g for g in guides if g.id == "HF")
    changed = hf.model_copy(
        update={"name": "住房公积金提取（购房）", "conditions": "购买自住住房的职工可申请提取。"}
    )
    embedded = built.upsert_guide(changed)
    assert embedded == counting.documents > 0
    assert all("住房公积金" in t for t in counting.texts)  # nothing of the other guides was re-embedded
    assert top(built, "购房提取公积金") == "HF"
    assert built.search("住房公积金提取").hits[0].title == "住房公积金提取（购房）"
    after = {q: built.search(q).hits[0].doc_id for q in before}
    assert after == before
    counting.documents = 0
    assert built.upsert_guide(changed) == 0 and counting.documents == 0  # unchanged: nothing embedded


def test_upsert_new_guide_and_remove(built: HybridRetriever) -> None:
    new = ServiceGuide(id="PASS", name="往来港澳通行证签注", department="出入境管理处", audience=["自然人"])
    built.upsert_guide(new)
    assert top(built, "港澳通行证签注") == "PASS"
    assert built.remove_doc("PASS") is True
    assert all(h.doc_id != "PASS" for h in built.search("港澳通行证签注", top_k=20).hits)
    assert built.remove_doc("PASS") is False


def test_reload_from_disk_without_re_embedding(built: HybridRetriever, make_counting, tmp_path: Path) -> None:  # noqa: ANN001
    fresh_embedder = make_counting()
    reopened = HybridRetriever(built.index_dir, embedder=fresh_embedder)
    assert reopened.load()
    assert top(reopened, "社会保障卡申领") == "SSC"
    assert fresh_embedder.documents == 0 and fresh_embedder.queries >= 1
    params = json.loads((built.index_dir / "params.json").read_text(encoding="utf-8"))
    assert params["embedder"] == fresh_embedder.name and params["documents"] == 11


def test_rebuild_reuses_stored_vectors(built: HybridRetriever, make_counting, guides, law) -> None:  # noqa: ANN001
    again = make_counting()
    r = HybridRetriever(built.index_dir, embedder=again)
    stats = r.build(guides, [law], progress=False)
    assert stats["embedded"] == 0 and again.documents == 0


def test_changed_embedder_needs_a_rebuild(built: HybridRetriever) -> None:
    other = HybridRetriever(built.index_dir, embedder=HashEmbedder(dim=64))
    assert other.load() is False
    with pytest.raises(RuntimeError, match="build"):
        other.search("社会保障卡")
    other.build([], [PolicyDocument(id="only", title="唯一条例")], progress=False)
    assert [h.doc_id for h in other.search("唯一条例").hits] == ["only"]


def test_upsert_policy_and_clear(built: HybridRetriever, law: PolicyDocument) -> None:
    changed = law.model_copy(update={"title": "示例社会救助条例（修订）"})
    built.upsert_policy(changed)
    assert built.search("社会救助条例", kinds=["policy"]).hits[0].title == "示例社会救助条例（修订）"
    built.clear()
    assert not (built.index_dir / "params.json").exists() and built.load() is False
    assert built.vectors.count() == 0
    built.build([], [changed], progress=False)  # the same object builds again after clear()
    assert built.search("社会救助条例").hits[0].doc_id == "law-demo"


def test_one_search_serves_every_kind_with_all_chunks(built: HybridRetriever, counting) -> None:  # noqa: ANN001
    """The answer path makes one call per question and splits the hits by kind (no query cache)."""
    counting.queries = 0
    guides_only = built.search("出生医学证明签发", kinds=["guide"])
    everything = built.search("出生医学证明签发", chunks_per_hit=64)
    assert counting.queries == 2  # each call embeds its query once
    assert guides_only.hits[0].doc_id == everything.hits[0].doc_id
    top = everything.hits[0]
    assert len(top.chunks) == len(built.view.chunk_ids_of(top.doc_id)) >= 2  # every chunk, scored
    assert [c.score for c in top.chunks] == sorted((c.score for c in top.chunks), reverse=True)
    assert all(r for r in built.regions())
