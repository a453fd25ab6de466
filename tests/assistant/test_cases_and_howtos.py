"""How-tos in other verbs ("个体户怎么注册"), what one needs said last ("注册个体户要什么"), a how-to asked of a guide
without steps, and a case told that only a statute's list names."""

from __future__ import annotations

from pathlib import Path

from assistant.nlg.answer import Aspect
from assistant.policy.faq_evidence import plain_howto
from assistant.policy.guide_fit import _lists_told_case
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Material, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.embedders import HashEmbedder


def test_a_how_to_in_other_verbs_asks_only_how_to_get_it_done() -> None:
    assert plain_howto("个体户怎么注册") and plain_howto("个体户怎么登记") and plain_howto("残疾证点样申领")
    assert not plain_howto("个体户注册要多久")


def test_what_one_needs_said_last_asks_the_papers() -> None:
    assert detect_aspects("注册个体户要什么") == [Aspect.MATERIALS]
    assert detect_aspects("办护照要咩？") == [Aspect.MATERIALS]
    assert Aspect.MATERIALS not in detect_aspects("办居住证要什么条件")
    assert detect_aspects("我想要什么") == []


def test_a_how_to_asked_of_a_guide_without_steps_gets_what_it_states(tmp_path: Path) -> None:
    # test data in the shape of the real 残疾人证新办证申请 guide, which lists no steps
    card = ServiceGuide(
        id="disability-card",
        name="示例残疾人证新办证申请",
        region="广东省",
        department="示例残疾人联合会",
        location="各县区残联服务窗口所在地",
        materials=[Material(name="残疾人证申请表"), Material(name="居民身份证")],
    )
    m = build_manager([card], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.answering.guide_reply(
        DialogueState(session_id="p"), card, [Aspect.PROCESS], "残疾证怎么申请", []
    )
    assert reply.text.startswith("该指南未载明具体办理流程")
    assert "残疾人证申请表" in reply.text and "各县区残联服务窗口所在地" in reply.text
    # another aspect the guide is silent on is still said silent
    fees = m.answering.guide_reply(DialogueState(session_id="f"), card, [Aspect.FEES], "残疾证要钱吗", [])
    assert "该指南未载明收费标准" in fees.text and "残疾人证申请表" not in fees.text


def test_a_case_told_must_be_in_an_item_of_the_statute_s_list() -> None:
    article = "职工有下列情形之一的，可以提取职工住房公积金账户内的存储余额：\n(一)购买自住住房的；\n(二)离休、退休的；"
    assert _lists_told_case(article, {"退休"})
    assert not _lists_told_case(article, {"存储"})  # the article's lead, not a case it lists
    assert not _lists_told_case(article, {"离职"})
