"""Faults a blind set of unseen guides showed (blind22, read in the eighteenth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.deadline import asks_wait
from assistant.nlu.intent import classify
from assistant.nlu.normalize import canonical
from assistant.policy.candidate_filters import main_services
from assistant.policy.evidence import Candidate
from assistant.policy.name_words import certificate_unnamed, step_not_served, step_said, step_thing
from assistant.policy.variants import names_home_office, office_named, provincial_terms
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument, ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.passages import Passage, ScoredPassage
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
    assert "国有企业" in expand_synonyms("以前在国营厂上过班", table)


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
    # the city's and the province's guides apply there; the home district's are the nearest there is (labelled)
    assert region_rank(("广东省", "广州市"), HOME, ["番禺区"]) == 1
    assert region_rank(("广东省",), HOME, ["番禺区"]) == 1
    assert region_rank(HOME, HOME, ["番禺区"]) == 1
    assert region_rank(("湖南省", "长沙市"), HOME, ["番禺区"]) == 2


def test_a_zone_office_of_here_named_places_the_question_here() -> None:
    zone = _guide("zone", "建设工程规划许可证核发（示例）", ("广东省", "广州市"), "广州空港经济区管理委员会")
    city = _guide("city", "建设工程规划许可证核发（示例）", ("广东省", "广州市"), "广州市规划和自然资源局")
    assert names_home_office("喺空港经济区新建一栋楼，规划许可证要去边度递材料？", [_cand(zone), _cand(city)])
    assert not names_home_office("新建一栋楼，规划许可证要去边度递材料？", [_cand(zone), _cand(city)])
    # another place's zone office says nothing of here
    assert not names_home_office("喺空港经济区新建一栋楼", [_cand(zone, rank=2)])
    # a zone said by its short name is named too
    assert names_home_office("我们在白云机场空港区的项目，规划许可证要延期", [_cand(zone), _cand(city)])
    assert office_named("广州空港经济区管理委员会", "白云机场空港区的项目")
    assert not office_named("广州市规划和自然资源局", "白云机场空港区的项目")


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


def test_requirements_and_a_step_required_first_ask_the_conditions() -> None:
    for q in (
        "向省商务厅申请公开一份文件，交申请的时候有什么硬性要求，不满足就不受理？",
        "从邻省引进一个林木良种，是不是要先做引种试验？",
    ):
        assert Aspect.CONDITIONS in detect_aspects(q)
    # a paper to see to first, or a booking first, is no condition asked
    assert Aspect.CONDITIONS not in detect_aspects("英文成绩单要不要先找翻译公司翻成中文？")
    assert Aspect.CONDITIONS not in detect_aspects("要不要先预约")


def test_how_long_must_pass_before_one_may_act_is_a_wait() -> None:
    assert asks_wait("我前年工伤评了十级，想申请重新鉴定，距离上次鉴定要过多久才能申请？")
    assert asks_wait("考完A类要等几耐先可以考B类")
    assert not asks_wait("申请重新鉴定要多久才能办好")


# sample data: authored for this test (a made-up regulation and guide)
INJURY = PolicyDocument(
    id="law-sample-injury",
    title="示例工伤保险条例",
    articles=[
        Article(
            number="第二十八条",
            text="自劳动能力鉴定结论作出之日起1年后，工伤职工认为伤残情况发生变化的，可以申请劳动能力复查鉴定。",
        ),
        Article(number="第二十九条", text="劳动能力鉴定委员会应当自收到申请之日起60日内作出鉴定结论。"),
    ],
)


def test_a_wait_the_guide_found_does_not_state_is_answered_by_the_statute_setting_it(tmp_path: Path) -> None:
    guide = ServiceGuide(
        id="sample-reassess",
        name="劳动能力复查鉴定申请（示例）",
        region="广东省",
        region_path=["广东省"],
        department="示例人社厅",
        conditions="对鉴定结论不服的，可以自收到结论之日起十五日内申请再次鉴定。",
        legal_time_limit=TimeLimit(value=60, unit="工作日", raw="60(工作日)"),
    )
    m = build_manager([guide], {}, tmp_path / "idx", policies=[INJURY], embedder=HashEmbedder())
    q = "我工伤评了十级，想申请劳动能力复查鉴定，距离上次鉴定要过多久才能申请？"
    reply = m.handle(DialogueState(session_id="wait"), q).reply
    assert "1年后" in reply.text
    assert [c.id for c in reply.citations] == ["policy:law-sample-injury#第二十八条"]


def test_a_lead_of_a_third_over_any_other_service_goes_before_a_paraphrased_statute(tmp_path: Path) -> None:
    # sample data: authored for this test
    public = _guide("info", "广东省示例厅政府信息依申请公开")
    other = _guide("other", "申请公租房（示例）")
    m = build_manager([public, other], {}, tmp_path / "idx", embedder=HashEmbedder())
    cands = [_cand(public), _cand(other)]
    q = "我想以个人名义向省示例厅申请公开一份政府信息，有什么硬性要求？"
    lead = m.answering._clear_lead(q, cands, _hits((public, 3.56), (other, 2.36)))
    assert lead is not None and lead.guide.id == "info"
    assert m.answering._clear_lead(q, cands, _hits((public, 3.56), (other, 2.7))) is None


# sample data: authored for this test (a made-up regulation of the home province)
FAMILY = PolicyDocument(
    id="law-sample-family",
    title="广东省示例人口与家庭条例",
    region="广东省",
    articles=[
        Article(
            number="第三十八条",
            text="农村男方到独生女方家结婚落户的，村里应当给予其与村民同等的待遇，任何人不得阻挠和歧视。",
        ),
        Article(number="第三十九条", text="县级以上人民政府应当为独生子女家庭提供养老服务。"),
    ],
)


def test_a_statute_here_using_the_question_s_words_answers_before_another_place_s_pair_sharing_few(
    tmp_path: Path,
) -> None:
    far = ServiceGuide(
        id="sample-far-house",
        name="农村建房一件事（示例）",
        region="湖南省示例县",
        region_path=["湖南省", "示例县"],
        department="示例县政府",
    )
    m = build_manager([far], {}, tmp_path / "idx", policies=[FAMILY], embedder=HashEmbedder())
    q = "我是农村的，准备到老婆家结婚落户，她是独生女，村里会不会不给我同等的村民待遇？"
    result = m.answering.search(q, None, top_k=8, chunks_per_hit=64, faq_top=12, article_top=4)
    assert result is not None

    def pair(lexical: float) -> Candidate:
        passage = Passage(far.id, DocKind.GUIDE, "faq", "0", "非农村村民能购买宅基地吗？", "不能。")
        return Candidate(far, None, ScoredPassage(passage, 1.0, lexical, 0.5, 0.5), 2)

    events: list = []
    law = m.answering._law_over_guide(DialogueState(session_id="far"), q, result, pair(0.05), [], events)
    assert law is not None and law.citations[0].id == "policy:law-sample-family#第三十八条"
    # a pair sharing many of the question's words stays the answer
    kept = m.answering._law_over_guide(DialogueState(session_id="far"), q, result, pair(0.5), [], [])
    assert kept is None


def test_a_place_one_comes_from_is_not_the_place_asked_about() -> None:
    known = ["湖南省", "长沙市", "醴陵市", "株洲市", *HOME]
    assert named_places("我从湖南老家来广州亲戚家住半个月，报暂住要几天内报？", known) == ["广州市"]
    assert named_places("我来自长沙，在广州上班", known) == ["广州市"]
    # where a move asked about starts is a place asked about, and so is one named again
    assert named_places("公司要从醴陵搬到株洲市区", known) == ["醴陵市", "株洲市"]
    assert "湖南省" in named_places("我从湖南来，湖南的社保能转过来吗", known)


def test_a_region_label_s_word_names_no_other_place(tmp_path: Path) -> None:
    # sample data: a guide whose region label ends in a word, as some bundled Hunan guides' do
    odd = _guide("odd", "开办运输企业一件事（示例）", ("湖南省", "张家界市", "武陵源区", "城乡"))
    m = build_manager([odd], {}, tmp_path / "idx", embedder=HashEmbedder())
    assert "城乡" in m.answering.known_units()
    assert not m.answering.names_elsewhere("我要办城乡居民养老保险")
    assert m.answering.names_elsewhere("我在张家界市，我要办城乡居民养老保险")
    assert not m.answering.names_elsewhere("我在花都，我要办城乡居民养老保险")
