"""Faults a blind set of unseen guides showed (blind26, read in the twenty-second session)."""

from __future__ import annotations

from pathlib import Path

from given_scorer import GivenScorer

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.normalize import canonical
from assistant.policy.article_reading import READ_ARTICLE
from assistant.policy.linking import progress_lookup
from assistant.policy.name_words import lacking_matter, steps_asked
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, Article, PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.types import SearchResult


def test_the_progress_asked_picks_the_one_close_guide_that_looks_it_up() -> None:
    names = ["最低生活保障业务进度查询", "最低生活保障申请", "最低生活保障业务申请预约"]
    q = "我妈申请了低保，想在网上查查审核到哪一步了，在哪个平台能查？"
    assert progress_lookup(q, names) == 0
    assert progress_lookup("我份申请批到边一步喇？", names) == 0
    # the progress not asked: no pick ("在哪个平台申请" asks where to apply)
    assert progress_lookup("低保在哪个平台申请？", names) is None
    # two close guides look progress up: the question has to say which
    two = ["换发普通护照办证进度查询", "普通护照加注办证进度查询", "办理及加注普通护照"]
    assert progress_lookup("换了新护照，想在网上看下办到哪一步了", two) is None


# sample data: authored for this test (a made-up regulation, and a pair in the shape of a real Hunan 一件事 one)
SERVICES = PolicyDocument(
    id="law-sample-domestic",
    title="示例家政服务条例",
    articles=[
        Article(number="第十六条", text="家政服务机构应当对家政服务员进行岗前培训，培训合格后方可上岗。"),
        Article(number="第十七条", text="家政服务机构应当与家政服务员依法签订劳动合同或者服务协议。"),
    ],
)
ROADS = PolicyDocument(
    id="law-sample-roads",
    title="示例公路条例",
    articles=[Article(number="第十条", text="在公路上增设平面交叉道口，应当经公路管理机构同意。")],
)
HUNAN = ServiceGuide(
    id="hn-report",
    name="企业上市合法合规报告查询一件事（示例）",
    region="湖南省怀化市麻阳县",
    region_path=["湖南省", "怀化市", "麻阳县"],
    faqs=[FAQ(question="是否可查询外地企业的合法合规报告", answer="可以查询本省企业的报告。")],
)
Q_NANNY = "家政公司介绍过嚟嘅保姆，公司系咪一定要先畀佢做岗前培训，先可以派嚟我屋企？"


def test_an_article_read_as_asked_goes_before_offering_near_miss_pairs(tmp_path: Path) -> None:
    m = build_manager([HUNAN], {}, tmp_path / "idx", policies=[SERVICES, ROADS], embedder=HashEmbedder())
    answering = m.answering
    answering.paraphrase = GivenScorer({SERVICES.articles[0].text: READ_ARTICLE + 0.02})
    result = SearchResult(query=Q_NANNY, hits=[], confident=False, confidence=0.3)
    read = answering._read_over_pairs(DialogueState(), Q_NANNY, [Aspect.CONDITIONS], [], result)
    assert read is not None and [c.id for c in read.citations] == ["policy:law-sample-domestic#第十六条"]
    assert "岗前培训" in read.text
    # what only a guide states (a phone number) is not read from a statute
    assert answering._read_over_pairs(DialogueState(), Q_NANNY, [Aspect.PHONE], [], result) is None
    # no article standing out: the pairs are offered
    answering.paraphrase = GivenScorer({SERVICES.articles[0].text: READ_ARTICLE - 0.05})
    assert answering._read_over_pairs(DialogueState(), Q_NANNY, [Aspect.CONDITIONS], [], result) is None


def test_a_procedure_done_late_is_no_document_replaced() -> None:
    q = "我从2015年起就一直在做肾移植手术，现在要补办肾移植医生的执业资格认定，是不是要医院开一份我做过多少例手术的证明？"
    assert "补办" not in steps_asked(q)
    assert lacking_matter(q) is None  # no "现在补办" to say the KB lacks
    assert steps_asked("补办结婚登记要带什么") == []
    # a document replaced is still that
    assert steps_asked("身份证丢了怎么补办") == ["补办"]
    assert steps_asked("营业执照补办要什么材料") == ["补办"]
    assert lacking_matter("驾驶证丢了怎么补办") == "驾驶证补办"


def test_an_alumni_association_is_a_social_group_and_a_paper_someone_issues_is_asked() -> None:
    from retrieval.tokenize import expand_synonyms, synonym_table

    q = canonical(
        "我哋几个旧同学想喺省里面成立一个大学校友会，去登记嗰阵系咪要学校嗰边出份嘢，同意我哋做发起人先得？"
    )
    assert "社会团体" in expand_synonyms(q, synonym_table())
    assert detect_aspects(q) == [Aspect.MATERIALS]
    assert detect_aspects("要不要单位开一份证明") == [Aspect.MATERIALS]
    # waiting for a paper is not handing one in
    assert Aspect.MATERIALS not in detect_aspects("是不是要等一份通知")
