"""Faults a blind set of unseen guides showed (blind28, read in the twenty-fourth session)."""

from __future__ import annotations

from pathlib import Path

from given_scorer import GivenScorer

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlg.passage_answer import asked_thing
from assistant.nlu.residue import residue
from assistant.policy.article_filters import asks_advice
from assistant.policy.article_reading import READ_ARTICLE
from assistant.policy.candidate_filters import past_the_review
from assistant.policy.evidence import Candidate, asks_office_fact, base_variant, name_told
from assistant.policy.faq_evidence import _names_another_certificate
from assistant.policy.guide_fit import GuideFit
from assistant.policy.guide_leads import GuideLeads
from assistant.policy.linking import asks_auxiliary
from assistant.policy.name_words import certificate_unnamed, step_not_served, steps_asked, synonym_table
from assistant.policy.service_pick import TOLD_LEAD, TOLD_MARGIN, close_step_server
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, Article, PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.tokenize import expand_synonyms
from retrieval.types import DocKind, Hit, SearchResult


def test_the_genre_word_of_a_notary_guide_is_not_a_word_to_tell() -> None:
    q = "我和老公准备离婚，已经签好了协议，想找省司法厅那边问问怎么给这份协议办公证，要去哪里？"
    asked = ServiceGuide(id="sample-divorce", name="离婚协议公证指引")
    wider = ServiceGuide(id="sample-divorce-property", name="离婚后财产分割及子女抚养协议公证指引")
    # "指引" held the told share of 离婚协议公证指引 under TOLD_LEAD, and a choice of four guides was offered
    assert name_told(q, asked) >= TOLD_LEAD
    assert name_told(q, asked) - name_told(q, wider) >= TOLD_MARGIN
    # the state's name in a title still tells nothing either
    card = ServiceGuide(id="sample-card", name="《中华人民共和国残疾人证》换领")
    assert name_told("残疾人证换领", card) == 1.0


def test_a_permit_name_grants_its_certificate_and_holding_one_names_none() -> None:
    q = "我们厂一直从旁边的水库抽水做生产用水，取水证快到期了要续期，像我们这样直接从水库取水的，是不是都必须持证？"
    # 取水证 is the paper 延续取水许可 grants
    assert certificate_unnamed("取水证", "延续取水许可", q) is None
    # "必须持证" says a paper is held, not which
    assert certificate_unnamed("直接从水库取水必须持证", "延续取水许可", q) is None
    # a certificate another guide does not grant is still named
    assert (
        certificate_unnamed("退役军人优待证", "机动车驾驶证申领", "退役军人优待证怎么办") == "退役军人优待证"
    )


def test_whether_one_must_hold_the_permit_asks_the_conditions() -> None:
    assert Aspect.CONDITIONS in detect_aspects("像我们这样直接从水库取水的，是不是都必须持证？")
    assert Aspect.CONDITIONS in detect_aspects("搞养殖系咪要办证")
    assert Aspect.CONDITIONS not in detect_aspects("是否需要持身份证")


def test_a_paper_asked_with_you_mei_you_inside_it_is_not_cut_there() -> None:
    q = "我们镇想在一条有船行的河度起一座永久的拦河水闸，是不是要交份评估对行船有没有影响的报告？"
    # it was read as a paper "评估对行船有", and the reply said the list did not hold it
    assert asked_thing(q) != "评估对行船有"
    assert asked_thing("要带户口本没？") == "户口本"
    assert asked_thing("需要交份无犯罪记录证明吗") == "无犯罪记录证明"


def test_a_slip_someone_issues_asked_whether_needed_asks_a_paper() -> None:
    q = "我喺医院做小肠移植手术做咗成十年，而家补办资格认定，使唔使医院开张证明写明我做过几多例？"
    assert Aspect.MATERIALS in detect_aspects(q)
    assert Aspect.MATERIALS not in detect_aspects("新店开张要几耐先批")


def _cand(name: str, score: float) -> Candidate:
    gid = f"sample-{abs(hash(name)) % 10_000}"
    g = ServiceGuide(id=gid, name=name)
    return Candidate(guide=g, hit=Hit(gid, DocKind.GUIDE, name, score, []), best=None, rank=1)


