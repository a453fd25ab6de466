"""Questions that tell the person's situation at length name a service with few of its characters: a guide far
ahead that the question names (by what it names, or by telling nearly all of the name) still answers; a later
step asked picks the one variant serving it; a shortened certificate name (保安证 for 保安员证) still says it."""

from __future__ import annotations

from pathlib import Path

from assistant.policy.evidence import Candidate
from assistant.policy.guide_fit import GuideFit
from assistant.policy.name_words import (
    asks_later_step,
    lacking_matter,
    later_step_only,
    renewal_not_served,
    step_not_served,
    steps_asked,
    tells_problem_thing,
)
from assistant.policy.service_pick import standout, step_server
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit


def _cand(name: str, score: float) -> Candidate:
    g = ServiceGuide(id=name, name=name, region="广东省广州市")
    return Candidate(g, Hit(name, DocKind.GUIDE, name, score, []), None, 1)


def test_a_guide_far_ahead_whose_name_a_long_question_tells_whole_answers() -> None:
    cands = [_cand("临时用电延期", 3.9), _cand("修建临河、临湖、临海建筑物审批(延期)", 1.8)]
    q = "工地的临时用电快到期了想延期，要去供电营业厅跑几趟？"
    assert standout(q, cands, 0.13) is cands[0]  # the question's many other words do not matter
    assert standout("工地快到期了想延期，要去营业厅跑几趟？", cands, 0.13) is None  # tells little of it


def test_what_a_long_question_names_may_name_the_guide_far_ahead() -> None:
    cands = [_cand("广东司法行政远程会见服务", 3.2), _cand("被监管人员律师会见预约", 1.6)]
    q = "我老公在监狱服刑，我能去司法局远程视频会见他吗？什么人才能参加？"
    assert standout(q, cands, 0.4) is None  # the question as a whole: too little of it in the name
    assert standout(q, cands, 0.4, subject="监狱服刑司法局远程视频会见") is cands[0]
    assert standout(q, cands, 0.4, subject="监狱服刑探望家人") is None


def test_a_shortened_certificate_name_still_says_it() -> None:
    q = "保安证坏了怎么办"
    assert tells_problem_thing(q, "保安员证核发(损毁换发保安员证)")  # 保安证: 保安员证 shortened
    assert not tells_problem_thing(q, "保护安全设施许可证核发")  # the characters too far apart


def test_a_postponement_is_a_step_of_its_own() -> None:
    q = "工地的临时用电快到期了想延期"
    assert steps_asked(q) == ["延期"]
    assert step_not_served(q, "临时用电延期") is None
    assert step_not_served(q, "临时用电新装") == "延期"
    assert lacking_matter(q) == "临时用电延期"  # not the renewal an expiry alone would say
    # a postponement is a later step: a question asking none is not about it
    assert later_step_only("农村起屋的规划许可证批下来要多久", "乡村建设规划许可证核发(延期使用)")
    assert not later_step_only(q, "临时用电延期")


def test_common_abbreviations_read_formally() -> None:
    table = synonym_table()
    assert "社会工作者" in expand_synonyms("想考社工证", table)
    assert "教师资格" in expand_synonyms("考教资要什么条件", table)
    assert "录用考试" in expand_synonyms("省考报名有问题打哪个电话", table)


def test_a_later_step_asked_picks_the_one_variant_serving_it() -> None:
    # the names of the real 保安员证核发 variants (广州市公安局)
    cands = [
        _cand("保安员证核发(损毁换发保安员证)", 3.7),
        _cand("保安员证核发(遗失补发保安员证)", 2.5),
        _cand("保安员证核发(初次申领保安员证)", 2.5),
    ]
    serves = GuideFit._serves_step
    assert step_server("保安证烂咗想换张新嘅，喺边度换？", cands, serves) is cands[0]
    assert step_server("保安员证丢了怎么办", cands, serves) is cands[1]
    assert step_server("保安员证在哪里办", cands, serves) is None  # no later step asked: ask which
    both = [_cand("社会保障卡补换", 3.0), _cand("《中华人民共和国残疾人证》换领", 2.9)]
    assert step_server("证件过期了想换张新的", both, serves) is None  # two serve it: ask which


def test_the_guide_for_everyone_is_found_past_variants_for_another_group(tmp_path: Path) -> None:
    """ "开律师事务所审批要几天": eight 香港、澳门律师事务所…联营 guides (a group the question does not name) fill the
    first hits; the guide for everyone further down answers."""
    steps = ["设立", "注销", "变更", "名称变更", "章程变更", "协议变更", "增派律师", "合伙人变更", "住所变更"]
    variants = [
        ServiceGuide(
            id=f"hk-{i}",
            name=f"香港、澳门律师事务所与广东境内律师事务所联营{s}许可(香港、澳门律师事务所与广东境内律师事务所联营{s}审核)",
            region="广东省",
            department="示例司法厅",
        )
        for i, s in enumerate(steps)
    ]
    base = ServiceGuide(
        id="firm",
        name="律师事务所设立许可",
        region="广东省广州市",
        department="示例司法局",
        promised_time_limit=TimeLimit(value=10, unit="工作日", raw="10(工作日)"),
    )
    m = build_manager([*variants, base], {}, tmp_path / "idx", embedder=HashEmbedder())
    first = m.answering.search(
        "律师事务所审批要几天", None, top_k=8, chunks_per_hit=64, faq_top=0, article_top=0
    )
    assert first is not None and all(h.doc_id.startswith("hk-") for h in first.hits)  # the variants fill them
    reply = m.handle(DialogueState(session_id="f"), "律师事务所审批要几天").reply
    assert "10个工作日" in reply.text
    assert [c.id for c in reply.citations][:1] == ["guide:firm#promised_time_limit"]


def test_a_mistake_on_a_paper_asks_for_it_to_be_corrected() -> None:
    q = "我的技能等级证书名打错了，想改回，要去哪里办？"
    assert steps_asked(q) == ["打错"]  # told as done ("打错了"), still the step asked
    assert step_not_served(q, "遗失技能人员职业资格证书补发申请") == "打错"
    assert step_not_served(q, "更正职业资格证书信息申请") is None
    assert "更正" in expand_synonyms("名字写错了", synonym_table())


def test_a_card_said_to_have_run_out_asks_for_its_renewal(tmp_path: Path) -> None:
    q = "驾照过期了怎么办"
    assert asks_later_step(q) and asks_later_step("驾驶证期满了") and not asks_later_step("合同到期了怎么办")
    assert renewal_not_served(q, "机动车驾驶证增加准驾车型 身份证明 驾驶证")  # no guide that renews it
    # sample data in the shape of the real 机动车驾驶证增加准驾车型 guide (no renewal guide in the KB)
    more = ServiceGuide(
        id="licence-more",
        name="机动车驾驶证增加准驾车型",
        region="广东省广州市",
        department="示例公安局",
        location="示例车管所",
    )
    m = build_manager([more], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="x"), "驾驶证过期了怎么办").reply
    assert "增加准驾车型" not in reply.text and not reply.citations
    assert "驾驶证换领" in reply.text  # the refusal names what is missing
    abroad = m.handle(DialogueState(session_id="y"), "在美国驾照过期了去DMV怎么续").reply
    assert "没有美国的相关规定" in abroad.text
