"""Before refusing, an unconfident search's first guide answers when it leads the next clearly and the question
says most of its name: a long, chatty question shares few of its characters with any guide, so the search's
confidence stays low even when it found the guide the question names."""

from __future__ import annotations

from pathlib import Path

from assistant.policy.answering import Answerer
from assistant.policy.evidence import Candidate
from assistant.policy.named_lead import (
    NAMED_LEAD,
    name_said,
    named_lead,
    named_most,
    said_lead,
    said_most,
    said_pick,
)
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Material, ServiceGuide, parse_time_limit
from retrieval.embedders import HashEmbedder
from retrieval.types import DocKind, Hit


def _hits(*scored: tuple[str, float]) -> list[Hit]:
    return [Hit(name, DocKind.GUIDE, name, score, []) for name, score in scored]


def test_the_share_of_a_name_a_question_says_leaves_out_its_bracketed_qualifier() -> None:
    q = "我们公司投了个省级政府采购项目，质疑后还是不服，想去省财政厅投诉，现场交材料的地址在哪？"
    assert name_said(q, "政府采购投诉处理") == 4 / 7  # 政府 府采 采购 投诉 of its seven pairs
    assert name_said(q, "政府采购投诉处理(（省级项目）)") == name_said(q, "政府采购投诉处理")
    assert name_said("今晚食咩好", "政府采购投诉处理") == 0.0


def test_a_clear_lead_the_question_names_singles_a_guide_out() -> None:
    q = "我老婆拎S2签证喺广州陪我住，想延期多阵，仲要交咩证明？"
    name = lambda h: h.title  # noqa: E731
    assert named_lead(q, _hits(("延期S2字签证", 3.6), ("换发S2字签证", 3.0)), name)
    # close scores are a choice, not a lead
    close = 3.6 * (1 - NAMED_LEAD / 2)
    assert not named_lead(q, _hits(("延期S2字签证", 3.6), ("换发S2字签证", close)), name)
    # a clear lead the question does not name is no evidence
    assert not named_lead(q, _hits(("外国人来华工作一件事", 3.6), ("换发S2字签证", 2.0)), name)
    assert not named_lead(q, _hits(("延期S2字签证", 3.6)), name)
    # the same service of another place is no rival: the lead is over the next other service
    assert named_lead(q, _hits(("延期S2字签证", 3.6), ("延期S2字签证", 3.6), ("换发S2字签证", 3.0)), name)


# sample data: authored for this test
PROCUREMENT = ServiceGuide(
    id="gd-procurement-complaint",
    name="政府采购投诉处理",
    region="广东省",
    department="示例财政厅",
    location="示例市示例路1号政务服务中心",
    promised_time_limit=parse_time_limit("30(工作日)"),
    materials=[Material(name="投诉书")],
)
OTHERS = [
    ServiceGuide(id=f"gd-other-{i}", name=name, region="广东省", department="示例部门")
    for i, name in enumerate(["食品经营许可", "特种设备使用登记", "政府信息公开申请"])
]


