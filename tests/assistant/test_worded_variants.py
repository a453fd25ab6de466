"""Close variants told apart by the question's own words (M字 / 初始 / 业余), a later step served by name, and a
deadline for acting asked ("最迟什么时候申请"), which a guide's conditions state, not its time limits."""

from __future__ import annotations

from pathlib import Path

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.deadline import asks_deadline, asks_wait, states_deadline, states_wait
from assistant.nlu.intent import classify
from assistant.policy.evidence import Candidate
from assistant.policy.guide_fit import GuideFit
from assistant.policy.linking import singled_out
from assistant.policy.name_words import certificate_unnamed, later_step_only
from assistant.policy.service_pick import step_server, worded_lead
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import Material, ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit


def _cand(name: str, score: float = 1.0, gid: str = "") -> Candidate:
    g = ServiceGuide(id=gid or name, name=name, region="广东省广州市")
    return Candidate(g, Hit(g.id, DocKind.GUIDE, name, score, []), None, 1)


def test_the_one_name_holding_all_the_question_names_is_picked() -> None:
    names = ["延期M字签证", "延期L字签证", "换发M字签证", "延期G字签证"]
    assert singled_out("他的M字签证想延期，几个工作日能办好？", names) == 0
    assert singled_out("M字签证想换发", names) == 2
    assert singled_out("签证想延期", names) is None  # nothing sets one apart: ask which


def test_twins_of_one_name_count_as_one_name() -> None:
    names = ["延期M字签证", "延期M字签证", "延期L字签证"]
    assert singled_out("M字签证延期要几天", names) == 0


def test_a_variant_for_a_later_step_is_no_choice_when_none_is_asked() -> None:
    cands = [
        _cand("无线电台（站）的设置使用和呼号指配审批（新申请）(业余)"),
        _cand("无线电台（站）的设置使用和呼号指配审批（新申请）(其他无线电台（站）的设置使用审批（新申请）)"),
        _cand("无线电台（站）的设置使用和呼号指配审批（延续）(业余)"),
    ]
    assert worded_lead("想申请设个人业余电台，批下来要多少天？", cands) is cands[0]
    assert worded_lead("想申请设个无线电台，批下来要多少天？", cands) is None  # 业余 or another kind: ask


def test_the_first_time_variant_answers_a_question_asking_no_later_step() -> None:
    cands = [
        _cand("二级注册建造师执业资格注册核准(二级注册建造师重新注册)"),
        _cand("二级注册建造师执业资格注册核准(二级注册建造师初始注册)"),
        _cand("二级注册建造师执业资格注册核准（注销注册）"),
    ]
    assert worded_lead("刚考过二建，第一次注册要几天审核完？", cands) is cands[1]
    assert worded_lead("二建注册要注销怎么办", cands) is cands[2]


def test_the_variant_naming_the_step_serves_it_over_one_listing_an_old_card() -> None:
    old = _cand("专职律师执业许可(在我省注销律师执业证书后重新申请执业)")
    renew = _cand("律师执业证书补证、换证")
    ending = _cand("律师执业证书注销审核(律师执业证书注销)")
    old.guide.materials = [Material(name="原律师执业证书（换发新证）")]
    q = "律师执业证用旧了想换本新的，多少个工作日能办好？"
    assert step_server(q, [old, renew, ending], GuideFit._serves_step) is renew


def test_a_deadline_for_acting_is_told_from_a_processing_time() -> None:
    for q in (
        "C字签证停留期快到了，最迟什么时候要去申请延期？",
        "考到证了，要在多长时间内去申请注册？",
        "入境后多少天内要去办居留证",
        "居留证件入境后几耐之内要去办",
        "认定书我不服，向省消防总队申请复核有时间限制吗？",  # whether there is a deadline at all
        "可以怎么申请再鉴定？有没有时限",
    ):
        assert asks_deadline(q), q
    for q in ("几个工作日能办好", "多少天内能办好", "多久能拿证", "要多长时间", "办结有时限吗？多久能办好"):
        assert not asks_deadline(q), q
    assert states_deadline("应当在签证注明的停留期限届满七日前向…申请")
    assert states_deadline("应当自取得资格证书之日起一年内提出")
    assert states_deadline(
        "用人单位应当在职工发生事故伤害后的第一个工作日，通知社会保险行政部门，进行事故伤害登记。"
    )
    assert not states_deadline("申请人须年满18周岁")


