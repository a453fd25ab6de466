"""Faults a blind set of unseen guides showed (blind31, read in the twenty-seventh session)."""

from __future__ import annotations

from pathlib import Path

from given_scorer import GivenScorer

from assistant.nlu.held import held_certificates
from assistant.nlu.offices import department_said, without_departments
from assistant.policy.article_reading import READ_ARTICLE, READ_OVER
from assistant.policy.evidence import Candidate
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows
from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit

# sample data: authored for this test, in the shape of a registration regulation's articles
MARRIAGE = PolicyDocument(
    id="law-sample-marriage",
    title="示例婚姻登记办法",
    articles=[
        Article(
            number="第十七条", text="结婚证遗失或者损毁的，当事人可以持户口簿、身份证向婚姻登记机关申请补领。"
        ),
        Article(number="第二十一条", text="当事人补领结婚证应当交纳工本费。"),
    ],
)


def test_a_fee_asked_keeps_the_article_stating_money_over_one_read_closer(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[MARRIAGE], embedder=HashEmbedder())
    chunks = {c.field: c for c in m.retriever.article_chunks()}
    money, where = chunks["第二十一条"], chunks["第十七条"]
    top = READ_ARTICLE + 0.03
    m.answering.paraphrase = GivenScorer({where.text: top, money.text: top - READ_OVER - 0.05})
    # "补领要唔要俾钱" got the article on where to get the certificate again, read closer by e5
    assert m.answering._read_over("我张结婚证唔见咗，去补领要唔要俾钱？", money) is None
    # a question asking no money still takes the article read clearly closer
    over = m.answering._read_over("结婚证唔见咗，去边度补领？", money)
    assert over is not None and over[0].chunk.id == where.id


def test_cantonese_things_to_hand_in_ask_the_materials() -> None:
    # "要交咩申报嘢" asked nothing, and a neighbouring city's regulation was quoted instead of the guide's papers
    assert Aspect.MATERIALS in detect_aspects("想报省级非遗传统体育类项目，要交咩申报嘢？")
    assert Aspect.MATERIALS not in detect_aspects("乜嘢时候可以报名？")


def test_the_short_name_of_industry_and_information_reads_as_its_full_name() -> None:
    # "省工信厅的政策宣讲" found 工业和信息化领域重大政策宣传 without the words to answer it
    terms = expand_synonyms("省工信厅的政策宣讲面向什么人", synonym_table())
    assert "工业和信息化" in terms and "政策宣传" in terms


def test_whether_one_must_go_to_a_window_asks_the_visits() -> None:
    assert Aspect.VISITS in detect_aspects("办居住证需不需要去窗口？")
    assert Aspect.VISITS in detect_aspects("可以网上办吗，还是必须到窗口？")
    assert Aspect.VISITS not in detect_aspects("窗口在哪里？")


