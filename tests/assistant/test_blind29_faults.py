"""Faults a blind set of unseen guides showed (blind29, read in the twenty-fifth session)."""

from __future__ import annotations

from pathlib import Path

from given_scorer import GivenScorer

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.offices import office_said
from assistant.nlu.situation import asks_may
from assistant.policy.candidate_filters import of_the_capital, of_the_grade
from assistant.policy.evidence import Candidate
from assistant.policy.guide_choice import pair_names_guide
from assistant.policy.guide_leads import NEAR_READ, GuideLeads
from assistant.policy.linking import singled_out
from assistant.policy.name_words import lacking_matter, names_step_thing, step_not_served, synonym_table
from assistant.policy.variants import provincial_terms, twin_asked
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows
from knowledge.schema import FAQ, ServiceGuide
from retrieval.aspects import cue_spans
from retrieval.embedders import HashEmbedder
from retrieval.passages import Passage, ScoredPassage
from retrieval.regions import mentioned_units
from retrieval.tokenize import expand_synonyms
from retrieval.types import DocKind, Hit, SearchResult

_ROADS = [
    "在公路上增设或者改造平面交叉道口审批(变更申请)",
    "跨越、穿越公路修建桥梁、渡槽或者架设、埋设管道、电缆等设施审批(变更申请)",
    "因修建铁路、机场、供电、水利、通信等建设工程需要占用、挖掘公路、公路用地或者使公路改线审批(变更申请)",
]


def _cand(name: str, score: float) -> Candidate:
    gid = f"sample-{abs(hash(name)) % 10_000}"
    g = ServiceGuide(id=gid, name=name)
    return Candidate(guide=g, hit=Hit(gid, DocKind.GUIDE, name, score, []), best=None, rank=1)


def test_when_the_step_is_done_or_a_hedge_is_no_thing_it_is_done_to() -> None:
    q = "之前已经批了，现在施工方案要改，去报变更那阵需不需要交一份应急方案？"
    name = "在公路周边一定范围内因抢险、防汛需要修筑堤坝、压缩或者拓宽河床许可(变更申请)"
    # "那阵" was read as the thing changed, so no guide named it and the question was refused
    assert names_step_thing(q, name)
    assert lacking_matter(q) is None
    assert lacking_matter("管道之前批过，去交通厅申请变更大概要几个工作日") is None
    # a thing said after the step still names it
    assert lacking_matter("注销营业执照要什么材料") == "营业执照注销"


def test_a_preposition_before_a_word_all_names_share_sets_none_apart() -> None:
    q = "我们燃气公司埋在公路底下的管道之前已经批过，现在施工方案要调整，去交通厅申请变更大概要几个工作日办完？"
    # "在公" of "埋在公路" matched "在公路上增设…" only by its 在, and a choice of two was offered
    assert singled_out(cue_spans(q), _ROADS, formal=False) == 1
    # a word beginning with 在 still tells a variant
    assert (
        singled_out("我是在职人员", ["社保参保登记(在职人员)", "社保参保登记(退休人员)"], formal=False) == 0
    )


def test_the_tail_holding_more_of_the_words_asked_is_the_variant() -> None:
    stem = "对艺术工作业绩突出的艺术创作、演出、展览、教育、科研机构和个人进行表彰、奖励"
    names = [
        f"{stem}(对艺术演出业绩突出的机构进行表彰奖励)",
        f"{stem}(对艺术演出业绩突出的个人进行表彰奖励)",
        f"{stem}(对艺术展览业绩突出的机构进行表彰奖励)",
        f"{stem}(对艺术创作业绩突出的机构进行表彰奖励)",
    ]
    q = "我们是公办粤剧团，想申报省文旅厅对演出机构的表彰奖励，要不要交事业单位法人证书？"
    assert singled_out(cue_spans(q), names, formal=False) == 0
    # one word the stem says too sets no tail apart ("注册上面的名都改" is no 重新注册)
    pair = [
        "二级注册建筑师执业资格认定(二级注册建筑师个人姓名变更)",
        "二级注册建筑师执业资格认定(二级注册建筑师重新注册)",
    ]
    assert singled_out("想将注册上面的名都改", pair, formal=False) is None


