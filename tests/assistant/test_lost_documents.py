"""What a question names: a lost document ("身份证丢了怎么办") is answered about replacing it (the guide that
replaces it, or the statute on it), never from another guide that shares its characters; the home guide a generic
question names goes before another place's official answer; a question naming only the service gets its overview,
not one of its pairs; the places a question names say where, not which service."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import article_hit, article_result, faq_hit, faq_result

from assistant.policy.evidence import NAME_COVER, NAMED_TOLD, Candidate, name_cover, name_told
from assistant.policy.faq_evidence import best_faq
from assistant.policy.name_words import (
    asks_ending,
    ends_matter,
    lost_but_not_replaced,
    step_not_served,
    steps_asked,
    thing_named,
)
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import FAQ, Article, Material, PolicyDocument, ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages, score_passages
from retrieval.types import DocKind, Hit, SearchResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def _answer_from(m, candidate: Candidate, question: str, result: SearchResult | None):
    """The answer path's last step on one candidate guide (no place named), as the Answerer runs it."""
    return m.answering._answer_from(
        DialogueState(session_id="c"), candidate, detect_aspects(question), question, [], [], [], result
    )


def test_a_lost_document_is_a_matter_for_a_guide_that_replaces_it() -> None:
    assert lost_but_not_replaced("身份证丢了怎么办", "中国税收居民身份证明的开具")
    assert not lost_but_not_replaced("社保卡丢了怎么办", "社会保障卡补换")
    assert not lost_but_not_replaced("残疾证不见了", "《中华人民共和国残疾人证》挂失补办")
    assert not lost_but_not_replaced("身份证要带什么", "中国税收居民身份证明的开具")  # nothing was lost


def test_later_step_words_alone_do_not_name_a_guide() -> None:
    blasting = ServiceGuide(id="blast", name="爆破作业人员许可(到期换发)")
    asked = "驾照到期了怎么换"
    assert name_cover(asked, blasting, formal=True) >= NAME_COVER  # 到期 + 换 ...
    assert name_cover(thing_named(asked), blasting, formal=True) == 0.0  # ... but 驾照 is not in it
    card = ServiceGuide(id="card", name="社会保障卡补换")
    assert name_cover(thing_named("社保卡坏了怎么换"), card, formal=True) > 0.0
    move = ServiceGuide(id="move", name="户口迁出")
    assert name_cover(thing_named("要把户口迁走怎么办"), move, formal=True) > 0.0


def test_how_much_of_a_guide_s_name_a_question_tells() -> None:
    card, injury = (
        ServiceGuide(id="card", name="社会保障卡补换"),
        ServiceGuide(id="injury", name="工伤医疗/康复/辅助器具配置费用申报"),
    )
    assert name_told("社保卡丢了怎么办", card) >= NAMED_TOLD  # 社保卡 stands for 社会保障卡
    assert name_told("医疗救助能报哪些费用", injury) < NAMED_TOLD  # shares 医疗 and 费用 only


