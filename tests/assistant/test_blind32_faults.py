"""Faults a blind set of unseen guides showed (blind32, read in the twenty-eighth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.normalize import canonical
from assistant.policy.linking import not_progress_lookups
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


def test_where_to_look_it_up_at_an_office_asks_the_place() -> None:
    # "去省公安厅边度查" (Cantonese 边度: where) asked nothing; the guide's materials were said to be unrecorded
    assert Aspect.LOCATION in detect_aspects(canonical("想核实下个安防公司嘅资格证，去省公安厅边度查？"))


def test_false_papers_told_are_not_asked_for() -> None:
    # "用假资料去申请护照…会罚几多钱" got the passport's eighteen materials
    assert Aspect.MATERIALS not in detect_aspects(
        canonical("我朋友用假资料去申请护照，俾人查到，会罚几多钱？")
    )
    assert Aspect.MATERIALS in detect_aspects("申请护照要什么资料？")


def test_a_cantonese_account_is_no_household_register() -> None:
    # "开多个公积金户口" (Cantonese 户口: an account) was read as 户口 and offered another province's 企业迁移 pair
    t = canonical("新公司话帮我再开多个公积金户口，一个人可唔可以有两个？")
    assert "公积金账户" in t and "户口" not in t
    assert "户口" in canonical("我想迁户口去广州")


def test_a_service_beside_the_lookup_of_its_progress_is_no_choice() -> None:
    names = ["示例资格证企业信息查询", "示例资格证办理事项进度查询"]
    assert not_progress_lookups("想核实下个公司有冇资格证，去边度查？", names) == [0]
    # asked of a case's progress, both stay (the choice is then the other rules')
    assert not_progress_lookups("我交咗资格证申请，想查下办到边一步", names) == [0, 1]
