"""The vectorised BM25 build gives bm25s's own scores, and incremental upserts/removals match a fresh build."""

from __future__ import annotations

import bm25s
import numpy as np

from retrieval.bm25 import BM25Index

DOCS = {
    "a": ["居民", "身份证", "换领", "身份证"],
    "b": ["驾驶证", "换证", "体检"],
    "c": ["居住证", "申领", "居民", "居住", "证明"],
    "d": [],
    "e": ["社保卡", "补换", "居民", "社保卡", "社保卡"],
}
QUERIES = [["居民", "身份证"], ["社保卡"], ["驾驶证", "居住证", "未知词"], ["居民"]]


def reference(docs: dict[str, list[str]], query: list[str]) -> np.ndarray:
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index([t or ["\x00"] for t in docs.values()], show_progress=False)
    ids = model.get_tokens_ids(query)
    return np.asarray(model.get_scores_from_ids(ids), dtype=np.float32) if ids else np.zeros(len(docs))


def test_scores_equal_bm25s() -> None:
    idx = BM25Index()
    idx.build(DOCS)
    for q in QUERIES:
        np.testing.assert_allclose(idx.scores(q), reference(DOCS, q), rtol=1e-6)


def test_incremental_changes_equal_a_fresh_build() -> None:
    idx = BM25Index()
    idx.build(DOCS)
    idx.prepare_counts()
    idx.upsert({"b": ["驾驶证", "遗失", "补领"], "f": ["身份证", "挂失"]})
    idx.remove(["c"])
    idx.commit()
    after = {k: v for k, v in DOCS.items() if k != "c"} | {"b": ["驾驶证", "遗失", "补领"], "f": ["身份证", "挂失"]}
    fresh = BM25Index()
    fresh.build(after)
    assert sorted(idx.ids) == sorted(fresh.ids)
    for q in [*QUERIES, ["遗失"], ["挂失", "身份证"]]:
        got = dict(zip(idx.ids, idx.scores(q), strict=True))
        want = dict(zip(fresh.ids, fresh.scores(q), strict=True))
        for cid in want:
            assert abs(got[cid] - want[cid]) < 1e-5, (q, cid)
    assert idx.scores(["居住证"]).max() == 0  # the removed chunk's term no longer scores
