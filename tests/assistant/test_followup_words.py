"""A follow-up that names only money, only someone going in one's place or only a word of the service in focus
stays on that service: "需不需要钱" after 居住证 is not a search for 钱 (it found an art show named 钱松喦), "要去哪里
登记" after 登记失业人员就业帮扶 is not 品种登记, and "可以别人帮我去吗" asks whether someone else may go. A home guide
given to someone in another place says whose rules it states."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.answering import Answerer
from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"
# test data with the names of real guides of the bundled KB that such follow-ups once reached
OTHERS = [
    ServiceGuide(
        id="art-show", name="查询翰海苍松——钱松喦绘画艺术精品展", region="广东省", location="东风东路701号"
    ),
    ServiceGuide(
        id="seed", name="非主要农作物品种登记审查(（新选育品种）)", region="广东省", location="先烈东路135号"
    ),
]


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory) -> DialogueManager:
    jobless = load_scenario_json(FIXTURE / "43PCP0015_tianxin.json").guides[0]
    guides = [*load_sample_guides(), jobless, *OTHERS]
    return build_manager(guides, load_flows(), tmp_path_factory.mktemp("idx"), embedder=HashEmbedder())


def _talk(manager: DialogueManager, *said: str):
    st = DialogueState(session_id="f")
    res = None
    for text in said:
        res = manager.handle(st, text)
        st = res.state
    assert res is not None
    return res.reply


@pytest.mark.parametrize("asked", ["需不需要钱", "使唔使钱", "要不要给钱"])
def test_a_question_on_money_follows_up_on_the_service_in_focus(manager: DialogueManager, asked: str) -> None:
    reply = _talk(manager, "居住证怎么办", asked)
    assert [c.id for c in reply.citations] == ["guide:sample-huadu-juzhuzheng-shenling#fees"], asked


def test_a_word_of_the_service_in_focus_names_no_other_service(manager: DialogueManager) -> None:
    assert Answerer.residue("要去哪里登记") == "登记"
    reply = _talk(manager, "登记失业人员就业帮扶一件事怎么办", "要去哪里登记")
    assert reply.citations and all(c.id.startswith("guide:43PCP0015") for c in reply.citations)
    assert reply.citations[0].id.endswith("#location")


def test_someone_else_only_going_asks_whether_they_may(manager: DialogueManager) -> None:
    for asked in ("可以别人帮我去吗", "叫别人帮我去可以吗"):
        assert Aspect.PROXY in detect_aspects(asked), asked
    assert Aspect.PROXY not in detect_aspects("别人帮我去哪里办")  # where, not who
    reply = _talk(manager, "社保卡丢了", "可以别人帮我去吗")
    assert "可以委托他人代办" in reply.text and "委托书" in reply.text


def test_a_home_guide_for_someone_in_another_covered_place_says_whose_rules_they_are(
    manager: DialogueManager,
) -> None:
    """The KB covers 长沙 for other matters (the 天心区 guide), not for 居住证: "我在长沙，居住证要带什么" gets the home
    guide with a note that these are 花都's rules, not 长沙's; a person naming the home region gets no note."""
    elsewhere = _talk(manager, "我在长沙市，居住证要带什么")
    assert elsewhere.text.startswith("知识库中没有长沙市的这项办事指南。以下是广东省广州市花都区的规定")
    assert elsewhere.citations and all("juzhuzheng" in c.id for c in elsewhere.citations)
    here = _talk(manager, "在花都区办居住证要带什么")
    assert "知识库中没有" not in here.text and here.citations


def test_a_bare_follow_up_after_a_statute_s_answer_asks_about_the_same_matter(tmp_path: Path) -> None:
    # test data in the shape of 婚姻登记条例: where one registers, and what one brings
    law = PolicyDocument(
        id="law-marriage",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第四条",
                text="内地居民结婚，男女双方应当共同到一方当事人常住户口所在地的婚姻登记机关办理结婚登记。",
            ),
            Article(
                number="第五条",
                text="办理结婚登记的内地居民应当出具下列证件和证明材料：\n(一)本人的户口簿、身份证；\n"
                "(二)本人无配偶的签字声明。",
            ),
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    where = _talk(m, "结婚登记在哪里办")
    assert where.citations and where.citations[0].id.endswith("#第四条")
    # "要带什么" alone names no matter: the one the statute just answered
    st = m.handle(DialogueState(session_id="law"), "结婚登记在哪里办").state
    bring = m.handle(st, "要带什么")
    assert any(c.id.endswith("#第五条") for c in bring.reply.citations)
    assert "户口簿" in bring.reply.text
    assert any(e.type == "law_followup" for e in bring.events)
    # with nothing answered before, it still asks which matter
    alone = _talk(m, "要带什么")
    assert not alone.citations and "请问您想了解哪个事项" in alone.text


def test_a_question_on_mailing_follows_up_and_quotes_the_step_that_mails(manager: DialogueManager) -> None:
    # the sample 社会保障卡补换 records no online entry; its process says "制卡后现场领取或邮寄"
    reply = _talk(manager, "社保卡丢了怎么办", "可以寄到家吗")
    assert "「社会保障卡补换」" in reply.text and "“制卡后现场领取或邮寄”" in reply.text
    assert any(c.id.endswith("#process") for c in reply.citations)
    assert "未载明网上办理方式，请以窗口" not in reply.text


def test_whether_one_may_is_answered_by_the_conditions(manager: DialogueManager) -> None:
    may = _talk(manager, "租房可以提公积金吗")
    assert "受理条件" in may.text and "无自有住房且租赁住房居住" in may.text
    assert [c.id.rsplit("#", 1)[-1] for c in may.citations] == ["conditions"]
    # a plain how-to still gets the overview
    how = _talk(manager, "公积金怎么提取")
    assert "办理流程" in how.text and "#conditions" not in " ".join(c.id for c in how.citations)