def test_conditions_naming_the_ways_to_do_it_answer_whether_a_window_is_needed(tmp_path: Path) -> None:
    # sample data, in the shape of the real 规范性文件查询 guide: conditions say how it is done
    lookup = ServiceGuide(
        id="sample-rules",
        name="示例委员会规范性文件查询",
        region="广东省",
        region_path=["广东省"],
        conditions="由查询人自主登录门户网站进行查询。",
        visits=0,
        consult_phone="020-12345678",
    )
    m = build_manager([lookup], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "示例委员会规范性文件查询需不需要去窗口申请？"
    reply = m.handle(DialogueState(session_id="w"), q).reply
    # the overview was given; the conditions say it is done on the website
    assert "自主登录门户网站" in reply.text
    assert any(c.id.startswith("guide:sample-rules#conditions") for c in reply.citations)
    # a phone asked alone still gets the phone
    phone = m.handle(DialogueState(session_id="p"), "示例委员会规范性文件查询的咨询电话是多少？").reply
    assert "020-12345678" in phone.text


def test_a_certificate_held_is_said_not_asked() -> None:
    assert held_certificates("我开咗间租车铺，有营业执照，可唔可以将面包车租出去？") == ["营业执照"]
    assert held_certificates("我已经拿到了驾驶证") == ["驾驶证"]
    # asked whether one has it, lacking it, or told one must have it
    assert held_certificates("有没有营业执照都可以吗") == []
    assert held_certificates("没有营业执照怎么办") == []
    assert held_certificates("开店要有营业执照吗") == []
    assert held_certificates("办营业执照要多久") == []


def test_a_flow_issuing_the_certificate_held_is_not_answered(tmp_path: Path) -> None:
    flows = load_flows()
    getihu = next(f for f in flows.values() if "个体" in f.title)
    guide = ServiceGuide(id=getihu.service_id, name="个体工商户设立登记", process=["核发营业执照"])
    m = build_manager([guide], flows, tmp_path / "idx", embedder=HashEmbedder())
    held = "我开了间租车铺，有营业执照，可唔可以将十五座嘅面包车租出去？"
    # the flow's words (开…铺) answered with the registration's overview
    reply = m.handle(DialogueState(session_id="h"), held).reply
    assert not any(c.id.startswith(f"guide:{guide.id}") for c in reply.citations)
    # wanting to open one still gets it
    wish = m.handle(DialogueState(session_id="w"), "我想开间小铺，要办什么").reply
    assert any(c.id.startswith(f"guide:{guide.id}") for c in wish.citations)


def test_an_office_said_is_who_not_what() -> None:
    assert department_said("走私案件由黄埔海关办理", "中华人民共和国黄埔海关")
    assert not department_said("走私案件由海关办理", "中华人民共和国黄埔海关")
    q = "听讲南方联合产权交易中心有啲实物资产挂牌"
    assert without_departments(q, ["南方联合产权交易中心", None]) == "听讲有啲实物资产挂牌"
    # a short "office" is a word of what is asked too
    assert without_departments("税务怎么办", ["税务"]) == "税务怎么办"


def _office_cand(name: str, department: str, score: float) -> Candidate:
    gid = f"sample-{abs(hash(name)) % 10_000}"
    g = ServiceGuide(id=gid, name=name, department=department)
    return Candidate(guide=g, hit=Hit(gid, DocKind.GUIDE, name, score, []), best=None, rank=1)


def test_the_last_lead_reads_the_office_said_as_who_handles_it(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", embedder=HashEmbedder())
    cands = [
        _office_cand("网上信访与案件结果查询", "省检察院", 3.1),
        _office_cand("案件查询", "省法院", 2.2),
        _office_cand("刑事案件查询", "中华人民共和国黄埔海关", 2.1),
    ]
    hits = [c.hit for c in cands if c.hit is not None]
    q = "我朋友的走私案件由黄埔海关办理，想在网上查案件情况，有什么网址？"
    # a choice between other offices' 案件查询 was offered; the office said handles one of them
    lead = m.answering._last_lead(q, cands, hits)
    assert lead is not None and lead.guide.name == "刑事案件查询"
    # the office said, asking none of its services, picks nothing
    assert m.answering._last_lead("黄埔海关几点下班？", cands, hits) is None
    trade = [
        _office_cand("产股权预挂牌项目查询", "南方联合产权交易中心", 2.36),
        _office_cand("产权交易项目查询", "南方联合产权交易中心", 2.28),
        _office_cand("实验动物生产许可(变更)", "广东省科学技术厅", 2.02),
        _office_cand("实物资产信息查询", "南方联合产权交易中心", 1.93),
    ]
    hits = [c.hit for c in trade if c.hit is not None]
    q = "听讲南方联合产权交易中心有啲二手车、设备呢类实物资产挂牌，想打电话问下，号码系几多？"
    # the office's own name said 产权交易 and led to 产权交易项目查询 (the phone of which the guide does not give)
    lead = m.answering._last_lead(q, trade, hits)
    assert lead is None or lead.guide.name == "实物资产信息查询"
