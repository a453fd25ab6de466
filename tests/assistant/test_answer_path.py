"""The answer path's pure parts: question aspects, regions, passage scoring, answer-first composition and the
LLM meaning-flip check, on real records (the Hunan 一件事 fixture, authored Huadu samples)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from answer_hits import article_hit, faq_hit

from assistant.nlg.llm import fact_check
from assistant.nlg.passage_answer import (
    asked_thing,
    compose_passage_answer,
    cut,
    enumerated_items,
    lacks_thing,
    missing_answer,
)
from assistant.policy.evidence import Candidate, best_article, name_cover
from assistant.policy.faq_evidence import best_faq, faq_offer
from assistant.policy.faq_order import FaqCandidate
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_sample_guides
from knowledge.loaders.scenario import guide_from_onething
from knowledge.regions import parse_region_path
from knowledge.schema import FAQ, Article, PolicyDocument, ServiceGuide, parse_time_limit
from retrieval.aspects import Aspect, article_aspects, cue_spans, detect_aspects
from retrieval.passages import ScoredPassage, guide_passages, score_passages
from retrieval.regions import HOME_REGION_DEFAULT, in_home_chain, named_places, region_rank
from retrieval.types import Chunk, ChunkHit, DocKind, SearchResult
from retrieval.word_spread import WordSpread


@pytest.fixture(scope="module")
def samples() -> dict[str, ServiceGuide]:
    return {g.id: g for g in load_sample_guides()}


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("补贴一年能领多少钱", [Aspect.AMOUNT]),  # a benefit amount, not a fee
        ("办这个要多少钱", [Aspect.FEES]),
        ("能贷多少年", [Aspect.AMOUNT]),  # a loan term, not a processing time
        ("要不要带户口本", [Aspect.MATERIALS]),
        # where one may do it, not the papers: the ID card is the thing asked about
        ("身份证可以异地办吗", [Aspect.LOCATION]),
        ("能不能在外地补办", [Aspect.LOCATION]),
        # the card named a few words before 办 is what is asked about, not a paper to bring
        ("身份证在外地能不能办", [Aspect.CONDITIONS, Aspect.LOCATION]),
        ("办居住证要带身份证吗", [Aspect.MATERIALS]),
        ("那房东不肯给合同怎么办", [Aspect.MATERIALS]),  # a paper one cannot get is one lacked
        ("社保卡可以在银行办吗", [Aspect.LOCATION]),  # whether an office does it
        ("能在户籍地办吗", []),  # whose place: jurisdiction, as the conditions say
        ("个体户可以网上注册吗", [Aspect.ONLINE]),
        ("小朋友几岁可以办身份证", [Aspect.CONDITIONS]),  # the card applied for is no material
        ("多久能办好", [Aspect.TIME]),
        ("医疗救助能报哪些费用", []),  # reimbursement scope, not a fee
        ("办好了发什么证", [Aspect.RESULT]),
        ("一件事包括哪些事项", [Aspect.LINKED]),
        ("外地人可以办吗", [Aspect.CONDITIONS]),
        ("我的申请办到哪了", []),  # a status request is an intent, not a question about a service
        ("报装使唔使俾钱", [Aspect.FEES]),  # paying, in Cantonese
        ("联合报装包括哪些项目", [Aspect.LINKED]),
        ("这个证可以在线申请吗", [Aspect.ONLINE]),  # whether it can be done online, not eligibility
        ("我这种情况能去登记吗", [Aspect.CONDITIONS]),  # eligibility asked with other verbs ...
        ("外卖骑手能走这个一件事吗", [Aspect.CONDITIONS]),
        ("退休了还能拿这个补贴不", [Aspect.CONDITIONS]),
        ("什么时候能拿到证", [Aspect.TIME]),  # ... but getting the result is a time question
        ("这个一件事的适用范围", [Aspect.CONDITIONS]),
        ("护照几日可以拿到", [Aspect.TIME]),  # "几多日" reads "多少日" after the Cantonese lexicon
        ("要等多少日", [Aspect.TIME]),
        ("要多少个工作日", [Aspect.TIME]),
        ("审批周期多长", [Aspect.TIME]),
        ("几个月能办好", [Aspect.TIME]),
        ("要交哪些东西", [Aspect.MATERIALS]),
        ("要填什么表", [Aspect.MATERIALS]),
        ("社区会提供哪些服务", []),  # services offered, not materials to provide
        ("要不要交钱", [Aspect.FEES]),  # paying, not handing in a material
        ("交什么费", [Aspect.FEES]),
        ("哪里可以办", [Aspect.LOCATION]),  # where, not whether
        ("有没有网上入口", [Aspect.ONLINE]),
        ("能寄到家吗", [Aspect.ONLINE]),
        ("归谁管", [Aspect.DEPARTMENT]),
        ("什么时候发证", [Aspect.TIME]),
        ("要几张照片", [Aspect.MATERIALS]),
        ("周末能办吗", [Aspect.LOCATION]),  # office hours are told with the place, not eligibility
        ("结果会寄给我吗", [Aspect.ONLINE]),
        ("要不要写申请书", [Aspect.MATERIALS]),
        ("营业执照网上怎么办", [Aspect.ONLINE]),
        ("补贴每个月有多少", [Aspect.AMOUNT]),
        ("公积金一年能取几次", [Aspect.FREQUENCY]),  # how often one may withdraw, not how many trips
        ("社保一个月交多少", [Aspect.FEES]),
        ("可以找人代办吗", [Aspect.PROXY]),  # someone else applying on one's behalf
        ("我妈行动不便，能让我帮她办吗", [Aspect.PROXY]),
        ("政务大厅上班时间是几点", [Aspect.LOCATION]),  # office hours come with the place, not a time limit
        ("审批要多长时间", [Aspect.TIME]),
        ("办居住证能不能不跑派出所", [Aspect.ONLINE]),  # without going there: online
        ("在家可以办吗", [Aspect.CONDITIONS, Aspect.ONLINE]),
        ("申请公租房要不要租赁合同", [Aspect.MATERIALS]),  # a document asked about without a verb
        ("需要提供《留学回国人员证明》吗？", [Aspect.MATERIALS]),
        ("要不要办结婚证", []),  # the certificate applied for is no material
        ("结婚要准备些什么", [Aspect.MATERIALS]),
        ("我没有租房合同怎么办", [Aspect.MATERIALS]),  # a document one lacks: what the list says of it
        ("冇户口本得唔得", [Aspect.MATERIALS]),
        ("老人不方便去可以吗", [Aspect.PROXY]),  # the one who should go cannot
        ("交通不方便去哪里办", [Aspect.LOCATION]),  # ... not where to go
    ],
)
def test_aspects_from_colloquial_wording(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("交公积金的可以申请公积金贷款吗", "公积金贷款"),  # the matter between the cue and its particle stays
        ("我们公司扩建厂房，能申请水电气网联合报装吗", "水电气网联合报装"),
    ],
)
def test_the_eligibility_cue_leaves_the_matter_it_asks_about(text: str, kept: str) -> None:
    assert Aspect.CONDITIONS in detect_aspects(text)
    assert kept in cue_spans(text)
    assert "可以申请" not in cue_spans(text) and "能申请" not in cue_spans(text)


def test_the_first_then_cue_leaves_the_steps_it_names() -> None:
    q = "搬公司是不是还得先回老地方开准迁再去新地方办迁入"
    assert Aspect.PROCESS in detect_aspects(q)
    assert "开准迁" in cue_spans(q)  # "先…再" asks the order; what lies between is the matter


def test_region_paths_levels_and_ranking(social: ServiceGuide) -> None:
    assert parse_region_path("广东省广州市花都区") == ("广东省", "广州市", "花都区")
    assert social.region_path == ["湖南省", "芙蓉区"] and social.level == "区级"
    guangdong = ServiceGuide(id="x", name="y", region="广东省")
    assert guangdong.region_path == ["广东省"] and guangdong.level == "省级"  # derived for stored records
    assert in_home_chain(guangdong.region_path, HOME_REGION_DEFAULT)  # a parent of the home region
    assert region_rank(guangdong.region_path, HOME_REGION_DEFAULT, []) == 1
    assert region_rank(social.region_path, HOME_REGION_DEFAULT, []) == 2
    assert region_rank(social.region_path, HOME_REGION_DEFAULT, ["芙蓉区"]) == 0
    known = ["湖南省", "芙蓉区", *HOME_REGION_DEFAULT]
    assert named_places("在芙蓉区办社会救助要多久", known) == ["芙蓉区"]
    assert named_places("北京市的居住证怎么办", known) == ["北京市"]
    assert named_places("急难型救助和支出型救助有什么区别", known) == []  # "…区别" is no place
    assert named_places("我想咨询一下深圳市的落户政策", known) == ["深圳市"]
    assert named_places("在城市社区办低保", known) == []


def test_loader_keeps_smmc_and_adds_no_unit(social: ServiceGuide) -> None:
    # bltj is only a heading ("住房救助"); the substance is in smmc
    assert social.conditions is not None and social.conditions.startswith("住房救助：申请公共租赁住房")
    assert social.promised_time_limit is not None and social.promised_time_limit.text == "75（单位未载明）"
    assert parse_time_limit("20(工作日)").text == "20个工作日"  # a unit the source gives is kept
    data = {"sxmc": "测试一件事", "yjsSsqdbm": "44X", "basicInfo": {"areaName": "花都区"}}
    data["guideCondition"] = [{"bltj": "是否为本省户籍？", "smmc": "父母一方为本省户籍"}]
    assert guide_from_onething(data).conditions == "是否为本省户籍？父母一方为本省户籍"


def test_faq_passages_are_scored_on_question_and_answer(social: ServiceGuide) -> None:
    passages = guide_passages(social)
    ranked = score_passages(
        "助学贷款一年最多能贷多少钱", detect_aspects("助学贷款一年最多能贷多少钱"), passages
    )
    top = ranked[0].passage
    assert top.field == "faq" and "20000元" in social.faqs[int(top.key)].answer
    assert "不收费" not in [p.quote for p in passages if Aspect.AMOUNT in p.aspects]  # a fee is no amount


def test_answer_first_yes_no_about_one_material(samples: dict[str, ServiceGuide]) -> None:
    g = samples["sample-huadu-juzhuzheng-shenling"]
    assert asked_thing("办居住证要带身份证吗") == "身份证" and asked_thing("要带什么材料") is None
    # "开…证明在哪里办" asks where to get a certificate (a service), not whether to bring a document
    assert asked_thing("开税收完税证明在哪里办？") is None
    # "开个体户" opens a business: "要什么资料" asks the list, no document named "体户要什"
    assert asked_thing("开个体户要什么资料") is None and asked_thing("开个体户要带什么") is None
    p = next(p for p in guide_passages(g) if p.field == "materials")
    composed = compose_passage_answer(g, p, [Aspect.MATERIALS], "办居住证要带身份证吗")
    assert composed is not None and composed.text.startswith("需要。「居民身份证」在申请材料清单中")
    assert composed.citations[0].quote in [m.name for m in g.materials]  # exact source text
    missing = compose_passage_answer(g, p, [Aspect.MATERIALS], "办居住证要不要带结婚证")
    assert missing is not None and "没有列出“结婚证”" in missing.text
    # a document asked about without a verb of bringing, or in official wording
    assert asked_thing("办居住证要不要身份证") == "身份证"
    # a bare 开 opens a business, not a paper: the paper asked comes later
    assert asked_thing("开有限公司做设立登记，要不要提供经营场地的使用证明？") == "经营场地的使用证明"
    assert asked_thing("需要开收入证明吗") == "收入证明"
    assert asked_thing("需要提供《留学回国人员证明》吗？") == "留学回国人员证明"
    bare = compose_passage_answer(g, p, [Aspect.MATERIALS], "办居住证要不要身份证")
    assert bare is not None and bare.text.startswith("需要。「居民身份证」在申请材料清单中")
    # the certificate one applies for, or a long phrase with a verb, is no document asked about
    assert asked_thing("要不要办结婚证") is None
    assert asked_thing("要不要交家里人在香港定居的证明") is None


def test_a_signature_or_a_document_after_a_business_opened_is_asked_of_the_list(
    samples: dict[str, ServiceGuide],
) -> None:
    g = samples["sample-huadu-juzhuzheng-shenling"]
    # a signature or a stamp asked of someone is a question about the papers, not a generic one (overview)
    assert detect_aspects("办居住证要不要房东签字") == [Aspect.MATERIALS]
    assert asked_thing("办居住证要不要房东签字") == "房东签字"
    assert asked_thing("开个体户需不需要居委会盖章") == "居委会盖章"
    assert asked_thing("房东不肯给合同怎么办") == "合同"  # one the person cannot get
    # a document lacked, said first ("结婚证没有…"), and no Cantonese question word read as one
    for lacked, thing in (
        ("我的结婚证没有可以吗", "结婚证"),
        ("户口本冇带点算", "户口本"),
        ("户口本冇带得唔得", "户口本"),
    ):
        assert asked_thing(lacked) == thing and lacks_thing(lacked)
    assert detect_aspects("结婚证没有可以吗") == [Aspect.MATERIALS]
    # "开个体户…" opens a business: the document asked comes after it, not "体户要"
    assert asked_thing("开个体户要不要营业场所证明") == "营业场所证明"
    p = next(p for p in guide_passages(g) if p.field == "materials")
    signed = compose_passage_answer(g, p, [Aspect.MATERIALS], "办居住证要不要房东签字")
    assert signed is not None and "没有列出“房东签字”" in signed.text and "相近的是" not in signed.text
    # a document not on the list by that name, sharing its telling words with one that is: say that one too
    near = compose_passage_answer(g, p, [Aspect.MATERIALS], "办居住证要不要社保证明")
    assert near is not None and "没有单独列出“社保证明”" in near.text
    assert "相近的是「合法稳定就业证明」（劳动合同、营业执照或社保缴费记录等）" in near.text


def test_a_document_one_lacks_is_answered_from_the_material_that_accepts_it(
    samples: dict[str, ServiceGuide],
) -> None:
    g = samples["sample-huadu-juzhuzheng-shenling"]
    assert asked_thing("我没有租房合同怎么办") == "租房合同" and lacks_thing("我没有租房合同怎么办")
    assert not lacks_thing("要不要带租房合同")
    p = next(p for p in guide_passages(g) if p.field == "materials")
    # 租房合同 is not a material's name; 合法稳定住所证明's notes accept a 房屋租赁合同
    lacked = compose_passage_answer(g, p, [Aspect.MATERIALS], "我没有租房合同怎么办")
    assert lacked is not None and lacked.text.startswith("「合法稳定住所证明」（适用情形：以住所申领的）")
    assert "房屋租赁合同（已登记备案）或不动产权证书等" in lacked.text and "向窗口或12345确认" in lacked.text
    assert "不需要" not in lacked.text and "非必需" not in lacked.text
    # a material required in one situation is needed there, never "非必需"
    asked = compose_passage_answer(g, p, [Aspect.MATERIALS], "要不要带合法稳定住所证明")
    assert asked is not None and "在“以住所申领的”情形下需要提供" in asked.text
    assert "非必需" not in asked.text
    # a short formal term ("户籍" for 户口本) matches no material by accident
    assert "没有列出“户口本”" in compose_passage_answer(g, p, [Aspect.MATERIALS], "要带户口本吗").text


def test_faq_answer_quotes_exactly_and_cuts_honestly(social: ServiceGuide) -> None:
    i = next(i for i, f in enumerate(social.faqs) if len(f.answer) > 300)
    p = next(p for p in guide_passages(social) if p.field == "faq" and p.key == str(i))
    composed = compose_passage_answer(social, p, [], "问题")
    assert composed is not None and "原文较长" in composed.text
    assert social.faqs[i].answer.startswith(composed.citations[0].quote)
    short = next(p for p in guide_passages(social) if p.field == "faq" and len(p.quote) < 60)
    composed = compose_passage_answer(social, short, [], "问题")
    assert (
        composed is not None
        and "原文较长" not in composed.text
        and composed.citations[0].quote == short.quote
    )
    assert cut("短文本") == ("短文本", False)


def test_a_record_stopping_at_a_heading_is_said_incomplete(samples: dict[str, ServiceGuide]) -> None:
    # the real 机动车驾驶证初次申领 record's conditions stop at "（一）年龄条件："
    g = samples["sample-huadu-juzhuzheng-shenling"].model_copy(
        update={"conditions": "申请机动车驾驶证的人，应当符合下列规定：（一）年龄条件："}
    )
    p = next(p for p in guide_passages(g) if p.field == "conditions")
    composed = compose_passage_answer(g, p, [Aspect.CONDITIONS], "要什么条件")
    assert composed is not None and "不完整" in composed.text and "原文较长" not in composed.text
    assert composed.citations[0].quote.endswith("年龄条件：")  # the quote stays exact
    whole = next(
        p for p in guide_passages(samples["sample-huadu-juzhuzheng-shenling"]) if p.field == "conditions"
    )
    composed = compose_passage_answer(
        samples["sample-huadu-juzhuzheng-shenling"], whole, [Aspect.CONDITIONS], "要什么条件"
    )
    assert composed is not None and "不完整" not in composed.text


def test_a_numbered_official_answer_opens_with_how_many_items_it_lists(social: ServiceGuide) -> None:
    assert enumerated_items("（1）申请表；\n（2）授权书;\n（3）户口簿;") == 3
    assert enumerated_items("一、线上办理；二、线下办理") == 2
    # a second list restarting at (一) is not counted; a list that does not open the answer is no list
    assert enumerated_items("（一）无劳动能力；（二）无生活来源；符合下列情形之一的：（一）60周岁以上") == 2
    assert enumerated_items("申请人需同时符合下列条件：（一）…的；（二）…的") == 0
    assert enumerated_items("（1）只有一项") == 0
    # the real 社会救助 materials answer ("申请社会救助“一件事”遇到的问题"): not its first item alone
    i = next(i for i, f in enumerate(social.faqs) if f.answer.startswith("（1）湖南省社会救助"))
    p = next(p for p in guide_passages(social) if p.field == "faq" and p.key == str(i))
    composed = compose_passage_answer(social, p, [Aspect.MATERIALS], "要准备哪些材料")
    n = enumerated_items(social.faqs[i].answer)
    assert composed is not None and n >= 5 and f"共列出{n}项" in composed.text.splitlines()[0]


def test_a_fee_is_said_free_only_when_the_record_says_no_more(samples: dict[str, ServiceGuide]) -> None:
    for gid, free in (
        ("sample-huadu-dibao-shenqing", True),  # 不收费
        ("sample-huadu-shebaoka-buhuan", False),  # 按规定收取或免收工本费
        ("sample-huadu-juzhuzheng-shenling", False),  # 首次申领不收费
    ):
        g = samples[gid]
        p = next(p for p in guide_passages(g) if p.field == "fees")
        composed = compose_passage_answer(g, p, [Aspect.FEES], "要钱吗")
        assert composed is not None and g.fees
        assert composed.text.startswith("不收费") == free, gid
        assert g.fees in composed.text  # the record's own words, whole


def test_missing_field_is_said_missing(samples: dict[str, ServiceGuide]) -> None:
    g = samples["sample-huadu-dibao-shenqing"]
    composed = missing_answer(g, [Aspect.AMOUNT])
    assert "未载明补贴/金额标准" in composed.text and "12345" in composed.text


@pytest.mark.parametrize(
    ("evidence", "candidate", "flip"),
    [
        ("可以线上申请，全程网办。", "不能线上申请，需要到窗口办理。", True),
        ("收费标准：不收费", "办理需要收费。", True),
        ("不需要提供户口本。", "需要提供户口本。", True),
        ("1. 结婚证（非必需）", "需要准备结婚证。", True),
        ("可以线上申请，全程网办。", "您可以在网上申请，全程网上办理。", False),
        ("收费标准：不收费", "办理这个事项是免费的。", False),
    ],
)
def test_fact_check_rejects_meaning_flips(evidence: str, candidate: str, flip: bool) -> None:
    violations = fact_check(candidate, [evidence])
    assert any("含义" in v or "非必需" in v for v in violations) is flip


def test_evidence_helpers(samples: dict[str, ServiceGuide], social: ServiceGuide) -> None:
    from assistant.policy.evidence import asks_same, base_variant, distinct_pick, name_cover

    visas = {"办理往来港澳通行证探亲签注": "hk", "办理往来台湾通行证探亲签注": "tw"}
    assert distinct_pick("去香港探亲签注多久能办好", visas) == "hk"
    assert distinct_pick("探亲签注多久能办好", visas) is None  # nothing tells them apart: ask

    choices = {
        "办理往来港澳通行证": "a",
        "办理往来港澳通行证逗留签注": "b",
        "办理往来港澳通行证探亲签注": "c",
    }
    assert base_variant("办港澳通行证要几天", choices) == "a"
    assert base_variant("港澳通行证探亲签注要几天", choices) is None  # the question names a variant
    juzhu = samples["sample-huadu-juzhuzheng-shenling"]
    assert name_cover("居住证怎么办", juzhu) == 1.0 and name_cover("明天彩票开什么号", juzhu) == 0.0
    assert asks_same("社会救助一件事办好要几天", "社会救助“一件事”多久能办完", social)  # only asks the aspect
    assert not asks_same("社会救助一件事办好要几天", "防止返贫监测对象认定遇到的问题", social)


def test_a_failing_index_is_logged_counted_and_said(samples: dict[str, ServiceGuide]) -> None:
    from assistant.events import SearchFailed, of_type
    from assistant.policy.manager import DialogueManager
    from assistant.state import DialogueState

    class Broken:
        def search(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("index gone")

    m = DialogueManager(retriever=Broken(), get_guide=samples.get, get_policy=lambda _i: None, flows={})
    res = m.handle(DialogueState(), "火星移民签证要带什么材料")
    assert of_type(res.events, SearchFailed) and m.answering.search_errors == 1
    assert "检索服务暂时出现故障" in res.reply.text and not res.reply.confident


def test_a_question_naming_only_the_service_asks_nothing_of_its_faqs(
    samples: dict[str, ServiceGuide],
) -> None:
    from retrieval.passages import content_bigrams, lexical_match

    g = samples["sample-huadu-xinshenger-onething"]
    common = content_bigrams(g.name)
    assert (
        lexical_match(
            content_bigrams("新生儿出生一件事怎么办"), content_bigrams(g.faqs[0].answer + g.name), common
        )
        == 0
    )


def _article_result(question: str, title: str, number: str, text: str) -> tuple[SearchResult, PolicyDocument]:
    doc = PolicyDocument(id="law-x", title=title, articles=[Article(number=number, text=text)])
    chunk = Chunk(
        id=f"law-x#{number}#0", doc_id="law-x", kind=DocKind.POLICY, field=number, title=title, text=text
    )
    hit = ChunkHit(chunk=chunk, score=0.9, scores={"bm25": 0.9, "dense": 0.9})
    return SearchResult(query=question, hits=[], confident=True, confidence=0.9, articles=[hit]), doc


@pytest.mark.parametrize(
    ("question", "answers"),
    [
        # one shared word is a coincidence: an article about ventilation corridors "附近" is no answer
        ("附近有什么好吃", False),
        # the article names the thing asked and the act asked for
        ("结婚证丢了怎么补领", True),
    ],
)
def test_a_law_article_answers_only_when_it_shares_more_than_one_word(question: str, answers: bool) -> None:
    text = (
        "结婚证、离婚证遗失或者损毁的，当事人可以持户口簿、身份证向原办理婚姻登记的机关申请补领。"
        if answers
        else "城市的规划和建设应当合理设置通风廊道，加强对通风廊道附近建筑物的管理。"
    )
    result, doc = _article_result(question, "示例条例", "第十七条", text)
    picked = best_article(question, result, lambda _id: doc)
    assert (picked is not None) is answers


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("办理离婚登记的内地居民应当出具下列证件和证明材料：(一)本人的户口簿、身份证", [Aspect.MATERIALS]),
        ("所在单位应当自事故伤害发生之日起30日内提出工伤认定申请", [Aspect.TIME]),
        ("由户主向户籍所在地的街道办事处提出书面申请", [Aspect.LOCATION]),
        ("本条例自2003年10月1日起施行。", []),
        # an item registered is no place to go (居民身份证法第三条 vs 第八条)
        ("居民身份证登记的项目包括：姓名、性别、常住户口所在地住址、公民身份号码", []),
        ("居民身份证由居民常住户口所在地的县级人民政府公安机关签发。", [Aspect.LOCATION]),
    ],
)
def test_law_articles_say_their_aspect_in_statute_wording(text: str, aspects: list[Aspect]) -> None:
    assert article_aspects(text) == aspects


def test_the_article_about_what_was_asked_wins_even_when_retrieval_did_not_return_it() -> None:
    """Retrieval returns a few chunks per law; the article answering the materials question is among the
    law's other articles."""
    doc = PolicyDocument(
        id="law-m",
        title="示例登记条例",
        articles=[
            Article(number="第十条", text="自愿离婚的，男女双方应当共同到婚姻登记机关办理离婚登记。"),
            Article(
                number="第十一条",
                text="办理离婚登记的当事人应当出具下列证件和证明材料：(一)本人的户口簿、身份证；(二)离婚协议书。",
            ),
            Article(
                number="第十二条",
                text="办理离婚登记的当事人有下列情形之一的，婚姻登记机关不予受理：(一)未达成离婚协议的。",
            ),
        ],
    )
    retrieved = [doc.articles[2], doc.articles[0]]  # not 第十一条
    hits = [article_hit(doc, a, score) for a, score in zip(retrieved, (0.62, 0.6), strict=True)]
    result = SearchResult(query="q", hits=[], confident=False, confidence=0.2, articles=hits)
    picked = best_article("协议离婚去登记要带什么证件", result, lambda _id: doc)
    assert picked is not None and picked[0].chunk.field == "第十一条"
    assert picked[1].article("第十一条").text == picked[0].chunk.text  # the exact article text is quoted


