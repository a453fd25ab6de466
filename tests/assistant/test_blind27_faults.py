"""Faults a blind set of unseen guides showed (blind27, read in the twenty-third session)."""

from __future__ import annotations

from pathlib import Path

from given_scorer import GivenScorer

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlg.passage_answer import asked_thing, lists_material, material_lead
from assistant.policy.answering import asks_beside_service
from assistant.policy.article_reading import READ_ARTICLE
from assistant.policy.focus import wish_and_question
from assistant.policy.guide_fit import GuideFit
from assistant.policy.linking import asks_auxiliary, tracks_matter_named
from assistant.policy.name_words import lacking_matter, renewal_not_served
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.schema import Article, Material, PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.regions import mentioned_units

# sample data: authored for these tests, in the shape of real provincial guides
BUOYS = ServiceGuide(
    id="sample-buoys",
    name="设置专用航标审批（示例）",
    materials=[
        Material(name="航道行政许可申请书"),
        Material(name="航标设置方案及设计图纸"),
        Material(name="航标维护方案"),
    ],
)
LOOKUP = ServiceGuide(id="sample-lookup", name="药品生产类行政许可事项办理进度查询")


def test_a_common_word_opening_with_xiang_or_zhen_names_no_township() -> None:
    # "本地乡土教材" was read as a township "本地乡" the KB does not cover, and refused
    assert mentioned_units("我们编的那套本地乡土教材已经在几个区的小学用了好几年") == []
    assert mentioned_units("医生开镇痛药要不要处方") == []
    # a written-out township is still one
    assert mentioned_units("我住在炭步镇，想办低保") == ["炭步镇"]
    assert mentioned_units("我老家在石门乡，户口想迁过来") == ["石门乡"]


def test_how_a_paper_goes_is_its_kind_not_a_question_word() -> None:
    q = "向交通运输厅申请调整的时候，是不是还要附上以后怎么维护这些航标的方案？"
    # the 么 of 怎么 ended the thing ("以后怎"), and the reply said it was not listed
    assert asked_thing(q) == "维护这些航标的方案"
    assert lists_material(BUOYS, asked_thing(q))
    lead = material_lead(BUOYS, q, None)
    assert lead is not None and "没有" not in lead.text
    # a question word ending the question still ends it: nothing asked is a document
    assert asked_thing("要带什么方案") is None
    assert asked_thing("要不要提交施工方案") == "施工方案"


def test_what_must_hold_first_is_a_conditions_question() -> None:
    q = "我想每个月啲税费自动喺银行卡度扣，要咩前提先可以同税务局同银行签嗰份三方协议？"
    assert Aspect.CONDITIONS in detect_aspects(q)
    assert Aspect.CONDITIONS in detect_aspects("需要满足什么前提才能签")
    assert Aspect.CONDITIONS not in detect_aspects("签协议要几耐")


def test_an_office_asked_to_give_its_opinion_asks_a_paper() -> None:
    for q in (
        "报省水利厅批方案之前，是不是得先找水库管理处出个意见？",
        "报林业局审批之前，系咪要保护区管理处先出份意见？",
    ):
        assert Aspect.MATERIALS in detect_aspects(q), q
    assert Aspect.MATERIALS not in detect_aspects("系咪要去出入境办")


def test_a_wish_to_book_and_apply_with_a_question_is_answered_then_started() -> None:
    q = "我妈失业以后家里就没收入了，想预约申请低保，有没有电话可以先打过去问问？"
    assert wish_and_question(q)
    assert not wish_and_question("低保要预约吗")


def test_a_progress_lookup_serves_the_case_whatever_step_it_is_at() -> None:
    q = "我哋药厂交咗药品生产许可证换证申请，想亲身去省药监局窗口问下办到边一步，去边度问？"
    assert GuideFit._guide_serves_step(q, LOOKUP)
    # progress not asked: a lookup serves no renewal
    assert not GuideFit._guide_serves_step("药品生产许可证到期换证要带什么", LOOKUP)


def test_a_question_beside_a_service_is_told_from_asking_how_to_get_it() -> None:
    beside = "我家在领低保，社区给我弟弟介绍了好几份工作他都不去，会不会影响家里领低保？"
    assert asks_beside_service(beside, detect_aspects(beside) or [Aspect.OVERVIEW])
    for generic in ("低保点样申请", "我想了解下低保", "低保是什么"):
        assert not asks_beside_service(generic, [Aspect.OVERVIEW]), generic
    assert not asks_beside_service("低保要带什么", [Aspect.MATERIALS])


