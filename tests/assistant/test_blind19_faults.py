"""Faults a blind set of unseen guides showed (blind19, read in the fifteenth session)."""

from __future__ import annotations

import pytest

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.deadline import asks_deadline, period_asked, sets_period
from assistant.nlu.groups import for_unasked_group
from assistant.nlu.normalize import canonical
from assistant.policy.candidate_filters import exam_passed
from assistant.policy.evidence import Candidate, telling_pick
from assistant.policy.faq_evidence import tells_matter
from assistant.policy.linking import asks_notary
from assistant.policy.name_words import first_time, names_whole_matter, said_first_time, without_offices
from assistant.policy.named_lead import said_lead
from assistant.policy.service_pick import told_lead, worded_lead
from assistant.policy.variants import named_place_variant, provincial_terms
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.regions import local_law_holds_in
from retrieval.types import DocKind, Hit, SearchResult
from retrieval.word_spread import WordSpread


def _guide(gid: str, name: str, region_path: list[str]) -> ServiceGuide:
    return ServiceGuide(id=gid, name=name, region=region_path[-1], region_path=region_path)


# sample data, in the shape of real variants of one provincial service and its city twin
SET_UP = _guide("set-up", "技工学校的设立审批(省属技工学校设立审批)（示例）", ["广东省"])
CLOSE = _guide("close", "技工学校的设立审批(省属技工学校终止办学)（示例）", ["广东省"])
CITY = _guide("city", "技工学校的设立审批（示例）", ["广东省", "广州市"])


def test_of_names_told_whole_the_one_holding_the_other_s_told_words_and_more_is_asked() -> None:
    cands = [Candidate(g, None, None, 1) for g in (CLOSE, CITY, SET_UP)]
    picked = told_lead("我们想在广东设立一所省属技工学校，审批承诺多少个工作日？", cands)
    assert picked is not None and picked.guide is SET_UP
    # without the qualifier's words the plain name is told whole and the qualified one is not: no variant singled
    # out by what the question does not say
    picked = told_lead("技工学校设立审批要多少个工作日？", cands)
    assert picked is not None and picked.guide is CITY