def test_an_faq_answering_the_aspect_asked_wins_over_a_slightly_better_retrieved_one(
    social: ServiceGuide,
) -> None:
    """Among close FAQ chunks, the one whose pair answers the aspect asked (materials) is chosen."""
    q = "第一次申请助学贷款要准备哪些东西"
    by_key = {p.key: p for p in guide_passages(social) if p.field == "faq"}
    materials = next(k for k, p in by_key.items() if Aspect.MATERIALS in p.aspects and "贷款" in p.text)
    other = next(k for k, p in by_key.items() if "贷款" in p.text and Aspect.MATERIALS not in p.aspects)

    result = SearchResult(
        query=q,
        hits=[],
        confident=False,
        confidence=0.0,
        passages=[faq_hit(social, other, 0.86), faq_hit(social, materials, 0.75)],
    )
    found = best_faq(q, detect_aspects(q), result, lambda _id: social, guide_passages, lambda _g: 2)
    assert found is not None and found.best is not None and found.best.passage.key == materials


def _faq_candidate(guide: ServiceGuide, key: str, dense_q: float, lexical: float) -> FaqCandidate:
    faq = next(p for p in guide_passages(guide) if p.field == "faq" and p.key == key)
    sp = ScoredPassage(faq, 0.5, lexical, 0.5, 0.5)
    return FaqCandidate(0.5 + lexical, Candidate(guide, None, sp, 2), dense_q)


