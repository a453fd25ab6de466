"""The spread of words over the guides with official FAQ pairs (real Hunan 一件事 guides), and the check that an
accepted pair shares a telling word with the question: another guide's "可以。" for sharing only "申请" is no
answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.evidence import FAQ_TELLING_ALONE, FAQ_TELLING_MIN_GUIDES, FAQ_TELLING_SHARE, Candidate
from assistant.policy.faq_evidence import tells_matter
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import ServiceGuide
from retrieval.chunking import guide_chunks
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.word_spread import LiveWordSpread, word_spread

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.fixture(scope="module")
def guides() -> list[ServiceGuide]:
    return [load_scenario_json(p).guides[0] for p in sorted(FIXTURE.glob("*.json"))]


def _pair(g: ServiceGuide, question: str) -> Candidate:
    key = next(i for i, f in enumerate(g.faqs) if f.question == question)
    p = next(p for p in guide_passages(g) if p.field == "faq" and p.key == str(key))
    return Candidate(g, None, ScoredPassage(p, 1.0, 0.2, 0.5, 1.0), 2)


def test_words_most_guides_use_are_widely_spread(guides: list[ServiceGuide]) -> None:
    spread = word_spread(c for g in guides for c in guide_chunks(g))
    assert spread.guides == len([g for g in guides if g.faqs]) >= FAQ_TELLING_MIN_GUIDES
    assert spread.share("申请") > 0.5  # nearly every guide's pairs say it
    assert 0 < spread.share("宅基") < 0.1  # one guide's matter
    assert spread.share("火星") == 0.0


def test_a_pair_answers_only_when_it_shares_a_telling_word(guides: list[ServiceGuide]) -> None:
    spread = word_spread(c for g in guides for c in guide_chunks(g))
    hi_tech = next(g for g in guides if "高新技术企业" in g.name)
    only = _pair(hi_tech, "如果不想办理联办事项，只申请高企认定可以吗？")
    # shares "申请" / "联办" with the pair, words many guides use: not its matter
    assert not tells_matter("开演唱会可以在这个体育比赛的联办里面一起申请吗", only, spread)
    assert tells_matter("评高企能不能光办认定，别的那些一起办的都不要", only, spread)
    # the guide's place tells it too ("武陵源这边开货运企业…"), and formal terms count for colloquial words
    transport = next(g for g in guides if "运输企业" in g.name)
    days = _pair(transport, transport.faqs[0].question)
    assert tells_matter("武陵源这边开公司，审批大概要几天", days, spread)
    # too few guides with pairs to tell a rare word from a common one: not judged
    few = word_spread(c for g in guides[:3] for c in guide_chunks(g))
    assert tells_matter("开演唱会可以在这个体育比赛的联办里面一起申请吗", only, few)
    assert tells_matter("开演唱会可以…", only, None)


def test_the_live_spread_is_recounted_when_the_index_changes(guides: list[ServiceGuide]) -> None:
    version, chunks = [0], [c for c in guide_chunks(guides[0])]
    live = LiveWordSpread(lambda: version[0], lambda: chunks)
    assert live.get().guides == 1
    chunks += guide_chunks(guides[1])
    assert live.get().guides == 1  # same version: the count is kept
    version[0] += 1
    assert live.get().guides == 2


def test_the_retriever_counts_the_spread_of_its_live_index(
    guides: list[ServiceGuide], tmp_path: Path
) -> None:
    from retrieval.embedders import HashEmbedder
    from retrieval.hybrid import HybridRetriever

    r = HybridRetriever(tmp_path / "index", embedder=HashEmbedder())
    r.build(guides[:4], [], progress=False)
    assert r.faq_word_spread().guides == 4
    r.upsert_guide(guides[4])  # a guide published later counts at once
    assert r.faq_word_spread().guides == 5
    assert r.faq_word_spread().share("申请") > 0.5


def test_a_hedge_shared_with_a_pair_tells_no_matter(guides: list[ServiceGuide]) -> None:
    """ "一般" is rare among the pairs, yet a soup's cooking time is no 退役报到's."""
    spread = word_spread(c for g in guides for c in guide_chunks(g))
    veterans = next(g for g in guides if any(f.question == "退役报到一般多久能办理完成" for f in g.faqs))
    wait = _pair(veterans, "退役报到一般多久能办理完成")
    assert spread.share("一般") <= 1 / 3
    assert not tells_matter("煲老火汤一般要煲多久先够火候？", wait, spread)
    assert tells_matter("退伍回来一般要等多久才能报到", wait, spread)


def test_a_lone_shared_word_must_be_rarer_still(guides: list[ServiceGuide]) -> None:
    """ "支持" is said by a fifth of the guides' pairs: "…装光伏板发电，政府…支持的吗" is no question on 帮代办."""
    spread = word_spread(c for g in guides for c in guide_chunks(g))
    hookup = next(g for g in guides if any("支持帮代办" in f.question for f in g.faqs))
    proxy = _pair(hookup, next(f.question for f in hookup.faqs if "支持帮代办" in f.question))
    assert FAQ_TELLING_ALONE < spread.share("支持") <= FAQ_TELLING_SHARE
    assert not tells_matter(
        "我想在广东自家屋顶装太阳能光伏板发电，政府对个人装这个是支持的吗？", proxy, spread
    )
    assert tells_matter("水电气报装可以找人帮代办吗？", proxy, spread)  # its matter's own words