def test_a_first_review_told_as_done_is_not_the_step_asked() -> None:
    cands = [_cand(n, s) for n, s in (("中小学地方课程教材初审", 3.0), ("中小学地方课程教材审定", 2.9))]
    q = "我哋编咗套中学地方课程教材，市里面已经初审过咗，而家送去省教育厅正式审定，系咪要连埋初审通知一齐交？"
    # a choice between 初审 and 审定 was offered
    assert [c.guide.name for c in past_the_review(q, cands)] == ["中小学地方课程教材审定"]
    # a first review asked is kept
    assert len(past_the_review("教材初审要交什么", cands)) == 2
    # handed in together, asked with a question mark alone, is a paper asked
    assert Aspect.MATERIALS in detect_aspects("系咪要连埋市里嗰份通知一齐交？")


def test_the_person_or_someone_else_asked_as_a_choice_asks_who_may_go() -> None:
    q = "我考上了外地的大学要把户口迁过去，迁出手续必须本人去办，还是家里户主也可以去？"
    assert Aspect.PROXY in detect_aspects(q)
    assert Aspect.PROXY in detect_aspects("要本人去签还是我老婆去也行")
    assert Aspect.PROXY not in detect_aspects("本人去办要多久")


def test_a_long_name_the_others_hold_with_words_between_is_their_base() -> None:
    plain = "建设项目环境影响报告书审批（广东省·广东省生态环境厅）"
    choices = {plain: "plain", "海洋工程建设项目海洋环境影响报告书审批": "sea"}
    q = "我们工厂扩建，环评报告书已经交到省生态环境厅了，一般多少个工作日能批下来？"
    assert base_variant(q, choices) == "plain"
    # the words that set the other apart, said, leave the choice open
    assert base_variant("海洋工程的环评报告书多久批", choices) is None
    # a name held only letter by letter is no base ("高中教师资格认定" and 高等学校教师资格认定 beside 高级中学教师、
    # 中等职业学校…教师资格认定)
    spread = {
        "高等学校教师资格认定": "college",
        "高级中学教师、中等职业学校教师和中等职业学校实习指导教师资格认定": "high",
    }
    assert base_variant("高中教师资格认定要多长时间", spread) is None


def test_which_option_pays_off_is_advice() -> None:
    assert asks_advice("我有二十万存款，是提前还房贷划算还是拿去理财划算？")
    assert asks_advice("灵活就业交社保哪个档次更划算")
    assert not asks_advice("个人账户的钱可以提前取出来吗")


# sample data: a made-up article, authored for this test
ACCOUNTS = PolicyDocument(
    id="law-sample-accounts",
    title="示例个人账户管理办法",
    articles=[
        Article(number="第十四条", text="个人账户不得提前支取，记账利率不得低于银行定期存款利率。"),
        Article(number="第十五条", text="个人账户余额可以依法继承。"),
    ],
)


def test_advice_asked_gets_no_article_read_as_it(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[ACCOUNTS], embedder=HashEmbedder())
    m.answering.paraphrase = GivenScorer({ACCOUNTS.articles[0].text: READ_ARTICLE + 0.05})
    advice = m.handle(
        DialogueState(session_id="advice"), "我有二十万存款，是提前还房贷划算还是拿去理财划算？"
    ).reply
    # it quoted the article on 提前支取 as if it answered
    assert not advice.citations
    asked = m.handle(DialogueState(session_id="asked"), "个人账户里的钱能不能提前拿出来用？").reply
    assert [c.id for c in asked.citations] == ["policy:law-sample-accounts#第十四条"]


# sample data: another province's pair and a made-up ID-card article, authored for this test
NEWBORN = ServiceGuide(
    id="sample-newborn",
    name="新生儿出生一件事（示例）",
    region="湖南省长沙市",
    faqs=[
        FAQ(
            question="户口簿去哪里打印？需要带什么资料？",
            answer="申请人携带居民户口簿和《出生医学证明》至户籍地派出所，打印新生儿户口页。",
        )
    ],
)
ID_CARDS = PolicyDocument(
    id="law-sample-idcards",
    title="示例居民身份证办法",
    articles=[
        Article(number="第十条", text="申请领取居民身份证，应当填写申领登记表，交验居民户口簿。"),
        Article(number="第十一条", text="居民身份证有效期满的，应当换领新证。"),
    ],
)