def test_a_lost_id_card_gets_the_statute_on_replacing_it_not_a_guide_sharing_its_characters(
    tmp_path: Path,
) -> None:
    # test data: an authored statute and guide in the shape of the real ones; in the real KB the guide tops the
    # search for "身份证丢了怎么办" (身份 + 份证), so the decision is tested on that evidence
    law = PolicyDocument(
        id="law-id-card",
        title="示例居民身份证法",
        articles=[Article(number="第十一条", text="居民身份证丢失的，应当申请补领。")],
    )
    tax = ServiceGuide(
        id="tax-residence",
        name="中国税收居民身份证明的开具",
        region="广东省",
        department="示例税务局",
        conditions="需要中国税收居民身份证明的纳税人。",
    )
    m = build_manager([tax], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    candidate = Candidate(tax, Hit(tax.id, DocKind.GUIDE, tax.name, 3.0, []), None, 1)

    def reply(question: str):
        result = article_result(question, article_hit(law, law.articles[0], 0.6))
        return _answer_from(m, candidate, question, result)

    lost = reply("身份证丢了怎么办")
    assert [c.id for c in lost.citations] == ["policy:law-id-card#第十一条"]
    assert "应当申请补领" in lost.text and "税收" not in lost.text
    # nothing lost: the guide found answers as before
    found = reply("税收居民身份证明怎么开")
    assert found.citations and found.citations[0].id.startswith("guide:tax-residence")


def test_an_expired_card_asked_of_a_lookup_service_gets_the_statute_not_a_pointer(tmp_path: Path) -> None:
    # test data: an authored statute and a supporting service in the shape of the real 居民身份证办理进度查询,
    # the only guide the real search finds for "身份证过期了还能用吗"
    law = PolicyDocument(
        id="law-id-expiry",
        title="示例居民身份证法",
        articles=[Article(number="第十一条", text="居民身份证有效期满的，公民应当换领新证。")],
    )
    lookup = ServiceGuide(
        id="id-progress", name="居民身份证办理进度查询", region="广东省", department="示例公安厅"
    )
    m = build_manager([lookup], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    candidate = Candidate(lookup, Hit(lookup.id, DocKind.GUIDE, lookup.name, 3.0, []), None, 1)
    question = "身份证过期了还能用吗"
    reply = _answer_from(
        m, candidate, question, article_result(question, article_hit(law, law.articles[0], 0.6))
    )
    assert [c.id for c in reply.citations] == ["policy:law-id-expiry#第十一条"]
    assert "应当换领新证" in reply.text and "进度查询" not in reply.text


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory):
    hunan = [
        load_scenario_json(FIXTURE / name).guides[0]
        for name in (
            "43TCP0014_changsha.json",  # 员工录用“一件事” (长沙): a pair on 社会保障卡申领
            "43TCP0006_liling.json",  # 企业迁移 (醴陵): a pair on 公积金 accounts
            "43PCP0024_liuyang.json",
            "43TCN0002_wulingyuan.json",
        )
    ]
    return build_manager(
        [*hunan, *load_sample_guides()], load_flows(), tmp_path_factory.mktemp("idx"), embedder=HashEmbedder()
    )


def test_the_home_guide_a_generic_question_names_goes_before_another_place_s_answer(manager) -> None:
    for text, guide in (
        ("社保卡丢了怎么办", "sample-huadu-shebaoka-buhuan"),
        ("社保卡唔见咗点算", "sample-huadu-shebaoka-buhuan"),
        ("公积金怎么提取", "sample-huadu-gongjijin-zufang-tiqu"),  # not 企业迁移's pair on 公积金 accounts
    ):
        reply = manager.handle(DialogueState(session_id="card"), text).reply
        assert reply.citations[0].id.startswith(f"guide:{guide}"), text
        assert "湖南" not in reply.text


def test_a_bare_wish_gets_the_overview_not_one_of_its_pairs(manager) -> None:
    """"我想开个体户" asks nothing of 个体工商户设立登记's pair "个体工商户一定要起名字吗？": the overview answers."""
    for text in ("我想开个体户", "开个体户"):
        reply = manager.handle(DialogueState(session_id="wish"), text).reply
        assert "起名字" not in reply.text and "办理地点" in reply.text, text
    asked = manager.handle(DialogueState(session_id="name"), "个体户一定要起名字吗").reply
    assert "可以不使用名称" in asked.text


def test_a_question_naming_only_the_service_gets_its_overview_not_one_of_its_pairs() -> None:
    shop = next(g for g in load_sample_guides() if g.name == "个体工商户设立登记")
    assert shop.faqs and "起名字" in shop.faqs[0].question

    def best(question: str):
        result = faq_result(question, faq_hit(shop, "0", 0.8), confidence=0.9)
        return best_faq(
            question, detect_aspects(question), result, {shop.id: shop}.get, guide_passages, lambda _g: 1
        )

    assert best("怎么办个体户") is None  # 个体户 is the service's colloquial name: nothing asked of its pairs
    assert best("在花都怎么办个体户") is None  # nor by its place
    picked = best("个体户要起名字吗")
    assert picked is not None and picked.guide.id == shop.id


def test_a_place_the_question_names_does_not_name_a_guide(tmp_path: Path) -> None:
    tour = ServiceGuide(
        id="tour",
        name="办理往来港澳通行证团队游签注(广州市户籍居民)",
        catalogue_name="因私往来香港、澳门、台湾地区通行证审批",
        region="广东省广州市",
    )
    m = build_manager([tour], {}, tmp_path / "idx", embedder=HashEmbedder())
    candidate = Candidate(tour, Hit(tour.id, DocKind.GUIDE, tour.name, 3.0, []), None, 0)
    asked = "外地人怎么在广州落户"
    reply = m.answering._answer_from(
        DialogueState(session_id="place"), candidate, [], asked, [], ["广州市"], [], None
    )
    assert not reply.citations and "12345" in reply.text  # no guide about 落户: said so, routed on


def test_a_lost_document_is_no_question_about_bringing_it() -> None:
    assert Aspect.MATERIALS not in detect_aspects("身份证不见了要怎么补")
    assert Aspect.MATERIALS not in detect_aspects("户口本丢了怎么补办")
    assert Aspect.MATERIALS in detect_aspects("办居住证要带户口本吗")  # bringing it still is
    assert Aspect.MATERIALS in detect_aspects("要带身份证吗")


def test_an_official_pair_on_renewing_a_document_does_not_answer_its_loss(tmp_path: Path) -> None:
    # the real 居民个人信息变更一件事 (芙蓉区) has a pair on renewing an ID card online (换领), none on a lost one
    change = load_scenario_json(FIXTURE / "43PCP0016_furong.json").guides[0]
    renew = next(f for f in change.faqs if "居民身份证换领" in f.question)
    assert lost_but_not_replaced("身份证丢了怎么办", f"{change.name} {renew.question}")
    law = PolicyDocument(  # test data in the shape of the real statute
        id="law-id-card",
        title="示例居民身份证法",
        articles=[Article(number="第十一条", text="居民身份证丢失的，应当申请补领。")],
    )
    m = build_manager(
        [change, *load_sample_guides()],
        load_flows(),
        tmp_path / "idx",
        policies=[law],
        embedder=HashEmbedder(),
    )
    renewing = m.handle(DialogueState(session_id="renew"), "换领身份证可以在线上申请吗").reply
    assert renew.answer in renewing.text  # the pair still answers what it is about
    lost = m.handle(DialogueState(session_id="lost"), "身份证丢了怎么办").reply
    assert renew.answer not in lost.text
    assert [c.id for c in lost.citations] == ["policy:law-id-card#第十一条"]
    assert "应当申请补领" in lost.text


def test_an_official_pair_on_another_matter_of_the_document_is_not_said_for_its_loss(tmp_path: Path) -> None:
    # test data in the shape of the real 新生儿出生一件事 pair "户口簿去哪里打印？…" (it prints a newborn's page)
    birth = ServiceGuide(
        id="birth",
        name="示例新生儿出生一件事",
        region="湖南省长沙市",
        faqs=[
            FAQ(
                question="户口簿去哪里打印？需要带什么资料？",
                answer="携带居民户口簿至户籍地派出所打印新生儿户口页。",
            )
        ],
    )
    m = build_manager([birth], {}, tmp_path / "idx", embedder=HashEmbedder())
    pair = next(p for p in guide_passages(birth) if p.field == "faq")
    scored = score_passages("户口本丢了怎么补办", [], [pair], None)[0]
    candidate = Candidate(birth, Hit(birth.id, DocKind.GUIDE, birth.name, 3.0, []), scored, 2)
    result = SearchResult(query="户口本丢了怎么补办", hits=[], confident=True, confidence=0.9)

    def reply(question: str):
        return _answer_from(m, candidate, question, result)

    lost = reply("户口本丢了怎么补办")
    assert "派出所打印" not in lost.text and not lost.citations and "12345" in lost.text
    asked = reply("户口簿去哪里打印")  # nothing lost: the pair answers
    assert "派出所打印" in asked.text


def test_a_later_step_is_not_answered_by_a_guide_or_article_for_another_step(tmp_path: Path) -> None:
    assert steps_asked("个体户注销要什么材料") == ["注销"]
    assert (
        steps_asked("我的社保卡之前注销了，还能重新申领吗") == []
    )  # what happened before, not what is asked
    assert step_not_served("个体户注销要什么材料", "个体工商户设立登记") == "注销"
    assert step_not_served("社保卡补办要几天", "社会保障卡补换") is None  # 补换 serves 补办
    assert step_not_served("残疾证迁入要什么", "《中华人民共和国残疾人证》迁入") is None
    # test data in the shape of the real 婚姻登记条例: the papers for a divorce, and replacing a lost certificate
    law = PolicyDocument(
        id="law-marriage",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第十一条",
                text="办理离婚登记的内地居民应当出具下列证件和证明材料：本人的户口簿、身份证；本人的结婚证。",
            ),
            Article(
                number="第十七条", text="结婚证、离婚证遗失或者损毁的，当事人可以持户口簿、身份证申请补领。"
            ),
        ],
    )
    m = build_manager(
        load_sample_guides(), load_flows(), tmp_path / "idx", policies=[law], embedder=HashEmbedder()
    )
    replaced = m.handle(DialogueState(session_id="cert"), "结婚证补办要带什么").reply
    assert [c.id for c in replaced.citations] == ["policy:law-marriage#第十七条"]
    closing = m.handle(DialogueState(session_id="shop"), "个体户注销要什么材料").reply
    assert not any("geti-gongshanghu-sheli" in c.id for c in closing.citations)  # not the 设立登记 papers
    assert "设立登记申请书" not in closing.text
    opening = m.handle(DialogueState(session_id="open"), "个体户设立登记要什么材料").reply
    assert "设立登记申请书" in opening.text