def test_near_miss_pairs_are_offered_only_when_the_closest_question_reads_alike(social: ServiceGuide) -> None:
    close = [_faq_candidate(social, "9", 0.5, 0.2), _faq_candidate(social, "0", 0.4, 0.1)]
    offered = faq_offer(close, question="社会救助要办多久")
    assert [c.best.passage.key for c in offered if c.best] == ["9", "0"]
    assert faq_offer([_faq_candidate(social, "9", 0.3, 0.4)]) == []  # the question reads unlike any pair
    assert faq_offer([_faq_candidate(social, "9", 0.6, 0.0)]) == []  # no word in common


def test_a_pair_not_saying_the_certificate_asked_is_no_near_miss() -> None:
    # test data in the shape of a real Hunan 开办运输企业 pair
    transport = ServiceGuide(
        id="transport",
        name="开办运输企业一件事",
        region="湖南省",
        faqs=[
            FAQ(
                question="申请普通道路货物运输车辆《道路运输证》的材料有什么", answer="营业执照、车辆行驶证。"
            )
        ],
    )
    close = [_faq_candidate(transport, "0", 0.6, 0.3)]
    assert faq_offer(close, question="道路运输证要什么材料")  # the certificate it says
    assert faq_offer(close, question="驾驶证要多少钱") == []


