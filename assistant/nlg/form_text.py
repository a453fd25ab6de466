"""The wording of form filling: prompts, the read-back, the materials checklist, the form panel.

Answer-first, short, Simplified Chinese. Builds text and the FormView from state; decides nothing.
"""

from __future__ import annotations

from assistant.form_state import display, field_by_name, materials_view, missing_fields
from assistant.nlu.form_parse import TYPE_SHAPE
from assistant.state import Citation, DialogueState, FormView, Intent, Reply
from guides.schema import Flow, FormField, Question

CONFIRM_LABEL = "确认提交"
EDIT_LABEL = "修改"
YES_LABEL = "是的"
NO_LABEL = "不是"


def form_view(state: DialogueState, flow: Flow) -> FormView:
    active = flow.active_fields(state.answers)
    labels = {f.name: f.label for f in active}
    labels.update({name: f.label for name in state.fields if (f := field_by_name(flow, name)) is not None})
    return FormView(
        service_id=flow.service_id,
        flow_id=flow.id,
        fields=dict(state.fields),
        missing=[f.label for f in missing_fields(state, flow)],
        answers=dict(state.answers),
        materials=materials_view(state, flow),
        labels=labels,
        service_name=flow.title,
    )


def form_reply(
    state: DialogueState,
    flow: Flow,
    text: str,
    choices: list[str] | None = None,
    citations: list[Citation] | None = None,
) -> Reply:
    return Reply(
        text=text,
        choices=choices or [],
        citations=citations or [],
        form=form_view(state, flow),
        intent=Intent.APPLY,
    )


def choice_labels(q: Question) -> list[str]:
    return [c.label for c in q.choices]


def field_choices(f: FormField) -> list[str]:
    return list(f.choices) if f.type == "enum" else []


def ask_field(f: FormField, prefix: str = "请提供") -> str:
    """ "请提供居住地址（填写到门牌号）。" """
    return f"{prefix}{f.label}" + (f"（{f.hint}）" if f.hint else "") + "。"


def field_prompt(f: FormField, n_done: int, n_total: int) -> str:
    text = f"请提供{f.label}"
    if f.hint:
        text += f"（{f.hint}）"
    if f.type == "enum":
        text += "，可选：" + "、".join(f.choices)
    return text + f"。（第{n_done + 1}/{n_total}项）"


def reask_question(q: Question) -> str:
    """The situation question again, with what kind of answer helps (not a bare "没有听明白")."""
    return f"这一项我还需要确认一下：{q.ask}可以直接说您的情况，或点选：" + "、".join(choice_labels(q)) + "。"


def cancelled_text(title: str) -> str:
    return (
        f"好的，已取消「{title}」的办理，已填写的信息不会提交（暂时保留，说“继续刚才的”可以接着办）。"
        "还有什么可以帮您？"
    )


def restored_text(title: str, labels: list[str]) -> str:
    kept = "、".join(labels)
    return f"好的，我们继续办理「{title}」" + (f"，已保留您之前填写的：{kept}。" if kept else "。")


def read_back(state: DialogueState, flow: Flow) -> str:
    lines = ["请核对以下信息：", f"办理事项：{flow.title}"]
    answered = [
        (q, state.answers[q.id]) for q in flow.active_questions(state.answers) if q.id in state.answers
    ]
    if answered:
        lines.append("【办理情形】")
        for q, value in answered:
            label = next((c.label for c in q.choices if c.value == value), value)
            lines.append(f"- {q.ask.rstrip('？?')}：{label}")
    lines.append("【填写信息】")
    for f in flow.active_fields(state.answers):
        if f.name in state.fields and state.fields[f.name] is not None:
            lines.append(f"- {f.label}：{display(state.fields[f.name])}")
    mats = materials_view(state, flow)
    if mats:
        lines.append("【材料预审】")
        for m in mats:
            mark = "✓" if m["provided"] else "○"
            note = "已备" if m["provided"] else ("未确认，请办理时备齐" if m["required"] else "非必需")
            lines.append(f"- {mark} {m['name']}（{note}）")
    lines.append(f"（{flow.sample_note}）")
    lines.append("信息无误请回复“确认提交”；需要修改请说明，如“电话填错了，是13900139000”。确认提交吗？")
    return "\n".join(lines)


def edit_choices(state: DialogueState, flow: Flow) -> list[str]:
    labels = [f.label for f in flow.active_fields(state.answers) if f.name in state.fields]
    return labels + [
        q.ask.rstrip("？?") for q in flow.active_questions(state.answers) if q.id in state.answers
    ]


def edit_menu_text(state: DialogueState, flow: Flow) -> str:
    return "请问要修改哪一项？可以直接说“地址改成……”，或选择下面的项目。"


def checklist_text(state: DialogueState, flow: Flow) -> str:
    mats = flow.materials_for(state.answers)
    if not mats:
        return ""
    sample = "（示例清单）" if flow.origin == "authored" else "（办事指南所列材料）"
    lines = [f"根据您的情况，需要准备以下材料{sample}："]
    for i, m in enumerate(mats, 1):
        extra = "（非必需）" if not m.required else ""
        lines.append(f"{i}. {m.name}{extra}" + (f"，{m.copies}" if m.copies else ""))
    lines.append(
        "已经备好的材料可以随时告诉我（如“身份证复印件已经有了”或“材料都齐了”），我会在预审清单中标记。"
    )
    return "\n".join(lines)


def wrong_kind_error(pending: FormField, target: FormField | None) -> str:
    shape = TYPE_SHAPE.get(pending.type, "")
    msg = f"{pending.label}有误：您发送的内容看起来是地址，不是{pending.label}"
    if shape:
        msg += f"（{pending.label}应为{shape}）"
    if target is not None:
        msg += f"；这条地址已先记为{target.label}"
    return msg
