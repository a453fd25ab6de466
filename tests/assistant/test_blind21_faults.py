"""Faults a blind set of unseen guides showed (blind21, read in the seventeenth session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlg.passage_answer import asked_thing
from assistant.nlu.groups import for_unasked_group
from assistant.nlu.normalize import canonical
from assistant.policy.evidence import Candidate
from assistant.policy.guide_fit import GuideFit
from assistant.policy.linking import link_service
from assistant.policy.name_words import lost_but_not_replaced, serves_later_step, service_stem
from assistant.policy.variants import same_service_once
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.regions import foreign_countries
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit, SearchResult


def _guide(gid: str, name: str, region: str = "广东省", department: str = "示例厅") -> ServiceGuide:
    return ServiceGuide(id=gid, name=name, region=region, region_path=[region], department=department)


def _hits(*scored: tuple[ServiceGuide, float]) -> list[Hit]:
    return [Hit(g.id, DocKind.GUIDE, g.name, s, []) for g, s in scored]


def test_a_loss_told_of_a_step_whose_guide_provides_for_it_is_served() -> None:
    q = "我想注销一级注册建筑师，但是注册证书丢了，是不是要在报纸登遗失声明？"
    name = "一级注册建筑师注销注册（示例）"
    papers = "注销注册申请表 注册证书原件 省级以上报纸刊登的遗失证明原件（仅注册证书遗失时）"
    assert not lost_but_not_replaced(q, name, papers)
    assert serves_later_step(q, name, papers)
    # a list providing for no loss, or a step the name does not serve, still leaves the loss unserved
    assert lost_but_not_replaced(q, name, "注销注册申请表 注册证书原件")
    assert lost_but_not_replaced("营业执照丢了，变更要什么", "个体工商户注销登记（示例）", "遗失声明")
    assert not serves_later_step(q, name, "注销注册申请表")


@pytest.mark.parametrize(
    ("question", "asks_paper"),
    [
        ("我想注销一级注册建筑师，但系张注册证书唔见咗，系咪要喺报纸登遗失声明？", True),
        ("想报名当省里的农村科技特派员，入库意向表是不是一定要填？", True),
        ("这个声明是什么意思", False),
    ],
)
def test_a_notice_of_loss_or_a_form_asked_whether_needed_is_a_paper(question: str, asks_paper: bool) -> None:
    assert (Aspect.MATERIALS in detect_aspects(canonical(question))) is asks_paper


def test_online_asked_with_a_yes_no_verb() -> None:
    aspects = detect_aspects(canonical("我想向省检察院反映一单案，网上可唔可以信访？之后点查结果？"))
    assert Aspect.ONLINE in aspects and Aspect.STATUS in aspects


def test_the_service_a_variant_belongs_to_holds_nested_brackets() -> None:
    name = "无线电台（站）的设置使用和呼号指配审批（新申请）(公众移动通信基站（新申请）)"
    assert service_stem(name) == "无线电台（站）的设置使用和呼号指配审批（新申请）"
    assert service_stem("延期S2字签证") == "延期S2字签证"
    assert service_stem("(（示例）)") == "(（示例）)"  # nothing left outside the brackets: the name itself


def _variants_manager(tmp_path: Path):
    # sample data, in the shape of the bundled radio-station variants (one service, several kinds of station)
    stem = "无线电台（站）的设置使用和呼号指配审批（新申请）"
    kinds = [
        "公众移动通信基站（新申请）",
        "其他无线电台（站）的设置使用审批（新申请）",
        "卫星地球站（新申请）",
    ]
    # (the sample mark goes first: a variant's name ends in its bracket)
    guides = [_guide(f"radio-{i}", f"（示例）{stem}({k})") for i, k in enumerate(kinds)]
    guides.append(_guide("water", "通航水域水上水下施工作业审批（示例）"))
    return build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder()), guides


def test_a_clear_lead_over_other_services_and_its_own_variants_goes_before_a_paraphrased_statute(
    tmp_path: Path,
) -> None:
    m, guides = _variants_manager(tmp_path)
    base, other, sat, water = guides
    q = "我们要新建手机基站，申请公众移动通信基站设置使用和呼号指配审批，一般要多少个工作日？"
    cands = [Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0, []), None, 1) for g in guides]
    lead = m.answering._clear_lead(q, cands, _hits((base, 3.8), (other, 3.0), (sat, 2.9), (water, 1.5)))
    assert lead is not None and lead.guide.id == base.id
    # a variant scoring close behind is a choice, not a lead
    assert m.answering._clear_lead(q, cands, _hits((base, 3.8), (other, 3.7), (water, 1.5))) is None
    # another service close behind is no clear lead
    assert m.answering._clear_lead(q, cands, _hits((base, 3.8), (water, 3.0))) is None
    # a name the question neither says nor e5 reads is none either (no e5 here: only the words count)
    assert m.answering._clear_lead("今晚食咩好", cands, _hits((base, 3.8), (water, 1.5))) is None


def test_a_country_where_someone_lives_who_comes_back_here_is_no_place_asked() -> None:
    assert (
        foreign_countries(canonical("我细佬定居咗喺澳洲，过年返嚟住我屋企两个礼拜，使唔使帮佢报暂住？")) == []
    )
    assert foreign_countries("我爸退休后移民去了加拿大，现在回来看病，还能享受待遇吗") == []
    # a country where the matter is, or one lived in with no coming back, is still named
    assert foreign_countries("我定居在澳洲，想在那边办驾照") == ["澳洲"]
    assert foreign_countries("在美国驾照过期了去DMV怎么续") == ["美国"]


def test_a_paper_asked_about_is_no_part_of_the_way_it_is_taken() -> None:
    assert asked_thing("我做论文想去省水利厅看下已经出版的水文资料，要不要带身份证明去？") == "身份证明"
    assert asked_thing(canonical("要唔要带埋张旧证去？")) == "旧证"


def test_a_name_holding_only_the_paper_asked_names_no_service() -> None:
    q = "我做论文想去省水利厅看下已经出版的水文资料，要不要带身份证明去？"
    assert GuideFit._paper_named_only(q, "中国税收居民身份证明的开具")
    assert not GuideFit._paper_named_only(q, "为公众提供依法刊印的水文资料查阅、使用服务")
    assert not GuideFit._paper_named_only(
        "中国税收居民身份证明的开具要带身份证明吗", "中国税收居民身份证明的开具"
    )


def test_names_told_apart_by_their_brackets_only_are_one_service() -> None:
    city = _guide("gz", "律师执业变更审核(（市内转所（执业机构变更））)", "广东省广州市", "示例市司法局")
    prov = _guide("gd", "律师执业变更审核(市内转所（执业机构变更）)", "广东省", "示例省司法厅")
    both = _guide("gd-both", "律师执业变更审核(执业类别变更并市内转所)", "广东省", "示例省司法厅")
    cands = [Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0, []), None, 1) for g in (city, prov, both)]
    kept = [c.guide.id for c in same_service_once(cands, "在广州同城转所，执业变更要多久")]
    assert len(kept) == 2 and "gd-both" in kept


def test_among_the_first_service_s_variants_a_term_only_one_holds_links_it() -> None:
    stem = "（示例）机动车驾驶证持军警驾驶证申领"
    army = _guide("army", f"{stem}(现役军人持军队（大中型客货车）驾驶证申请机动车驾驶证)")
    police = _guide("police", f"{stem}(现役武警持武装警察部队（大中型客货车）驾驶证申请机动车驾驶证)")
    veteran = _guide("veteran", f"{stem}(退役军人持军队（大中型客货车）驾驶证申请机动车驾驶证)")
    abroad = _guide(
        "abroad", "（示例）机动车驾驶证持境外驾驶证申领(外交人员持境外（大中型客货车）驾驶证申领)"
    )
    guides = {g.id: g for g in (army, police, veteran, abroad)}
    result = SearchResult(
        query="q",
        hits=_hits((army, 4.34), (police, 4.32), (veteran, 4.1), (abroad, 3.9)),
        confident=True,
        confidence=0.9,
    )
    q = canonical(
        "我系现役军人，揸开部队嘅大货车，想喺广州申领地方嘅大中型客货车驾驶证，网上有冇地方可以先预约？"
    )
    assert link_service(result, guides.get, query=q).service_id == "army"


def test_a_foreign_body_of_a_kind_is_foreign() -> None:
    name = "外国公民、组织和国际组织参观未开放的考古发掘现场审批(外国组织参观未开放的考古发掘现场审批)"
    assert not for_unasked_group(name, "我们是一家外国学术机构，想去参观还没对外开放的考古发掘工地")
    assert for_unasked_group(name, "我们是一家学术机构，想去参观还没对外开放的考古发掘工地")


def test_the_same_city_is_within_the_city() -> None:
    assert "市内" in expand_synonyms("我在同一个城市里由一间律所转去另一间", synonym_table())


def test_a_guide_for_a_later_step_not_asked_or_naming_only_the_paper_is_no_lead_before_a_refusal(
    tmp_path: Path,
) -> None:
    # sample data: authored for this test
    card = _guide("card-replace", "社会保障卡补换")
    tax = _guide("tax-paper", "中国税收居民身份证明的开具")
    other = _guide("other", "执业药师考试报名（示例）")
    m = build_manager([card, tax, other], {}, tmp_path / "idx", embedder=HashEmbedder())
    cands = [Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.0, []), None, 1) for g in (card, tax, other)]
    # a clear lead the question names most of ...
    lost = "社会保障卡丢了要补换，去哪里办？"
    lead = m.answering._last_lead(lost, cands, _hits((card, 3.0), (other, 1.0)))
    assert lead is not None and lead.guide.id == "card-replace"
    # ... is no lead for a question asking no later step of it
    use = "我妈腿脚不方便，我拿她的社会保障卡去药店帮她买药行不行？"
    assert m.answering._last_lead(use, cands, _hits((card, 3.0), (other, 1.0))) is None
    # nor is a name holding only the paper a question asks about
    paper = "我想去查阅中国水文资料，要不要带居民身份证明去？"
    assert m.answering._last_lead(paper, cands, _hits((tax, 3.0), (other, 1.0))) is None
    assert m.answering._last_lead("中国税收居民身份证明的开具要多久", cands, _hits((tax, 3.0), (other, 1.0)))
