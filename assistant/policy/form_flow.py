"""Form filling over a scenario Flow ("边聊边办"): the decisions, one handler per stage.

情形 questions (answers inferred by meaning, unsure ones confirmed with a targeted question), then required
fields, a read-back and the draft for the intake API. Corrections work at any time; "不办了" keeps the form
aside so "继续刚才的" resumes it. A question is never stored as an answer: `handle_form` returns a
digression (answered from the guide) or None, and the manager answers and re-asks.
Parsing lives in nlu.form_parse / nlu.choices, wording in nlg.form_text, state in form_state.
"""

from __future__ import annotations

from assistant import events as ev
from assistant.form_state import (
    EDIT_MENU,
    STAGE_CONFIRM,
    STAGE_FIELDS,
    STAGE_MATERIALS,
    STAGE_QUESTIONS,
    STAGE_SUBMITTED,
    field_by_name,
    pending_question,
    prune,
    question_by_id,
    reset_form,
    restore_form,
    suspend_form,
)
from assistant.nlg.answer import Aspect, compose_guide_answer, detect_aspects
from assistant.nlg.form_text import (
    CONFIRM_LABEL,
    EDIT_LABEL,
    NO_LABEL,
    YES_LABEL,
    ask_field,
    cancelled_text,
    checklist_text,
    choice_labels,
    edit_choices,
    edit_menu_text,
    field_choices,
    form_reply,
    form_view,
    read_back,
    reask_question,
    restored_text,
)
from assistant.nlg.passage_answer import asked_thing, compose_passage_answer
from assistant.nlu.choices import How, Inference, confirmation, infer_choice, label_of
from assistant.nlu.extract import extract_fields
from assistant.nlu.form_parse import (
    CORRECTION_RE,
    field_words,
    find_field_mention,
    is_cancel,
    is_confirm,
    is_question,
    looks_like_value,
    off_form,
)
from assistant.nlu.normalize import Polarity, polarity
from assistant.nlu.text import clean, compact
from assistant.nlu.validators import validate
from assistant.policy.form_checklist import materials_step
from assistant.policy.form_fill import (
    FormOutcome,
    accept_fields,
    correction,
    early_fields,
    prefill_answers,
    resume_prompt,
    step,
    tick_materials,
)
from assistant.policy.form_submit import build_draft, on_submitted
from assistant.state import DialogueState, Intent, PendingConfirm, Reply
from guides.schema import Flow, Question, matches
from knowledge.schema import Material, ServiceGuide
from retrieval.passages import guide_passages

__all__ = [
    "CONFIRM_LABEL",
    "EDIT_LABEL",
    "EDIT_MENU",
    "STAGE_CONFIRM",
    "STAGE_FIELDS",
    "STAGE_QUESTIONS",
    "STAGE_SUBMITTED",
    "FormOutcome",
    "build_draft",
    "form_view",
    "handle_form",
    "on_submitted",
    "read_back",
    "reset_form",
    "resume_form",
    "resume_prompt",
    "situation_answer",
    "start_form",
]


