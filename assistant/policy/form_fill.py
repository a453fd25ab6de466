"""Taking values out of a message into the open form: fields (validated), 情形 answers a first message
already settles, material ticks, and corrections of earlier answers. Mutates the DialogueState copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant import events as ev
from assistant.form_state import (
    EDIT_MENU,
    STAGE_CONFIRM,
    STAGE_FIELDS,
    STAGE_MATERIALS,
    STAGE_QUESTIONS,
    display,
    field_by_name,
    missing_fields,
    pending_question,
    prune,
)
from assistant.nlg.form_text import (
    CONFIRM_LABEL,
    EDIT_LABEL,
    choice_labels,
    edit_choices,
    edit_menu_text,
    field_prompt,
    form_reply,
    read_back,
    wrong_kind_error,
)
from assistant.nlu.choices import implied_choice
from assistant.nlu.form_parse import (
    ADDRESS_MARKERS,
    CORRECTION_RE,
    TICK_RE,
    TYPE_SHAPE,
    UNTICK_RE,
    VALUE_AFTER_RE,
    field_words,
    find_field_mention,
    find_question_mention,
    is_tick_all,
    material_mentions,
    starts_with_label,
    strip_label,
)
from assistant.nlu.text import clean, compact
from assistant.nlu.validators import extract_fields, validate
from assistant.state import ApplicationDraft, DialogueState, Reply
from guides.schema import Flow, FormField

Step = tuple[str, list[str]]


@dataclass
class FormOutcome:
    reply: Reply
    submission: ApplicationDraft | None = None
    events: list[ev.Event] = field(default_factory=list)


def step(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
    """Set the pending item in `state` and return (prompt, choices); the read-back when all is filled."""
    q = pending_question(state, flow)
    if q is not None:
        state.flow_stage = STAGE_QUESTIONS
        state.requested = q.id
        return q.ask, choice_labels(q)
    if flow.checklist_step and not state.materials_asked and flow.materials_for(state.answers):
        from assistant.policy.form_checklist import materials_prompt

        state.flow_stage = STAGE_MATERIALS
        state.requested = None
        return materials_prompt(state, flow)
    todo = missing_fields(state, flow)
    if todo:
        state.flow_stage = STAGE_FIELDS
        f = todo[0]
        state.requested = f.name
        total = len([x for x in flow.active_fields(state.answers) if x.required])
        return field_prompt(f, total - len(todo), total), list(f.choices) if f.type == "enum" else []
    state.flow_stage = STAGE_CONFIRM
    state.requested = None
    return read_back(state, flow), [CONFIRM_LABEL, EDIT_LABEL]


def resume_prompt(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
    """Re-ask the pending item (after a digression); does not change the answers."""
    if state.flow_stage == STAGE_CONFIRM and state.requested == EDIT_MENU:
        return edit_menu_text(state, flow), edit_choices(state, flow)
    if state.flow_stage in (STAGE_FIELDS, STAGE_CONFIRM) and state.requested:
        f = field_by_name(flow, state.requested)
        if f is not None:
            return f"请提供{f.label}" + (f"（{f.hint}）" if f.hint else "") + "。", (
                list(f.choices) if f.type == "enum" else []
            )
    return step(state, flow)


def prefill_answers(state: DialogueState, flow: Flow, text: str) -> list[str]:
    """Answer 情形 questions a first message already settles ("社保卡丢了，我要补办")."""
    done: list[str] = []
    t = compact(text)
    # the service's own name is not a situation answer ("残疾人两项补贴" does not mean "两项都申请")
    for w in sorted([flow.title, *flow.keywords], key=len, reverse=True):
        if len(compact(w)) >= 2:
            t = t.replace(compact(w), "|")
    changed = True
    while changed:
        changed = False
        for q in flow.active_questions(state.answers):
            if q.id in state.answers:
                continue
            value = implied_choice(q, t)
            if value is not None:
                state.answers[q.id] = value
                done.append(q.id)
                changed = True
    return done


def accept_fields(
    state: DialogueState, flow: Flow, text: str, pending: FormField | None
) -> tuple[list[str], list[str]]:
    """Validate and store the fields found in `text`; returns (accepted labels, error messages)."""
    active = flow.active_fields(state.answers)
    todo = [f for f in active if f.name not in state.fields]
    if pending is not None:
        todo = [pending] + [f for f in todo if f.name != pending.name]
    raw = extract_fields(text, todo) if todo else {}
    if pending is not None:
        words = field_words(pending, flow, active)
        whole = strip_label(text, pending, words) or clean(text)
        if not raw:
            raw[pending.name] = whole
        elif (
            pending.name not in raw
            and pending.type in ("amount", "int", "date", "address")
            and set(raw) <= {f.name for f in active if f.type in ("enum", "int")}
            and validate(pending, whole).ok
        ):
            # "每个月两千" answers 月租金, "我家里在…12号" answers 地址: a choice word or a number inside the
            # answer to the question asked is no answer of its own
            raw = {pending.name: whole}
        elif (
            set(raw) == {pending.name}
            and pending.type in ("text", "address")
            and not starts_with_label(text, words)
        ):
            # free text that merely contains a label word ("花都区人民医院分院" and 医院) is the whole answer
            raw[pending.name] = whole
    accepted: list[str] = []
    errors: list[str] = []
    if pending is not None and set(raw) == {pending.name}:
        moved = _misplaced_address(state, raw[pending.name], pending, todo)
        if moved is not None:
            target, value = moved
            if target is not None:
                state.fields[target.name] = value
                accepted.append(target.label)
            errors.append(wrong_kind_error(pending, target))
            return accepted, errors
    for name, value in raw.items():
        f = field_by_name(flow, name)
        if f is None:
            continue
        res = validate(f, value)
        if res.ok and res.value is not None:
            state.fields[name] = res.value
            accepted.append(f.label)
        elif not res.ok:
            errors.append(f"{f.label}有误：{res.error}")
    return accepted, errors


def _misplaced_address(
    state: DialogueState, raw: str, pending: FormField, todo: list[FormField]
) -> tuple[FormField | None, str] | None:
    """An address typed where a typed value (ID number, phone ...) was asked: (the address field it
    belongs to, or None when the form has no open address field; the cleaned address)."""
    if pending.type not in TYPE_SHAPE:
        return None
    text = clean(raw)
    digits = sum(c.isdigit() for c in text)
    if len(ADDRESS_MARKERS.findall(text)) < 2 or digits * 2 >= len(text) or validate(pending, text).ok:
        return None
    for f in todo:
        if f.type == "address" and f.name not in state.fields and (res := validate(f, text)).ok:
            return f, str(res.value)
    return None, text


def early_fields(state: DialogueState, flow: Flow, text: str) -> list[str]:
    """Store valid values for not-yet-asked fields found in `text`; their labels."""
    todo = [f for f in flow.active_fields(state.answers) if f.name not in state.fields and f.type != "enum"]
    got: list[str] = []
    for name, raw in extract_fields(text, todo).items():
        f = field_by_name(flow, name)
        if f is not None and (res := validate(f, raw)).ok and res.value is not None:
            state.fields[name] = res.value
            got.append(f.label)
    return got


def tick_materials(state: DialogueState, flow: Flow, text: str) -> str | None:
    """Mark materials as provided (or not); the acknowledgement, or None when nothing was ticked."""
    names = [m.name for m in flow.materials_for(state.answers)]
    t = compact(text)
    if not names:
        if is_tick_all(t):
            return "好的。本事项在线申请没有需要预审的材料清单。"
        return None
    if UNTICK_RE.search(t):
        hits = material_mentions(t, names)
        if not hits:
            return None
        state.provided_materials = [n for n in state.provided_materials if n not in hits]
        return "已记录，尚未备齐：" + "、".join(hits) + "。提交后请在办理前补齐。"
    if not TICK_RE.search(t):
        return None
    hits = names if is_tick_all(t) else material_mentions(t, names)
    if not hits:
        return None
    for n in hits:
        if n not in state.provided_materials:
            state.provided_materials.append(n)
    if hits == names:
        return "好的，已将全部材料标记为已备齐。"
    return "好的，已标记为已备：" + "、".join(hits) + "。"


def correction(state: DialogueState, flow: Flow, text: str) -> FormOutcome | None:
    t = clean(text)
    cue = CORRECTION_RE.search(t)
    if cue is None:
        return None
    target = find_field_mention(t, flow, state)
    if target is None:
        qm = find_question_mention(t, flow, state)
        if qm is not None:
            q, value = qm
            if value:
                state.answers[q.id] = value
                prune(state, flow)
                prompt, choices = step(state, flow)
                label = next(c.label for c in q.choices if c.value == value)
                return FormOutcome(
                    form_reply(state, flow, f"好的，已将办理情形改为“{label}”。\n{prompt}", choices),
                    events=[ev.Correction(question=q.id)],
                )
            del state.answers[q.id]
            prune(state, flow)
            prompt, choices = step(state, flow)
            return FormOutcome(
                form_reply(state, flow, prompt, choices), events=[ev.Correction(question=q.id)]
            )
        if state.flow_stage in (STAGE_CONFIRM, STAGE_FIELDS) and re.search(
            r"修改|改一下|改下|要改|填错|写错|输错|不对|有误", t
        ):
            state.flow_stage = STAGE_CONFIRM if not missing_fields(state, flow) else state.flow_stage
            if state.flow_stage == STAGE_CONFIRM:
                state.requested = EDIT_MENU
            return FormOutcome(
                form_reply(state, flow, edit_menu_text(state, flow), edit_choices(state, flow)),
                events=[ev.EditMenu()],
            )
        return None
    # A value given with the correction: after the cue ("是13900139000"), else anywhere for typed values.
    after = t[cue.end() :]
    words = field_words(target, flow, flow.active_fields(state.answers))
    for w in sorted(words, key=len, reverse=True):
        after = after.replace(w, " ")
    m = VALUE_AFTER_RE.search(after)
    value = (m.group(1) if m else after).strip(" ，,。.!！")
    if not value:
        before = t[: cue.start()]
        got = extract_fields(before, [target])
        value = got.get(target.name, "")
    if not value:
        state.fields.pop(target.name, None)
        state.requested = target.name
        state.flow_stage = STAGE_FIELDS
        prompt = f"好的，请重新提供{target.label}" + (f"（{target.hint}）" if target.hint else "") + "。"
        choices = list(target.choices) if target.type == "enum" else []
        return FormOutcome(
            form_reply(state, flow, prompt, choices), events=[ev.Correction(field=target.name)]
        )
    res = validate(target, value)
    if not res.ok:
        state.requested = target.name
        if target.name in state.fields:
            msg = f"{target.label}有误：{res.error}。原来填写的“{display(state.fields[target.name])}”暂时保留，请重新提供正确的{target.label}。"
        else:
            msg = f"{target.label}有误：{res.error}。请重新提供{target.label}。"
            state.flow_stage = STAGE_FIELDS
        return FormOutcome(
            form_reply(state, flow, msg, list(target.choices) if target.type == "enum" else []),
            events=[
                ev.Correction(field=target.name, ok=False),
                ev.Invalid(field=target.name),
            ],
        )
    state.fields[target.name] = res.value
    prompt, choices = step(state, flow)
    msg = f"好的，{target.label}已改为“{display(res.value)}”。\n{prompt}"
    return FormOutcome(
        form_reply(state, flow, msg, choices), events=[ev.Correction(field=target.name, ok=True)]
    )
