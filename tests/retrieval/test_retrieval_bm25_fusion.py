from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.bm25 import BM25Index
from retrieval.fusion import clip_scale, group_max, max_norm, minmax, rrf, sigmoid, weighted_sum

DOCS = {
    "a#name#0": ["社会保障卡", "申领"],
    "b#name#0": ["住房公积金", "提取"],
    "c#name#0": ["社会保障卡", "补领", "遗失"],
}


def test_bm25_scores_align_with_ids() -> None:
    idx = BM25Index()
    idx.build(DOCS)
    s = idx.scores(["提取"])
    assert idx.ids[int(np.argmax(s))] == "b#name#0"
    assert idx.scores(["不存在的词"]).tolist() == [0.0, 0.0, 0.0]
    assert idx.scores([]).shape == (3,)


def test_bm25_save_load_roundtrip(tmp_path: Path) -> None:
    idx = BM25Index(k1=1.1, b=0.6)
    idx.build(DOCS)
    idx.save(tmp_path / "bm")
    back = BM25Index.load(tmp_path / "bm")
    assert back.ids == idx.ids and (back.k1, back.b) == (1.1, 0.6)
    np.testing.assert_allclose(
        back.scores(["社会保障卡", "遗失"]), idx.scores(["社会保障卡", "遗失"]), rtol=1e-6
    )
    assert back.tokens("c#name#0") == ["社会保障卡", "补领", "遗失"]


def test_bm25_upsert_and_remove_rebuild_from_cached_tokens() -> None:
    idx = BM25Index()
    idx.build(DOCS)
    idx.upsert({"d#name#0": ["护照", "换发"]})
    idx.remove(["a#name#0"])
    s = idx.scores(["护照"])
    assert "a#name#0" not in idx.ids and idx.ids[int(np.argmax(s))] == "d#name#0"
    assert len(idx) == 3


def test_max_norm_and_minmax() -> None:
    np.testing.assert_allclose(max_norm(np.array([1.0, 2.0, 4.0])), [0.25, 0.5, 1.0])
    assert max_norm(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(minmax(np.array([2.0, 4.0, 6.0])), [0.0, 0.5, 1.0])
    assert minmax(np.array([3.0, 3.0])).tolist() == [0.0, 0.0]


def test_clip_scale() -> None:
    np.testing.assert_allclose(clip_scale(np.array([0.0, 0.5, 1.0]), 0.25, 0.75), [0.0, 0.5, 1.0])


def test_weighted_sum_ignores_missing_and_zero_weights() -> None:
    sig = {"a": np.array([1.0, 0.0]), "b": np.array([0.5, 1.0])}
    np.testing.assert_allclose(weighted_sum(sig, {"a": 2.0, "b": 1.0, "c": 5.0}), [2.5, 1.0])
    np.testing.assert_allclose(weighted_sum(sig, {"a": 0.0}), [0.0, 0.0])


def test_rrf() -> None:
    fused = rrf([["x", "y"], ["y", "z"]], k=1)
    assert fused["y"] == pytest.approx(1 / 3 + 1 / 2)
    assert fused["x"] == pytest.approx(1 / 2) and fused["z"] == pytest.approx(1 / 3)
    assert max(fused, key=fused.get) == "y"
    assert rrf([["x"]], k=0, weights=[2.0])["x"] == pytest.approx(2.0)


def test_group_max() -> None:
    out = group_max(np.array([0.2, 0.9, 0.4, -1.0]), np.array([0, 0, 1, 2]), 4)
    np.testing.assert_allclose(out, [0.9, 0.4, 0.0, 0.0])


def test_sigmoid_calibration_center() -> None:
    assert sigmoid(0.5, 0.5, 0.1) == pytest.approx(0.5)
    assert sigmoid(0.8, 0.5, 0.1) > 0.95 and sigmoid(0.2, 0.5, 0.1) < 0.05