def start_form(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str = "", *, told: str = ""
) -> FormOutcome:
    """Begin `flow` (another open form is kept aside); the first message may already answer some items.
    `told`: what the person said earlier about this service (the question that got the offer): its facts
    fill items too, but a value in it that fails validation is not reported (it was not given as an answer).
    A form of the same flow left earlier ("不办了") comes back with its fields."""
    if state.flow_id and state.flow_id != flow.id:
        suspend_form(state)
    if state.suspended is not None and state.suspended.flow_id == flow.id:
        return resume_form(state, flow)
    reset_form(state)
    state.flow_id = flow.id
    state.current_service_id = flow.service_id
    state.pending_choices = {}
    said = "\n".join(x for x in (told, text) if x)
    prefilled = prefill_answers(state, flow, said) if said else []
    # values in the first message ("我叫张三，电话13800138000", "社保卡丢了") are kept
    accepted = accept_fields(state, flow, told, None)[0] if told else []
    more, errors = accept_fields(state, flow, text, None) if text else ([], [])
    accepted += more
    prompt, choices = step(state, flow)
    head = f"好的，我来帮您在线办理「{flow.title}」。"
    if flow.summary:
        head += flow.summary
    notes = []
    if prefilled:
        # each with its question: a bare "是，有。" says nothing of what was recorded
        notes.append(
            "已根据您的描述记录办理情形："
            + "；".join(
                f"{q.ask}{label_of(q, state.answers[q.id])}" for q in flow.questions if q.id in prefilled
            )
            + "。"
        )
    if accepted:
        notes.append("已记录：" + "、".join(accepted) + "。")
    if errors:
        notes.append("；".join(errors) + "。稍后请重新提供。")
    notes.append(f"（本流程为{flow.sample_note}；随时可以问我材料、时限等问题，说“不办了”可暂停。）")
    if state.flow_stage not in (STAGE_QUESTIONS, STAGE_MATERIALS):
        checklist = checklist_text(state, flow)
        if checklist:
            notes.append(checklist)
    text_out = "\n".join([head, *notes, prompt])
    return FormOutcome(form_reply(state, flow, text_out, choices), events=[ev.FormStarted(flow_id=flow.id)])


def resume_form(state: DialogueState, flow: Flow) -> FormOutcome:
    """ "继续刚才的": the suspended form of `flow` with its answers and fields, at its next item."""
    restore_form(state, flow)
    labels = [f.label for f in flow.active_fields(state.answers) if f.name in state.fields]
    prompt, choices = step(state, flow)
    text = f"{restored_text(flow.title, labels)}\n{prompt}"
    return FormOutcome(form_reply(state, flow, text, choices), events=[ev.FormRestored(flow_id=flow.id)])


def situation_answer(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str
) -> tuple[Reply, list[ev.Event]] | None:
    """A question about this service's materials, time limit ... asked mid-form, answered from its guide
    with the materials of the person's situation; None for other questions. Called from the manager's one
    digression path, which then re-asks the pending item."""
    aspects = detect_aspects(text)
    if not aspects or guide is None:
        return None
    # the guide's list without the papers of situations the person's answers rule out ("以就业申领的" once they
    # said 住所); papers of situations not yet asked, or that the flow does not name, stay with their 适用情形
    ruled_out = [
        compact(m.name)
        for m in flow.materials
        if m.when and all(q in state.answers for q in m.when) and not matches(m.when, state.answers)
    ]

    def wanted(m: Material) -> bool:
        # the flow may name a paper more fully ("合法稳定住所证明（登记备案的租赁合同…）" for 合法稳定住所证明; not
        # 居民身份证 for "代办人居民身份证及委托书")
        name = compact(m.name)
        return not any(n.startswith(name) or name.startswith(n) for n in ruled_out)

    use_filter = Aspect.MATERIALS in aspects and bool(ruled_out)
    composed = None
    if aspects == [Aspect.MATERIALS] and asked_thing(text):
        # one document asked about or lacked ("我没有租房合同怎么办"): what the list says of it, not the list
        whole = next((p for p in guide_passages(guide) if p.field == "materials"), None)
        composed = whole and compose_passage_answer(guide, whole, aspects, text)
    if composed is None:
        composed = compose_guide_answer(guide, aspects, material_filter=wanted if use_filter else None)
    reply = Reply(text=composed.text, citations=composed.citations, intent=Intent.SERVICE_QUESTION)
    return reply, [ev.Digression(aspects=[a.value for a in aspects])]


def _take_answer(
    state: DialogueState, flow: Flow, q: Question, value: str, ack: str = "好的。"
) -> FormOutcome:
    state.answers[q.id] = value
    state.pending_confirm = None
    prune(state, flow)
    prompt, choices = step(state, flow)
    if state.flow_stage not in (STAGE_QUESTIONS, STAGE_MATERIALS):
        checklist = checklist_text(state, flow)
        prompt = f"{checklist}\n{prompt}" if checklist else prompt
    return FormOutcome(form_reply(state, flow, f"{ack}\n{prompt}", choices))


