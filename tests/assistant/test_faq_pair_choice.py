"""Which official FAQ pair answers, on real Hunan pairs: a pair reused by another guide goes to the guide the
question names, "what is it" questions find the pair introducing the service, and when no pair answers the
closest official questions e5 reads as paraphrases are offered instead of a bare refusal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from answer_hits import faq_hit, faq_result

from assistant.policy.evidence import (
    FAQ_E5_TIE,
    FAQ_GUIDE_LEAD,
    FAQ_OFFER_PARAPHRASE,
    FAQ_OFFER_SPREAD,
    Candidate,
)
from assistant.policy.faq_evidence import asks_another_aspect, best_faq, faq_offer
from assistant.policy.faq_order import FaqCandidate, faq_candidates, named_guide_first, within_guides
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import FAQ, ServiceGuide
from retrieval.aspects import asks_definition, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages, score_passages
from retrieval.types import DocKind, Hit, SearchResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def _key(guide: ServiceGuide, question: str) -> str:
    return str(next(i for i, f in enumerate(guide.faqs) if f.question == question))


def _cand(g: ServiceGuide, key: str, rerank: float, lexical: float = 0.3, rank: int = 2) -> FaqCandidate:
    p = next(p for p in guide_passages(g) if p.field == "faq" and p.key == key)
    return FaqCandidate(rerank, Candidate(g, None, ScoredPassage(p, rerank, lexical, 0.5, rerank), rank), 0.3)


def test_a_pair_two_guides_share_goes_to_the_guide_the_question_names(
    social: ServiceGuide, housing: ServiceGuide
) -> None:
    # 社会救助“一件事” carries the 公租房 guide's "公租房在哪里申请？" word for word
    asked = "公租房在哪里申请？"
    borrowed, own = _cand(social, _key(social, asked), 1.2), _cand(housing, _key(housing, asked), 1.1)
    out = named_guide_first("公租房去哪里申请", [borrowed, own])
    assert out[0].candidate.guide.id == housing.id
    # a different official question well ahead, or a pair of a place ranked first, keeps the order
    other = _cand(social, _key(social, "社会救助“一件事”简介"), 1.2 + FAQ_E5_TIE)
    assert named_guide_first("公租房去哪里申请", [other, own]) == [other, own]
    home_first = [_cand(social, _key(social, asked), 1.2, rank=0), own]
    assert named_guide_first("公租房去哪里申请", home_first) == home_first


def test_a_close_pair_of_the_guide_the_question_names_leads_a_pair_of_a_guide_it_does_not_name(
    social: ServiceGuide, housing: ServiceGuide
) -> None:
    """ "办社会救助需要带户口簿吗" names 社会救助“一件事”; a slightly better pair of 申请公租房“一件事” (which it does
    not name at all) yields to that guide's pair. A pair far ahead, or a question naming neither, keeps the order."""
    q = "办社会救助需要带户口簿吗"
    unnamed = _cand(housing, "0", 1.2)
    named = _cand(social, _key(social, "申请社会救助“一件事”遇到的问题"), 1.2 - FAQ_E5_TIE / 2)
    assert named_guide_first(q, [unnamed, named])[0] is named
    far = _cand(social, named.candidate.best.passage.key, 1.2 - 2 * FAQ_E5_TIE)
    assert named_guide_first(q, [unnamed, far]) == [unnamed, far]
    assert named_guide_first("需要带户口簿吗", [unnamed, named]) == [unnamed, named]


def test_what_is_it_questions_are_recognised_in_citizens_and_official_wording() -> None:
    for t in (
        "社会救助一件事是干什么的",
        "介绍一下社会救助一件事",
        "低保是啥",
        "公积金有什么用",
        "宅基基是啥意思",
    ):
        assert asks_definition(t), t
    for t in ("社会救助“一件事”简介", "什么是档案转递通知单？", "宅基地指的是什么？"):
        assert asks_definition(t), t
    for t in ("要带什么", "办证是什么流程", "身份证是什么时候办的", "社会救助“一件事”适用对象"):
        assert not asks_definition(t), t


