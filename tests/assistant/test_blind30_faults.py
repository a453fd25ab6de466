"""Faults a blind set of unseen guides showed (blind30, read in the twenty-sixth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.intent import classify
from assistant.policy.evidence import Candidate
from assistant.policy.linking import asks_auxiliary
from assistant.policy.name_words import names_step_thing, serves_step, step_not_served, synonym_table
from assistant.policy.variants import crossing_variant
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.regions import crossed_levels, foreign_countries
from retrieval.tokenize import expand_synonyms
from retrieval.types import DocKind, Hit


def _cand(name: str, score: float) -> Candidate:
    gid = f"sample-{abs(hash(name)) % 10_000}"
    g = ServiceGuide(id=gid, name=name)
    return Candidate(guide=g, hit=Hit(gid, DocKind.GUIDE, name, score, []), best=None, rank=1)


def test_a_country_goods_come_from_or_a_relative_sends_from_is_no_place_asked() -> None:
    # the import question was answered "没有泰国的相关规定" though it asks 林业局 here
    assert foreign_countries("我想由泰国入口啲鳄鱼皮手袋，去林业局咨询呢类野生动物制品进出口嘅问题") == []
    assert foreign_countries("从日本寄来的包裹要交税吗") == []
    # a relative living there who sends money back: the remittance is handled here
    assert foreign_countries("我叔公在美国，每年寄回来的侨汇被村里经手的人截流拖着不给，这样合法吗？") == []
    # the person there, asking there's rules, is still another country's matter
    assert foreign_countries("我在澳洲考了摩托车驾照") == ["澳洲"]
    assert foreign_countries("我在日本买的药能带回来吗") == ["日本"]
    assert foreign_countries("我叔公在美国，佢想喺美国申请退休金") == ["美国"]


def test_a_renewal_asked_is_served_by_a_continuation_named_xuyan() -> None:
    name = "香港、澳门律师事务所与广东境内律师事务所联营变更许可(协议联营续延)"
    q = "我哋律所同香港一间律师行系协议联营，快到期想续多几年，申请嗰阵系咪要交双方新签嘅续期协议？"
    # 续延 served no 续期, and the paper "续期协议" was read as the thing renewed: the question was refused
    assert step_not_served(q, name) is None
    assert names_step_thing(q, name)
    # a thing renewed that the name does not say still rules the name out
    assert not names_step_thing("我的营业执照快到期了，续期要交什么", name)


def test_a_period_lengthened_after_a_but_is_the_step_itself() -> None:
    name = "修建跨越、穿越航道建筑物审批(延期)"
    q = "我们要在河上架一条过江电缆，已经批了但工期要延期，这种缆线跨过航道的工程能申请这个延期吗？"
    # "已经批了但工期" was read as the thing extended, and the question refused
    assert names_step_thing(q, name)
    assert not names_step_thing("我的护照要延期", name)
    # crossing said in everyday words reads as 跨越
    assert "跨越" in expand_synonyms("跨过航道", synonym_table())


def test_a_case_s_progress_asks_the_lookup() -> None:
    # 暖心公益法律咨询 was answered (no phone) instead of 暖心公益法律援助案件查询
    assert asks_auxiliary("想打电话问下我那个案子的进展，号码是多少？")
    assert not asks_auxiliary("暖心公益法律服务中心的电话是多少")


def test_a_move_across_cities_is_the_cross_city_variant() -> None:
    assert crossed_levels("我从佛山的律所跳槽到广州一家所") == frozenset({"市"})
    assert crossed_levels("我在湖南做咗五年专职律师，而家想转嚟广东执业") == frozenset({"省"})
    assert crossed_levels("我在广州一家律所") == frozenset()
    cands = [
        _cand("律师执业变更审核(市内转所（执业机构变更）)", 4.1),
        _cand("律师执业变更审核(跨市转所（执业机构变更）)", 4.0),
    ]
    q = "我从佛山的律所跳槽到广州一家所，办执业机构变更的时候，原来的执业证要交吗？"
    picked = crossing_variant(q, cands)
    assert picked is not None and "跨市" in picked.guide.name
    # two cities said without a move, or a move within one city, tell no variant
    assert crossing_variant("我住佛山，在广州一家律所执业，变更要什么材料", cands) is None
    assert crossing_variant("我在广州转所", cands) is None


def test_a_new_application_after_a_step_does_not_serve_it() -> None:
    again = "专职律师执业许可(在我省注销律师执业证书后重新申请执业)"
    assert not serves_step("注销", again)
    assert serves_step("注销", "律师执业证书注销审核(律师执业证书注销)")


def test_a_step_of_the_paper_asked_names_the_service(tmp_path: Path) -> None:
    guides = [
        ServiceGuide(id="sample-again", name="专职律师执业许可(在我省注销律师执业证书后重新申请执业)"),
        ServiceGuide(id="sample-cancel", name="律师执业证书注销审核(律师执业证书注销)"),
        ServiceGuide(id="sample-revoked", name="律师被司法局吊销执业证情况处理"),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    hits = [Hit(g.id, DocKind.GUIDE, g.name, 3.0 - i, []) for i, g in enumerate(guides[1:])]
    q = "我朋友做律师被司法局吊销了执业证，他这种情况是不是还得专门申请注销执业证书？"
    # the question's rest was searched for another service, as if the certificate named none
    assert m.answering._named_first(q, hits) == hits
    # a paper lacked still names no service
    lacked = "我朋友做律师被司法局吊销了执业证，他这种情况办事还要带执业证书吗？"
    assert m.answering._named_first(lacked, hits)[0].doc_id == "sample-revoked"


def test_papers_asked_of_a_guide_listing_none_quote_conditions_speaking_of_papers(tmp_path: Path) -> None:
    # sample data, in the shape of the real 行政处罚决定书公示 guide: no materials, conditions saying none are needed
    notice = ServiceGuide(
        id="notice",
        name="行政处罚决定书公示（示例）",
        region="广东省",
        region_path=["广东省"],
        conditions="无须提交办理材料，登录厅公众网即可查看、查询。",
    )
    m = build_manager([notice], {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "我想看看行政处罚决定书公示，要不要交什么材料去申请？"
    reply = m.handle(DialogueState(session_id="n"), q).reply
    # the reply said "该指南未载明申请材料" though the conditions say none are needed
    assert "未单列申请材料" in reply.text and "无须提交办理材料" in reply.text
    assert any(c.id.startswith("guide:notice#conditions") for c in reply.citations)
    # conditions saying nothing of papers: the guide is said to be silent
    quiet = ServiceGuide(
        id="quiet",
        name="行政处罚决定书公示（示例二）",
        region="广东省",
        region_path=["广东省"],
        conditions="本省行政处罚案件均予公开。",
    )
    m = build_manager([quiet], {}, tmp_path / "idx2", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="q"), "行政处罚决定书公示（示例二）要交什么材料？").reply
    assert "未载明申请材料" in reply.text


def test_signing_up_for_an_exam_in_one_word_reads_as_its_registration() -> None:
    # "报考一级建造师" found only 注册建造师 guides, not 建造师考试报名, and was refused
    terms = expand_synonyms("我报考一级建造师，资格审核那里有点问题", synonym_table())
    assert "考试报名" in terms


def test_whether_one_may_apply_after_a_grievance_told_is_a_service_question() -> None:
    q = "我弟弟是聋哑人，在厂里被克扣工资还被欺负，家里没钱请律师，能申请法律援助吗？"
    # the grievance told ("被欺负") routed the question to 12345 as a complaint
    assert classify(q) is Intent.SERVICE_QUESTION
    # a complaint about the service itself stays one
    assert classify("窗口工作人员态度太差了，我能申请换个人办吗") is Intent.COMPLAINT
    assert classify("我要投诉，你们乱收费，能申请退钱吗") is Intent.COMPLAINT
