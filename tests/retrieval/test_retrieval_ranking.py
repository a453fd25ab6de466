from __future__ import annotations

import random

import numpy as np

from retrieval.ranking import abbreviation_score, lcs_len, match_masks, variant_classes, variant_score
from retrieval.scoring import DocRanking, SearchConfig, evidence, max_score, rank_documents, rerank


def _lcs_dp(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def test_bit_parallel_lcs_matches_dynamic_programming() -> None:
    rng = random.Random(3)
    for _ in range(500):
        a = "".join(rng.choice("甲乙丙丁戊") for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice("甲乙丙丁戊己") for _ in range(rng.randint(0, 40)))
        assert lcs_len(a, b) == _lcs_dp(a, b)
        assert lcs_len(a, b, match_masks(b)) == _lcs_dp(a, b)


def test_abbreviation_score_reads_in_order_characters() -> None:
    assert abbreviation_score("建工证", "建设工程规划许可证") == 1.0
    assert abbreviation_score("证工建", "建设工程规划许可证") < 1.0
    assert abbreviation_score("", "任何") == 0.0
    assert abbreviation_score("频率 续期", "无线电频率使用许可（续期）") == 1.0


def test_variant_classes() -> None:
    assert variant_classes("驾驶证丢了") == {"lost"}
    assert variant_classes("某许可（延续）") == {"renew"}
    assert variant_classes("营业执照注销") == {"cancel"}
    assert variant_classes("社会保障卡") == frozenset()


def test_variant_score() -> None:
    lost, renew = frozenset({"lost"}), frozenset({"renew"})
    assert variant_score(lost, lost) == 1.0
    assert variant_score(lost, renew) == -1.0
    assert variant_score(frozenset(), renew, unnamed=0.3) == -0.3
    assert variant_score(lost, frozenset()) == 0.0


def test_rank_documents_aggregates_chunks_with_field_weights() -> None:
    cfg = SearchConfig(w_word=1.0, w_char=0.0, w_name=0.0, w_dense=0.0)
    doc_of = np.array([0, 0, 1])
    field_w = np.array([1.0, 0.5, 1.0], dtype=np.float32)
    sig = {"bm25": np.array([0.0, 4.0, 2.0], dtype=np.float32)}
    ranking = rank_documents(sig, field_w, doc_of, 2, cfg)
    # doc 0 has the best raw chunk, but in a half-weight field: 0.5 * 1.0 = 0.5 == doc 1's 1.0 * 0.5
    assert ranking.score[0] == np.float32(0.5) and ranking.score[1] == np.float32(0.5)
    masked = rank_documents(sig, field_w, doc_of, 2, cfg, mask=np.array([False, False, True]))
    assert masked.order.tolist() == [1]


def test_rerank_adds_weighted_features() -> None:
    r = DocRanking(order=np.array([0, 1]), score=np.array([1.0, 0.9]), chunk_score=np.zeros(2), parts={})
    order, final = rerank(r, {"abbrev": np.array([0.0, 1.0], dtype=np.float32)}, SearchConfig(w_abbrev=0.5))
    assert order.tolist() == [1, 0] and final[0] == np.float32(1.4)


def test_evidence_is_bounded_by_the_perfect_match() -> None:
    cfg = SearchConfig()
    assert evidence(1.0, 1.0, max_score(cfg), cfg) == 1.0
    assert evidence(-0.2, 0.0, 0.0, cfg) == 0.0


def test_split_variant_and_sibling_preference() -> None:
    from retrieval.ranking import sibling_preference, split_variant

    assert split_variant("无线电频率使用许可（续期）") == ("无线电频率使用许可", "续期")
    assert split_variant("火灾事故认定复核(一般火灾)") == ("火灾事故认定复核", "一般火灾")
    assert split_variant("社会保障卡申领") == ("社会保障卡申领", "")
    fire = [("火灾复核", "重大火灾"), ("火灾复核", "一般火灾"), ("其他", "")]
    assert sibling_preference("火灾复核", fire) == [0.0, 1.0, 0.0]  # query names no variant: the default one
    assert sibling_preference("重大火灾复核", fire) == [1.0, 0.0, 0.0]  # the variant the query points at
    plain = [("驾驶证核发", "延续"), ("驾驶证核发", "")]
    assert sibling_preference("驾驶证", plain) == [0.0, 1.0]  # the plain service
    assert sibling_preference("驾驶证", [("a", "x"), ("a", "x")]) == [0.0, 0.0]  # a tie prefers nothing