def test_a_what_is_it_question_is_answered_by_the_pair_introducing_the_service(social: ServiceGuide) -> None:
    # the 适用对象 pair retrieves a little better; the 简介 pair asks what the question asks
    q = "介绍一下社会救助一件事"
    who, intro = _key(social, "社会救助“一件事”适用对象"), _key(social, "社会救助“一件事”简介")
    result = faq_result(q, faq_hit(social, who, 0.80), faq_hit(social, intro, 0.72))
    found = faq_candidates(q, detect_aspects(q), result, lambda _id: social, guide_passages, lambda _g: 2)
    assert found[0].candidate.best is not None and found[0].candidate.best.passage.key == intro
    # asked who may apply, the 适用对象 pair keeps its lead
    q = "社会救助一件事是给哪些人办的"
    found = faq_candidates(q, detect_aspects(q), result, lambda _id: social, guide_passages, lambda _g: 2)
    assert found[0].candidate.best is not None and found[0].candidate.best.passage.key == who


def test_formal_wording_of_official_questions_names_their_aspect(social: ServiceGuide) -> None:
    assert detect_aspects("社会救助“一件事”涵盖事项") == detect_aspects("能一起办哪几件事") != []
    assert "status" in detect_aspects("社会救助“一件事”办件查询")
    assert "status" in detect_aspects("申请社会救助后在哪里看进展")
    assert "materials" in detect_aspects("办社会救助需要带户口簿吗")
    # a generic official question is read by its answer's opening: a list of documents is a materials answer
    pairs = [p for p in guide_passages(social) if p.field == "faq"]
    assert any(
        "materials" in p.aspects and "遇到的问题" in p.text[:20] and "申请表" in p.quote[:40] for p in pairs
    )


def test_paraphrased_official_questions_are_offered_when_no_pair_answers(social: ServiceGuide) -> None:
    a, b, c = (_cand(social, k, 0.8, lexical=0.1) for k in ("1", "19", "0"))
    reads = {
        social.faqs[1].question: FAQ_OFFER_PARAPHRASE + 0.02,
        social.faqs[19].question: FAQ_OFFER_PARAPHRASE + 0.01,
        social.faqs[0].question: FAQ_OFFER_PARAPHRASE + 0.02 - FAQ_OFFER_SPREAD - 0.01,
    }
    e5 = lambda _q, official: reads[official]  # noqa: E731
    # the dense reading of the pair's question alone is too low to offer anything by itself
    assert faq_offer([a, b, c]) == []
    offered = faq_offer([a, b, c], question="申请以后在哪里看进展", paraphrase=e5)
    assert [o.best.passage.key for o in offered if o.best] == ["1", "19"]  # the third reads much further off
    # e5 below the bar, or no word in common: still nothing to offer
    low = lambda _q, _official: FAQ_OFFER_PARAPHRASE - 0.01  # noqa: E731
    assert faq_offer([a, b, c], question="申请以后在哪里看进展", paraphrase=low) == []
    # a pair naming nothing the question names (the portal's bare URL) is not offered, however e5 reads it
    url = _cand(social, _key(social, "省政务服务网网址"), 0.8, lexical=0.1)
    reads[social.faqs[int(url.candidate.best.passage.key)].question] = FAQ_OFFER_PARAPHRASE + 0.02
    offered = faq_offer([a, url, b], question="申请以后在哪里看进展", paraphrase=e5)
    assert [o.best.passage.key for o in offered if o.best] == ["1", "19"]
    no_words = [_cand(social, "1", 0.8, lexical=0.0)]
    assert faq_offer(no_words, question="申请以后在哪里看进展", paraphrase=e5) == []


def test_a_pair_sharing_only_the_aspect_words_does_not_answer(social: ServiceGuide) -> None:
    # the only FAQ retrieved stands out; the question shares "多久能办完" with it and nothing it is about
    time_pair = _key(social, "社会救助“一件事”多久能办完")

    def answers(q: str) -> bool:
        result = faq_result(q, faq_hit(social, time_pair, 0.62))
        return (
            best_faq(q, detect_aspects(q), result, lambda _id: social, guide_passages, lambda _g: 2)
            is not None
        )

    assert not answers("信访事项递交到信访局那边了要多久能办完")
    assert answers("社会救助递交到街道那边了要多久能办完")  # the same ask about the pair's own matter


def test_a_when_question_ranks_the_official_pair_on_the_starting_date_first(
    car_subsidy: ServiceGuide,
) -> None:
    """ "补贴由几时开始有" asks when the scheme starts: of 汽车以旧换新补贴's three pairs (start date, subsidy
    standard, conditions on the old car), which share next to no word with it, the start date's pair is the one
    on the aspect asked."""
    guide = car_subsidy
    pairs = [p for p in guide_passages(guide) if p.field == "faq"]
    q = "卖旧车换新车嘅补贴由几时开始有？"
    ranked = score_passages(q, detect_aspects(q), pairs, common=[guide.name])
    assert "实施时间" in guide.faqs[int(ranked[0].passage.key)].question
    assert ranked[0].aspect == 1.0 and all(s.aspect == 0 for s in ranked[1:])