def _ask_to_confirm(state: DialogueState, flow: Flow, q: Question, inf: Inference) -> FormOutcome:
    state.pending_confirm = PendingConfirm(question=q.id, value=inf.value)
    if inf.alternatives:
        options = [label_of(q, inf.value), *(label_of(q, a) for a in inf.alternatives)]
    else:
        options = [YES_LABEL, NO_LABEL]
    return FormOutcome(
        form_reply(state, flow, confirmation(q, inf), options),
        events=[ev.ConfirmAsked(question=q.id, value=inf.value)],
    )


def _confirmed(state: DialogueState, flow: Flow, q: Question, t: str) -> FormOutcome | None:
    """The reply to a targeted confirmation: yes takes the inferred option, no the other one (of two)."""
    pc = state.pending_confirm
    state.pending_confirm = None
    if pc is None or pc.question != q.id or is_question(t):
        return None
    pol = polarity(t)
    bare = pol is not None and len(compact(t)) <= 4  # "系啊", "唔系", "对的": a reply to the confirmation
    fresh = infer_choice(q, t)
    # a new answer in its own words ("不是，我帮我妈办") wins; a yes / no refers to the confirmation
    if (
        not bare
        and fresh is not None
        and fresh.sure
        and fresh.how is not How.YESNO
        and fresh.value != pc.value
    ):
        return _take_answer(state, flow, q, fresh.value)
    if pol is Polarity.YES:
        return _take_answer(state, flow, q, pc.value)
    if pol is Polarity.NO:
        others = [c.value for c in q.choices if c.value != pc.value]
        if len(others) == 1:
            return _take_answer(state, flow, q, others[0])
        return FormOutcome(
            form_reply(state, flow, f"好的。{q.ask}", [c.label for c in q.choices if c.value != pc.value])
        )
    return None


def _questions_stage(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, t: str
) -> FormOutcome | None:
    q = question_by_id(flow, state.requested) or pending_question(state, flow)
    if q is None:
        return None
    if state.pending_confirm is not None:
        done = _confirmed(state, flow, q, t)
        if done is not None:
            return done
    if is_question(t):  # never an answer: the manager answers it, then asks again
        return None
    inf = infer_choice(q, t)
    if inf is not None and inf.sure:
        # the values told with the answer are kept ("我家三口人月收入两千": 有收入, 3 people, 2000 a month), not
        # asked again later
        early = early_fields(state, flow, t)
        ack = f"好的，已记录：{'、'.join(early)}。" if early else "好的。"
        return _take_answer(state, flow, q, inf.value, ack)
    if inf is not None:
        return _ask_to_confirm(state, flow, q, inf)
    if off_form(t, None) or detect_aspects(t):
        return None
    # fields volunteered early ("我叫王芳，电话……") are kept; the question is asked again
    early = early_fields(state, flow, t)
    if early:
        return FormOutcome(
            form_reply(state, flow, f"已记录：{'、'.join(early)}。\n{q.ask}", choice_labels(q)),
            events=[ev.FieldsEarly(fields=list(early))],
        )
    return FormOutcome(
        form_reply(state, flow, reask_question(q), choice_labels(q)), events=[ev.Invalid(question=q.id)]
    )


def _fields_stage(state: DialogueState, flow: Flow, guide: ServiceGuide | None, t: str) -> FormOutcome | None:
    pending = field_by_name(flow, state.requested)
    if (is_question(t) and not looks_like_value(t, pending)) or off_form(t, pending):
        return None  # never stored as a value: the manager answers it, then asks again
    if pending is None and state.flow_stage == STAGE_CONFIRM:
        # extra fields given at the read-back ("再补充一下，备注……") or something else
        found = extract_fields(t, flow.active_fields(state.answers))
        accepted, errors = accept_fields(state, flow, t, None) if found else ([], [])
        if not accepted and not errors:
            return None
    else:
        accepted, errors = accept_fields(state, flow, t, pending)
    events: list[ev.Event] = []
    parts = []
    if accepted:
        parts.append("已记录：" + "、".join(accepted) + "。")
    if errors:
        parts.append("\n".join(errors) + "。")
        events.append(ev.Invalid(errors=list(errors)))
    prompt, choices = step(state, flow)
    if errors and state.requested:
        f = field_by_name(flow, state.requested)
        if f is not None and any(e.startswith(f.label) for e in errors):
            prompt = ask_field(f, "请重新提供")
    return FormOutcome(form_reply(state, flow, "\n".join([*parts, prompt]), choices), events=events)


