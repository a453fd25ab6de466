"""Faults a blind set of unseen guides showed (blind22, read in the eighteenth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.intent import classify
from assistant.nlu.normalize import canonical
from assistant.policy.candidate_filters import main_services
from assistant.policy.evidence import Candidate
from assistant.policy.name_words import certificate_unnamed, step_not_served, step_said, step_thing
from assistant.policy.variants import names_home_office, provincial_terms
from assistant.state import Intent
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.regions import districts_of, named_places, region_rank, within_home_city
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit

HOME = ("广东省", "广州市", "花都区")


def _guide(
    gid: str, name: str, path: tuple[str, ...] = ("广东省",), department: str = "示例厅"
) -> ServiceGuide:
    return ServiceGuide(
        id=gid, name=name, region="".join(path), region_path=list(path), department=department
    )


def _cand(g: ServiceGuide, rank: int = 1, score: float = 3.0) -> Candidate:
    return Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, score, []), None, rank)


def _hits(*scored: tuple[ServiceGuide, float]) -> list[Hit]:
    return [Hit(g.id, DocKind.GUIDE, g.name, s, []) for g, s in scored]


def test_a_permit_renewed_before_it_runs_out_is_the_extension_step() -> None:
    q = "我们实验室使用实验动物的许可证快到期了，续期的话要不要交实验动物管理制度的目录？"
    name = "实验动物使用许可(延续)"
    # 续期 is the step 延续 serves, and the refusal would name that step, not 换领
    assert step_not_served(q, name) is None
    assert step_not_served(q, "实验动物使用许可(注销)") == "续期"
    assert step_said(q) == "续期"
    # a bare kind of paper ("许可证") is said by a name holding that kind (许可), not by one that does not
    thing = step_thing(q)
    assert thing is not None and thing[0] == "许可证"
    assert certificate_unnamed(thing[0], name, q) is None
    assert certificate_unnamed(thing[0], "实验动物从业人员培训", q) == "许可证"


def test_a_reward_for_having_reported_is_asked_about_not_a_complaint() -> None:
    q = "我之前举报了一家企业统计数据造假，听说举报有功可以拿奖励，申请后一般多少个工作日批下来？"
    assert classify(canonical(q)) is Intent.SERVICE_QUESTION
    assert classify("我要举报一家企业统计数据造假") is Intent.COMPLAINT


def test_the_province_s_police_named_in_everyday_words_asks_of_the_province() -> None:
    assert provincial_terms("我们单位要从国外进一批弩，向省公安报批时要什么")
    assert not provincial_terms("向广州市公安报批时要什么")


def test_colloquial_words_for_importing_a_base_station_and_a_planning_permit() -> None:
    table = synonym_table()
    assert "进口" in expand_synonyms("我们单位要从国外进一批弩", table)
    assert "公众移动通信基站" in expand_synonyms("手机基站执照就快到期", table)
    assert "建设工程规划许可证" in expand_synonyms("申请工程规划证之前", table)


def test_a_lookup_of_a_matter_no_other_candidate_names_is_that_matter_s_service() -> None:
    lookup = _guide("lookup", "农机购置补贴政策信息查询（示例）")
    other = _guide("other", "家电以旧换新补贴申请（示例）")
    cands = [_cand(lookup), _cand(other)]
    q = "家里想买台插秧机，想先打电话问问省里买农机的补贴政策，有没有电话？"
    assert [c.guide.id for c in main_services(q, cands)] == ["lookup", "other"]
    # a lookup of what the other candidate names too is still a side service
    q2 = "家电以旧换新的补贴政策，有没有电话？"
    twin = _guide("lookup2", "家电以旧换新补贴信息查询（示例）")
    assert [c.guide.id for c in main_services(q2, [_cand(twin), _cand(other)])] == ["other"]


def test_the_districts_of_the_home_city_are_places_its_and_the_province_s_guides_serve() -> None:
    assert districts_of("广州市")["番禺"] == "番禺区"
    assert districts_of("广东省") == {}
    assert named_places("我们单位在番禺有块政府划拨的地", HOME) == ["番禺区"]
    assert named_places("我哋喺天河要起一条新路", HOME) == ["天河区"]
    # a district's short name inside another word, or as where one comes from, is no place asked about
    assert named_places("去黄埔军校参观", HOME) == []
    assert named_places("我是番禺人", HOME) == []
    assert within_home_city("番禺区", HOME)
    assert not within_home_city("花都区", HOME) and not within_home_city("深圳市", HOME)
    # the city's and the province's guides are of the place named; the home district's are not
    assert region_rank(("广东省", "广州市"), HOME, ["番禺区"]) == 1
    assert region_rank(("广东省",), HOME, ["番禺区"]) == 1
    assert region_rank(HOME, HOME, ["番禺区"]) == 2
    assert region_rank(("湖南省", "长沙市"), HOME, ["番禺区"]) == 2


def test_a_zone_office_of_here_named_places_the_question_here() -> None:
    zone = _guide("zone", "建设工程规划许可证核发（示例）", ("广东省", "广州市"), "广州空港经济区管理委员会")
    city = _guide("city", "建设工程规划许可证核发（示例）", ("广东省", "广州市"), "广州市规划和自然资源局")
    assert names_home_office("喺空港经济区新建一栋楼，规划许可证要去边度递材料？", [_cand(zone), _cand(city)])
    assert not names_home_office("新建一栋楼，规划许可证要去边度递材料？", [_cand(zone), _cand(city)])
    # another place's zone office says nothing of here
    assert not names_home_office("喺空港经济区新建一栋楼", [_cand(zone, rank=2)])


def test_another_district_of_the_home_city_is_covered_by_the_city_s_guides(tmp_path: Path) -> None:
    # sample data: authored for this test
    city = _guide(
        "city-land",
        "建设用地规划许可证核发（示例）",
        ("广东省", "广州市"),
        "广州市规划和自然资源局",
    )
    m = build_manager([city], {}, tmp_path / "idx", embedder=HashEmbedder())
    a = m.answering
    assert a._kb_covers("番禺区") and not a._kb_covers("深圳市")
    # the city's guide applies in 番禺区: no "no guide of 番禺区" hedge before it
    assert a._region_note(city, ["番禺区"], []) == ""
    home = _guide("home-land", "建设用地规划许可证核发（示例）", HOME, "广州市花都区示例局")
    assert "番禺区" in a._region_note(home, ["番禺区"], [])


def test_a_lead_of_the_same_service_of_two_places_is_the_one_asked_of(tmp_path: Path) -> None:
    # sample data: authored for this test
    city = _guide("city-bow", "弩的进口审批（示例）", ("广东省", "广州市"), "广州市公安局")
    prov = _guide("prov-bow", "弩的进口审批（示例）", ("广东省",), "广东省公安厅")
    other = _guide("other", "弩的购置审批（示例）", ("广东省",), "广东省公安厅")
    m = build_manager([city, prov, other], {}, tmp_path / "idx", embedder=HashEmbedder())
    cands = [_cand(city), _cand(prov), _cand(other)]
    hits = _hits((city, 3.8), (prov, 3.8), (other, 2.0))
    asked = m.answering._last_lead("弩的进口审批，向省公安报批要什么材料？", cands, hits)
    assert asked is not None and asked.guide.id == "prov-bow"
    plain = m.answering._last_lead("弩的进口审批要什么材料？", cands, hits)
    assert plain is not None and plain.guide.id == "city-bow"
