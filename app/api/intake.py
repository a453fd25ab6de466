"""Validation of submitted applications (POST /applications and resubmissions): every path that stores
answers, fields or materials goes through `check_submission`, which validates against the service's flow.

`flow_for` is the one place that decides which flow a submission is checked against: the flow named by
`flow_id`, else the service's flow (with a `guides.registry.FlowRegistry`: curated, authored or the generic
预审 flow derived from the guide). A service without any flow accepts no form fields or 情形 answers (nothing
unvalidated is stored), and only materials its guide lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from app.api.errors import CUSTOM, field_error
from app.api.schemas import ApplicationIn
from assistant.nlu.validators import validate
from guides.schema import Flow
from knowledge.schema import ServiceGuide

Errors = list[tuple[tuple[str, ...], str]]


class Checked(BaseModel):
    """A submission after validation: what may be stored."""

    flow_id: str
    answers: dict[str, str]
    fields: dict[str, Any]
    materials: list[dict[str, Any]]
    missing_materials: list[str]


def flow_for(flows: Mapping[str, Flow] | None, service_id: str, flow_id: str = "") -> Flow | None:
    """The flow to validate a submission for `service_id` against (422 when a named flow does not fit)."""
    flows = flows or {}
    if flow_id:
        flow = flows.get(flow_id)
        if flow is None:
            raise field_error(("body", "flow_id"), f"情形引导流程不存在：{flow_id}")
        if flow.service_id != service_id:
            raise field_error(("body", "flow_id"), "流程与办事事项不对应")
        return flow
    for_service = getattr(flows, "for_service", None)
    if callable(for_service):  # the app's FlowRegistry: curated > authored > generic
        found = for_service(service_id)
        return found if isinstance(found, Flow) else None
    own = [f for f in flows.values() if f.service_id == service_id]
    return min(own, key=lambda f: f.id) if own else None


def _raise(errors: Errors) -> None:
    if errors:
        raise RequestValidationError(
            [{"type": CUSTOM, "loc": loc, "msg": msg, "input": None} for loc, msg in errors]
        )


def _against_flow(flow: Flow, body: ApplicationIn) -> Checked:
    errors: Errors = []
    known = {q.id: q for q in flow.questions}
    for qid, value in body.answers.items():
        q = known.get(qid)
        if q is None:
            errors.append((("body", "answers", qid), "该流程没有此情形问题"))
        elif value not in {c.value for c in q.choices}:
            options = "、".join(c.value for c in q.choices)
            errors.append((("body", "answers", qid), f"取值必须是以下之一：{options}"))
    answers = {k: v for k, v in body.answers.items() if k in known}
    for q in flow.active_questions(answers):
        if q.id not in answers:
            errors.append((("body", "answers", q.id), f"请回答：{q.ask}"))
    active = {f.name: f for f in flow.active_fields(answers)}
    all_names = {f.name for f in flow.form}
    fields: dict[str, Any] = {}
    for name in body.fields:
        if name not in all_names:  # fields of other 情形 are dropped below, not stored
            errors.append((("body", "fields", name), "该事项的申请表没有此字段"))
    for name, spec in active.items():
        raw = body.fields.get(name)
        if raw is not None and not isinstance(raw, str | int | float):
            errors.append((("body", "fields", name), f"{spec.label}必须是文字或数字"))
            continue
        result = validate(spec, None if raw is None else str(raw))
        if not result.ok:
            errors.append((("body", "fields", name), result.error or f"{spec.label}填写有误"))
        elif result.value is not None:
            fields[name] = to_jsonable_python(result.value)
    listed = {m.name: m for m in body.materials}
    expected = flow.materials_for(answers)
    for name in listed.keys() - {m.name for m in expected}:
        errors.append((("body", "materials"), f"材料“{name}”不在该事项（当前情形）的材料清单中"))
    _raise(errors)
    materials = [
        {
            "name": m.name,
            "required": m.required,
            "provided": bool(listed.get(m.name) and listed[m.name].provided),
        }
        for m in expected
    ]
    missing = [m["name"] for m in materials if m["required"] and not m["provided"]]
    return Checked(
        flow_id=flow.id, answers=answers, fields=fields, materials=materials, missing_materials=missing
    )


def _without_flow(guide: ServiceGuide, body: ApplicationIn) -> Checked:
    errors: Errors = []
    if body.fields:
        errors.append((("body", "fields"), "该事项暂未开通在线填表，请按材料清单携带材料到窗口办理"))
    if body.answers:
        errors.append((("body", "answers"), "该事项没有情形问题"))
    listed = {m.name: m for m in body.materials}
    known = {m.name: m for m in guide.materials}
    for name in listed.keys() - known.keys():
        errors.append((("body", "materials"), f"材料“{name}”不在该事项的材料清单中"))
    _raise(errors)
    materials = [
        {"name": name, "required": known[name].required, "provided": listed[name].provided} for name in listed
    ]
    missing = [m["name"] for m in materials if m["required"] and not m["provided"]]
    return Checked(flow_id="", answers={}, fields={}, materials=materials, missing_materials=missing)


def check_field_values(flow: Flow, fields: Mapping[str, Any]) -> None:
    """Each given field exists in the flow's form and its value passes the field's validator (422 otherwise).
    For drafts the dialogue assembled: it validated them while asking, this re-checks what will be stored."""
    errors: Errors = []
    specs = {f.name: f for f in flow.form}
    for name, raw in fields.items():
        spec = specs.get(name)
        if spec is None:
            errors.append((("body", "fields", name), "该事项的申请表没有此字段"))
            continue
        if raw is None or raw == "":
            continue
        result = validate(spec, str(raw)) if isinstance(raw, str | int | float) else None
        if result is None or not result.ok:
            errors.append((("body", "fields", name), (result and result.error) or f"{spec.label}填写有误"))
    _raise(errors)


def check_submission(flow: Flow | None, guide: ServiceGuide, body: ApplicationIn) -> Checked:
    """Validate 情形 answers, form fields and materials; 422 listing every problem."""
    return _against_flow(flow, body) if flow is not None else _without_flow(guide, body)
