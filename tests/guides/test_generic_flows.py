"""Generic 预审 flows derived from guide records, and the flow registry (authored > curated > generic)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.nlu.validators import validate
from guides.generic import (
    AGENT_Q,
    APPLICANT_Q,
    CONDITIONS_Q,
    ORG,
    PERSON,
    VISIT_FIELD,
    applicability,
    condition_check,
    derive_flow,
    generic_flow_id,
)
from guides.loader import load_flows
from guides.registry import FlowRegistry
from guides.schema import Flow, FormField
from knowledge.schema import Material, ServiceGuide


def _guide(**kw: object) -> ServiceGuide:
    base: dict[str, object] = {"id": "1144TEST0001", "name": "职业资格证书补发", "audience": ["自然人"]}
    base.update(kw)
    return ServiceGuide.model_validate(base)


def _names(flow: Flow) -> list[str]:
    return [f.name for f in flow.form]


def test_person_only_guide_asks_no_applicant_type_and_has_person_identity() -> None:
    flow = derive_flow(_guide(materials=[Material(name="申请表"), Material(name="居民身份证")]))
    assert flow.id == generic_flow_id("1144TEST0001") and flow.kind == "precheck" and flow.origin == "generic"
    assert APPLICANT_Q not in [q.id for q in flow.questions]
    assert _names(flow) == ["applicant_name", "applicant_id_number", "applicant_phone"]
    assert [m.name for m in flow.materials] == ["申请表", "居民身份证"] and flow.checklist_step


def test_org_only_guide_has_company_identity() -> None:
    flow = derive_flow(_guide(audience=["企业法人", "社会组织法人"]))
    assert not flow.questions
    assert _names(flow) == ["org_name", "org_uscc", "contact_name", "contact_phone"]
    assert next(f for f in flow.form if f.name == "org_uscc").type == "uscc"


def test_both_kinds_ask_who_applies_and_switch_identity_fields() -> None:
    flow = derive_flow(_guide(audience=["自然人", "企业法人"]))
    assert flow.questions[0].id == APPLICANT_Q
    assert [f.name for f in flow.active_fields({APPLICANT_Q: PERSON})] == [
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
    ]
    assert [f.name for f in flow.active_fields({APPLICANT_Q: ORG})][:2] == ["org_name", "org_uscc"]


def test_situation_materials_become_questions_and_optional_ones_are_marked() -> None:
    flow = derive_flow(
        _guide(
            materials=[
                Material(name="申请表"),
                Material(name="人体器官移植医师资格认定申请表（新开展移植工作的）"),
                Material(name="授权委托书（委托办理的）"),
                Material(name="代理人有效证件"),
                Material(name="有判刑、失踪情况的还应提供相应的法院判决、裁定。"),
                Material(name="获奖证书（如有）"),
                Material(name="体检报告", notes="如申请人年满60周岁，需提供"),
            ]
        )
    )
    asks = {q.id: q.ask for q in flow.questions}
    assert AGENT_Q in asks
    assert any("新开展移植工作" in a for a in asks.values())
    assert any("有判刑、失踪情况" in a for a in asks.values())
    assert any("年满60周岁" in a for a in asks.values())
    by_name = {m.name: m for m in flow.materials}
    assert by_name["授权委托书（委托办理的）"].when == {AGENT_Q: ["委托代办"]}
    assert by_name["代理人有效证件"].when == {AGENT_Q: ["委托代办"]}
    assert by_name["申请表"].when is None and by_name["申请表"].required
    assert not by_name["获奖证书（如有）"].required
    # the checklist is the guide's record: every material, none invented, none lost
    assert [m.name for m in flow.materials] == [
        "申请表",
        "人体器官移植医师资格认定申请表（新开展移植工作的）",
        "授权委托书（委托办理的）",
        "代理人有效证件",
        "有判刑、失踪情况的还应提供相应的法院判决、裁定",
        "获奖证书（如有）",
        "体检报告",
    ]


@pytest.mark.parametrize("materials", [[], [Material(name="无")], [Material(name=" ；")]])
def test_guide_without_usable_materials_still_gets_a_flow_with_a_note(materials: list[Material]) -> None:
    flow = derive_flow(_guide(materials=materials))
    assert flow.materials == [] and not flow.checklist_step
    assert any("未列出申请材料" in n for n in flow.notes)
    assert "未列出申请材料" in (flow.summary or "")


def test_conditions_asked_when_complete_shown_when_truncated() -> None:
    assert condition_check("申请人应为本省户籍居民。") == ("申请人应为本省户籍居民。", None)
    assert condition_check("申请人需满足以下全部申请条件：") == (None, "申请人需满足以下全部申请条件：")
    assert condition_check("以下人员可以申领：（一）离退休人员。")[0] is None
    assert condition_check("无") == (None, None)
    asked = derive_flow(_guide(conditions="申请人应为本省户籍居民。"))
    assert asked.questions[-1].id == CONDITIONS_Q and "本省户籍" in asked.questions[-1].ask
    shown = derive_flow(_guide(conditions="申请人需满足以下全部申请条件："))
    assert CONDITIONS_Q not in [q.id for q in shown.questions]
    assert shown.conditions_shown and "受理条件" in (shown.summary or "")


def test_visit_guides_ask_a_working_day_and_name_the_place() -> None:
    flow = derive_flow(
        _guide(visits=1, location="广州市花都区政务服务中心3号窗口", online_url="https://x.example")
    )
    visit = next(f for f in flow.form if f.name == VISIT_FIELD)
    assert visit.type == "workday_date"
    assert any("花都区政务服务中心" in s for s in flow.next_steps)
    assert any("https://x.example" in s for s in flow.next_steps)
    assert VISIT_FIELD not in _names(derive_flow(_guide(visits=0)))


def test_information_services_are_not_applicable() -> None:
    assert not applicability(_guide(name="执业药师注册信息查询")).applicable
    assert applicability(_guide(name="执业药师注册信息查询", materials=[Material(name="申请表")])).applicable
    assert applicability(_guide(name="执业药师首次注册")).applicable


WORKDAY = FormField(name="d", label="预约日期", type="workday_date")


@pytest.mark.parametrize(
    ("raw", "today", "expected"),
    [
        ("2026-12-03", date(2026, 12, 2), "2026-12-03"),  # Thursday
        ("明天", date(2026, 12, 2), "2026-12-03"),
        ("下周一", date(2026, 12, 2), "2026-12-07"),
        ("12月8日", date(2026, 12, 2), "2026-12-08"),
        ("2026年9月20日", date(2026, 9, 14), "2026-09-20"),  # a Sunday that is a make-up working day
    ],
)
def test_workday_date_accepts_working_days(raw: str, today: date, expected: str) -> None:
    res = validate(WORKDAY, raw, today=today)
    assert res.ok and res.value == expected


@pytest.mark.parametrize(
    ("raw", "today", "error"),
    [
        ("2026-12-05", date(2026, 12, 2), "不是工作日"),  # Saturday
        ("2026-10-01", date(2026, 9, 28), "不是工作日"),  # National Day
        ("2026-12-01", date(2026, 12, 2), "不能早于今天"),
        ("2027-06-01", date(2026, 12, 2), "60天以内"),
        ("找个时间", date(2026, 12, 2), "无法识别"),
    ],
)
def test_workday_date_rejects_holidays_past_far_and_garbage(raw: str, today: date, error: str) -> None:
    res = validate(WORKDAY, raw, today=today)
    assert not res.ok and error in (res.error or "")


# --- registry -------------------------------------------------------------------------------------------


def test_registry_prefers_authored_and_derives_generic_lazily() -> None:
    authored = load_flows()
    sample = next(iter(authored.values()))
    real = _guide(materials=[Material(name="申请表")])
    calls: list[str] = []

    def get_guide(gid: str) -> ServiceGuide | None:
        calls.append(gid)
        return {real.id: real}.get(gid)

    reg = FlowRegistry(authored, get_guide=get_guide)
    assert calls == []  # nothing derived at start-up
    assert len(reg) == len(authored) and set(reg) == set(authored)
    assert reg.for_service(sample.service_id) is sample
    flow = reg.for_service(real.id)
    assert flow is not None and flow.origin == "generic"
    assert reg.get(flow.id) is flow and flow.id in reg
    assert reg.for_service("no-such-guide") is None and reg.get("g-no-such-guide") is None
    # a republished guide (new version) gives a fresh flow
    real.version = 2
    real.materials = [Material(name="申请表"), Material(name="新增证明")]
    assert [m.name for m in reg.for_service(real.id).materials] == ["申请表", "新增证明"]  # type: ignore[union-attr]


def test_registry_curated_record_replaces_generic_and_authored() -> None:
    authored = load_flows()
    real = _guide(materials=[Material(name="申请表")])
    curated = derive_flow(real).model_copy(update={"id": "curated-x", "origin": "curated"})

    class Source:
        flows: list[Flow] = []

        def published_flows(self) -> list[Flow]:
            return list(self.flows)

    src = Source()
    reg = FlowRegistry(authored, get_guide={real.id: real}.get, curated=src)
    assert reg.for_service(real.id).origin == "generic"  # type: ignore[union-attr]
    src.flows = [curated]
    reg.reload()
    assert reg.for_service(real.id) is curated and "curated-x" in list(reg)


# --- curation: text <-> flow ------------------------------------------------------------------------------


def test_flow_text_round_trips_and_errors_name_the_field() -> None:
    from guides.curation import FlowValidationError, flow_to_text, parse_flow_text

    flow = derive_flow(_guide(audience=["自然人", "企业法人"], materials=[Material(name="申请表")]))
    assert parse_flow_text(flow_to_text(flow)) == flow
    with pytest.raises(FlowValidationError) as bad_yaml:
        parse_flow_text("id: [unclosed")
    assert "YAML" in str(bad_yaml.value)
    text = flow_to_text(flow).replace("title: 职业资格证书补发", "title: ''").replace("type: uscc", "type: iban")
    with pytest.raises(FlowValidationError) as bad:
        parse_flow_text(text)
    assert any(e.field.endswith(".type") and "iban" in e.message for e in bad.value.errors)
    with pytest.raises(FlowValidationError) as unknown_service:
        parse_flow_text(flow_to_text(flow), known_service=lambda sid: False)
    assert unknown_service.value.errors[0].field == "service_id"


def test_registry_notices_a_publish_made_by_another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import guides.registry as registry_mod

    real = _guide(materials=[Material(name="申请表")])
    curated = derive_flow(real).model_copy(update={"id": "curated-y", "origin": "curated"})

    class Source:  # another worker publishes: the records' stamp changes
        flows: list[Flow] = []
        version = 0

        def published_flows(self) -> list[Flow]:
            return list(self.flows)

        def stamp(self) -> object:
            return self.version

    src = Source()
    reg = FlowRegistry({}, get_guide={real.id: real}.get, curated=src)
    assert reg.for_service(real.id).origin == "generic"  # type: ignore[union-attr]
    src.flows, src.version = [curated], 1
    monkeypatch.setattr(registry_mod, "STAMP_CHECK_S", 0.0)
    assert reg.for_service(real.id) is curated


def test_the_appointment_prompt_names_the_place() -> None:
    flow = derive_flow(_guide(visits=2, location="花都区新华街道公益路1号政务服务中心"))
    visit = next(f for f in flow.form if f.name == VISIT_FIELD)
    assert "花都区新华街道公益路1号政务服务中心" in (visit.hint or "")
