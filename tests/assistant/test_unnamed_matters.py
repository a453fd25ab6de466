"""A certificate, a benefit or a change the question names that no candidate's name says: no answer from the
closest guide and no choice between guides for other matters; the refusal names the certificate asked."""

from __future__ import annotations

from pathlib import Path

from answer_hits import faq_hit, faq_result

from assistant.policy.candidate_filters import name_little, without_side_services
from assistant.policy.evidence import Candidate
from assistant.policy.faq_evidence import best_faq
from assistant.policy.linking import asks_auxiliary
from assistant.policy.name_words import certificate_unnamed
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Material, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages
from retrieval.types import DocKind, Hit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def _guide(gid: str, name: str) -> ServiceGuide:
    """Test data in the shape of the real guides named (an authored department and material)."""
    return ServiceGuide(
        id=gid, name=name, region="广东省", department="示例部门", materials=[Material(name="居民身份证")]
    )


def _cands(*guides: ServiceGuide) -> list[Candidate]:
    return [
        Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0 - i / 10, []), None, 1)
        for i, g in enumerate(guides)
    ]


VETERAN_LICENCE = _guide(
    "veteran-licence", "机动车驾驶证持军警驾驶证申领(退役军人持军队（摩托车）驾驶证申请机动车驾驶证)"
)


def test_a_certificate_is_named_by_the_words_before_its_last_character() -> None:
    assert (
        certificate_unnamed("退役军人优待证", VETERAN_LICENCE.name, "退役军人优待证怎么办")
        == "退役军人优待证"
    )
    assert certificate_unnamed("退役军人驾驶证", VETERAN_LICENCE.name, "退役军人驾驶证怎么办") is None
    assert certificate_unnamed("残疾证", "《中华人民共和国残疾人证》新办证申请", "残疾证怎么办理") is None
    assert certificate_unnamed("社保卡", "社会保障卡补换", "社保卡怎么办") is None  # by its formal term
    assert certificate_unnamed("结婚证", "内地居民结婚登记", "结婚证怎么办") is None
    assert certificate_unnamed("老人高龄津贴", "残疾人两项补贴申请", "老人高龄津贴怎么申请") is None
    # a word made by leaving the question's filler out is none of its own
    assert certificate_unnamed("小孩出生后证", "新生儿出生一件事", "小孩出生后要办哪些证") is None


def test_a_licence_of_a_generic_kind_is_named_by_what_it_licenses() -> None:
    """ "食品经营许可证": 许可 is the kind of paper, 经营 which one; a 生产 licence is another."""
    asked = "食品经营许可证要什么材料"
    assert certificate_unnamed("食品经营许可证", "食品相关产品生产许可证信息", asked) == "食品经营许可证"
    assert certificate_unnamed("食品经营许可证", "食品经营许可", asked) is None
    assert (
        certificate_unnamed("道路运输经营许可证", "道路普通货物运输经营许可", "道路运输经营许可证怎么办")
        is None
    )


def test_the_words_before_a_certificate_s_last_character_name_it_only_as_a_certificate() -> None:
    # the real 人口、卫生、健康资讯 says 健康 of news, not of a 健康证
    assert certificate_unnamed("健康证", "人口、卫生、健康资讯", "健康证要多少钱") == "健康证"
    assert certificate_unnamed("健康证", "从业人员健康证明办理", "健康证要多少钱") is None
    candidates = [
        Candidate(ServiceGuide(id=n, name=n, region="广东省"), Hit(n, DocKind.GUIDE, n, 1.0, []), None, 1)
        for n in ("人口、卫生、健康资讯", "广东卫生健康年鉴下载")
    ]
    # guides not saying the certificate asked are no choice to offer
    assert name_little("健康证要多少钱", "健康证", candidates)


def test_a_how_to_of_a_certificate_the_guide_is_not_about_is_refused_by_its_name(tmp_path: Path) -> None:
    m = build_manager([VETERAN_LICENCE], {}, tmp_path / "idx", embedder=HashEmbedder())
    cand = _cands(VETERAN_LICENCE)[0]

    def reply(q: str):
        return m.answering._answer_from(DialogueState(session_id="u"), cand, detect_aspects(q), q, [], [], [])

    refused = reply("退役军人优待证怎么办")
    assert not refused.citations and "“退役军人优待证”" in refused.text and "驾驶证" not in refused.text
    answered = reply("退役军人驾驶证怎么办")
    assert answered.citations and answered.citations[0].id.startswith("guide:veteran-licence")


def test_words_of_applying_tell_nothing_of_a_guide_s_name() -> None:
    subsidy = _guide("disability", "残疾人两项补贴申请")
    pension = _guide("pension-proof", "养老保险参保缴费凭证申请")
    injury = _guide("injury", "伤残待遇申领（一次性伤残补助金、伤残津贴和生活护理费）")
    assert name_little("老人高龄津贴怎么申请", "老人高龄津贴", _cands(subsidy, injury, pension))
    assert name_little("我阿妈想申请养老院", "阿妈想申请养老院", _cands(pension))
    assert not name_little("残疾人补贴怎么申请", "残疾人补贴", _cands(subsidy, injury, pension))


def test_one_main_service_left_beside_notaries_answers_only_when_told() -> None:
    notary = _guide("notary", "不动产物权公证指引")
    entrusted = _guide("notary-entrusted", "办理动产物权委托公证指引")
    exam = _guide("valuer-exam", "房地产估价师考试报名")
    left, lone = without_side_services("房产证加名字怎么办", _cands(notary, exam, entrusted))
    assert [c.guide.id for c in left] == ["valuer-exam"] and lone is None  # one left: no choice, no answer
    left, lone = without_side_services("房地产估价师考试怎么报名", _cands(notary, exam, entrusted))
    assert lone is not None and lone.guide.id == "valuer-exam"
    vaccine = _guide("vaccine", "预防接种异常反应补偿")
    both = _cands(notary, vaccine, exam)
    left, lone = without_side_services("房产公证要什么材料", both)  # a notary asked: all stay
    assert left == both and lone is None


def test_a_pair_on_the_aspect_asked_needs_a_word_of_its_guide_s_name_said() -> None:
    """The real 开办运输企业一件事 pair "…办理流程" answers how its service is done; "开餐厅要办哪些手续" shares only the
    characters 开 and 办 with the name: no answer."""
    transport = load_scenario_json(FIXTURE / "43TCN0002_wulingyuan.json").guides[0]
    flow = next(str(i) for i, f in enumerate(transport.faqs) if f.question.endswith("办理流程"))

    def best(q: str):
        r = faq_result(q, faq_hit(transport, flow, 0.27, {"dense_q": 0.43, "dense_a": 0.3}))
        return best_faq(q, detect_aspects(q), r, {transport.id: transport}.get, guide_passages, lambda _g: 2)

    assert best("开餐厅要办哪些手续") is None
    named = best("开办运输企业要办哪些手续")
    assert named is not None and named.best is not None and named.best.passage.key == flow


def test_everyday_words_for_looking_up_ask_a_lookup() -> None:
    assert asks_auxiliary("我想查下我的社保交了多少年") and asks_auxiliary("社保记录点样查")
    assert not asks_auxiliary("社保断交了有什么影响")