@pytest.mark.parametrize(
    ("name", "pair", "answer", "near", "far"),
    [
        # test data in the shape of real Hunan pairs: one sharing only an aspect word (手续), one whose answer names
        # 营业执照 among the papers for another matter (a lost document is offered only pairs on replacing it)
        (
            "农用地转用审批",
            "农用地转用手续的办理条件？",
            "符合土地利用总体规划。",
            "农用地转用手续怎么办",
            "老人去世了要办什么手续",
        ),
        (
            "档案接收",
            "怎么样才能办理档案的接收？",
            "凭营业执照副本和介绍信办理。",
            "营业执照怎么办理档案接收",
            "营业执照丢了怎么补办",
        ),
    ],
)
def test_a_near_miss_names_what_the_question_asks(
    name: str, pair: str, answer: str, near: str, far: str
) -> None:
    guide = ServiceGuide(id="g", name=name, region="湖南省", faqs=[FAQ(question=pair, answer=answer)])
    close = [_faq_candidate(guide, "0", 0.6, 0.3)]
    assert faq_offer(close, question=near)
    assert faq_offer(close, question=far) == []


def test_an_offered_official_question_picked_by_number_is_answered_from_that_pair(
    social: ServiceGuide, tmp_path: Path
) -> None:
    from retrieval.embedders import HashEmbedder

    m = build_manager([social], {}, tmp_path / "index", embedder=HashEmbedder())
    st = DialogueState(session_id="offer")
    result = SearchResult(query="q", hits=[], confident=False, confidence=0.1)
    events: list = []
    reply = m.answering._offer_faqs(
        st, [_faq_candidate(social, "9", 0.5, 0.2).candidate], "q", events, result
    )
    assert reply.choices and social.faqs[9].question in reply.choices[0]
    assert "湖南省" in reply.choices[0]  # another place's question carries its region
    assert not reply.confident  # a near miss: content staff see it
    res = m.handle(st, "1")
    assert social.faqs[9].answer[:20] in res.reply.text
    assert any(c.id == f"guide:{social.id}#faqs" for c in res.reply.citations)