def test_a_wait_before_acting_is_told_from_a_processing_time() -> None:
    assert asks_wait("考了A类操作证，想再考B类，要等多久才可以考？")
    assert not asks_wait("申请注册做CPA要等多久？")  # the office's time
    assert not asks_wait("要等多久才能办好")
    assert states_wait("A类：无。 B类：通过A类半年后。")
    assert states_wait("在律师事务所实习满一年")
    assert not states_wait("申请人须年满18周岁")  # an age, no span to wait


def test_a_deadline_question_is_a_question_not_a_wish_to_apply() -> None:
    assert classify("我的C字签证快到期了，最迟什么时候要去申请延期？") is Intent.SERVICE_QUESTION


def test_everyday_wordings_read_as_the_aspect_asked() -> None:
    # "多几日" is a few more days of stay, not a processing time
    assert detect_aspects("想延长多几日，行程方面要交些什么？") == [Aspect.MATERIALS]
    # an online place asked, not whether one may apply
    assert detect_aspects("X2签证想延期，网上有没有地方可以申请？") == [Aspect.ONLINE]
    # a letter asked whether it is needed
    assert Aspect.MATERIALS in detect_aspects("是不是要我们这边被探望的人写个函件？")


def test_visas_said_by_purpose_or_bare_letter_find_their_category() -> None:
    table = synonym_table()
    assert "L字签证" in expand_synonyms("朋友拿旅游签证来玩", table)
    assert "X2字签证" in expand_synonyms("X2签证想延期", table)
    assert "M字签证" in expand_synonyms("商务签证要延期", table)


def _visa(gid: str, name: str, days: int, conditions: str = "") -> ServiceGuide:
    return ServiceGuide(
        id=gid,
        name=name,
        region="广东省广州市",
        department="示例出入境管理支队",
        conditions=conditions,
        promised_time_limit=TimeLimit(value=days, unit="工作日", raw=f"{days}(工作日)"),
    )


def test_the_variant_the_question_names_answers_and_a_deadline_comes_from_its_conditions(
    tmp_path: Path,
) -> None:
    guides = [
        _visa(
            "m", "延期M字签证", 3, "外国人需要延长签证停留期限的，应当在签证注明的停留期限届满七日前申请。"
        ),
        _visa(
            "l", "延期L字签证", 5, "外国人需要延长签证停留期限的，应当在签证注明的停留期限届满七日前申请。"
        ),
        _visa("mm", "换发M字签证", 7),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="a"), "他的M字签证想延期，几个工作日能办好？").reply
    assert "3个工作日" in reply.text
    assert [c.id for c in reply.citations][:1] == ["guide:m#promised_time_limit"]
    reply = m.handle(DialogueState(session_id="b"), "M字签证最迟什么时候要去申请延期？").reply
    assert "届满七日前" in reply.text
    assert [c.id for c in reply.citations][:1] == ["guide:m#conditions"]