def test_names_told_alike_without_one_holding_the_others_are_still_a_choice() -> None:
    a = _guide("a", "河道采砂许可（示例）", ["广东省"])
    b = _guide("b", "河道许可审批（示例）", ["广东省"])
    cands = [Candidate(a, None, None, 1), Candidate(b, None, None, 1)]
    assert told_lead("河道采砂许可审批示例", cands) is None
    # one told whole and far more than the other still leads
    picked = told_lead("河道采砂许可示例", [Candidate(a, None, None, 1), Candidate(CITY, None, None, 1)])
    assert picked is not None and picked.guide is a


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("我们想推荐几个同事参加省里表彰，推荐材料送省统计局哪个办公室？", [Aspect.LOCATION]),
        ("材料要递去哪个窗口", [Aspect.LOCATION]),
        ("要准备的材料交哪些", [Aspect.MATERIALS]),
        ("登记时要不要所有合伙人签个说明？", [Aspect.MATERIALS]),
        ("使唔使写份承诺书", [Aspect.MATERIALS]),
        ("用地面积和楼高要在什么范围内才算中小型？", [Aspect.CONDITIONS]),
        ("点样先算困难家庭", [Aspect.CONDITIONS]),
        ("我想开个体户，需不需要交行政事业性收费？", [Aspect.FEES]),
        ("需不需要交费", [Aspect.FEES]),
        ("要不要交社保缴费证明", [Aspect.MATERIALS]),
    ],
)
def test_an_office_a_statement_signed_and_what_counts(question: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(question) == aspects


def test_the_words_asking_the_aspect_tell_no_variant() -> None:
    base = "建设工程规划许可证核发（示例）"
    choices = {
        f"{base}(社会投资类带方案出让用地的产业区块范围内工业项目)": "industrial",
        f"{base}(社会投资类中小型项目)": "small",
    }
    q = "想按社会投资类中小型项目办规划许可，用地面积和楼高要在什么范围内才算中小型？"
    assert telling_pick(q, choices) == "small"
    # a variant's own words said outside the cue still tell it
    assert telling_pick("产业区块内的工业项目要什么条件", choices) == "industrial"


def test_the_first_time_said_picks_the_first_time_variant() -> None:
    names = [
        "海域使用权初始审核、审批（示例）",
        "海域使用权初始审核、审批（示例）",
        "临时海域使用权审批（示例）",
    ]
    q = "想在广州申请一片海域做项目，第一次办海域使用权审批前想先打电话问问，号码是多少？"
    assert said_first_time(q, names) == 0
    # (two offices' twins are one variant for the plain first-time reading too)
    assert first_time("海域使用权初始审核要多久", names) == 0
    # a later step said, or no first time said, picks nothing by it
    assert said_first_time("第一次办的海域使用权证丢了，怎么补", names) is None
    assert said_first_time("办海域使用权审批要多久", names) is None
    # one name twice is no variant to pick
    assert first_time("新生儿出生一件事要多久", ["新生儿出生一件事", "新生儿出生一件事"]) is None


def test_the_named_place_s_guide_goes_before_another_place_s_variant_of_it() -> None:
    province = _guide("prov", "律师事务所联营设立许可（示例）(合伙联营设立审核)", ["广东省"])
    city = _guide("gz", "律师事务所联营设立许可（示例）", ["广东省", "广州市"])
    other = _guide("other", "律师事务所联营变更许可（示例）", ["广东省", "广州市"])
    chosen = Candidate(province, None, None, 1)
    named = Candidate(city, None, None, 0)
    assert named_place_variant(chosen, [chosen, named]) is named
    # another service of the named place is no variant of it
    assert named_place_variant(chosen, [chosen, Candidate(other, None, None, 0)]) is chosen
    # nothing named: the guide chosen stays
    assert named_place_variant(chosen, [chosen, Candidate(city, None, None, 1)]) is chosen


def test_within_how_long_one_may_apply_to_an_office_asks_the_person_s_deadline() -> None:
    assert asks_deadline("工伤的劳动能力鉴定结果我不服，多久内可以向省里申请再鉴定？")
    assert asks_deadline("多少天内要去派出所登记")
    # the office's time is no deadline of the person's
    assert not asks_deadline("向省里申请再鉴定，多久内能出结果？")
    assert not asks_deadline("再鉴定要多久")


def test_the_province_s_regulations_hold_in_its_cities_the_kb_has_no_guides_of() -> None:
    assert local_law_holds_in("广东省", "深圳市")
    assert local_law_holds_in("深圳市", "深圳市")
    # a national statute says no more of a place's own rules than a guide found; another province's none
    assert not local_law_holds_in("全国", "深圳市")
    assert not local_law_holds_in("广东省", "北京市")
    assert not local_law_holds_in(None, "深圳市")


def test_an_office_named_with_its_place_names_none_of_its_guides() -> None:
    q = "我们苗种场在广东要给鱼苗做检疫，省农业农村厅承诺几个工作日办结？"
    assert "农业农村厅" not in without_offices(q)
    assert "检疫" in without_offices(q)
    # (an office without its place, or a post, stays: it may be what is asked of)
    assert without_offices("区长信箱") == "区长信箱"
    names = [
        "广东省农业农村厅“一村一品”建设工作方案查询（示例）",
        "广东省农业农村厅“一村一品”项目库管理办法查询（示例）",
        "水产苗种检疫（示例）",
    ]
    scores = (3.3, 3.0, 2.9)
    hits = [Hit(str(i), DocKind.GUIDE, n, s, []) for i, (n, s) in enumerate(zip(names, scores, strict=True))]
    assert said_lead(q, hits, lambda h: h.title) == "水产苗种检疫（示例）"


def test_the_words_asking_the_aspect_single_out_no_variant() -> None:
    cands = [
        Candidate(_guide(str(i), n, ["广东省"]), None, None, 1)
        for i, n in enumerate(
            [
                "“一村一品”建设工作方案查询（示例）",
                "“一村一品”项目库管理办法查询（示例）",
                "“一村一品”专业村认定管理办法查询（示例）",
            ]
        )
    ]
    assert worded_lead("一村一品的东西承诺几个工作日办结？", cands) is None
    picked = worded_lead("一村一品的建设方案在哪查", cands)
    assert picked is not None and picked.guide.id == "0"


def test_a_foreign_scholar_is_a_foreigner() -> None:
    name = "外国公民参观考古发掘现场审批（示例）"
    assert not for_unasked_group(name, "有个外国学者想入广东一个考古发掘现场参观")
    assert not for_unasked_group(name, "几个外国人士想参观考古发掘现场")
    # a licence got abroad is not the person foreign
    assert for_unasked_group(name, "我在外国考了驾照，回来想参观考古发掘现场")


def test_an_exam_told_as_taken_by_the_title_it_grants() -> None:
    assert exam_passed(canonical("我考咗一级注册计量师，想喺广东市场监管局办注册，需要满足咩条件？"))
    assert not exam_passed("我考了三次注册会计师都没过")
    assert not exam_passed("我想考注册计量师，要什么条件")


def test_a_document_still_valid_is_told_not_asked_of() -> None:
    assert Aspect.VALIDITY not in detect_aspects("我改了名字，手上的护照还在有效期内，需要办什么手续？")
    assert detect_aspects("护照有效期几年") == [Aspect.VALIDITY]


def test_the_cases_of_a_guide_s_whole_matter_are_its_conditions() -> None:
    assert names_whole_matter("咩情况先可以向省自然资源厅申请临时海域使用？", "临时海域使用权审批")
    assert names_whole_matter("有个用海项目，咩情况可以免交海域使用金？", "海域使用金减免审批")
    # one case of the matter named is no whole matter: the statute listing the cases answers
    assert not names_whole_matter("什么情况下可以把住房公积金取出来", "住房公积金租房提取")


def test_a_count_of_cities_names_no_city() -> None:
    assert provincial_terms("用海项目又跨咗两个市，咩情况先可以向省自然资源厅申请？")
    assert provincial_terms("全省各市都可以向省厅申请吗")
    assert not provincial_terms("我在广州，想向省自然资源厅申请")
    assert not provincial_terms("深圳市的项目向省厅申请")


def test_an_office_named_is_searched_past_when_it_draws_its_own_pages(tmp_path) -> None:
    # sample data, in the shape of a real provincial department's 查询 pages and one of its licences
    pages = [
        ServiceGuide(
            id=f"page-{i}",
            name=f"广东省农业农村厅“一村一品、一镇一业”{topic}查询（示例）",
            region="广东省",
            region_path=["广东省"],
            department="广东省农业农村厅",
        )
        for i, topic in enumerate(("建设工作方案", "项目库管理办法", "专业村镇认定管理办法"))
    ]
    licence = ServiceGuide(
        id="pesticide",
        name="农药登记初审（示例）",
        region="广东省",
        region_path=["广东省"],
        department="广东省农业农村厅",
        promised_time_limit=TimeLimit(raw="7个工作日", value=7, unit="工作日"),
    )
    m = build_manager([*pages, licence], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我们厂新研发了一款农药制剂要报登记，广东农业农村厅那一关承诺几个工作日办完？"
    unsure = SearchResult(query=q, hits=[], confident=False, confidence=0.0)
    searched = m.answering._past_offices(q, unsure)
    assert searched is not unsure and searched.hits[0].doc_id == "pesticide"
    # a confident search, or a question naming no office, is kept as it is
    sure = SearchResult(query=q, hits=[], confident=True, confidence=0.9)
    assert m.answering._past_offices(q, sure) is sure
    assert m.answering._past_offices("农药登记要多久", unsure) is unsure
    reply = m.handle(DialogueState(session_id="s"), q).reply
    assert any(c.id.startswith("guide:pesticide#") for c in reply.citations), reply.text


def test_a_period_s_length_asked_is_set_by_the_article_naming_it() -> None:
    period = period_asked("工伤了在家养伤，停工留薪期最长多久？")
    assert period is not None and period.endswith("停工留薪期")
    assert sets_period("停工留薪期一般不超过12个月。伤情严重的，可以适当延长。", period)
    # an article naming the period without its length does not set it
    assert not sets_period("在停工留薪期内，原工资福利待遇不变，由所在单位按月支付。", period)
    # the office's time, a document's validity, an act said with 期 or a deadline's wording are no period asked
    for q in ("身份证有效期多久", "办理期限多长时间", "签证延期要多久", "停工留薪期确认多久能办好"):
        assert period_asked(q) is None, q


def test_an_article_setting_a_period_by_its_dates_sets_it() -> None:
    period = period_asked("广东的森林特别防护期是每年哪几个月？")
    assert period is not None
    assert sets_period("每年十月一日至次年四月三十日为森林特别防护期。县级以上人民政府可以提前进入。", period)


def test_a_question_word_tells_no_matter() -> None:
    # sample data, in the shape of a real Hunan 一件事 pair on how many steps a connection takes
    guide = ServiceGuide(
        id="hook-up",
        name="水电气网联合报装一件事（示例）",
        region="湖南省长沙市",
        region_path=["湖南省", "长沙市"],
        faqs=[FAQ(question="无外线工程一共几个环节？", answer="一共5个环节。")],
    )
    pair = next(p for p in guide_passages(guide) if p.field == "faq")
    c = Candidate(guide, None, ScoredPassage(pair, 0.3, 0.25, 1.0, 0.3), 2)
    # "几个" is used by few guides' pairs, yet it asks, and names nothing
    spread = WordSpread(guides=20, df={"几个": 1})
    assert not tells_matter("哺乳期有几个月", c, spread)
    assert tells_matter("联合报装有几个环节", c, WordSpread(guides=20, df={"几个": 1, "报装": 1}))


def test_notarization_typed_by_its_sound() -> None:
    assert asks_notary("出国留学要办无犯罪记录公正，几天能拿到？")
    assert asks_notary(canonical("而家要做个丧偶未再婚嘅公正，省里面去边度办？"))
    assert asks_notary("已婚公证去哪办")
    # fairness is no notarization
    assert not asks_notary("窗口办事公正吗")
    assert not asks_notary("家电补贴发券公平公正吗")