def test_a_pair_never_naming_the_certificate_asked_for_does_not_answer(tmp_path: Path) -> None:
    m = build_manager([NEWBORN], {}, tmp_path / "idx", policies=[ID_CARDS], embedder=HashEmbedder())
    q = "我个仔满十六岁第一次办身份证，去派出所使唔使带户口簿去核对？"
    reply = m.handle(DialogueState(session_id="id"), q).reply
    # another province's pair on printing a newborn's household page answered it
    assert [c.id for c in reply.citations] == ["policy:law-sample-idcards#第十条"]
    # asked of what it says, the pair still answers
    pair = m.handle(DialogueState(session_id="pair"), "新生儿户口簿去哪里打印，要带什么？").reply
    assert [c.id for c in pair.citations] == ["guide:sample-newborn#faqs"]


def test_a_certificate_is_named_by_its_telling_characters_or_their_formal_term() -> None:
    assert _names_another_certificate(
        "第一次办身份证要带户口簿吗", "户口簿去哪里打印？携带居民户口簿和《出生医学证明》"
    )
    # 居留 of 居留证件, and 健康检查 for 体检 (the synonym table's formal term), name them
    assert not _names_another_certificate("外籍同事办居留证能不能在网上申请", "外国人居留证件网上申请")
    assert not _names_another_certificate(
        "国外的报告能拿来办体检证明吗", "办理健康证明需要哪些材料？境外健康检查原始记录…"
    )
    # no certificate asked to get: nothing to name
    assert not _names_another_certificate("户口簿去哪里打印", "新生儿户口页打印")


# sample data: another province's pair and a made-up provincial regulation, authored for this test
RELIEF_ONE_THING = ServiceGuide(
    id="sample-relief-hunan",
    name="社会救助一件事（示例）",
    region="湖南省长沙市芙蓉区",
    faqs=[
        FAQ(
            question="申请助学贷款遇到的问题",
            answer="初次申请所需材料包括：生源地贷款申请表、本人及共同借款人身份证、高校录取通知书，家庭经济困难学生认定申请表。",
        )
    ],
)
MINORITIES = PolicyDocument(
    id="law-sample-minorities",
    title="示例广东省散居少数民族权益保障办法",
    region="广东省",
    articles=[
        Article(number="第十七条", text="家境贫寒的散居各族子女入校就读，依照国家和本省规定获得扶持。"),
        Article(number="第十八条", text="散居少数民族的风俗习惯应当受到尊重。"),
    ],
)


def test_a_question_naming_here_gets_the_article_read_as_it_before_another_province_pair(
    tmp_path: Path,
) -> None:
    m = build_manager(
        [RELIEF_ONE_THING], {}, tmp_path / "idx", policies=[MINORITIES], embedder=HashEmbedder()
    )
    pair = RELIEF_ONE_THING.faqs[0]
    # e5 reads the pair close (as it does the real one) and the article closer, standing out among the articles
    m.answering.paraphrase = GivenScorer(
        {MINORITIES.articles[0].text: READ_ARTICLE + 0.05, pair.question: 0.95, pair.answer: 0.95}
    )
    q = "我是在东莞读高中的苗族学生，家里经济困难，广东对我们这样的少数民族学生有资助吗？"
    reply = m.handle(DialogueState(session_id="minority"), q).reply
    # 芙蓉区's pair on 助学贷款 answered, under "没有东莞市的指南。以下是湖南省芙蓉区的规定"
    assert [c.id for c in reply.citations] == ["policy:law-sample-minorities#第十七条"]


class _RestSearch(GuideFit):
    """GuideFit's reordering with a stand-in search of the question less its paper (an unconfident one)."""

    def __init__(self, found: list[Hit]) -> None:
        self.found = found

    def search(self, query: str, kinds: object, top_k: int = 8) -> SearchResult:
        return SearchResult(query=query, hits=self.found, confident=False, confidence=0.1)

    @staticmethod
    def residue(t: str) -> str:
        return residue(t)


def test_a_guide_naming_only_the_paper_asked_goes_behind_the_one_the_rest_finds() -> None:
    paper = Hit("sample-tax-resident", DocKind.GUIDE, "中国税收居民身份证明的开具", 3.08, [])
    public = Hit("sample-tax-public", DocKind.GUIDE, "社会公众涉税公开信息查询", 3.02, [])
    q = "我想以个人身份去税务局查一下某家公司对外公开的欠税信息，去查的时候需要带身份证吗？"
    # the search without "身份证" is unconfident, yet the guide first named only the paper asked: it went first
    # and the question was refused
    assert [h.doc_id for h in _RestSearch([public, paper])._named_first(q, [paper, public])][
        0
    ] == public.doc_id
    # a guide first that names more than the paper keeps its place
    card = Hit("sample-id-card", DocKind.GUIDE, "居民身份证换领", 3.1, [])
    assert _RestSearch([public])._named_first("身份证过期了换领要带什么证明", [card, public])[0] is card