def test_a_guide_s_own_pairs_are_ordered_by_their_closer_reading_and_keep_the_guide_s_places(
    social: ServiceGuide, housing: ServiceGuide
) -> None:
    """Between guides the re-ranked score orders; among one guide's pairs `within` (words, aspect and e5 once
    more) does: the pair e5 reads as the question's paraphrase moves up to its guide's first place only."""
    intro = _key(social, "社会救助“一件事”简介")
    where = _key(housing, "公租房在哪里申请？")
    apply = _key(social, "社会救助“一件事”怎么办理")
    a = FaqCandidate(1.2, _cand(social, intro, 1.2).candidate, 0.3, within=1.0)
    b = FaqCandidate(1.1, _cand(housing, where, 1.1).candidate, 0.3, within=5.0)
    c = FaqCandidate(1.0, _cand(social, apply, 1.0).candidate, 0.3, within=2.0)
    out = within_guides([a, b, c])
    assert [f.candidate.guide.id for f in out] == [
        social.id,
        housing.id,
        social.id,
    ]  # guides keep their places
    assert out == [c, b, a]


def test_e5_reading_the_official_question_as_a_paraphrase_raises_a_pair_among_its_guide_s_pairs(
    social: ServiceGuide,
) -> None:
    q = "社会救助一件事到底是个啥"
    intro, apply = _key(social, "社会救助“一件事”简介"), _key(social, "社会救助“一件事”怎么办理")
    result = faq_result(q, faq_hit(social, apply, 0.8), faq_hit(social, intro, 0.8))

    def reads(question: str, official: str) -> float:  # a stand-in for e5: it reads "简介" as the paraphrase
        return 0.95 if "简介" in official else 0.80

    found = faq_candidates(
        q, detect_aspects(q), result, {social.id: social}.get, guide_passages, lambda g: 2, reads
    )
    by_key = {f.candidate.best.passage.key: f for f in found}
    assert by_key[intro].within > by_key[apply].within
    plain = faq_candidates(q, detect_aspects(q), result, {social.id: social}.get, guide_passages, lambda g: 2)
    assert {f.candidate.best.passage.key: f.within for f in plain}[intro] < by_key[intro].within


def test_the_one_pair_on_the_aspect_of_a_guide_the_search_found_clearly_first_answers(
    car_subsidy: ServiceGuide, social: ServiceGuide
) -> None:
    """ "政府给的钱最多能拿多少" shares no word with 汽车以旧换新补贴's pairs or its name. When the search found that guide clearly first, its one pair on the amount asked (the subsidy
    standard) answers; with another guide close behind, nothing answers on so few words."""
    guide = car_subsidy
    q = "政府给的钱最多能拿多少"
    asked = detect_aspects(q)
    keys = [str(i) for i in range(len(guide.faqs))]
    chunks = [faq_hit(guide, k, 0.2) for k in keys]

    def found(second: float) -> Candidate | None:
        hits = [
            Hit(guide.id, DocKind.GUIDE, guide.name, 3.0, chunks),
            Hit(social.id, DocKind.GUIDE, social.name, second, []),
        ]
        result = SearchResult(query=q, hits=hits, confident=False, confidence=0.02, passages=chunks)
        by_id = {guide.id: guide, social.id: social}
        return best_faq(q, asked, result, by_id.get, guide_passages, lambda _g: 2)

    clear = found(3.0 * (1 - FAQ_GUIDE_LEAD) - 0.1)
    assert clear is not None and clear.best is not None
    assert "补贴标准" in guide.faqs[int(clear.best.passage.key)].question
    assert found(3.0 * (1 - FAQ_GUIDE_LEAD) + 0.1) is None


def _one_pair(guide: ServiceGuide, key: str, score: float, rank: int) -> Callable[[str], str | None]:
    """What best_faq accepts when search found only this pair of `guide` (its key, or None)."""

    def best(question: str) -> str | None:
        result = faq_result(question, faq_hit(guide, key, score), confidence=0.9)
        found = best_faq(
            question, detect_aspects(question), result, {guide.id: guide}.get, guide_passages, lambda _g: rank
        )
        return found.best.passage.key if found is not None and found.best is not None else None

    return best


