"""Faults a blind set of unseen guides showed (blind34, read in the thirtieth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.deadline import deadline_act
from assistant.nlu.intent import classify
from assistant.nlu.offices import office_said
from assistant.policy.agreed_facts import office_pick
from assistant.policy.article_filters import national_asked, term_defined
from assistant.policy.evidence import Candidate
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import FAQ, Article, PolicyDocument, ServiceGuide, TimeLimit
from retrieval.aspects import Aspect
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages


def test_asking_a_hotline_or_whether_a_complaint_is_answered_is_a_question() -> None:
    # the wish to complain told, then a question about the channel or its reply: the service or the article answers
    assert classify("我想投诉个的士司机，交通运输嘅服务监督热线系几多号？") is not Intent.COMPLAINT
    q = "在广州叫救护车遇到急救人员态度很差，想实名投诉，卫健部门会书面回复处理结果吗？"
    assert classify(q) is not Intent.COMPLAINT
    # a complaint itself still is one
    assert classify("急救人员态度很差，我要投诉") is Intent.COMPLAINT
    assert classify("窗口工作人员态度太差了，我能申请换个人办吗") is Intent.COMPLAINT


def test_an_office_is_named_without_its_place_ministry_or_legal_form() -> None:
    assert office_said("想查广东交通集团嘅招标信息", "广东省交通集团有限公司")
    assert office_said("我想查珠江水利委员会作出的行政决定书", "水利部珠江水利委员会")
    assert office_said("省民宗委的电话", "广东省民族宗教事务委员会")
    assert not office_said("想查广东交通集团嘅招标信息", "广东省交通运输厅")
    assert not office_said("想查招标信息", "广东省交通集团有限公司")


# sample data: authored for this test, in the shape of real provincial lookups of two offices
def _lookup(gid: str, name: str, department: str) -> ServiceGuide:
    return ServiceGuide(
        id=gid,
        name=name,
        department=department,
        region="广东省",
        region_path=["广东省"],
        legal_time_limit=TimeLimit(value=1, unit="工作日", raw="1（工作日）"),
        is_sample=True,
    )


def test_the_one_guide_of_the_office_named_answers(tmp_path: Path) -> None:
    guides = [
        _lookup("tender-group", "招标信息查询", "广东省示例交通集团有限公司"),
        _lookup("tender-water-win", "示例水利工程建设项目招标投标项目中标信息查询", "广东省示例水利厅"),
        _lookup("tender-water-open", "示例水利工程建设项目招标投标项目开标信息查询", "广东省示例水利厅"),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(
        DialogueState(session_id="o"), "想查示例交通集团嘅招标信息，一般几耐可以查到结果？"
    ).reply
    assert "1个工作日" in reply.text, reply.text
    assert reply.citations and all(c.id.startswith("guide:tender-group#") for c in reply.citations)


def test_the_state_asked_is_answered_by_the_national_law(tmp_path: Path) -> None:
    assert national_asked("国家对失业保险金的标准有什么规定？")
    assert not national_asked("失业保险金的标准是多少？")
    # sample data in the shape of 失业保险条例 (national) and 广东省失业保险条例
    national = PolicyDocument(
        id="law-national",
        title="示例失业保险条例",
        region="全国",
        articles=[
            Article(
                number="第十八条",
                text="失业保险金的标准，按照低于当地最低工资标准、高于城市居民最低生活保障标准的水平，由省人民政府确定。",
            )
        ],
    )
    provincial = PolicyDocument(
        id="law-gd",
        title="广东省示例失业保险条例",
        region="广东省",
        articles=[
            Article(
                number="第十九条",
                text="失业保险金按照最低工资标准的百分之九十按月计发，失业保险金标准不得低于当地城市居民最低生活保障标准。",
            )
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[provincial, national], embedder=HashEmbedder())
    reply = m.handle(
        DialogueState(session_id="n"), "国家对失业保险金的标准有什么规定，是不是要比最低工资低、比低保高？"
    ).reply
    assert "policy:law-national#第十八条" in [c.id for c in reply.citations]


def test_what_a_term_covers_is_answered_by_the_article_defining_it(tmp_path: Path) -> None:
    assert term_defined("这个培训费具体包括哪些？") == ("个培训费", "培训费", "训费")
    assert term_defined("培训费要赔多少？") == ()
    # sample data in the shape of 劳动合同法 第二十二条 and its 实施条例 第十六条
    law = PolicyDocument(
        id="law-contract",
        title="示例劳动合同法",
        region="全国",
        articles=[
            Article(
                number="第二十二条",
                text="用人单位为劳动者提供专项培训费用，对其进行专业技术培训的，可以与该劳动者订立协议，约定服务期。"
                "劳动者违反服务期约定的，应当按照约定向用人单位支付违约金。违约金的数额不得超过用人单位提供的培训费用。",
            )
        ],
    )
    rules = PolicyDocument(
        id="law-contract-rules",
        title="示例劳动合同法实施条例",
        region="全国",
        articles=[
            Article(
                number="第十六条",
                text="劳动合同法第二十二条第二款规定的培训费用，包括用人单位为了对劳动者进行专业技术培训而支付的有凭证的"
                "培训费用、培训期间的差旅费用。",
            )
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[law, rules], embedder=HashEmbedder())
    q = "公司送我去外地参加技术培训，签了服务期，说提前走要赔培训费，这个培训费具体包括哪些？"
    reply = m.handle(DialogueState(session_id="t"), q).reply
    assert [c.id for c in reply.citations] == ["policy:law-contract-rules#第十六条"]


def test_a_check_asked_is_answered_by_the_article_saying_that_check(tmp_path: Path) -> None:
    # sample data in the shape of 广东省母婴保健管理条例 第十七条 (the question's "核验" once read as a lookup asked,
    # which only an article on looking up could answer)
    law = PolicyDocument(
        id="law-maternal",
        title="广东省示例母婴保健管理条例",
        region="广东省",
        articles=[
            Article(
                number="第十七条",
                text="医疗卫生机构应当在不育夫妇建立档案、取精取卵、胚胎移植等关键环节进行实人实名核验，保障医疗安全。"
                "未经卫生健康主管部门批准，任何单位和个人不得实施人类辅助生殖技术。",
            ),
            Article(number="第十八条", text="禁止进行非医学需要的胎儿性别鉴定。"),
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    q = "在广东做试管婴儿，医院取卵、胚胎移植的时候要核验本人身份吗？没有批准的机构能做吗？"
    reply = m.handle(DialogueState(session_id="c"), q).reply
    assert "policy:law-maternal#第十七条" in [c.id for c in reply.citations]


def test_a_deadline_to_act_is_answered_by_the_statute_setting_it(tmp_path: Path) -> None:
    # where one must go is no act ("去社保经办机构办变更": the act is 办, read as the usual acts, not 社保)
    q = "公司搬了地址，社保登记信息变了，要在多少天内去社保经办机构办变更？"
    assert "社保" not in deadline_act(q)
    # sample data in the shape of 企业职工个人社会保险信息变更 (the office's time limit, no deadline in its conditions)
    # and 社会保险费征缴暂行条例 第九条
    guide = ServiceGuide(
        id="sample-si-change",
        name="示例企业社会保险登记信息变更",
        department="示例社会保险基金管理局",
        region="广东省",
        region_path=["广东省"],
        conditions="已办理社会保险登记的用人单位。",
        legal_time_limit=TimeLimit(value=1, unit="工作日", raw="1（工作日）"),
        is_sample=True,
    )
    law = PolicyDocument(
        id="law-si-fees",
        title="示例社会保险费征缴暂行条例",
        region="全国",
        articles=[
            Article(
                number="第九条",
                text="缴费单位的社会保险登记事项发生变更的，应当自变更之日起30日内，到社会保险经办机构办理变更社会保险"
                "登记手续。",
            ),
            Article(number="第十条", text="缴费单位应当按月向社会保险经办机构申报应缴纳的社会保险费数额。"),
        ],
    )
    m = build_manager([guide], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="d"), q).reply
    assert "policy:law-si-fees#第九条" in [c.id for c in reply.citations], reply.text
    # the office's own time asked is still the guide's time limit
    took = m.handle(DialogueState(session_id="e"), "示例企业社会保险登记信息变更几天能办好？").reply
    assert "1个工作日" in took.text


def test_another_provinces_pair_sharing_no_word_of_the_matter_answers_nothing(tmp_path: Path) -> None:
    # sample data in the shape of a real Hunan 水电气网联合报装 pair on phone numbers, and a provincial office's
    # message service listing its phone
    hunan = ServiceGuide(
        id="sample-hunan-utilities",
        name="水电气网联合报装一件事",
        region="湖南省",
        region_path=["湖南省"],
        faqs=[
            FAQ(
                question="是否能够提供相关市州或县城的报装咨询电话？",
                answer="在湖南省政务网站高效办成一件事栏目中可以查询到市州具体咨询电话。",
            )
        ],
        is_sample=True,
    )
    foreign_affairs = ServiceGuide(
        id="sample-fao-message",
        name="外事咨询网上留言",
        department="广东省示例外事办公室",
        region="广东省",
        region_path=["广东省"],
        consult_phone="020-81218888",
        is_sample=True,
    )
    m = build_manager([hunan, foreign_affairs], {}, tmp_path / "idx", embedder=HashEmbedder())
    for q in (
        "有外事方面的问题想咨询省外办，除了在网上留言，有没有电话可以直接打过去？",
        "楼下新开了一家诊所，我想核实它是不是正规登记的医疗机构，打哪个电话可以咨询？",
    ):
        reply = m.handle(DialogueState(session_id="f"), q).reply
        assert "报装" not in reply.text and "湖南" not in reply.text, (q, reply.text)
        assert not any(c.id.startswith("guide:sample-hunan-utilities") for c in reply.citations)
    # a question on the pair's own matter still gets it
    own = m.handle(DialogueState(session_id="g"), "报装咨询电话是多少？").reply
    assert any(c.id.startswith("guide:sample-hunan-utilities") for c in own.citations), own.text


def _candidate(gid: str, name: str, department: str, aspect: float) -> Candidate:
    guide = ServiceGuide(
        id=gid, name=name, department=department, region="广东省", online_url="https://example.invalid"
    )
    online = next(p for p in guide_passages(guide) if p.field == "online")
    return Candidate(guide, None, ScoredPassage(online, 0.5, 0.1, aspect, 0.5), 1)


def test_among_several_offices_guides_the_one_of_the_office_named_is_picked() -> None:
    # sample candidates in the shape of a clarifying question between three offices' statistics lookups
    near = [
        _candidate("customs", "示例海关统计数据查询", "示例海关总署广东分署", 1.0),
        _candidate("sport", "示例体育产业统计数据查询", "广东省示例体育局", 1.0),
        _candidate("income", "城镇居民收支情况查询", "国家统计局示例调查总队", 1.0),
    ]
    q = "我在写论文，需要城里居民每年挣多少、花多少的数据，国家统计局示例调查总队网上哪里能查？"
    picked = office_pick(q, near, [Aspect.ONLINE])
    assert picked is not None and picked.guide.id == "income"
    # no office named, or its guide silent on what is asked: no pick
    assert office_pick("城里居民每年挣多少的数据网上哪里能查？", near, [Aspect.ONLINE]) is None
    silent = [*near[:2], _candidate("income", "城镇居民收支情况查询", "国家统计局示例调查总队", 0.0)]
    assert office_pick(q, silent, [Aspect.ONLINE]) is None
