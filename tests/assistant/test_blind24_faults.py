"""Faults a blind set of unseen guides showed (blind24, read in the twentieth session)."""

from __future__ import annotations

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlg.passage_answer import asked_thing, lists_material, material_lead
from assistant.nlu.intent import classify
from assistant.nlu.normalize import canonical
from assistant.nlu.offices import office_said
from assistant.policy.agreed_facts import listed_alike, office_fact
from assistant.policy.evidence import Candidate
from assistant.state import Intent
from knowledge.schema import Material, ServiceGuide
from retrieval.types import DocKind, Hit


def _aspects(q: str) -> list[Aspect]:
    return detect_aspects(canonical(q))


def test_one_paper_asked_whether_it_goes_in_too_asks_the_materials() -> None:
    # said first, then whether it goes in with the rest (Cantonese 使唔使 reads 需不需要)
    assert _aspects("要去水利厅报备，水土保持监测报告使唔使一齐交？") == [Aspect.MATERIALS]
    # 还得 for 还要, an office's opinion with words between
    assert _aspects("报省里初审的时候，是不是还得附上海事和航道部门对这个项目的意见？") == [Aspect.MATERIALS]
    # a cost estimate is a paper, not a fee
    assert _aspects("报审批的时候补救措施和费用估算要单独交一份吗？") == [Aspect.MATERIALS]
    assert Aspect.FEES in _aspects("办这个要交多少费用")


def test_the_paper_asked_is_read_whole() -> None:
    assert asked_thing(canonical("要去水利厅报备，水土保持监测报告使唔使一齐交？")) == "水土保持监测报告"
    assert asked_thing("报省里初审的时候，是不是还得附上海事和航道部门对这个项目的意见？") == (
        "海事和航道部门对这个项目的意见"
    )
    # a measure word is no paper: what is said before it is
    assert asked_thing("报审批的时候补救措施和费用估算要单独交一份吗？") == "补救措施和费用估算"
    assert asked_thing("要单独交一份吗？") is None


def test_months_still_unpaid_are_told_not_asked() -> None:
    q = canonical("我上次失业金仲有几个月未攞完就搵到工，而家又失业，之前未攞嘅月份可唔可以叠埋一齐计？")
    assert Aspect.TIME not in _aspects(q)
    assert Aspect.TIME in _aspects("几个月能拿到证")


def test_a_step_required_before_another_asks_the_conditions() -> None:
    q = canonical("办变更注册之前系咪一定要同旧公司解除咗劳动关系先得？")
    assert _aspects(q) == [Aspect.CONDITIONS]
    assert Aspect.CONDITIONS not in _aspects("办变更注册之前要先预约吗")


# sample guide: authored for these tests
_PORT = ServiceGuide(
    id="sample-port",
    name="港口岸线使用初审示例",
    materials=[
        Material(name="岸线使用申请表"),
        Material(name="海事、航道部门关于建设项目的意见"),
        Material(name="具有测绘资质机构出具的界至图"),
    ],
)


def test_joining_words_do_not_hide_a_listed_paper() -> None:
    # 和 / 对这个 / 的 join and point; the paper's own words are all listed
    assert lists_material(_PORT, "海事和航道部门对这个项目的意见")
    lead = material_lead(_PORT, "是不是还得附上海事和航道部门对这个项目的意见？", None)
    assert lead is not None and lead.text.startswith("需要。")


def test_a_near_paper_is_not_said_to_be_missing_outright() -> None:
    near = material_lead(_PORT, "是不是要有资质的测绘机构画的界址图？", None)
    assert near is not None
    assert "没有单独列出" in near.text and "相近的是「具有测绘资质机构出具的界至图」" in near.text
    # nothing near: plainly not listed
    none = material_lead(_PORT, "要不要带结婚证？", None)
    assert none is not None and "没有列出“结婚证”" in none.text and "相近" not in none.text


def test_asking_which_number_to_call_to_report_is_a_question() -> None:
    assert (
        classify(canonical("我想举报省总工会里一个干部的违纪问题，应该打哪个电话？")) is not Intent.COMPLAINT
    )
    assert classify("我要举报这个干部受贿") is Intent.COMPLAINT
    # a complaint's channel is 12345: still a complaint
    assert classify("对国际包裹清关服务有投诉，打什么电话") is Intent.COMPLAINT


def _cand(
    gid: str, name: str, score: float, dept: str | None, phone: str | None, papers: tuple[str, ...] = ()
) -> Candidate:
    g = ServiceGuide(
        id=gid, name=name, department=dept, consult_phone=phone, materials=[Material(name=p) for p in papers]
    )
    hit = Hit(doc_id=gid, kind=DocKind.GUIDE, title=name, score=score, chunks=[])
    return Candidate(guide=g, hit=hit, best=None, rank=1)