def test_guides_for_another_step_are_no_choice_to_offer(tmp_path: Path) -> None:
    # test data with the real guides' names: ways to get a first licence, none renewing one
    first = [
        ServiceGuide(
            id=f"dl{i}", name=name, region="广东省广州市", location="车管所", department="示例车管所"
        )
        for i, name in enumerate(
            (
                "机动车驾驶证初次申领(大陆居民申领小型汽车准驾车型)",
                "机动车驾驶证持境外驾驶证申领(大陆居民持境外（小型汽车）驾驶证申领)",
                "机动车驾驶证持军警驾驶证申领(退役军人持军队（小型汽车）驾驶证申请机动车驾驶证)",
                "机动车驾驶证持境外驾驶证申领(境外人员持境外（小型汽车）驾驶证申领)",
            )
        )
    ]
    m = build_manager(first, {}, tmp_path / "a", embedder=HashEmbedder())
    for asked in ("驾驶证换证", "驾驶证到期换证在哪里办"):
        reply = m.handle(DialogueState(session_id="renew"), asked).reply
        assert not reply.choices and not reply.citations and "12345" in reply.text, asked
    offered = m.handle(DialogueState(session_id="first"), "驾驶证申领").reply  # the step they serve: offered
    assert offered.choices or offered.citations


