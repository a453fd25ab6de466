"""Places in the answer path: a county's guide is one of the city that holds it, the official answer of the place
a person names goes before a statute or another place's guide, and a guide about matters abroad answers a question
that names a foreign country (real Hunan 一件事 guides, authored samples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import faq_hit, faq_result

from assistant.policy.evidence import Candidate
from assistant.policy.faq_evidence import best_faq
from assistant.policy.service_pick import same_destination
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages
from retrieval.regions import HOME_REGION_DEFAULT, about_abroad, enclosing_units, matches_place, region_rank

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


def _guide(name: str) -> ServiceGuide:
    return load_scenario_json(FIXTURE / name).guides[0]


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory):
    guides = [
        _guide(n) for n in ("43TCP0006_liling.json", "43PCP0004_hengyang.json", "43PCP0015_tianxin.json")
    ]
    law = PolicyDocument(
        id="law-unemployment",
        title="示例失业保险条例",
        articles=[
            Article(
                number="第十四条",
                text="具备下列条件的失业人员，可以领取失业保险金：(一)按照规定参加失业保险，所在单位和本人已按照规定"
                "履行缴费义务满1年的；(二)非因本人意愿中断就业的；(三)已办理失业登记，并有求职要求的。",
            )
        ],
    )
    return build_manager(
        [*guides, *load_sample_guides()],
        load_flows(),
        tmp_path_factory.mktemp("idx"),
        policies=[law],
        embedder=HashEmbedder(),
    )


def test_a_county_s_guide_is_one_of_the_city_that_holds_it(manager) -> None:
    liling = ("湖南省", "醴陵市")
    assert enclosing_units(liling) == {"株洲市"}
    assert matches_place(liling, "株洲市") and matches_place(liling, "株洲")
    assert not matches_place(liling, "长沙市")
    assert region_rank(liling, HOME_REGION_DEFAULT, ["株洲市"]) == 0
    assert region_rank(("广东省", "广州市", "花都区"), HOME_REGION_DEFAULT, ["株洲市"]) == 2
    # a district name used in several provinces counts only under the path's own province
    assert enclosing_units(("陕西省", "新城区")) == {"西安市"}
    # the KB covers 株洲市 through its 醴陵市 guide
    assert manager.answering._kb_covers("株洲市")
    assert not manager.answering._kb_covers("岳阳市")


def test_the_official_answer_of_the_place_named_goes_before_the_statute(manager) -> None:
    local = manager.handle(DialogueState(session_id="p1"), "天心区领失业保险金要什么条件").reply
    assert [c.id for c in local.citations] == ["guide:43PCP0015125J0103#faqs"]
    assert "天心区" in local.text and "失业前用人单位" in local.text
    # no place named: the statute, which applies everywhere
    national = manager.handle(DialogueState(session_id="p2"), "领失业保险金要什么条件").reply
    assert [c.id for c in national.citations] == ["policy:law-unemployment#第十四条"]


def test_the_official_answer_of_the_place_named_goes_before_another_place_s_guide(tmp_path: Path) -> None:
    changsha = _guide("43TCP0008_changsha.json")
    guangzhou = ServiceGuide(
        id="gz-tax",
        name="科技成果转化暂不征收个人所得税备案",
        region="广东省广州市",
        location="广州市天河区示例路1号（示例）",
    )
    m = build_manager([changsha, guangzhou], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="c"), "喺长沙要去边度办呢个暂唔征个税嘅备案啊").reply
    assert [c.id for c in reply.citations] == [f"guide:{changsha.id}#faqs"]
    assert "湖南省长沙市" in reply.text and "天河区" not in reply.text


def test_a_guide_about_matters_abroad_answers_a_question_naming_a_foreign_country(manager) -> None:
    assert about_abroad("留学服务“一件事”") and about_abroad("国（境）外学历学位认证")
    assert not about_abroad("开办运输企业“一件事”")
    reply = manager.handle(
        DialogueState(session_id="f"), "在英国读的硕士，学历认证的外语文件要不要翻译成中文"
    ).reply
    assert reply.text.splitlines()[1] == "不需要"
    assert [c.id for c in reply.citations] == ["guide:43PCP0004225J0400#faqs"]
    assert "没有英国的相关规定" not in reply.text


def test_a_paraphrase_needs_to_answer_one_of_the_aspects_asked_not_all() -> None:
    move = _guide("43TCP0006_liling.json")
    social = _guide("43PCP0015_tianxin.json")
    get = {move.id: move, social.id: social}.get
    q = "迁址这个一件事能顺带把哪些手续一起办掉"
    asked = detect_aspects(q)
    assert Aspect.LINKED in asked and len(asked) == 2
    r = faq_result(
        q,
        faq_hit(move, "0", 0.6, {"dense_q": 0.4, "dense_a": 0.3}),  # 可联办哪些事项 (linked)
        faq_hit(social, "0", 0.5, {"dense_q": 0.3, "dense_a": 0.3}),
        confidence=0.05,
    )
    picked = best_faq(q, asked, r, get, guide_passages, lambda _g: 2, lambda _q, _o: 0.92)
    assert picked is not None and picked.guide.id == move.id and picked.best is not None
    assert picked.best.passage.key == "0"
    # a pair that answers none of the aspects asked is not accepted, however alike its question reads
    off = [Aspect.FEES]
    assert best_faq(q, off, r, get, guide_passages, lambda _g: 2, lambda _q, _o: 0.92) is None


def test_a_variant_for_another_destination_gives_way(tmp_path: Path) -> None:
    """ "去香港的团队游签注" is not the 台湾 variant; with both close, the 港澳 one answers without a choice."""
    hk = ServiceGuide(
        id="hk-group",
        name="办理往来港澳通行证团队游签注",
        region="广东省广州市",
        materials=[{"name": "往来港澳通行证"}],
    )
    tw = ServiceGuide(
        id="tw-group",
        name="办理往来台湾通行证团队旅游签注",
        region="广东省广州市",
        materials=[{"name": "往来台湾通行证"}],
    )
    cands = [Candidate(g, None, None, 1) for g in (tw, hk)]
    assert [c.guide.id for c in same_destination("去香港的团队游签注要带什么", cands)] == ["hk-group"]
    assert [c.guide.id for c in same_destination("团队游签注要带什么", cands)] == ["tw-group", "hk-group"]
    m = build_manager([tw, hk], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="d"), "去香港的团队游签注要带什么证件").reply
    assert [c.id for c in reply.citations][:1] == ["guide:hk-group#materials"]
    assert "往来港澳通行证" in reply.text and "台湾" not in reply.text


def test_where_to_get_a_certificate_is_a_question_about_that_service(tmp_path: Path) -> None:
    """ "开完税证明喺边度办" names the service 开具…完税证明 (not a document to bring to the service in focus)."""
    tax = ServiceGuide(
        id="tax-proof",
        name="开具税收完税证明",
        region="广东省",
        location="广州市天河区示例路2号（示例）",
    )
    m = build_manager([tax], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="t"), "开税收完税证明喺边度办？").reply
    assert [c.id for c in reply.citations] == ["guide:tax-proof#location"]
    assert "天河区示例路2号" in reply.text