def test_an_office_s_phone_stated_alike_by_its_guides_answers_a_question_to_the_office() -> None:
    office = "广东省示例行业协会"
    cands = [
        _cand("a", "示例业务咨询", 2.7, office, None),  # silent on it: says nothing against it
        _cand("b", "示例名车查询", 2.25, office, "020-1234567"),
        _cand("c", "示例名表查询", 2.24, office, "020-1234567"),
        _cand("d", "电话咨询", 1.9, "国家税务总局示例局", "12366"),
    ]
    q = "想打电话问问省示例行业协会，有联系电话吗？"
    assert office_said(q, office)
    picked = office_fact(q, cands, [Aspect.PHONE])
    assert picked is not None and picked.guide.consult_phone == "020-1234567"
    # the office not named: no answer from its guides
    assert office_fact("下一届比赛在哪里办，电话多少", cands, [Aspect.PHONE]) is None
    # another aspect than a phone or an address: each service states its own
    assert office_fact(q, cands, [Aspect.TIME]) is None
    # their phones differ: no one answer
    cands[2] = _cand("c", "示例名表查询", 2.24, office, "020-7654321")
    assert office_fact(q, cands, [Aspect.PHONE]) is None


def test_a_paper_handed_in_with_a_bare_verb_is_read() -> None:
    q = "我们是一所民办高职院校，想到外市再开一个校区，报省里审批要附上学校董事会的决议吗？"
    assert _aspects(q) == [Aspect.MATERIALS]
    assert asked_thing(q) == "学校董事会的决议"
    # 附近 is near, not a paper attached
    assert asked_thing("要附近的派出所开证明吗") != "近的派出所开证明"


def _variant(gid: str, qualifier: str, score: float, papers: list[str]) -> Candidate:
    return _cand(gid, f"高等职业学校设立示例（含设置分校区）({qualifier})", score, None, None, tuple(papers))


def test_a_paper_asked_of_a_service_s_variants_is_answered_when_they_agree() -> None:
    q = "我们是一所民办高职院校，想到外市再开一个校区，报省里审批要附上学校董事会的决议吗？"
    usual = _variant("v1", "民办高等职业学校设置审核", 3.45, ["申请书", "学校董事会决议"])
    remote = _variant("v2", "民办高等职业学校设置异地校区", 3.25, ["申请书", "学校董事会决议"])
    # every close variant lists it: the answer is the same whichever was meant
    assert listed_alike(q, [usual, remote], [Aspect.MATERIALS]) is not None
    # only one lists it, and the question says as much of its name (校区): that one
    usual.guide.materials.pop()
    assert listed_alike(q, [usual, remote], [Aspect.MATERIALS]) is remote
    # ... not when the question says clearly more of the other's
    assert (
        listed_alike("民办高等职业学校设置审核要附上学校董事会的决议吗", [usual, remote], [Aspect.MATERIALS])
        is None
    )
    # not variants of one service: no answer
    other = _variant("v3", "x", 3.3, ["学校董事会决议"])
    other.guide.name = "技工学校设立示例"
    assert listed_alike(q, [usual, other], [Aspect.MATERIALS]) is None
    # no yes/no question on one paper
    assert listed_alike(q, [usual, remote], [Aspect.TIME]) is None


def test_where_the_office_is_asked_is_no_lookup_of_one_s_application() -> None:
    q = canonical("我哋公司报咗个麻醉药品嘅许可申请，想去药监局现场问下办到边一步，受理大厅喺边？")
    assert classify(q) is Intent.SERVICE_QUESTION
    assert classify("我的申请办到哪一步了") is Intent.APPLICATION_STATUS
    # an application's number told: still its lookup
    assert classify("申请编号GA20240001办到哪了，窗口在哪里") is Intent.APPLICATION_STATUS


def test_another_city_s_regulation_answers_only_a_question_saying_its_subject() -> None:
    from assistant.policy.article_filters import subject_unsaid
    from retrieval.passages import content_bigrams

    # sample article text in the shape of a city's regulation (authored for this test): it does not name its
    # law's subject (农村建房) in full
    text = "镇人民政府在收到村民委员会报送的核实意见后，应当在20个工作日内办理审批。"
    asked = content_bigrams("我们村委去年做农业普查做得好，报了先进集体，省统计局批下来一般要多久")
    title = "汕尾市农村建房条例"
    # an article not naming the subject is not judged by it, unless the whole law is judged (another city's)
    assert not subject_unsaid(asked, title, text)
    assert subject_unsaid(asked, title, text, whole_law=True)
    # a question saying the subject's words is answered
    assert not subject_unsaid(content_bigrams("农村建房审批要多久"), title, text, whole_law=True)