def test_the_variant_the_question_names_answers_an_unsure_search() -> None:
    stem = "对广东省艺术节的表彰奖励"
    cands = [
        _cand(f"{stem}(舞美设计表彰奖励)", 3.38),
        _cand(f"{stem}(舞剧类表彰奖励)", 2.88),
        _cand(f"{stem}(编剧表彰奖励)", 2.63),
        _cand(f"{stem}(话剧类表彰奖励)", 2.63),
    ]
    hits = [c.hit for c in cands if c.hit is not None]
    q = "我们剧团的舞美设计想报名参加省艺术节的评奖，报材料的时候是不是还要交剧团的营业性演出许可证？"
    lead = GuideLeads._variant_said(q, cands, hits)
    assert lead is not None and lead.guide.name.endswith("(舞美设计表彰奖励)")
    q = "我们话剧团把新排的戏报上去参加省艺术节评奖了，从申报到评出结果一般要等多长时间？"
    lead = GuideLeads._variant_said(q, cands, hits)
    assert lead is not None and lead.guide.name.endswith("(话剧类表彰奖励)")
    # a word of one variant alone, the service unsaid, is no pick
    fire = [
        _cand("火灾事故认定复核(对支队作出的一般火灾事故认定的复核)", 3.0),
        _cand("火灾事故认定复核(对总队作出的较大火灾事故认定的复核)", 2.9),
    ]
    assert (
        GuideLeads._variant_said("煲老火汤一般要煲几耐先够火候？", fire, [c.hit for c in fire if c.hit])
        is None
    )


def test_the_candidate_whose_name_is_said_clearly_most_needs_no_choice() -> None:
    cands = [
        _cand("注册测绘师考试报名", 3.64),
        _cand("医师、助理医师资格考试的报名资格审核", 2.81),
        _cand("注册设备监理师考试报名", 2.55),
    ]
    q = "我报名注册测绘师考试，资格审核那里有点问题，要到现场找人社厅的人处理，具体地址在哪里？"
    lead = GuideLeads._said_among(q, cands)
    assert lead is not None and lead.guide.name == "注册测绘师考试报名"
    assert GuideLeads._said_among("考试报名的地址在哪里", cands) is None
    # a short name said by two words is no pick ("有没有咨询电话" and 电话咨询(（个人）))
    phones = [_cand("电话咨询(（个人）)", 3.0), _cand("建设工程规划类许可证核发（建筑类）", 2.8)]
    assert GuideLeads._said_among("空港经济区那边旧住宅加装电梯的规划审批，有没有咨询电话", phones) is None


def test_going_down_to_the_villages_is_no_township() -> None:
    assert mentioned_units("今年落乡演出成绩不错，想申报表彰") == []
    assert mentioned_units("我在新华镇住") == ["新华镇"]


def test_a_web_page_asked_is_the_online_entry() -> None:
    assert Aspect.ONLINE in detect_aspects("生态环境厅有没有网页可以看空气质量预报？")


def test_details_said_before_the_change_ask_a_change() -> None:
    q = "单位搬了地方，使用许可证上的信息要去科技厅改，还要不要交营业执照？"
    assert step_not_served(q, "实验动物使用许可(变更)") is None
    assert step_not_served(q, "实验动物使用许可(新申请)") is not None
    assert step_not_served("信息化建设项目备案要什么材料", "信息化建设项目备案") is None


def test_papers_handed_in_before_a_wait_ask_no_paper() -> None:
    q = "我申请当专职律师，材料交上去以后司法厅一般多久能批下来？"
    assert detect_aspects(q) == [Aspect.TIME]
    assert detect_aspects("交完材料几天能拿证") == [Aspect.TIME]
    assert Aspect.MATERIALS in detect_aspects("交齐材料后还要带身份证吗")
    assert detect_aspects("材料交到哪个窗口") == [Aspect.LOCATION]


def test_taking_something_down_is_its_removal() -> None:
    assert "拆除" in expand_synonyms("码头停用了想把航标拆掉", synonym_table())


