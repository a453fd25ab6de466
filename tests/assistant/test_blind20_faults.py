"""Faults a blind set of unseen guides showed (blind20, read in the sixteenth session)."""

from __future__ import annotations

import pytest

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlg.passage_answer import lists_material
from assistant.nlu.groups import for_unasked_group
from assistant.nlu.intent import Intent, classify
from assistant.nlu.normalize import canonical
from assistant.policy.candidate_filters import exam_passed, past_the_exam
from assistant.policy.evidence import Candidate, distinct_pick
from assistant.policy.linking import asks_auxiliary, bare_label, is_auxiliary, link_service
from assistant.policy.name_words import sole_term_holder, step_not_served, step_thing, steps_asked, terms_held
from assistant.policy.named_lead import named_lead
from assistant.policy.service_pick import said_in_full
from assistant.policy.variants import provincial_terms, zones_unasked
from knowledge.schema import Material, ServiceGuide
from retrieval.aspects import article_aspects
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit, SearchResult


def _guide(gid: str, name: str) -> ServiceGuide:
    return ServiceGuide(id=gid, name=name, region="广东省", region_path=["广东省"])


def _hits(*scored: tuple[ServiceGuide, float]) -> SearchResult:
    hits = [Hit(g.id, DocKind.GUIDE, g.name, s, []) for g, s in scored]
    return SearchResult(query="q", hits=hits, confident=True, confidence=0.9)


def test_a_lookup_whose_matter_the_question_names_is_the_service_asked() -> None:
    # sample data, in the shape of a real provincial lookup service and a licence sharing some of its words
    # (the sample mark goes first: a lookup's name ends in 查询)
    lookup = _guide("lookup", "（示例）教师资格考试合格证明查询")
    licence = _guide("licence", "（示例）高等学校教师资格认定")
    guides = {g.id: g for g in (lookup, licence)}
    result = _hits((lookup, 3.0), (licence, 2.5))
    q = "教师资格考试合格证明想去省教育厅窗口，喺边度？"
    assert not asks_auxiliary(q) and is_auxiliary(lookup.name)
    assert link_service(result, guides.get, query=q).service_id == "lookup"
    # a question naming only what both share: the looking-up is a side service of the licence
    assert link_service(result, guides.get, query="教师资格认定要带什么材料").service_id == "licence"


def test_a_clause_ending_in_the_verb_asks_to_look_up() -> None:
    assert asks_auxiliary("教师资格考试合格证明想去省教育厅窗口查，喺边度？")
    assert not asks_auxiliary("被查，会怎样处理")


def test_an_exam_s_result_is_still_asked_after_the_exam() -> None:
    q = "教师资格考试合格证明想去省教育厅窗口查，喺边度？"
    assert exam_passed(q)
    result = Candidate(_guide("r", "教师资格考试合格证明查询（示例）"), None, None, 1)
    sign_up = Candidate(_guide("s", "教师资格考试报名（示例）"), None, None, 1)
    other = Candidate(_guide("o", "高等学校教师资格认定（示例）"), None, None, 1)
    assert [c.guide.id for c in past_the_exam(q, [sign_up, result, other])] == ["r", "o"]


def test_a_name_said_word_for_word_is_the_service_named() -> None:
    found = Candidate(_guide("found", "出版外国图书合同登记（示例）"), None, None, 1)
    named = Candidate(_guide("named", "售付汇合同登记"), None, None, 1)
    q = "我哋出版社买咗本外国书嘅版权，要去省版权局办售付汇合同登记，要唔要交引进版权合同？"
    picked = said_in_full(q, found, [found, named])
    assert picked is not None and picked.guide.id == "named"
    # the chosen one's own name said, or no name said whole: no switch
    assert said_in_full("售付汇合同登记要多久", named, [found, named]) is None
    assert said_in_full("外国书版权合同要登记吗", found, [found, named]) is None