def test_a_colloquial_name_counts_for_the_guide_its_formal_term_names(
    samples: dict[str, ServiceGuide],
) -> None:
    permit = next(g for g in samples.values() if g.name.startswith("居住证"))
    plain = name_cover("暂住证点样办", permit)
    formal = name_cover("暂住证点样办", permit, formal=True)
    assert formal > plain  # 暂住证 stands for 居住证, which the name has
    assert name_cover("明天彩票开什么号", permit, formal=True) == 0.0  # no word of the name, formal or not


def test_the_same_service_of_two_places_is_kept_once_the_home_one(social: ServiceGuide) -> None:
    from assistant.policy.variants import same_service_once

    home = social.model_copy(update={"id": "home-copy", "region_path": ["广东省", "广州市", "花都区"]})
    other = Candidate(social, None, None, 2)
    mine = Candidate(home, None, None, 1)
    plain = Candidate(social.model_copy(update={"id": "x", "name": "另一个事项"}), None, None, 2)
    assert same_service_once([other, mine, plain]) == [mine, plain]  # order kept, the home one stays
    # both in the home chain: the nearer one (the city's rather than the province's)
    province = Candidate(social.model_copy(update={"id": "gd", "region_path": ["广东省"]}), None, None, 1)
    city = Candidate(
        social.model_copy(update={"id": "gz", "region_path": ["广东省", "广州市"]}), None, None, 1
    )
    assert same_service_once([province, city]) == [city]


