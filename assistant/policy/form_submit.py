"""The end of a form: the draft handed to the intake API, and the receipt once the app stored it (the
application then stays in focus for follow-ups)."""

from __future__ import annotations

from assistant.form_state import materials_view, reset_form
from assistant.nlg.form_text import form_view, read_back
from assistant.state import ApplicationDraft, AppliedRecord, DialogueState, Intent, Reply
from guides.schema import Flow
from knowledge.schema import ServiceGuide


def build_draft(state: DialogueState, flow: Flow, guide: ServiceGuide | None) -> ApplicationDraft:
    mats = materials_view(state, flow)
    active = {f.name for f in flow.active_fields(state.answers)}
    return ApplicationDraft(
        service_id=flow.service_id,
        flow_id=flow.id,
        service_name=guide.name if guide is not None else flow.title,
        answers=dict(state.answers),
        fields={k: v for k, v in state.fields.items() if k in active},
        materials=mats,
        missing_materials=[m["name"] for m in mats if m["required"] and not m["provided"]],
        summary=read_back(state, flow).rsplit("\n", 2)[0],
    )


def on_submitted(
    state: DialogueState, flow: Flow | None, application_id: str, draft: ApplicationDraft | None = None
) -> Reply:
    """The receipt: the application number and the next steps from the flow; the form is closed and the
    application stays in focus for follow-ups ("要补什么", "去哪里拿证")."""
    if flow is not None and flow.kind == "precheck":
        lines = [
            f"网上预审已完成，预审编号：{application_id}。请妥善保存。",
            "请注意：这是预审，不是正式申报，审批系统尚未收到您的申请；窗口工作人员可以查看本次预审结果。",
        ]
    else:
        lines = [f"申请已提交，申请编号：{application_id}。请妥善保存。"]
    if flow is not None and flow.next_steps:
        lines.append("接下来：")
        lines += [f"{i}. {s}" for i, s in enumerate(flow.next_steps, 1)]
    missing = draft.missing_materials if draft is not None else []
    if missing:
        lines.append("预审提示：以下材料尚未确认备齐，请在办理前准备好：" + "、".join(missing) + "。")
    lines.append(f"您可以随时发送“查询进度 {application_id}”了解办理进度。")
    if flow is not None:
        lines.append(f"（{flow.sample_note}）")
    form = form_view(state, flow) if flow is not None else None
    if flow is not None:
        state.last_application = AppliedRecord(
            application_id=application_id,
            flow_id=flow.id,
            service_id=flow.service_id,
            missing_materials=list(missing),
        )
        state.current_service_id = flow.service_id
    reset_form(state)
    if state.suspended is not None and flow is not None and state.suspended.flow_id == flow.id:
        state.suspended = None
    state.last_application_id = application_id
    return Reply(text="\n".join(lines), form=form, intent=Intent.APPLY)
