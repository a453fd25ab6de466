"""After an official FAQ answers, the guide's next-closest official questions are offered as buttons: the pair
a citizen meant is often the runner-up among one guide's similar questions, so it is one tap away. A tap (or
its number) answers that pair; a new question is not taken for a tap."""

from __future__ import annotations

from pathlib import Path

from answer_hits import faq_hit

from assistant.policy.evidence import FAQ_RELATED, Candidate
from assistant.policy.faq_evidence import best_faq, related_pairs
from assistant.policy.faq_order import FaqCandidate
from assistant.policy.linking import match_choice
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.types import SearchResult


def _cand(g: ServiceGuide, key: int, rerank: float) -> FaqCandidate:
    p = next(p for p in guide_passages(g) if p.field == "faq" and p.key == str(key))
    return FaqCandidate(rerank, Candidate(g, None, ScoredPassage(p, rerank, 0.3, 0.5, rerank), 2), 0.3)


def test_related_pairs_are_the_answering_guide_s_next_pairs_best_first(
    social: ServiceGuide, housing: ServiceGuide
) -> None:
    found = [_cand(social, 17, 1.0), _cand(housing, 0, 0.9), _cand(social, 17, 0.85), _cand(social, 9, 0.8)]
    found += [_cand(social, 19, 0.7), _cand(social, 18, 0.6)]
    best = found[0].candidate
    related = related_pairs(best, found)
    # another guide's pair, the answered pair again and pairs beyond the limit are not offered
    assert related == (9, 19)[:FAQ_RELATED]
    assert related_pairs(best, found[:2]) == ()


def test_best_faq_carries_the_runner_up_pairs(social: ServiceGuide) -> None:
    q = "社会救助一件事多久能办完"
    keys = [9, 19, 17]
    result = SearchResult(
        query=q,
        hits=[],
        confident=False,
        confidence=0.0,
        passages=[faq_hit(social, str(k), 0.9 - 0.1 * i) for i, k in enumerate(keys)],
    )
    found = best_faq(q, detect_aspects(q), result, lambda _id: social, guide_passages, lambda _g: 2)
    assert found is not None and found.best is not None and found.best.passage.key == "9"
    assert set(found.related) == {19, 17}


def test_a_tap_on_a_related_question_answers_that_pair_and_a_new_question_is_not_a_tap(
    social: ServiceGuide, tmp_path: Path
) -> None:
    from retrieval.embedders import HashEmbedder

    m = build_manager([social], {}, tmp_path / "index", embedder=HashEmbedder())
    first = m.handle(DialogueState(session_id="related"), "临时救助的对象有哪些")
    assert first.reply.citations and first.reply.choices
    asked = {f.question for f in social.faqs}
    assert all(c.split("（")[0] in asked for c in first.reply.choices)  # official questions of that guide
    assert len(first.reply.choices) <= FAQ_RELATED
    for n, label in enumerate(first.reply.choices, 1):
        pair = next(f for f in social.faqs if f.question == label.split("（")[0])
        for tap in (label, str(n)):
            res = m.handle(first.state, tap)
            assert pair.answer[:20] in res.reply.text, tap
            assert any(c.id == f"guide:{social.id}#faqs" for c in res.reply.citations)
    # a question of its own sharing words with a button ("多久能办") is answered as asked, not as that button
    timing = next(c for c in first.reply.choices if "多久" in c)
    button = next(f for f in social.faqs if f.question == timing)
    assert match_choice("公租房多久能办好", first.state.pending_choices) is not None  # a loose reading would
    res = m.handle(first.state, "公租房多久能办好")
    assert res.reply.citations and button.answer[:20] not in res.reply.text


def test_two_related_pairs_asking_the_same_official_question_are_told_apart(
    social: ServiceGuide,
) -> None:
    from assistant.policy.guide_replies import faq_choices

    same = [i for i, f in enumerate(social.faqs) if f.question == "申请社会救助“一件事”遇到的问题"][:2]
    labels = list(faq_choices([(social, n) for n in same], None))
    assert len(labels) == 2 and labels[0] != labels[1]
    assert all("\n" not in lbl for lbl in labels)
    # another place's questions offered on their own carry its region
    assert "湖南省" in next(iter(faq_choices([(social, 9)], ("广东省", "广州市", "花都区"))))


def test_an_official_answer_found_without_retrieval_also_offers_the_nearest_pairs(
    social: ServiceGuide, tmp_path: Path
) -> None:
    """A follow-up on the guide being talked about is answered from its pairs by their words alone; the pairs
    nearest after it are offered the same way."""
    from retrieval.embedders import HashEmbedder

    m = build_manager([social], {}, tmp_path / "index", embedder=HashEmbedder())
    st = DialogueState(session_id="near")
    q = "社会救助一件事多久能办完"
    reply = m.answering.guide_reply(st, social, detect_aspects(q), q, [])
    timing = next(f for f in social.faqs if f.question == "社会救助“一件事”多久能办完")
    assert timing.answer[:15] in reply.text
    assert reply.choices and st.pending_purpose == "related"
    assert all(c.split("（")[0] in {f.question for f in social.faqs} for c in reply.choices)
    assert "社会救助“一件事”多久能办完" not in reply.choices  # not the pair just answered


def test_an_official_answer_with_no_near_pair_keeps_the_usual_buttons(tmp_path: Path) -> None:
    """A guide with one official pair has nothing to offer beside it: the aspect buttons stay, nothing pends."""
    from knowledge.schema import FAQ
    from retrieval.embedders import HashEmbedder

    one = ServiceGuide(
        id="s-one",
        name="示例事项（示例数据）",
        region="湖南省长沙市",
        faqs=[FAQ(question="示例事项多久能办完？", answer="5个工作日。")],
    )
    m = build_manager([one], {}, tmp_path / "index", embedder=HashEmbedder())
    st = DialogueState(session_id="one")
    q = "示例事项多久能办完"
    reply = m.answering.guide_reply(st, one, detect_aspects(q), q, [])
    assert "5个工作日" in reply.text and reply.choices
    assert not st.pending_choices and st.pending_purpose is None