def test_a_chatty_question_naming_a_guide_is_answered_not_refused(tmp_path: Path) -> None:
    m = build_manager([PROCUREMENT, *OTHERS], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我们公司投了个省级政府采购项目，质疑后还是不服，想去省财政厅投诉，现场交材料的地址在哪？"
    turn = m.handle(DialogueState(session_id="w"), q)
    assert "示例市示例路1号" in turn.reply.text
    assert "guide:gd-procurement-complaint#location" in [c.id for c in turn.reply.citations]
    assert "named_lead" in [e.type for e in turn.events]


def _lawyer(id_: str, name: str, rank: int = 1) -> Candidate:
    guide = ServiceGuide(id=id_, name=name, region="广东省", department="示例司法厅")
    return Candidate(guide, Hit(id_, DocKind.GUIDE, name, 3.0, []), None, rank)


def test_of_close_guides_giving_the_same_answer_the_one_the_question_names_is_cited() -> None:
    """Both state the same time limit; the reply names its guide, so it is the one the question says clearly more
    of."""
    q = "我是大学法学老师，想在广东申请兼职律师执业，一般多久能批下来？"
    full_time = _lawyer("transfer", "专职律师执业许可(在外省转入广东省申请执业)")
    part_time = _lawyer("part-time", "兼职律师执业许可")
    part_time_city = _lawyer("part-time-gz", "兼职律师执业许可", rank=0)
    assert named_most(q, [full_time, part_time], full_time) is part_time
    assert (
        named_most(q, [full_time, part_time, part_time_city], full_time) is part_time_city
    )  # the nearer one
    assert named_most(q, [full_time, part_time], part_time) is part_time
    # what tells the names apart counts, and a pair across 的 tells nothing ("…出的公证书" says no 的公)
    notary = "我有份台湾那边出的公证书要在广东用，去哪里核验查询？"
    into = _lawyer("into-gd", "发往广东使用的台湾地区公证书查询")
    out = _lawyer("to-tw", "发往台湾地区使用的公证书查询")
    assert named_most(notary, [into, out], into) is into
    assert named_most(notary, [into, out], out) is into


def test_of_variants_giving_the_same_answer_the_one_whose_qualifier_the_question_says_is_cited() -> None:
    base = "外国公民、组织和国际组织参观未开放的文物点和考古发掘现场审批"
    citizen = _lawyer("citizen-site", base + "(外国公民参观考古发掘现场审批)")
    body = _lawyer("body-site", base + "(国际组织参观未开放的考古发掘现场审批)")
    body_spot = _lawyer("body-spot", base + "(国际组织参观未开放的文物点审批)")
    q = "有个国际组织想来广东看一个还没对外开放的考古发掘现场，报批的时候需要哪一级文物部门出意见？"
    assert named_most(q, [citizen, body, body_spot], citizen) is body
    # a question saying none of the qualifiers keeps the pick
    assert named_most("参观文物点要什么材料", [citizen, body], citizen) is citizen


def test_a_lead_whose_name_the_question_says_less_of_than_a_rival_s_is_no_named_lead() -> None:
    q = "我是大学法学老师，想在广东申请兼职律师执业，一般多久能批下来？"
    name = lambda h: h.title  # noqa: E731
    hits = _hits(("专职律师执业许可(在外省转入广东省申请执业)", 3.5), ("兼职律师执业许可", 2.4))
    assert not named_lead(q, hits, name)
    assert named_lead(q, list(reversed(_hits(("专职律师执业许可", 2.4), ("兼职律师执业许可", 3.5)))), name)


def test_a_lead_is_over_the_words_that_tell_two_names_apart() -> None:
    """The name "海域使用权收回" is short, so the question says more of its whole name; but of what tells the two apart it
    says 转让, and nothing of 收回."""
    q = "我在广州南沙有一片海域使用权，想转让给朋友的公司，想先打个电话问问规划和自然资源局，号码多少？"
    name = lambda h: h.title  # noqa: E731
    assert name_said(q, "海域使用权收回") > name_said(q, "海域使用权转让审批")
    hits = _hits(("海域使用权转让审批", 3.0), ("海域使用权收回", 2.2), ("海域使用权争议的调解", 2.2))
    assert named_lead(q, hits, name)
    # a question saying the rival's own words is no lead for the first
    said_back = "我在广州南沙有一片海域使用权，被收回了，想先打个电话问问，号码多少？"
    assert not named_lead(said_back, hits, name)


def test_of_the_same_service_of_two_places_the_named_lead_is_the_named_place_s(tmp_path: Path) -> None:
    # sample data: authored for this test
    def sea(id_: str, region: str, phone: str) -> ServiceGuide:
        return ServiceGuide(
            id=id_,
            name="海域使用权转让审批",
            region=region,
            department="示例自然资源部门",
            consult_phone=phone,
        )

    others = [
        ServiceGuide(id=f"sea-other-{i}", name=n, region="广东省", department="示例自然资源部门")
        for i, n in enumerate(["海域使用权收回", "海域使用权争议的调解", "临时海域使用权审批"])
    ]
    guides = [sea("sea-gd", "广东省", "020-11110000"), sea("sea-gz", "广东省广州市", "020-22220000"), *others]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我在广州南沙有一片海域使用权，想转让给朋友的公司，想先打个电话问问规划和自然资源局，号码多少？"
    turn = m.handle(DialogueState(session_id="sea"), q)
    assert "020-22220000" in turn.reply.text and "020-11110000" not in turn.reply.text


HUNAN = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def test_another_place_s_pair_that_does_not_fit_gives_way_to_the_named_lead(tmp_path: Path) -> None:
    """Another province's official pair on a foreigner's health papers is picked and does not fit: the guide of
    here the question names, found first by a clear lead, answers instead of a refusal."""
    hunan = [load_scenario_json(p).guides[0] for p in sorted(HUNAN.glob("*.json"))]
    # sample data: authored for this test, named like the bundled Guangzhou visa guides
    office = "示例公安局出入境管理支队"
    s2 = ServiceGuide(
        id="gz-s2-extend",
        name="延期S2字签证",
        region="广东省广州市",
        department=office,
        materials=[Material(name="有效护照或者国际旅行证件"), Material(name="具有人道原因的证明材料")],
    )
    others = [
        ServiceGuide(id=f"gz-visa-{i}", name=n, region="广东省广州市", department=office)
        for i, n in enumerate(["换发S2字签证", "延期J2字签证", "延期Q2字签证", "延期X2字签证"])
    ]
    m = build_manager([*hunan, s2, *others], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我老婆系外国人，拎S2签证喺广州陪我住，宜家佢阿妈喺度入咗院要人照顾，想延期多阵，除咗护照同相片仲要交咩证明？"
    turn = m.handle(DialogueState(session_id="s2"), q)
    assert "具有人道原因的证明材料" in turn.reply.text
    types = [e.type for e in turn.events]
    # (the 延期 asked, that S2 guide alone of the close ones serving it, picks it as surely as the lead: step_served)
    assert {"named_lead", "step_served"} & set(types) and "unanswered" not in types and "no_fit" not in types


def test_of_close_hits_the_one_whose_name_the_question_says_clearly_most_of_is_asked() -> None:
    q = "做报告要用一张广东省的标准地图，官方哪里可以下载？"
    name = lambda h: h.title  # noqa: E731
    hits = _hits(
        ("标准地图服务", 3.25), ("地质装备相关标准资料下载", 3.2), ("广东省生态环境地方标准查询", 3.03)
    )
    assert not named_lead(q, hits, name)  # no lead by score
    assert said_lead(q, hits, name) == "标准地图服务"
    # a hit scoring far below is no close rival to pick
    far = _hits(
        ("地质装备相关标准资料下载", 3.25), ("广东省生态环境地方标准查询", 3.2), ("标准地图服务", 2.0)
    )
    assert said_lead(q, far, name) is None
    # two names said alike: no pick
    alike = _hits(("标准地图服务", 3.25), ("标准地图审核", 3.2))
    assert said_lead(q, alike, name) is None


def test_a_said_lead_naming_the_matter_but_not_the_step_asked_is_no_answer() -> None:
    q = "个体户停业之后恢复营业，去税务局要交咩表格？"
    names = ["个体工商户设立登记", "用电服务暂停恢复"]
    hits = _hits((names[0], 2.6), (names[1], 2.55))
    assert said_lead(q, hits, lambda h: h.title) == names[0]  # the words say most of 个体工商户…
    cands = [_lawyer(n, n) for n in names]
    assert Answerer._said_lead(q, cands, hits) is None  # but it opens a business; the question pauses one
    assert Answerer._said_lead("想开个个体户，营业执照去哪办", cands, hits) is cands[0]


def test_of_guides_offered_as_a_choice_the_one_said_clearly_most_of_is_picked() -> None:
    """Once offered as a choice for "在广州开律师事务所审批要几天": the question says most of 律师事务所设立许可, and of
    what tells the two apart it says 设立 / 事务所, nothing of 专职 / 执业."""
    names = ["专职律师执业许可(外省律师事务所总所律师派驻广东省分所申请执业)", "律师事务所设立许可"]
    q = "在广州开律师事务所审批要几天"
    assert said_most(q, names) == "律师事务所设立许可"
    assert said_most("律师的许可审批要几天", names) is None  # said alike: still a choice
    city = _lawyer("firm-gz", "律师事务所设立许可", rank=0)
    province = _lawyer("firm-gd", "律师事务所设立许可")
    assert said_pick(q, said_most(q, names), [province, city]) is city  # the nearer place's
    assert said_pick(q, None, [province, city]) is None