def test_a_guide_of_here_the_pair_is_about_goes_before_another_places_pair() -> None:
    name = "科技成果转化暂不征收个人所得税备案"
    here = [_cand(name, 3.79), _cand(f"{name}(（个人）)", 3.54)]
    for c in here:
        c.guide.location = "广州市天河区体育东路160号平安大厦10楼"
    pair = FAQ(
        question=f"{name}办理地址如何查找？", answer="可通过办税服务厅办理，具体地点可从当地税务局网站查询。"
    )
    onething = ServiceGuide(id="sample-onething", name="科技成果转化“一件事”", faqs=[pair])
    passage = Passage("sample-onething", DocKind.GUIDE, "faq", "0", pair.question, pair.answer)
    faq = Candidate(guide=onething, hit=None, best=ScoredPassage(passage, 1.0, 0.5, 1.0, 1.0), rank=2)
    q = "单位拿科技成果作价入股奖励了我一部分股权，想办暂时不交个人所得税的备案，要去税务局哪里办？"
    # the 长沙 pair answered with its own city's tax office; the province's guide states the address here
    picked = pair_names_guide(q, here, faq, [Aspect.LOCATION])
    assert picked is not None and picked.guide.name == name
    # a question saying little of the guide's name keeps the pair
    assert pair_names_guide("地址如何查找？", here, faq, [Aspect.LOCATION]) is None
    # nor does a guide silent on what is asked go before the pair stating it ("备案表是给谁填的")
    assert pair_names_guide(q, here, faq, [Aspect.CONDITIONS]) is None


def test_an_office_said_by_its_short_name_is_named() -> None:
    q = "我们寺庙想请省民宗委的人来同信众讲下宗教政策法规，地址在哪里？"
    # the two guides of 广东省民族宗教事务委员会 state one address, but the office was not read as named
    assert office_said(q, "广东省民族宗教事务委员会")
    assert office_said("人社厅的电话是多少", "广东省人力资源和社会保障厅")
    assert not office_said("人社厅的电话是多少", "广东省交通运输厅")


class _Leads(GuideLeads):
    def __init__(self, scorer: GivenScorer) -> None:
        self.paraphrase = scorer  # type: ignore[assignment]


def test_a_near_miss_read_close_is_offered_instead_of_a_refusal() -> None:
    cands = [
        _cand("电话咨询(（个人）)", 2.41),
        _cand("电话咨询(（企业）)", 2.41),
        _cand("省作协期刊查询", 2.24),
    ]
    hits = [c.hit for c in cands if c.hit is not None]
    q = "我写了篇散文想投去省作协办的文学杂志，想打电话问下他们有什么刊物，电话多少号？"
    near = _Leads(GivenScorer({"省作协期刊查询": NEAR_READ + 0.005}))._near_reads(q, cands, hits)
    assert [c.guide.name for c in near] == [c.guide.name for c in cands]
    # read less close: the refusal stands
    assert not _Leads(GivenScorer({"省作协期刊查询": NEAR_READ - 0.006}))._near_reads(q, cands, hits)
    # read close, but none of its name said ("附近有什么好吃的饭店")
    assert not _Leads(GivenScorer({"省作协期刊查询": 0.93}))._near_reads("附近有什么好吃的饭店", cands, hits)