def _confirm_stage(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, t: str
) -> FormOutcome | None:
    """The read-back: submit on agreement in any everyday words; the edit menu; else not handled here."""
    if state.requested != EDIT_MENU and is_confirm(t):
        draft = build_draft(state, flow, guide)
        state.flow_stage = STAGE_SUBMITTED
        state.requested = None
        return FormOutcome(
            Reply(text="好的，正在为您提交申请……", form=form_view(state, flow), intent=Intent.APPLY),
            submission=draft,
            events=[ev.FormConfirmed(flow_id=flow.id)],
        )
    if state.requested == EDIT_MENU:
        target = find_field_mention(t, flow, state)
        words = field_words(target, flow, flow.active_fields(state.answers)) if target is not None else []
        if target is not None and not CORRECTION_RE.search(t) and compact(t) in {compact(w) for w in words}:
            state.requested = target.name
            return FormOutcome(
                form_reply(state, flow, ask_field(target, "请重新提供"), field_choices(target))
            )
        for q in flow.active_questions(state.answers):
            if compact(q.ask.rstrip("？?")) == compact(t):
                del state.answers[q.id]
                prune(state, flow)
                prompt, choices = step(state, flow)
                return FormOutcome(form_reply(state, flow, prompt, choices))
    if compact(t) in {EDIT_LABEL, "要修改", "我要修改", "改一下", "有误", "不对"} or (
        state.requested is None and polarity(t) is Polarity.NO and not is_question(t)
    ):
        state.requested = EDIT_MENU
        return FormOutcome(form_reply(state, flow, edit_menu_text(state, flow), edit_choices(state, flow)))
    return None


def handle_form(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str
) -> FormOutcome | None:
    """One user message while `flow` is active; None when the message is not about the form (the manager
    answers it and then calls `resume_prompt`)."""
    t = clean(text)
    if state.flow_stage == STAGE_SUBMITTED:
        return None
    if is_cancel(t):
        title = flow.title
        suspend_form(state)
        return FormOutcome(
            Reply(text=cancelled_text(title), intent=Intent.APPLY), events=[ev.FormCancelled(flow_id=flow.id)]
        )
    if state.flow_stage == STAGE_CONFIRM:
        done = _confirm_stage(state, flow, guide, t)
        if done is not None:
            return done
    corrected = correction(state, flow, t)
    if corrected is not None:
        return corrected
    if state.flow_stage == STAGE_MATERIALS:  # 预审 flows: "这些材料您准备好了吗？"
        return materials_step(state, flow, t)
    # "残疾人证有了" answering "是否已持有残疾人证？" is an answer first (the question stage below)
    asked = question_by_id(flow, state.requested) if state.flow_stage == STAGE_QUESTIONS else None
    answering = asked is not None and (
        state.pending_confirm is not None or infer_choice(asked, t) is not None
    )
    # "冇收入" answering 家庭月总收入 is a value, not a material note ("没有" + a material's words)
    pending = field_by_name(flow, state.requested) if state.flow_stage == STAGE_FIELDS else None
    if pending is not None and pending.type in ("amount", "int", "date") and validate(pending, t).ok:
        answering = True
    ack = None if answering else tick_materials(state, flow, t)
    if ack is not None:
        prompt, choices = resume_prompt(state, flow)
        if state.flow_stage == STAGE_CONFIRM and state.requested is None:
            prompt = read_back(state, flow)
        return FormOutcome(
            form_reply(state, flow, f"{ack}\n{prompt}", choices), events=[ev.MaterialsTicked()]
        )
    if state.flow_stage == STAGE_QUESTIONS:
        return _questions_stage(state, flow, guide, t)
    if state.flow_stage in (STAGE_FIELDS, STAGE_CONFIRM):
        return _fields_stage(state, flow, guide, t)
    return None