def test_a_law_s_other_articles_do_not_answer_a_bare_how_to_question() -> None:
    """ "…怎么申请" asks the process; a statute's "审查" is no telling sign, so an article retrieval did not
    return never answers on it (a Singapore PR question once got a patent article of a China-Singapore law)."""
    doc = PolicyDocument(
        id="law-p",
        title="示例知识城条例",
        articles=[
            Article(
                number="第十三条", text="推动在知识城开通专利优先审查通道，新加坡企业申请专利的，予以支持。"
            ),
            Article(number="第三十条", text="知识城加强与新加坡交流合作。"),
        ],
    )
    hit = article_hit(doc, doc.articles[1], 0.55)
    result = SearchResult(
        query="q",
        hits=[],
        confident=False,
        confidence=0.1,
        articles=[hit],
    )
    picked = best_article("新加坡永久居留怎么申请", result, lambda _id: doc)
    assert picked is None or picked[0].chunk.field != "第十三条"


def test_a_pair_sharing_only_words_most_pairs_use_is_no_near_miss() -> None:
    # test data in the shape of a real Hunan 户口 pair
    household = ServiceGuide(
        id="household",
        name="户口簿换补领",
        region="湖南省",
        faqs=[FAQ(question="户口簿换补领是否可以在线上申请？", answer="可以，登录湘易办申请。")],
    )
    close = [_faq_candidate(household, "0", 0.6, 0.3)]
    q = "屋企装修想将电表移去第二个位，有冇得网上申请？在哪里申请？"
    assert faq_offer(close, question=q)  # without the spread: it shares 申请
    spread = WordSpread(guides=10, df=Counter({"申请": 9, "户口": 1, "装修": 1}))
    assert faq_offer(close, question=q, spread=spread) == []
    assert faq_offer(close, question="户口簿换补领可以在网上申请吗", spread=spread)  # 户口: a telling word
