"""Validity periods ("身份证有效期几年"): their own aspect, answered by the article that states the period and
never by the validity of another certificate (a real Hunan 一件事 guide's FAQ, an authored law)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import faq_hit, faq_result

from assistant.policy.faq_evidence import best_faq
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Article, PolicyDocument
from retrieval.aspects import Aspect, article_aspects, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("身份证有效期是多少年", [Aspect.VALIDITY]),  # 身份证 is what is asked about, not a material
        ("三十岁办的身份证管几年", [Aspect.VALIDITY]),
        ("护照有效期是多久", [Aspect.VALIDITY]),  # not a processing time
        ("护照有效期系多久", [Aspect.VALIDITY]),  # 系 for 是, as a Cantonese speaker writes it
        ("驾驶证能用几年", [Aspect.VALIDITY]),
        ("办护照要多久", [Aspect.TIME]),
        ("身份证有效期满了要带什么材料去换", [Aspect.MATERIALS, Aspect.VALIDITY]),
    ],
)
def test_validity_is_asked_in_citizens_words(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


def test_the_article_stating_a_period_is_about_validity_not_one_that_mentions_it() -> None:
    assert article_aspects("普通护照的有效期为：护照持有人未满十六周岁的五年，十六周岁以上的十年。") == [
        Aspect.VALIDITY
    ]
    assert Aspect.VALIDITY not in article_aspects(
        "有下列情形之一的，可以申请换发护照：（一）护照有效期即将届满的"
    )


def test_a_validity_question_is_answered_by_the_statute(tmp_path: Path) -> None:
    law = PolicyDocument(
        id="law-id-card",
        title="示例居民身份证法",
        articles=[
            Article(
                number="第五条",
                text="十六周岁以上公民的居民身份证的有效期为十年、二十年、长期。二十六周岁至四十五周岁的，"
                "发给有效期二十年的居民身份证。",
            ),
            Article(number="第八条", text="居民身份证由居民常住户口所在地的县级人民政府公安机关签发。"),
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="v"), "身份证有效期是多少年").reply
    assert [c.id for c in reply.citations] == ["policy:law-id-card#第五条"]
    assert "二十年" in reply.text


def test_another_certificate_s_validity_does_not_answer() -> None:
    village = load_scenario_json(FIXTURE / "43TC2000100Y_muyun.json").guides[0]
    assert "有效期为一年" in village.faqs[4].answer  # 乡村建设规划许可证会失效吗？

    def best(q: str):
        r = faq_result(q, faq_hit(village, "4", 0.7), faq_hit(village, "0", 0.4))
        asked = detect_aspects(q)
        assert asked == [Aspect.VALIDITY]
        return best_faq(
            q, asked, r, {village.id: village}.get, guide_passages, lambda _g: 2, lambda _q, _o: 0.95
        )

    assert best("身份证有效期是多少年") is None
    picked = best("乡村建设规划许可证有效期多久")
    assert picked is not None and picked.best is not None and picked.best.passage.key == "4"
