"""A refusal names what the KB lacks ("知识库里没有找到关于“驾驶证补办”的…"), and a problem told of a thing
("社保卡密码忘了") is answered only by what says that thing: not by the guide or pair of its owner's other matters,
nor by a choice between guides for the same step of another thing; moving in is not moving out, a lookup is
answered by an article on looking up, and a guide for a later step gives way to a pair on the first."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import article_hit, article_result, faq_hit, faq_result

from assistant.nlg.answer import LACKING_TEXT
from assistant.policy.evidence import Candidate, best_article, distinct_pick
from assistant.policy.faq_evidence import best_faq
from assistant.policy.linking import link_service
from assistant.policy.name_words import (
    lacking_matter,
    names_step_thing,
    problem_thing,
    step_not_served,
    steps_asked,
    tells_lapse,
    tells_problem_thing,
)
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Article, Material, PolicyDocument, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages
from retrieval.types import DocKind, Hit, SearchResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def _choose_among(tmp_path: Path, guides: list[ServiceGuide], confidence: float):
    """The guide choice among `guides`, all found close together by a confident search (the last is the weakest)."""
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    cands = [
        Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0 - i / 100, []), None, 1)
        for i, g in enumerate(guides)
    ]
    result = SearchResult(
        query="q", hits=[c.hit for c in cands if c.hit], confident=True, confidence=confidence
    )

    def choose(q: str):
        return m.answering._choose(DialogueState(session_id="c"), q, result, cands, None, [])

    return choose


@pytest.mark.parametrize(
    ("question", "matter"),
    [
        ("驾驶证丢了怎么办", "驾驶证补办"),
        ("我的驾驶证不小心弄丢了怎么办", "驾驶证补办"),
        ("我在广州市花都区的营业执照丢了", "营业执照补办"),
        ("驾驶证丢了要补办吗", "驾驶证补办"),
        ("身份证过期了怎么换", "身份证换领"),
        ("我手上的许可证快到期了，要提前多久申请延续", "许可证延续"),  # the step said outright
        ("注销营业执照要什么材料", "营业执照注销"),  # the thing after the step
        ("公司地址变更要什么材料", "公司地址变更"),
        ("社保卡密码忘了怎么办", "社保卡密码"),
        ("社保卡激活要本人去吗", "社保卡激活"),  # a card activated once held
        ("iPhone屏幕坏了去边度整最平", "iPhone屏幕"),  # a word in Latin letters is not cut
        ("丢了怎么办", None),  # nothing to name
        ("我那张440103199001011236丢了", None),  # a number is not echoed back
        ("13800138000密码忘了", None),
        ("低保怎么申请", None),
    ],
)
def test_the_matter_a_refusal_names(question: str, matter: str | None) -> None:
    assert lacking_matter(question) == matter


def test_a_problem_is_answered_only_by_what_says_its_thing_and_whose_it_is() -> None:
    assert problem_thing("查合规报告的时候密码忘了怎么办") == "密码"
    assert problem_thing("忘记密码怎么办") == "密码"
    assert problem_thing("社保卡要带什么") is None
    assert not tells_problem_thing("社保卡密码忘了怎么办", "员工录用 哪些人才能办理社会保障卡申领？")
    assert tells_problem_thing("社保卡密码忘了怎么办", "社会保障卡密码重置")
    # the password of another thing is not its owner's
    assert not tells_problem_thing("医保卡密码忘记了怎么重置", "查询企业上市合法合规报告，忘记密码怎么处理？")
    assert tells_problem_thing("社保卡坏了怎么办", "社会保障卡补换")  # the formal term of 社保卡
    assert tells_problem_thing("社保卡要带什么", "任何文字")  # no problem told
    # not how it came to harm nor the part of it: "F字签证那页浸水坏了" tells of the F字签证
    q = "护照上F字签证那页浸水坏了要换发，有没有网上申请的入口？"
    assert problem_thing(q) == "护照上F字签证"
    assert problem_thing("他护照上的R字签证不小心弄坏了要换过") == "R字签证"  # nor by what mishap
    assert tells_problem_thing(q, "换发F字签证 外国人签证证件申请表")


def test_a_lapse_in_paying_in_is_answered_only_by_what_speaks_of_paying_in() -> None:
    # the real pair once given for "社保断交了有什么影响" shares 社保 with it, nothing else
    assert not tells_lapse("社保断交了有什么影响", "哪些人才能办理社会保障卡申领？ （一）未制卡人员。")
    assert not tells_lapse("医保断缴了怎么补交", "医疗救助的支付范围包括：救助对象经基本医疗保险报销后…")
    assert tells_lapse("社保断缴了怎么办", "断缴的可以申请补缴")
    assert tells_lapse("社保卡要带什么", "任何文字")  # no lapse told


def test_a_guide_for_the_step_of_another_thing_is_not_named_by_the_question() -> None:
    assert not names_step_thing("营业执照地址变更要什么材料", "律师执业变更审核(执业类别变更)")
    assert names_step_thing("营业执照地址变更要什么材料", "企业住所地址变更登记")
    assert names_step_thing("驾照到期换证", "机动车驾驶证期满换证")  # 驾照 -> 机动车驾驶证
    assert names_step_thing("低保怎么申请", "任何名称")  # no later step asked
    # two things moved: the guide says the second
    moved = "我从外省把户口迁到花都，残疾证也要迁过来，需要开什么证明"
    assert names_step_thing(moved, "《中华人民共和国残疾人证》迁入")
    assert lacking_matter(moved) == "户口迁入"


def test_moving_in_is_not_served_by_a_guide_for_moving_out() -> None:
    assert step_not_served("户口迁到广州要什么条件", "户口迁出") == "迁到"
    assert step_not_served("残疾证也要迁过来", "《中华人民共和国残疾人证》迁出") == "迁过来"
    assert step_not_served("残疾证也要迁过来", "《中华人民共和国残疾人证》迁入") is None
    assert step_not_served("公司迁入花都", "企业迁移登记“一件事”") is None  # 迁移 serves both
    assert step_not_served("户口迁出要什么", "户口迁出") is None
    assert step_not_served("社保卡激活要本人去吗", "城乡居民社会保险费申报(（个人）)") == "激活"
    assert step_not_served("社保卡挂失去哪里", "社会保障卡补换") is None


def test_refusals_name_the_matter_and_no_other_matter_answers_it(tmp_path: Path) -> None:
    # test data with the real guides' names: changes of a lawyer's practice, none of a business licence
    lawyers = [
        ServiceGuide(id=f"lawyer{i}", name=name, region="广东省广州市", department="示例司法局")
        for i, name in enumerate(("律师执业变更审核(执业类别变更)", "律师执业变更审核(（执业类别变更）)"))
    ]
    m = build_manager(
        [*load_sample_guides(), *lawyers], load_flows(), tmp_path / "idx", embedder=HashEmbedder()
    )

    def ask(q: str):
        return m.handle(DialogueState(session_id=q), q).reply

    change = ask("营业执照地址变更要什么材料")
    assert not change.choices and not change.citations
    assert change.text == LACKING_TEXT.format(matter="营业执照地址变更")
    password = ask("社保卡密码忘了怎么办")
    assert not password.citations  # not 社会保障卡补换, which says nothing of a password
    assert "“社保卡密码”" in password.text and "12345" in password.text
    broken = ask("社保卡坏了怎么办")  # a broken card is what 社会保障卡补换 serves
    assert any("shebaoka-buhuan" in c.id for c in broken.citations)


def test_close_guides_for_the_step_of_another_thing_are_no_choice(tmp_path: Path) -> None:
    # test data with the real guides' names, once offered for "营业执照地址变更要什么材料"
    # (two variants: names told apart by their brackets only would be one service)
    lawyers = [
        ServiceGuide(id=f"lawyer{i}", name=name, region="广东省广州市", department="示例司法局")
        for i, name in enumerate(("律师执业变更审核(执业类别变更)", "律师执业变更审核(市内转所)"))
    ]
    choose = _choose_among(tmp_path, lawyers, confidence=0.9)

    assert choose("营业执照地址变更要什么材料") is None
    offered = choose("律师执业变更要什么材料")  # the thing they change: still a choice between the two
    assert offered is not None and getattr(offered, "choices", None)


def test_an_official_pair_not_saying_the_thing_of_a_problem_does_not_answer_it() -> None:
    """The real 员工录用“一件事” pair "哪些人才能办理社会保障卡申领？" shares 社保卡 with "社保卡密码忘了怎么办", not
    the password: no answer. It still answers who may apply for a card."""
    hiring = load_scenario_json(FIXTURE / "43TCP0014_changsha.json").guides[0]
    who = next(str(i) for i, f in enumerate(hiring.faqs) if "社会保障卡申领" in f.question)

    def best(q: str):
        r = faq_result(q, faq_hit(hiring, who, 0.86, {"dense_q": 0.55, "dense_a": 0.4}))
        return best_faq(q, detect_aspects(q), r, {hiring.id: hiring}.get, guide_passages, lambda _g: 2)

    assert best("社保卡密码忘了怎么办") is None
    picked = best("哪些人可以办理社会保障卡申领")
    assert picked is not None and picked.guide.id == hiring.id


def test_a_lookup_asked_is_answered_only_by_an_article_on_looking_up() -> None:
    # test data in the shape of 社会保险法: who gets a pension, and where one looks up one's record
    law = PolicyDocument(
        id="law-insurance",
        title="示例社会保险法",
        articles=[
            Article(
                number="第十六条",
                text="参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取基本养老金。",
            ),
            Article(number="第七十四条", text="个人可以向社会保险经办机构查询本人的养老金发放和缴费记录。"),
        ],
    )

    def pick(q: str, *numbers: str):
        hits = [article_hit(law, a, 0.9 - i / 10) for i, a in enumerate(law.articles) if a.number in numbers]
        found = best_article(q, article_result(q, *hits), lambda _id: law, formal_shared=True)
        return found[0].chunk.field if found else None

    assert pick("养老金怎么查", "第十六条") is None  # not the article on who gets a pension
    assert pick("养老金怎么查", "第十六条", "第七十四条") == "第七十四条"
    assert pick("养老金怎么领", "第十六条") == "第十六条"  # no lookup asked


def test_a_guide_serving_only_a_later_step_gives_way_to_a_pair_on_the_first(tmp_path: Path) -> None:
    """ "什么人可以申请办社会保障卡" asks who may get a card: the home 社会保障卡补换 serves only replacing one, the real
    长沙 pair "哪些人才能办理社会保障卡申领？" answers (labelled with its region). Asked about replacing, 补换 answers."""
    home = next(g for g in load_sample_guides() if g.name == "社会保障卡补换")
    hiring = load_scenario_json(FIXTURE / "43TCP0014_changsha.json").guides[0]
    who = next(str(i) for i, f in enumerate(hiring.faqs) if "社会保障卡申领" in f.question)
    m = build_manager([home, hiring], {}, tmp_path / "idx", embedder=HashEmbedder())
    get = {home.id: home, hiring.id: hiring}.get

    def choose(q: str):
        r = faq_result(q, faq_hit(hiring, who, 0.7, {"dense_q": 0.87, "dense_a": 0.4}), confidence=0.99)
        r.confident, r.hits = True, [Hit(home.id, DocKind.GUIDE, home.name, 4.0, [])]
        faq = best_faq(q, detect_aspects(q), r, get, guide_passages, lambda g: 1 if g.id == home.id else 2)
        assert faq is not None
        cands = [Candidate(home, r.hits[0], None, 1)]
        return m.answering._choose(DialogueState(session_id="c"), q, r, cands, faq, [])

    first = choose("什么人可以申请办社会保障卡")
    assert isinstance(first, Candidate) and first.guide.id == hiring.id
    later = choose("什么人可以申请补办社会保障卡")
    assert isinstance(later, Candidate) and later.guide.id == home.id


def test_a_notary_or_a_lookup_service_is_no_choice_for_a_question_asking_neither(tmp_path: Path) -> None:
    """Close to "个体户执照要几耐先攞到" were the home 个体工商户设立登记, a notary's 证书（执照）公证指引 and
    个体户资质查询 (guide names of the real KB): only the first is asked about, and it answers."""
    home = next(g for g in load_sample_guides() if g.name == "个体工商户设立登记")
    others = [
        ServiceGuide(id="notary", name="证书（执照）公证指引", region="广东省", department="示例公证处"),
        ServiceGuide(
            id="lookup", name="普通货运企业查询及个体户资质查询", region="广东省", department="示例交通厅"
        ),
    ]
    m = build_manager([home, *others], {}, tmp_path / "idx", embedder=HashEmbedder())
    # the real search's scores and confidence (not confident: no guide linked)
    hits = [
        Hit(g.id, DocKind.GUIDE, g.name, score, [])
        for g, score in zip([home, *others], (3.57, 2.48, 2.09), strict=True)
    ]
    m.answering.search = lambda *_a, **_k: SearchResult(
        query="q", hits=hits, confident=False, confidence=0.37
    )

    def ask(q: str):
        return m.answering.answer(DialogueState(session_id="c"), q, [], detect_aspects(q))

    reply = ask("个体户执照要多久才能拿到")
    assert reply.citations and all(home.id in c.id for c in reply.citations)
    asked = ask("个体户资质在哪里查询")  # a lookup asked: the home guide is not the answer
    assert not asked.citations or not all(home.id in c.id for c in asked.citations)


def test_close_guides_naming_little_of_the_question_are_no_choice(tmp_path: Path) -> None:
    """ "小孩读小学要什么材料" once got a choice between the real KB's three 中小学地方课程教材 reviews: none names half
    of what it asks, nor does it tell a third of their names."""
    books = [
        ServiceGuide(
            id=f"book{i}", name=f"中小学地方课程教材{step}", region="广东省", department="示例教育厅"
        )
        for i, step in enumerate(("初审", "复查", "审定"))
    ]
    choose = _choose_among(tmp_path, books, confidence=0.7)

    assert choose("小孩读小学要什么材料") is None
    offered = choose("中小学地方课程教材审查要什么材料")
    assert offered is not None


def test_changing_a_name_is_a_later_step_a_first_registration_does_not_serve(tmp_path: Path) -> None:
    assert steps_asked("我想改名字") == ["改名"] and steps_asked("孩子改姓要什么手续") == ["改姓"]
    assert step_not_served("我想改名字", "个体工商户设立登记") == "改名"
    assert step_not_served("我想改名字", "二级注册建筑师执业资格认定(二级注册建筑师个人姓名变更)") is None
    m = build_manager(load_sample_guides(), load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="n"), "我想改名字").reply
    # not 个体工商户设立登记's "个体工商户一定要起名字吗？"
    assert not any("geti-gongshanghu" in c.id for c in reply.citations)


def test_a_wish_naming_no_later_step_links_the_plain_step_not_the_guide_holding_its_words() -> None:
    # test data with the real guides' names and the real search's scores for "我要办结婚证"
    guides = {
        "wed": ServiceGuide(id="wed", name="结婚登记预约", region="广东省"),
        "lost": ServiceGuide(id="lost", name="补领结婚证预约", region="广东省"),
    }
    hits = [
        Hit("wed", DocKind.GUIDE, "结婚登记预约", 3.58, []),
        Hit("lost", DocKind.GUIDE, "补领结婚证预约", 3.44, []),
    ]
    result = SearchResult(query="q", hits=hits, confident=True, confidence=0.9)
    assert link_service(result, guides.get, query="我要办结婚证").service_id == "wed"
    assert link_service(result, guides.get, query="我要补办结婚证").service_id == "lost"


def test_the_formal_term_of_a_colloquial_word_picks_and_a_thing_lacked_names_nothing() -> None:
    # test data with the real guides' names and the real search's scores for "没有单位可以交社保吗"
    guides = {
        "flex": ServiceGuide(id="flex", name="灵活就业人员参保登记", region="广东省广州市花都区"),
        "public": ServiceGuide(id="public", name="机关事业单位基本养老保险参保人员增减变动", region="广东省"),
    }
    hits = [
        Hit("flex", DocKind.GUIDE, "灵活就业人员参保登记", 3.53, []),
        Hit("public", DocKind.GUIDE, "机关事业单位基本养老保险参保人员增减变动", 3.50, []),
    ]
    result = SearchResult(query="q", hits=hits, confident=True, confidence=0.9)
    # 单位 is what the person lacks: it does not single out 机关事业单位… (both stay close)
    lacked = link_service(result, guides.get, query="没有单位可以交社保吗")
    assert lacked.service_id is None and set(lacked.choices.values()) == {"flex", "public"}
    assert link_service(result, guides.get, query="事业单位养老保险人员增减").service_id == "public"
    # "自由职业" is 灵活就业 in the guides' words; 社保 -> 社会保险 tells the two apart no more than the
    # characters 职 and 社 do
    choices = {"灵活就业人员参保登记": "flex", "企业职工社会保险费断缴补缴申报": "arrears"}
    assert distinct_pick("自由职业者可以交社保吗", choices) == "flex"


@pytest.mark.parametrize(
    ("question", "steps"),
    [
        ("我想转户口过来花都", ["迁过来"]),
        ("户口转到广州要什么条件", ["迁到"]),
        ("转出户口要带什么", ["迁出"]),
        ("转学要什么材料", []),  # a school, not a household registration
    ],
)
def test_moving_a_household_registration_in_everyday_words_is_a_step(question: str, steps: list[str]) -> None:
    assert steps_asked(question) == steps
    if steps:  # a pair on printing the household page serves no such move
        assert step_not_served(question, "新生儿出生一件事 户口簿去哪里打印？") == steps[0]


def test_a_damaged_document_is_answered_by_the_guide_whose_name_says_it(tmp_path: Path) -> None:
    """ "F字签证那页浸水坏了要换发" tells a problem of the F字签证, which 换发F字签证 names (its texts need not repeat
    it), not of how it got wet."""
    # sample data: authored for this test
    office = "示例出入境管理支队"
    visa = ServiceGuide(
        id="f-renew",
        name="换发F字签证",
        region="广东省广州市",
        department=office,
        online_url="https://example.gov.cn/visa",
        materials=[Material(name="外国人签证证件申请表"), Material(name="有效护照")],
    )
    others = [
        ServiceGuide(id=f"v{i}", name=n, region="广东省广州市", department=office)
        for i, n in enumerate(["外国人出入境证签发", "延期F字签证", "换发M字签证"])
    ]
    m = build_manager([visa, *others], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "F字签证嗰页浸水烂咗要换发，网上申请嘅入口喺边度？"
    reply = m.handle(DialogueState(session_id="f"), q).reply
    assert "https://example.gov.cn/visa" in reply.text
    assert [c.id for c in reply.citations][:1] == ["guide:f-renew#online_url"]


def test_a_thing_the_guides_found_name_is_asked_about_not_said_to_be_missing(tmp_path: Path) -> None:
    """No guide is chosen for "R字签证…整烂咗要换过…要出咩文件", yet two found name the R字签证: the reply asks which,
    rather than say the KB has nothing on it."""
    # sample data: authored for this test, named like the bundled Guangzhou visa guides
    rows = [
        ("换发R字签证", "邀请单位出具的说明函件"),
        ("延期R字签证", "延期申请表"),
        ("办理及加注普通护照", "居民身份证"),
        ("补发普通护照办证进度查询", "受理回执"),
        ("换发M字签证", "商务函件"),
        ("延期M字签证", "商务函件"),
        ("换发F字签证", "交流访问函件"),
        ("延期F字签证", "交流访问函件"),
    ]
    guides = [
        ServiceGuide(
            id=f"v{i}",
            name=n,
            region="广东省广州市",
            department="示例出入境管理支队",
            materials=[Material(name=m)],
        )
        for i, (n, m) in enumerate(rows)
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我公司请咗个外籍专家，佢护照上嘅R字签证唔小心整烂咗要换过，除咗护照同相，我哋作为接待单位要出咩文件？"
    reply = m.handle(DialogueState(session_id="r"), q).reply
    assert reply.choices == ["换发R字签证", "延期R字签证"]
    assert "没有找到关于" not in reply.text