def test_the_choice_offered_for_a_near_miss_says_where_to_ask(tmp_path: Path) -> None:
    cands = [_cand("省作协期刊查询", 2.4), _cand("电话咨询(（个人）)", 2.3)]
    m = build_manager([c.guide for c in cands], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "想打电话问下省作协有什么刊物"
    result = SearchResult(query=q, hits=[], confident=False, confidence=0.0)
    st = DialogueState(session_id="near")
    reply = m.answering._read_or_refuse(st, q, [], result, [Aspect.PHONE], None, cands)
    assert reply.choices == ["省作协期刊查询", "电话咨询(（个人）)"]
    assert "12345" in reply.text and not reply.confident
    assert st.pending_choices  # a pick answers from that guide
    refused = m.answering._read_or_refuse(
        DialogueState(session_id="far"), q, [], result, [Aspect.PHONE], None
    )
    assert not refused.choices and "12345" in refused.text


def test_whether_ones_case_qualifies_asks_the_conditions() -> None:
    # a long may-question and a whether-covered one got the overview
    assert asks_may("我大专毕业，也没有会计职称，能报名参加注册会计师考式的专业阶段吗？")
    assert asks_may("买卖有些水生野生动物制品要省里审核，红珊瑚算不算在里面？")
    assert asks_may("深圳的企业适不适用？")
    assert not asks_may("红珊瑚饰品要交什么材料")
    assert not asks_may("买卖水生野生动物制品的审核要多久？")


def test_a_guide_of_another_grade_is_no_candidate() -> None:
    second = _cand("二级注册结构工程师执业资格注册核准（注销注册）", 3.95)
    first = _cand("一级注册结构工程师和其他专业勘察设计工程师注销注册", 3.78)
    plain = _cand("勘察设计注册工程师注销注册", 3.5)
    q = "我是一级注册结构工程师，现在要注销注册，可注册证书几年前搬家时弄丢了"
    assert of_the_grade(q, [second, first, plain]) == [first, plain]
    # no grade said: all stay; only another grade's left: it stays
    assert of_the_grade("注册结构工程师怎么注销", [second, first]) == [second, first]
    assert of_the_grade(q, [second]) == [second]


def test_a_domestic_capital_guide_is_no_candidate_for_a_foreign_firm() -> None:
    domestic = _cand("内资股份有限公司设立登记", 3.0)
    foreign = _cand("外商投资有限责任公司设立登记", 2.8)
    q = "我是香港人，打算在广东注册一家外资的有限公司，登记时要不要提供场地使用证明？"
    assert of_the_capital(q, [domestic, foreign]) == [foreign]
    assert of_the_capital("注册一家有限公司要什么材料", [domestic, foreign]) == [domestic, foreign]


def test_a_department_called_ting_is_the_provinces() -> None:
    city = ServiceGuide(
        id="sample-city",
        name="专职律师执业许可(（国资律师事务所占编人员申请执业（材料依据同申请专职执业））)",
        region="广东省广州市",
        department="广州市司法局",
    )
    province = ServiceGuide(
        id="sample-province",
        name="专职律师执业许可(国资律师事务所占编人员申请执业（材料依据同申请专职执业）)",
        region="广东省",
        department="广东省司法厅",
    )
    cands = [Candidate(guide=g, hit=None, best=None, rank=1) for g in (city, province)]
    q = "我在国资律师事务所有编制，申请当专职律师，材料交上去以后司法厅一般多久能批下来？"
    assert provincial_terms(q)
    assert not provincial_terms("去政务服务大厅办要多久")
    # names told apart by their brackets only are twins: the province's answers a question to a 厅
    assert twin_asked(q, cands[0], cands).guide.id == "sample-province"
    assert twin_asked("申请当专职律师要多久", cands[0], cands).guide.id == "sample-city"


def test_a_booking_asked_goes_to_the_booking_service_not_the_flows(tmp_path: Path) -> None:
    flow_guide = ServiceGuide(
        id="sample-huadu-dibao-shenqing", name="最低生活保障申请", region="广东省广州市花都区"
    )
    booking = ServiceGuide(id="sample-dibao-booking", name="最低生活保障业务申请预约", region="广东省")
    m = build_manager([flow_guide, booking], load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    hits = [
        Hit(booking.id, DocKind.GUIDE, booking.name, 3.3, []),
        Hit(flow_guide.id, DocKind.GUIDE, flow_guide.name, 2.7, []),
    ]
    q = "我妈失业以后家里就没收入了，想预约申请低保，有没有电话可以先打过去问问？"
    # the flow's curated words (申请低保) took the question to 最低生活保障申请 and its phone 12345
    assert m.answering._flow_guide(q, [], hits) is None
    picked = m.answering._flow_guide("我妈失业以后家里没收入了，想申请低保，有没有电话可以问问？", [], hits)
    assert picked is not None and picked.id == flow_guide.id