def test_an_award_for_good_work_is_asked_in_the_guides_word() -> None:
    terms = expand_synonyms("律所推荐一位律师参评全省法律援助先进个人", synonym_table())
    assert "表彰" in terms
    assert "表彰" not in expand_synonyms("律师执业证怎么办", synonym_table())


def test_the_details_on_a_paper_changed_ask_its_change() -> None:
    assert steps_asked("检疫证已经开了，现在想改下证上面的资料，要什么条件先可以改？") == ["改资料"]
    assert steps_asked("我想改一下执照里的信息") == ["改资料"]
    assert not step_not_served("想改下证上面的资料", "出省《植物检疫证书》变更")
    assert step_not_served("想改下证上面的资料", "出省《植物检疫证书》核发") == "改资料"
    # reform is no change of a paper
    assert steps_asked("改革信息公开怎么查") == []


def test_a_change_one_close_guide_alone_serves_is_answered_by_it() -> None:
    cands = [
        _cand("引进林木种子、苗木检疫咨询", 3.14),
        _cand("出省《植物检疫证书》变更", 2.93),
        _cand("出省《植物检疫证书》核发", 2.83),
    ]
    q = "我批苗木要运出省，检疫证已经开咗，而家想改下证上面嘅资料，要咩条件先可以改？"
    # no guide was linked, and a statute on 森林植物检疫证 answered instead
    served = close_step_server(q, cands)
    assert served is not None and served.guide.name == "出省《植物检疫证书》变更"
    # two close guides serving it: a choice, not a pick
    both = [*cands, _cand("省内《植物检疫证书》变更", 2.9)]
    assert close_step_server(q, [both[0], both[1], both[3]]) is None
    # one far behind is no pick either
    assert close_step_server(q, [cands[0], _cand("出省《植物检疫证书》变更", 2.0)]) is None


class _Leads(GuideLeads, GuideFit):
    paraphrase = None


def test_a_clear_lead_most_of_whose_name_is_said_needs_no_choice() -> None:
    names = (
        "海洋系统先进集体和个人表彰",
        "对统计工作做出突出贡献、取得显著成绩的单位和个人给予表彰和奖励",
        "自然资源工程技术人才职称评审咨询",
    )
    cands = [_cand(n, s) for n, s in zip(names, (3.37, 1.72, 1.70), strict=True)]
    hits = [c.hit for c in cands if c.hit is not None]
    q = "我喺海洋系统做咗十几年，单位推荐我评先进个人，省自然资源厅审批要几耐先有结果？"
    # with 先进个人 read as 表彰, the search grew sure enough to ask which of the three; the first leads by half its
    # score and the question says most of its name: the clarifying path now answers it, as the unsure one did
    lead = _Leads()._clear_lead(q, cands, hits)
    assert lead is not None and lead.guide.name == names[0]
    # a lead whose name the question does not say is still no pick
    assert _Leads()._clear_lead("单位推荐我去评个奖，审批要几耐", cands, hits) is None


def test_travelling_on_ones_own_is_the_individual_endorsement() -> None:
    assert "个人游" in expand_synonyms("我喺网上办咗去港澳自由行嘅签注", synonym_table())
    assert "个人游" not in expand_synonyms("去香港探亲要办什么签注", synonym_table())


def test_figures_or_a_list_wanted_ask_a_lookup() -> None:
    # the province's 经济运行情况查询 was dropped from the choice as a side service, and two others were offered
    assert asks_auxiliary("我想了解全省供销社系统今年的经营数据，有没有电话可以打去省供销社问？")
    assert asks_auxiliary("想知道今年省超联赛的赛程")
    assert not asks_auxiliary("我想了解下低保")


def test_an_office_fact_is_a_time_place_phone_or_web_entry() -> None:
    assert asks_office_fact(detect_aspects("明天开车过港珠澳大桥去澳门，想先打电话问问桥上路况，有电话吗？"))
    assert asks_office_fact(detect_aspects("批临时用海要多久"))
    # a whether or a who is what statutes say too: the article keeps its place
    assert not asks_office_fact(detect_aspects("义务植树是不是人人都要去，多大年纪的要参加"))
    assert not asks_office_fact([Aspect.OVERVIEW])