def test_an_endorsement_is_a_later_step_a_first_application_does_not_serve() -> None:
    asked = "居住证签注要几多钱"
    assert steps_asked(asked) == ["签注"]
    assert step_not_served(asked, "居住证申领") == "签注"  # its "首次申领不收费" is no answer
    assert step_not_served("港澳通行证签注要多少钱", "办理往来港澳通行证逗留签注") is None


def test_a_guide_for_ending_a_matter_answers_no_question_about_anything_else(tmp_path: Path) -> None:
    # test data in the shape of the real 注销税务登记 guide, which used to answer "税务登记怎么办"
    ending = ServiceGuide(
        id="tax-deregister",
        name="注销税务登记",
        region="广东省",
        department="示例税务局",
        materials=[Material(name="注销税务登记申请审批表")],
    )
    assert ends_matter(ending.name) and not ends_matter("税务登记")
    assert asks_ending("个体户不做了要办什么") and not asks_ending("税务登记怎么办")
    m = build_manager([ending], {}, tmp_path / "idx", embedder=HashEmbedder())
    candidate = Candidate(ending, Hit(ending.id, DocKind.GUIDE, ending.name, 3.0, []), None, 1)
    register = _answer_from(m, candidate, "税务登记怎么办", article_result("税务登记怎么办"))
    assert not register.citations and "注销" not in register.text
    close = _answer_from(m, candidate, "税务登记怎么注销", article_result("税务登记怎么注销"))
    assert close.citations and close.citations[0].id.startswith("guide:tax-deregister")