def test_a_name_going_on_with_words_not_said_is_no_rival() -> None:
    pause = _guide("pause", "用电服务暂停（示例）")
    resume = _guide("resume", "用电服务暂停（示例）恢复")
    other = _guide("other", "用电服务暂拆（示例）")
    result = _hits((pause, 3.48), (resume, 3.33), (other, 2.24))
    names = {g.id: g.name for g in (pause, resume, other)}
    q = "店铺装修要暂停用电一段时间，办用电服务暂停可以打什么电话？"
    assert named_lead(q, result.hits, lambda h: names[h.doc_id])
    # asked to resume, the longer name is a rival again
    assert not named_lead("用电服务暂停之后想恢复，打什么电话？", result.hits, lambda h: names[h.doc_id])


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("店铺装修要暂停用电一段时间，办用电暂停可以打什么电话？", [Aspect.PHONE]),
        ("民族团体成立前审批要去哪里递材料？", [Aspect.LOCATION]),
        ("在哪里递交申请材料", [Aspect.LOCATION]),
        ("要带什么材料，去哪里交材料", [Aspect.MATERIALS, Aspect.LOCATION]),
        ("环保部门喺路边抽检我部车嘅尾气，佢哋可唔可以收我钱？", [Aspect.FEES]),
    ],
)
def test_a_span_of_time_told_where_papers_go_and_money_taken(question: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(canonical(question)) == aspects


def test_articles_stating_online_handling_or_a_time_before_something() -> None:
    assert Aspect.ONLINE in article_aspects(
        "失业人员申请领取失业保险金，可以选择政务服务平台或者到现场办理。"
    )
    assert Aspect.TIME in article_aspects("承租人需要继续承租的，应当在合同终止三个月前提出。")
    assert Aspect.ONLINE not in article_aspects("应当到婚姻登记机关办理离婚登记。")


def test_a_foreign_party_is_foreign() -> None:
    name = "外国公民、组织和国际组织参观未开放的文物点审批(外国组织参观未开放的文物点审批)"
    assert not for_unasked_group(name, "有个外国考察团想去广东一处还没对外开放的文物点参观")
    assert for_unasked_group(name, "我想去一处还没对外开放的文物点参观")


def test_a_reward_for_having_reported_is_a_service_asked() -> None:
    assert classify("我举报咗经济普查造假，省统计局审批举报有功奖励要几耐？") is Intent.SERVICE_QUESTION
    assert classify("我要举报隔壁工厂偷排污水") is Intent.COMPLAINT


def test_cantonese_as_well_and_what_it_is_not_in_brackets() -> None:
    q = canonical("我哋想新设一个对讲机中继台（唔系手机基站嗰种），系咪要交埋台站管理措施？")
    assert "手机基站" not in q and "交台站管理措施" in q
    # Mandarin words holding 埋 stay
    assert "填埋" in canonical("垃圾填埋场要办什么许可")


def test_a_body_of_the_whole_province_is_asked_of_the_province() -> None:
    assert provincial_terms("我们想成立一个全省性的少数民族联谊会，要去哪里递材料？")
    assert not provincial_terms("我们想在广州成立一个全省性的联谊会")


def test_a_term_only_one_name_holds_picks_it() -> None:
    names = [
        "（示例）驾驶证持军警驾驶证申领(现役武警持武装警察部队（摩托车）驾驶证申请机动车驾驶证)",
        "（示例）驾驶证持军警驾驶证申领(现役军人持军队（摩托车）驾驶证申请机动车驾驶证)",
        "（示例）驾驶证持军警驾驶证申领(退役军人持军队（摩托车）驾驶证申请机动车驾驶证)",
    ]
    q = canonical("我系现役军人，揸住部队发嘅摩托车驾驶证，想喺花都换返个地方驾驶证，要去边度办？")
    assert "现役军人" in terms_held(q, names[1])
    assert sole_term_holder(q, names) == 1
    # every term the question says held by several names: no pick
    assert sole_term_holder("军人的摩托车驾驶证去哪里换", names) is None


def test_terms_are_found_in_any_order() -> None:
    name = "（示例）规划许可证核发(加建、改建建筑工程《建设工程规划许可证》核发—外立面整饰)"
    held = terms_held("旧楼准备做外立面整饰，办建设工程规划许可证时要什么", name)
    assert {"外立面整饰", "建设工程规划许可证"} <= held


def test_of_variants_one_holding_a_term_said_goes_before_a_formal_term() -> None:
    stem = "建设工程规划类许可证核发（建筑类）(加建建筑工程《建设工程规划许可证》核发—"
    choices = {
        f"{stem}外立面整饰)（广东省广州市·示例局）": "facade",
        f"{stem}既有住宅增设电梯工程)（广东省广州市·示例局）": "lift",
    }
    # 旧楼's formal term 既有住宅 is in the lift variant; the facade work is said whole
    q = "南沙一栋旧楼准备做外立面整饰，办建设工程规划许可证时，需要设计单位出具结构安全说明吗？"
    assert distinct_pick(q, choices) == "facade"


@pytest.mark.parametrize(
    ("question", "asks_paper"),
    [
        ("办建设工程规划许可证时，需要设计单位出具结构安全说明吗？", True),
        ("报省里审批时要不要当地市文物部门的意见？", True),
        ("需要说明吗", False),
    ],
)
def test_a_statement_or_an_office_s_opinion_is_a_paper(question: str, asks_paper: bool) -> None:
    assert (Aspect.MATERIALS in detect_aspects(question)) is asks_paper


def test_a_licence_held_elsewhere_exchanged_here_is_served_by_the_guide_for_holders() -> None:
    q = "我是外国人，有本国的大货车驾照，在广州换领中国驾驶证能不能先在网上预约办理？"
    assert steps_asked(q) == ["换领"]
    held = "机动车驾驶证持境外驾驶证申领(境外人员持境外（大中型客货车）驾驶证申领)（示例）"
    assert step_not_served(q, held) is None
    assert step_not_served(q, "机动车驾驶证初次申领（示例）") == "换领"
    # the place said before the step says where, not what: the thing follows the step
    assert step_thing(q) == ("中国驾驶证", "换领")
    assert step_thing("在广州补办身份证要多久") == ("身份证", "补办")


def test_joining_a_firm_is_being_hired_in_a_statute_s_words() -> None:
    assert "录用" in expand_synonyms("刚入职新公司，单位应该在多少天内帮我办缴存登记？", synonym_table())


def test_the_cantonese_or_opening_the_other_choice() -> None:
    assert "？还是一定要去现场" in canonical("可唔可以网上办？定系一定要去现场？")
    # inside a clause 定系 is Mandarin
    assert canonical("被认定系工伤") == "被认定系工伤"
    assert canonical("经鉴定系统故障") == "经鉴定系统故障"


def test_a_paper_asked_with_a_de_between_its_words_is_the_one_listed() -> None:
    guide = ServiceGuide(
        id="visit",
        name="外国组织参观未开放的文物点审批（示例）",
        region="广东省",
        materials=[Material(name="申请书"), Material(name="所在市文物行政部门意见")],
    )
    assert lists_material(guide, "当地市文物部门的意见")
    assert not lists_material(guide, "当地公安部门的证明")


def test_the_speaker_s_own_firm_tells_no_variant() -> None:
    stem = "无线电台（站）的设置使用和呼号指配审批（新申请）"
    choices = {
        f"{stem}(其他无线电台（站）的设置使用审批（新申请）)": "other",
        f"{stem}(公众移动通信基站（新申请）)": "mobile",
    }
    assert distinct_pick("我哋公司想新设一个对讲机中继台，系咪要交台站管理措施？", choices) is None
    assert distinct_pick("想新设一个移动通信基站，系咪要交台站管理措施？", choices) == "mobile"


def test_a_zone_s_own_office_is_no_choice_unless_the_zone_is_named() -> None:
    def guide(gid: str, name: str, dept: str) -> Candidate:
        g = ServiceGuide(
            id=gid, name=name, region="广州市", region_path=["广东省", "广州市"], department=dept
        )
        return Candidate(g, None, None, 1)

    zone = guide("zone", "规划许可证延期使用（示例）", "广州空港经济区管理委员会")
    city = guide("city", "规划许可证延期使用（建筑）（示例）", "广州市规划和自然资源局")
    q = "我们在南沙的建设工程规划许可证快到期了，申请延期使用要批多久？"
    assert [c.guide.id for c in zones_unasked(q, [zone, city])] == ["city"]
    assert [c.guide.id for c in zones_unasked("在空港经济区申请延期使用要多久", [zone, city])] == [
        "zone",
        "city",
    ]
    # the zone's office alone is still an answer
    assert [c.guide.id for c in zones_unasked(q, [zone])] == ["zone"]


def test_a_choice_s_label_without_the_place_or_office_added_to_it() -> None:
    name = "建设工程规划类许可证核发（建筑类）(…核发—外立面整饰)"
    assert bare_label(f"{name}（广东省广州市·广州市规划和自然资源局）") == name
    assert bare_label("律师事务所设立许可（广东省）") == "律师事务所设立许可"
    # a variant's own bracket stays
    assert bare_label("台湾医师内地医师资格认定（中医）") == "台湾医师内地医师资格认定（中医）"
