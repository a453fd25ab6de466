"""Faults a blind set of unseen guides showed (blind32, read in the twenty-eighth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.policy.office_facts import office_kin
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder

CENTRE = "示例科学中心"


def _service(n: int, name: str, phone: str | None, department: str = CENTRE) -> ServiceGuide:
    # sample data, in the shape of the real 广东科学中心 guides: one service records no phone, the others do
    return ServiceGuide(
        id=f"sample-centre-{n}",
        name=name,
        department=department,
        region="广东省",
        region_path=["广东省"],
        conditions="无。",
        consult_phone=phone,
    )


def test_an_office_phone_is_read_from_its_other_services_that_agree(tmp_path: Path) -> None:
    signup = _service(1, "示例科学中心活动报名", None)
    events = _service(2, "示例科学中心教育活动信息查询", "020-39348080")
    films = _service(3, "示例科学中心科普电影查询", "020-39348080")
    m = build_manager([signup, events, films], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="w"), "示例科学中心活动报名的咨询电话是多少？").reply
    # the service asked of was said to record no phone, and only 12345 was offered
    assert "020-39348080" in reply.text and "未载明咨询电话" in reply.text
    assert reply.citations and reply.citations[0].id.startswith("guide:sample-centre-")
    assert reply.citations[0].id.endswith("#consult_phone")


def test_an_office_whose_services_disagree_gives_no_phone(tmp_path: Path) -> None:
    signup = _service(1, "示例科学中心活动报名", None)
    events = _service(2, "示例科学中心教育活动信息查询", "020-39348080")
    films = _service(3, "示例科学中心科普电影查询", "020-11112222")
    other = _service(4, "示例科学中心场馆参观预约", "020-11112222", department="另一示例单位")
    m = build_manager([signup, events, films, other], {}, tmp_path / "idx", embedder=HashEmbedder())
    a = m.answering
    q = "示例科学中心活动报名的咨询电话是多少？"
    assert office_kin(signup, [Aspect.PHONE], q, a.search, m.get_guide) is None
    # (nor is another office's number, nor a fact of the service itself such as its time limit, read this way)
    m2 = build_manager([signup, other], {}, tmp_path / "idx2", embedder=HashEmbedder())
    assert office_kin(signup, [Aspect.PHONE], q, m2.answering.search, m2.get_guide) is None
    assert office_kin(signup, [Aspect.TIME], q, a.search, m.get_guide) is None
    reply = m.handle(DialogueState(session_id="w"), q).reply
    assert "020-39348080" not in reply.text and "020-11112222" not in reply.text


def test_free_asks_the_fee_only_when_asked_of() -> None:
    # "关于免费法律帮助…想打电话问问" asks the phone: the fee read into it answered "未载明咨询电话、收费标准"
    assert detect_aspects("关于免费法律帮助有些疑问想打电话问问，号码多少？") == [Aspect.PHONE]
    for q in (
        "残疾证烂咗可以免费换个新嘅吗",
        "办身份证免费吗",
        "这个是免费的吗",
        "有冇免费嘅地方检测？",
        "有没有免费或者优惠？",
    ):
        assert Aspect.FEES in detect_aspects(q), q