def test_a_pair_sharing_only_the_guide_s_name_does_not_answer_what_else_is_asked() -> None:
    birth = next(g for g in load_sample_guides() if g.name == "新生儿出生一件事")
    key = next(str(i) for i, f in enumerate(birth.faqs) if "多胞胎" in f.question)
    best = _one_pair(birth, key, 0.7, 0)
    # "新生儿医保怎么办" shares 新生儿 with the guide's name, nothing with its 多胞胎 pair: no answer from it
    assert best("新生儿医保怎么办") is None
    assert best("新生儿出生一件事多胞胎怎么办") == key


def test_a_pair_on_another_aspect_answers_only_when_it_is_about_what_was_named() -> None:
    # the real 员工录用“一件事” (长沙) pair on receiving a personnel file: its answer mentions 营业执照 and 网上办理
    hiring = load_scenario_json(FIXTURE / "43TCP0014_changsha.json").guides[0]
    key = next(str(i) for i, f in enumerate(hiring.faqs) if "档案的接收" in f.question)
    assert "营业执照" in hiring.faqs[int(key)].answer
    best = _one_pair(hiring, key, 0.7, 2)
    assert best("营业执照可以网上办吗") is None  # asks about a business licence, the pair about a file
    assert best("档案的接收可以网上办吗") == key  # the same aspect asked of what the pair is about


def test_a_pair_whose_answer_only_uses_the_question_s_words_does_not_answer_it() -> None:
    # the real 登记失业人员就业帮扶“一件事” (天心区): its pair on deregistering lists 已达到法定退休年龄 as one case
    jobs = load_scenario_json(FIXTURE / "43PCP0015_tianxin.json").guides[0]
    key = next(str(i) for i, f in enumerate(jobs.faqs) if "注销" in f.question)
    assert "法定退休年龄" in jobs.faqs[int(key)].answer
    best = _one_pair(jobs, key, 0.5, 2)
    assert best("退休年龄是多少") is None
    assert best("失业登记注销要满足什么") == key


def test_a_pair_asking_another_aspect_does_not_answer_however_many_words_it_shares(tmp_path: Path) -> None:
    """The real 登记失业人员就业帮扶“一件事” pairs on conditions share 失业登记 with "失业登记在哪里办": its
    location field answers, not "办理失业登记需要什么条件？"."""
    jobless = load_scenario_json(FIXTURE / "43PCP0015_tianxin.json").guides[0]
    assert jobless.location and any("失业登记" in f.question and "条件" in f.question for f in jobless.faqs)
    assert asks_another_aspect(detect_aspects("失业登记在哪里办"), "办理失业登记需要什么条件？")
    assert not asks_another_aspect(detect_aspects("失业登记要什么条件"), "办理失业登记需要什么条件？")
    m = build_manager([jobless], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "失业登记在哪里办"
    reply = m.answering.guide_reply(DialogueState(session_id="j"), jobless, detect_aspects(q), q, [])
    assert reply.citations[0].id.endswith("#location") and "条件" not in reply.text.split("\n")[1]
    q = "失业登记要什么条件"
    reply = m.answering.guide_reply(DialogueState(session_id="k"), jobless, detect_aspects(q), q, [])
    assert reply.citations[0].id.endswith("#faqs")


def test_a_yes_no_question_is_not_answered_by_a_pair_asking_where_or_what_on_one_shared_word() -> None:
    # test data in the shape of a real 新生儿出生一件事 pair on printing the newborn's household page
    birth = ServiceGuide(
        id="birth-print",
        name="新生儿出生一件事",
        region="湖南省",
        department="示例公安局",
        faqs=[
            FAQ(
                question="户口簿去哪里打印？需要带什么资料？",
                answer="申请人根据个人需求携带居民户口簿和《出生医学证明》至户籍地派出所，打印新生儿户口页。",
            )
        ],
    )
    best = _one_pair(birth, "0", 0.69, 2)
    assert best("孩子户口可以跟妈妈吗") is None  # asks whether, shares only 户口
    assert best("新生儿的户口簿去哪里打印") == "0"


def test_an_official_yes_no_on_another_aspect_answers_no_what_or_which_question() -> None:
    # test data in the shape of the real Hunan 居民个人信息变更一件事 pair on renewing an ID card online
    info = ServiceGuide(
        id="info-change-yn",
        name="居民个人信息变更一件事",
        region="湖南省",
        department="示例公安局",
        faqs=[FAQ(question="居民身份证换领是否可以在线上申请？", answer="可以线上申请，全程网办。")],
    )
    best = _one_pair(info, "0", 0.69, 2)
    assert best("身份证什么情况下要换新的") is None  # asks in which cases; 可以 says nothing of them
    assert best("身份证换领可以网上申请吗") == "0"  # the pair's own yes/no
