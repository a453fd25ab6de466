"""An official answer that is only a verdict ("不需要") answers a question asking whether, and nothing else: a
request such as "帮我把这段话翻译成英文" shares 翻译 with the real 留学服务“一件事” pair on translating foreign-language
papers, but "不需要" says nothing to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.faq_evidence import asks_whether, bare_verdict
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import ServiceGuide
from retrieval.embedders import HashEmbedder

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.fixture(scope="module")
def study_abroad() -> ServiceGuide:
    return load_scenario_json(FIXTURE / "43PCP0004_hengyang.json").guides[0]


def test_a_bare_verdict_and_a_question_asking_whether() -> None:
    assert bare_verdict("不需要") and bare_verdict("可以。") and bare_verdict(" 是的 ")
    assert not bare_verdict("不需要，但须提交中文译本")  # says more than yes or no
    assert not bare_verdict("https://zwfw-new.hunan.gov.cn")
    for q in (
        "外语文件要不要翻译",
        "外语文件要翻译吗",
        "外语文件使唔使翻译",
        "外语文件需要翻译？",
        "是否需要翻译",
    ):
        assert asks_whether(q), q
    for q in ("帮我把这段话翻译成英文", "帮我把“明天见”翻译成日语", "翻译件去哪里办"):
        assert not asks_whether(q), q


def test_a_verdict_answers_only_the_question_asking_whether(
    study_abroad: ServiceGuide, tmp_path: Path
) -> None:
    pair = next(f for f in study_abroad.faqs if "外语文件" in f.question)
    assert bare_verdict(pair.answer)  # the real answer is "不需要"
    m = build_manager(
        [study_abroad, *load_sample_guides()], load_flows(), tmp_path / "idx", embedder=HashEmbedder()
    )
    asked = m.handle(DialogueState(session_id="a"), "学历认证的外语文件需要翻译成中文吗").reply
    assert any(c.id == f"guide:{study_abroad.id}#faqs" for c in asked.citations)
    assert pair.answer in asked.text
    for request in ("帮我把这段话翻译成英文", "帮我把“明天见”翻译成日语"):
        reply = m.handle(DialogueState(session_id="r"), request).reply
        assert pair.answer not in reply.text.replace(pair.question, ""), request