def test_an_expiry_told_as_the_case_of_a_step_asked_asks_no_renewal() -> None:
    q = "我们实验室不再做动物实验了，想把使用许可证注销掉，可证已经过期半年了，这种情况还能申请注销吗？"
    # the guide for the step asked serves it: the expiry is the case, not a renewal asked
    assert not renewal_not_served(q, "实验动物使用许可(注销)")
    assert renewal_not_served("身份证过期了怎么换", "中国税收居民身份证明的开具")
    # a step asked that the guide's name does not say leaves the renewal unserved
    assert renewal_not_served("营业执照过期了要注销吗", "个体工商户设立登记")


def test_a_letter_of_authority_asked_to_be_signed_asks_a_paper() -> None:
    q = "我做阿妈帮佢去省教育厅交申诉，系咪要佢签份委托手续先得？"
    assert Aspect.MATERIALS in detect_aspects(q)
    assert Aspect.MATERIALS in detect_aspects("是不是要他写个授权书")
    assert Aspect.MATERIALS not in detect_aspects("委托别人办要多久")


def test_a_progress_lookup_answers_only_for_the_matter_the_question_names() -> None:
    asked = "我们药厂交了药品生产许可证换证申请，想亲身去省药监局窗口问下办到哪一步，去哪里问？"
    assert tracks_matter_named(asked, "药品生产类行政许可事项办理进度查询")
    # sharing only the looking-up is no lookup of the case asked
    court = "我们公司在广州海事法院有个船舶碰撞的案子，想在网上查寻审判进度，在哪个网址查？"
    assert not tracks_matter_named(court, "质检院网上受理业务进度报告查询")


def test_a_refusal_names_no_thing_that_is_only_a_time() -> None:
    q = "我们编的那套教材已经用了好几年，现在到期要送省里再审一遍，还得附上使用情况报告吗？"
    # it said the KB had nothing on "现在换领", a matter the person never named
    assert lacking_matter(q) is None
    assert lacking_matter("驾驶证丢了怎么办") == "驾驶证补办"
    assert lacking_matter("身份证已经过期了怎么换") == "身份证换领"


# sample data: a made-up regulation on a flow's service, authored for this test
RELIEF = PolicyDocument(
    id="law-sample-relief",
    title="示例社会救助办法",
    articles=[
        Article(
            number="第四十五条",
            text="最低生活保障家庭中有劳动能力但未就业的成员，连续3次拒绝接受介绍的工作的，减发或者停发其本人的最低生活保障金。",
        ),
        Article(number="第四十六条", text="特困人员供养应当与城乡居民基本养老保险、基本医疗保障相衔接。"),
    ],
)


def test_a_question_beside_a_flow_service_gets_the_article_read_as_it(tmp_path: Path) -> None:
    m = build_manager(
        load_sample_guides(), load_flows(), tmp_path / "idx", policies=[RELIEF], embedder=HashEmbedder()
    )
    m.answering.paraphrase = GivenScorer({RELIEF.articles[0].text: READ_ARTICLE + 0.02})
    q = "我家在领低保，社区给我弟弟介绍了好几份工作他都不去，会不会影响家里领低保？"
    reply = m.handle(DialogueState(session_id="beside"), q).reply
    # it got the 低保 service's overview (office, time limit, materials) instead
    assert [c.id for c in reply.citations] == ["policy:law-sample-relief#第四十五条"]
    # asked how to get it, the service's own guide still answers
    howto = m.handle(DialogueState(session_id="howto"), "低保点样申请").reply
    assert any(c.id.startswith("guide:sample-huadu-dibao") for c in howto.citations)


def test_a_looking_up_required_or_failed_asks_a_lookup() -> None:
    # a province's lookup serves a city the KB lacks when a looking-up is asked
    assert asks_auxiliary("我哋要喺肇庆起厂房，设计院话要查地震动参数区划图，省地震局有冇电话可以问下？")
    assert asks_auxiliary("我考完四级成绩喺网上一直查唔到，想亲自去问吓")
    assert asks_auxiliary("网上一直查不到成绩，想到现场去问问")
    # an office's seizing or handling is no looking-up
    assert not asks_auxiliary("仓库被要查封了怎么办")
    assert not asks_auxiliary("要查处违法建筑找哪个部门")
