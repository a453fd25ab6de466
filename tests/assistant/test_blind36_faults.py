"""Faults a blind set of unseen guides showed (blind36, read in the thirty-second session)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from assistant.nlu.offices import of_offices, office_said, office_singled_out
from assistant.policy.agreed_facts import office_pick
from assistant.policy.evidence import Candidate
from assistant.policy.faq_evidence import tells_matter
from assistant.policy.linking import link_service
from assistant.policy.named_lead import names_matter
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, ServiceGuide, TimeLimit
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.regions import office_there
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit, SearchResult
from retrieval.word_spread import WordSpread


def _sample(gid: str, name: str, department: str, **fields: object) -> ServiceGuide:
    """Sample data authored for these tests, in the shape of a provincial guide."""
    return ServiceGuide(
        id=gid,
        name=name,
        department=department,
        region="广东省",
        region_path=["广东省"],
        is_sample=True,
        **fields,
    )


def test_a_citys_office_of_the_province_is_covered_by_its_guides(tmp_path: Path) -> None:
    assert office_there("湛江市", "湛江示例检测院工作动态查询", "广东省示例检测研究院湛江检测院")
    assert office_there("湛江市", "工作动态查询", "广东省示例检测研究院湛江检测院")
    assert not office_there("湛江市", "揭阳示例检测院资料下载", "广东省示例检测研究院揭阳检测院")

    # sample data, in the shape of a provincial institute's branches in two cities
    guides = [
        _sample(
            "zj", "湛江示例检测院工作动态查询", "广东省示例检测研究院湛江检测院", consult_phone="0759-0000001"
        ),
        _sample(
            "jy", "揭阳示例检测院资料下载", "广东省示例检测研究院揭阳检测院", consult_phone="0663-0000002"
        ),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(
        DialogueState(session_id="z"), "湛江嗰边嘅示例检测院，想问下佢哋最近嘅工作动态，有冇电话？"
    ).reply
    # not "没有湛江市的办事指南", and not the other city's branch
    assert "没有湛江市" not in reply.text, reply.text
    assert "0759-0000001" in reply.text or "湛江示例检测院工作动态查询" in reply.choices, reply.text
    assert "揭阳" not in reply.text


def _pair_candidate(name: str, question: str, answer: str) -> Candidate:
    guide = ServiceGuide(
        id="pairs",
        name=name,
        region="湖南省",
        region_path=["湖南省", "示例县"],
        faqs=[FAQ(question=question, answer=answer)],
    )
    faq = next(p for p in guide_passages(guide) if p.field == "faq")
    return Candidate(guide, None, ScoredPassage(faq, 0.5, 0.1, 1.0, 0.5), 2)


def test_an_offered_pair_names_a_word_of_the_question_in_what_it_asks() -> None:
    # 28 guides with pairs; 大厅 / 提供 / 合法 are used by few of them, 企业 by half
    spread = WordSpread(28, Counter({"大厅": 2, "提供": 9, "办事": 6, "合法": 3, "企业": 14, "查一": 2}))
    hall = _pair_candidate(
        "开办示例企业一件事", "开办示例企业一件事有没有帮代办服务？", "可到政务服务大厅提供代办。"
    )
    q = "我是聋人，去办事大厅办业务，他们有没有义务提供手语或者文字提示？"
    # words of the answer alone tell the matter for an answer, not for a pair offered as a near miss
    assert tells_matter(q, hall, spread)
    assert not tells_matter(q, hall, spread, asked_only=True)
    # asking whether something is lawful names no matter; nor does a scenario's 一件事 make a word
    legal = _pair_candidate("企业上市合法合规信息核查一件事", "是否可查询外地企业的合法合规报告", "可以。")
    assert not tells_matter("老板话要帮我保管护照，咁样合唔合法？", legal, spread, asked_only=True)
    assert tells_matter("企业上市要的合法合规报告在哪里开？", legal, spread, asked_only=True)
    assert not tells_matter("想在网上查一家进出口企业的基本情况", legal, spread, asked_only=True)


def test_a_guide_named_only_by_words_of_asking_is_no_named_lead() -> None:
    assert not names_matter("电话咨询(（个人）)")
    assert not names_matter("网上办理")
    assert names_matter("绑定户号")
    assert names_matter("文史工作动态服务")


def test_an_office_is_named_by_its_bracketed_other_name() -> None:
    department = "广东省人民政府参事室 (广东省人民政府示例文史研究馆)"
    assert office_said("对省政府示例文史研究馆最近的活动有兴趣", department)
    assert office_singled_out("对省政府示例文史研究馆最近的活动有兴趣", department)
    assert office_said("省政府参事室电话", department)
    # a bracketed note that is no office's name adds nothing
    assert not office_said("个人业务", "广东省示例税务局（个人业务）")


def test_papers_asked_in_cantonese_and_a_limit_asked_are_read() -> None:
    assert Aspect.MATERIALS in detect_aspects("去公安厅申请嗰阵，系咪要交埋防盗设施验收嘅报告？")
    assert Aspect.MATERIALS in detect_aspects("去自然资源厅做用海预审，要交啲乜嘢图纸？")
    assert Aspect.MATERIALS in detect_aspects("现在补办资格认定，医院要开做过多少台手术的证明吗？")
    assert Aspect.CONDITIONS in detect_aspects("系咪所有用电嘅人都可以绑？有冇咩限制？")
    assert Aspect.MATERIALS not in detect_aspects("医院要开几多日先有床位？")


def test_another_offices_guide_is_no_link_beside_the_singled_out_offices() -> None:
    # test data in the shape of the real guides and the real search's scores for a question to 国家统计局广东调查总队
    office = "国家统计局广东示例调查总队"
    guides = {
        "rural": ServiceGuide(id="rural", name="农村居民收支情况查询", department=office, region="广东省"),
        "customs": ServiceGuide(
            id="customs",
            name="海关总署广东分署海关统计数据查询",
            department="海关总署广东分署",
            region="广东省",
        ),
        "urban": ServiceGuide(id="urban", name="城镇居民收支情况查询", department=office, region="广东省"),
    }
    hits = [
        Hit("rural", DocKind.GUIDE, "农村居民收支情况查询", 3.35, []),
        Hit("customs", DocKind.GUIDE, "海关总署广东分署海关统计数据查询", 3.09, []),
        Hit("urban", DocKind.GUIDE, "城镇居民收支情况查询", 3.03, []),
    ]
    result = SearchResult(query="q", hits=hits, confident=True, confidence=0.9)
    q = "写论文需要广东农民收入和支出的数据，向国家统计局广东示例调查总队申请查询要等多久？"
    linked = link_service(result, guides.get, query=q)
    assert linked.service_id != "customs" and "customs" not in linked.choices.values()
    # no office named: the customs' guide stays among the close ones
    plain = link_service(result, guides.get, query="写论文需要广东农民收入和支出的统计数据，查询要等多久？")
    assert plain.service_id == "customs" or "customs" in plain.choices.values()


def test_a_variant_for_a_later_step_gives_way_to_its_sibling_for_the_step_asked(tmp_path: Path) -> None:
    # sample data, in the shape of 专职律师执业许可's variants
    def guide(gid: str, name: str, conditions: str) -> ServiceGuide:
        return _sample(gid, name, "广东省示例司法厅", conditions=conditions)

    guides = [
        guide(
            "again",
            "示例律师执业许可(在我省注销示例律师执业证书后重新申请示例律师执业)",
            "注销满一年后可重新申请。",
        ),
        guide("first", "示例律师执业许可(申请示例执业)", "取得示例法律职业资格证书。"),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我刚拿到示例法律职业资格证书，想申请做示例律师执业，需要具备哪些条件？"
    reply = m.handle(DialogueState(session_id="s"), q).reply
    assert "取得示例法律职业资格证书" in reply.text, reply.text
    assert reply.citations and all(c.id.startswith("guide:first#") for c in reply.citations)


def test_driving_test_words_read_as_the_formal_terms() -> None:
    assert "考试预约" in expand_synonyms("学车快要约考了，想看看排期", synonym_table())
    assert "驾驶人考试" in expand_synonyms("全省驾考的安排", synonym_table())


def test_papers_named_with_the_place_asked_ask_the_place() -> None:
    assert detect_aspects("要报送同期资料，想去省税务局窗口交，地址是哪里？") == [Aspect.LOCATION]
    assert detect_aspects("要报建防空地下室，去边个窗口递材料？") == [Aspect.LOCATION]
    # papers asked for, with the place: both
    assert detect_aspects("办居住证要什么材料，在哪里办？") == [Aspect.MATERIALS, Aspect.LOCATION]
    assert detect_aspects("有哪些材料，在哪里交？") == [Aspect.MATERIALS, Aspect.LOCATION]


def _phone_candidate(gid: str, name: str, department: str, phone: str) -> Candidate:
    guide = ServiceGuide(id=gid, name=name, department=department, region="广东省", consult_phone=phone)
    passage = next(p for p in guide_passages(guide) if p.field == "phone")
    return Candidate(guide, None, ScoredPassage(passage, 0.5, 0.1, 1.0, 0.5), 1)


def test_of_several_guides_of_the_office_named_the_one_said_most_answers() -> None:
    cands = [
        _phone_candidate("centre", "省示例运输中心普通货运车辆查询", "广东省示例运输中心", "020-0000001"),
        _phone_candidate("cargo", "普通货运车辆查询", "广东省示例交通运输厅", "020-0000002"),
        _phone_candidate("oversize", "超限运输车辆跨省行驶公路审批", "广东省示例交通运输厅", "020-0000003"),
    ]
    q = "想核实一辆货车是不是正规营运的普通货车，打示例交通运输厅哪个电话可以问？"
    picked = office_pick(q, cands, [Aspect.PHONE])
    assert picked is not None and picked.guide.id == "cargo"
    # none said clearly more: no pick
    assert office_pick("打示例交通运输厅哪个电话可以问？", cands, [Aspect.PHONE]) is None
    # the same answer from both: which one is decided elsewhere
    alike = [
        cands[0],
        cands[1],
        _phone_candidate("oversize", "超限运输车辆跨省行驶公路审批", "广东省示例交通运输厅", "020-0000002"),
    ]
    assert office_pick(q, alike, [Aspect.PHONE]) is None


def test_the_singled_out_offices_own_guide_goes_before_its_units_guides(tmp_path: Path) -> None:
    assert of_offices("广东省立示例图书馆图书续借", "广东省示例文化厅", {"广东省立示例图书馆"})
    # a unit of the office is no guide of the office itself
    unit = "广东省示例农业科学院水稻研究所"
    assert not of_offices("省示例农业科学院水稻研究所科研条件查询", unit, {"广东省示例农业科学院"})

    # sample data, in the shape of an academy's and its institutes' lookups
    def days(n: int) -> TimeLimit:
        return TimeLimit(value=n, unit="工作日", raw=f"{n}（工作日）")

    units = ["水稻", "果树", "蚕桑", "茶叶", "作物"]
    guides = [
        _sample(
            f"u{k}",
            f"省示例农业科学院{u}研究所科研条件查询",
            f"广东省示例农业科学院{u}研究所",
            promised_time_limit=days(5),
        )
        for k, u in enumerate(units)
    ]
    guides.append(_sample("own", "科研条件查询", "广东省示例农业科学院", promised_time_limit=days(1)))
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "想睇下省示例农业科学院有啲乜嘢科研平台同仪器条件，查询科研条件要几耐先有回复？"
    reply = m.handle(DialogueState(session_id="a"), q).reply
    assert "1个工作日" in reply.text, reply.text
    assert reply.citations and all(c.id.startswith("guide:own#") for c in reply.citations)
