"""Official pairs under a shared heading (社会救助“一件事” files two answers under "申请就业救助遇到的问题"): the
heading tells them apart by nothing, so each is ranked by its answer; and when such a pair leads but does not
answer, the pairs asked as questions still may (real Hunan pairs; retrieval scores set by hand)."""

from __future__ import annotations

from answer_hits import faq_hit, faq_result

from assistant.policy.evidence import FAQ_E5_TIE
from assistant.policy.faq_evidence import best_faq
from assistant.policy.faq_order import faq_candidates, shared_heading
from knowledge.schema import FAQ, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.passages import guide_passages
from retrieval.types import ChunkHit

HEADING = "申请就业救助遇到的问题"


def _key(guide: ServiceGuide, answer_start: str) -> str:
    return str(next(i for i, f in enumerate(guide.faqs) if f.answer.startswith(answer_start)))


def _unique_heading(guide: ServiceGuide, key: str) -> ServiceGuide:
    """The same guide with that pair's heading made its own (a control: no longer shared)."""
    faqs = [
        FAQ(question="就业救助服务说明", answer=f.answer) if str(i) == key else f
        for i, f in enumerate(guide.faqs)
    ]
    return guide.model_copy(update={"faqs": faqs})


def test_a_heading_shared_by_several_pairs_is_recognised(social: ServiceGuide, jobless: ServiceGuide) -> None:
    help_key = _key(social, "申请失业登记成功后")
    assert social.faqs[int(help_key)].question == HEADING and shared_heading(social, int(help_key))
    assert not shared_heading(jobless, 0)
    assert not shared_heading(_unique_heading(social, help_key), int(help_key))


def test_a_pair_under_a_heading_is_ranked_by_its_answer(social: ServiceGuide, jobless: ServiceGuide) -> None:
    q = "失业登记成功后能得到什么帮助"
    help_key = _key(social, "申请失业登记成功后")

    def lead(guide: ServiceGuide) -> tuple[str, str]:
        r = faq_result(
            q,
            faq_hit(jobless, "0", 0.8, {"dense_q": 0.8, "dense_a": 0.45}),
            faq_hit(guide, help_key, 0.74, {"dense_q": 0.49, "dense_a": 0.55}),
        )
        get = {g.id: g for g in (jobless, guide)}.get
        found = faq_candidates(q, detect_aspects(q), r, get, guide_passages, lambda _g: 2)
        sp = found[0].candidate.best
        assert sp is not None
        return found[0].candidate.guide.id, sp.passage.key

    # the answer says what was asked ("申请失业登记成功后…提供就业政策宣介、招聘岗位推荐…")
    assert lead(social) == (social.id, help_key)
    # the same answer under a heading of its own: that heading's words and embedding count, and lose
    assert lead(_unique_heading(social, help_key)) == (jobless.id, "0")


def test_a_heading_that_leads_without_answering_lets_a_question_pair_answer(
    social: ServiceGuide, jobless: ServiceGuide
) -> None:
    q = "登记失业以后有半年多没跟社区就业那边联系，会不会被注销"
    where_key = _key(social, "符合条件的失业人员可以")
    cancel = next(i for i, f in enumerate(jobless.faqs) if "注销" in f.question)

    def e5(_q: str, official: str) -> float:  # e5 reads the 注销 question as a paraphrase, nothing else
        return 0.95 if "注销" in official else 0.5

    heading = faq_hit(social, where_key, 0.62, {"dense_q": 0.34, "dense_a": 0.8})
    question = faq_hit(jobless, str(cancel), 0.48, {"dense_q": 0.56, "dense_a": 0.4})
    get = {g.id: g for g in (jobless, social)}.get
    asked = detect_aspects(q)

    def picked(*hits: ChunkHit) -> tuple[str, str] | None:
        best = best_faq(q, asked, faq_result(q, *hits), get, guide_passages, lambda _g: 2, e5)
        return None if best is None or best.best is None else (best.guide.id, best.best.passage.key)

    # the heading's pair leads on its answer's words (beyond a tie e5 would break) but does not answer the
    # question, so the pair asked as a question answers
    found = faq_candidates(q, asked, faq_result(q, heading, question), get, guide_passages, lambda _g: 2)
    assert found[0].candidate.guide.id == social.id and found[0].rerank - found[1].rerank > FAQ_E5_TIE
    assert picked(heading, question) == (jobless.id, str(cancel))