def test_a_wait_before_acting_comes_from_the_conditions(tmp_path: Path) -> None:
    guides = [
        _visa("radio", "A类和B类业余无线电台操作技术能力验证", 10, "A类：无。 B类：通过A类半年后。"),
        _visa("x", "延期X2字签证", 7),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(
        DialogueState(session_id="w"), "考了A类业余无线电台操作证，想再考B类，要等多久才可以考？"
    ).reply
    assert "通过A类半年后" in reply.text and "10个工作日" not in reply.text
    reply = m.handle(DialogueState(session_id="o"), "业余无线电台操作技术能力验证要等多久？").reply
    assert "10个工作日" in reply.text  # the office's time is still its time limit


def test_the_formal_terms_of_colloquial_words_set_a_variant_apart() -> None:
    names = [
        "港澳医师内地医师资格认定（中医）",
        "港澳医师内地医师资格认定（临床）",
        "港澳医师内地医师资格认定（口腔)",
    ]
    assert singled_out("我是香港西医，想申请内地的医师资格认定", names) == 1  # 西医 -> 临床
    cars = [
        "机动车驾驶证持军警驾驶证申领(退役军人持军队（摩托车）驾驶证申请机动车驾驶证)",
        "机动车驾驶证持军警驾驶证申领(退役军人持军队（小型汽车）驾驶证申请机动车驾驶证)",
    ]
    assert singled_out("退伍了想用小车驾驶证换地方驾照", cars) == 1  # 小车 -> 小型汽车


def test_a_certificate_named_by_a_colloquial_whole_word_is_said_by_its_formal_term() -> None:
    q = "爆破员证丢了要补办，需不需要登报声明遗失？"
    assert (
        certificate_unnamed("爆破员证", "爆破作业人员许可(遗失补发)", q) is None
    )  # 爆破员证 -> 爆破作业人员许可
    assert certificate_unnamed("爆破员证", "遗失技能人员职业资格证书补发申请", q) == "爆破员证"


def test_a_drawing_asked_whether_needed_is_a_material() -> None:
    assert detect_aspects("是不是要有资质的测绘机构画界址图？") == [Aspect.MATERIALS]


def test_of_two_offices_twins_the_worded_lead_is_the_office_named() -> None:
    city = ServiceGuide(
        id="city", name="既有住宅增设电梯规划许可", region="广东省广州市", department="广州市规划和自然资源局"
    )
    zone = ServiceGuide(
        id="zone",
        name="既有住宅增设电梯规划许可",
        region="广东省广州市",
        department="广州空港经济区管理委员会",
    )
    rural = ServiceGuide(
        id="rural", name="乡村建设规划许可证核发", region="广东省广州市", department="示例局"
    )
    cands = [Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 1.0, []), None, 1) for g in (city, zone, rural)]
    picked = worded_lead("我住空港经济区的旧楼，想增设电梯，规划许可去哪办", cands)
    assert picked is not None and picked.guide.id == "zone"


def test_a_later_step_variant_gives_way_only_among_variants_of_one_service() -> None:
    cands = [_cand("预约申请国家统一法律职业资格证书（转链接）"), _cand("职业资格证书注销申请")]
    assert worded_lead("有职业资格，能申请做公证员吗", cands) is None  # two services: ask


def test_doing_it_online_in_everyday_words() -> None:
    assert detect_aspects("想向税务局报告更新身份信息，可不可以网上搞？") == [Aspect.ONLINE]


def test_a_code_said_names_only_the_variants_holding_it() -> None:
    cands = [_cand("延期J2字签证"), _cand("外国人出入境证签发"), _cand("换发J2字签证")]
    q = "我是外国记者，拿着J2签证在广州采访，想延长逗留，出入境多久办得好？"
    # 外国人 / 出入境 are words of the second name only, but the question says J2: not that one; 延期 or 换发 is asked
    assert worded_lead(q, cands) is None
    assert worded_lead("J2签证想换发", cands) is cands[2]
    assert not later_step_only(q, "延期J2字签证")  # 延长 asks a later step: 延期 variants do not give way


def test_a_far_weaker_name_takes_no_word_from_the_others() -> None:
    cands = [
        _cand("留学申请资格评估"),
        _cand("国家公派出国留学申请受理"),
        _cand("资产评估师资格全国统一考试"),
    ]
    # 评估 is in the first and the third, 出国 in the second only: without the third, both have words of their own
    assert worded_lead("我想评估一下自己够不够条件申请出国留学，省里是哪个机构做这个评估？", cands) is None


def test_a_pair_across_the_end_of_the_shared_stem_is_no_word() -> None:
    names = ["执业药师再次注册", "执业药师注销注册", "执业药师首次注册", "执业药师变更注册"]
    # "药师注册" holds 师注 as 执业药师注销注册 does: that says no 注销
    assert singled_out("我的执业药师注册之前失效了，现在想再注册，要不要交体检报告？", names) != 1
    assert singled_out("执业药师要注销注册", names) == 1
    # a one-character variant after the stem is said by the pair ending the stem
    assert singled_out("想把党组织关系转入", ["存档人员党员组织关系转入", "存档人员党员组织关系转出"]) == 0
