"""Form filling over a scenario Flow ("边聊边办"): 情形 questions, then required fields, one at a time.

Handles several fields in one message, validation with exact error messages, corrections at any time,
digressions (a question about the service is answered from its guide, then the pending item is asked
again), a materials checklist with 预审 ticks, a read-back for confirmation, cancel, and the draft handed to
the intake API. Pure: works on a copy of DialogueState passed in by the manager.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.nlg.answer import Aspect, compose_guide_answer, detect_aspects
from assistant.nlu.intent import classify_scored
from assistant.nlu.text import clean, cn_to_int, compact, normalize
from assistant.nlu.validators import TYPE_ALIASES, extract_fields, validate
from assistant.state import ApplicationDraft, Citation, DialogueState, FormView, Intent, Reply
from guides.schema import Flow, FormField, Question
from knowledge.schema import Material, ServiceGuide

STAGE_QUESTIONS = "questions"
STAGE_FIELDS = "fields"
STAGE_CONFIRM = "confirm"
STAGE_SUBMITTED = "submitted"
STAGE_MATERIALS = "materials"  # 预审 flows: "这些材料您准备好了吗？" with one tap per material
EDIT_MENU = "__edit__"

CONFIRM_LABEL = "确认提交"
EDIT_LABEL = "修改"

_CANCEL_RE = re.compile(
    r"不办了|不想办了|不用办了|不要办了|取消(?:办理|申请)?|算了|退出(?:办理)?|先不办|不弄了|放弃(?:办理)?"
)
_CONFIRM_RE = re.compile(
    r"^(?:确认提交|确认无误|确认|提交|提交吧|确定|确定提交|没问题|没有问题|对的?|是的|好的?|可以|无误|ok|OK|嗯+)[。!！]*$"
)
_CORRECTION_RE = re.compile(
    r"填错了|写错了|输错了|打错了|搞错了|说错了|弄错了|错了|不对|有误|改成|改为|换成|改一下|改下|修改|更正|更改|重新填|重填|重新输入|应该是|应为"
)
_VALUE_AFTER_RE = re.compile(r"(?:改成|改为|换成|应该是|应该为|应为|正确的是|其实是|是|为|:|：)\s*(.+)$")
_TICK_RE = re.compile(
    r"已经有了|已经有|有了|准备好了|准备好|备好了|备齐了|带了|带齐了|已备|已准备|已经准备|齐了|都有"
)
_TICK_ALL_RE = re.compile(
    r"(?:材料|资料|东西)?(?:都|全部|全都|已经)?(?:齐了|备齐了?|准备齐了?|齐全|准备好了|都有了|全有了)"
)
_UNTICK_RE = re.compile(r"还没有|还没|没有|缺|少了|没带|没准备")
_QUESTION_RE = re.compile(r"[?？]|吗|呢|什么|多久|哪|怎么|几|多少|如何|能不能|可不可以|要不要|是否|咋")
_YES = {"是", "是的", "对", "对的", "有", "有的", "嗯", "需要", "要", "同意", "yes", "y"}
_NO = {"否", "不是", "不", "没有", "无", "没", "不需要", "不要", "不用", "no", "n"}


@dataclass
class FormOutcome:
    reply: Reply
    submission: ApplicationDraft | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


# --- state helpers ----------------------------------------------------------------------------------


def reset_form(state: DialogueState) -> None:
    state.flow_id = None
    state.flow_stage = None
    state.answers = {}
    state.fields = {}
    state.provided_materials = []
    state.materials_asked = False
    state.requested = None


def _question(flow: Flow, qid: str | None) -> Question | None:
    return next((q for q in flow.questions if q.id == qid), None)


def _field(flow: Flow, name: str | None) -> FormField | None:
    return next((f for f in flow.form if f.name == name), None)


def pending_question(state: DialogueState, flow: Flow) -> Question | None:
    return next((q for q in flow.active_questions(state.answers) if q.id not in state.answers), None)


def missing_fields(state: DialogueState, flow: Flow) -> list[FormField]:
    return [f for f in flow.active_fields(state.answers) if f.required and f.name not in state.fields]


def _prune(state: DialogueState, flow: Flow) -> None:
    """Drop answers / fields that no longer apply after an answer changed."""
    active_q = {q.id for q in flow.active_questions(state.answers)}
    for qid in list(state.answers):
        if qid not in active_q and _question(flow, qid) is not None:
            del state.answers[qid]
    active_f = {f.name for f in flow.active_fields(state.answers)}
    for name in list(state.fields):
        if name not in active_f:
            del state.fields[name]


def materials_view(state: DialogueState, flow: Flow) -> list[dict[str, Any]]:
    provided = set(state.provided_materials)
    return [
        {"name": m.name, "required": m.required, "provided": m.name in provided}
        for m in flow.materials_for(state.answers)
    ]


def form_view(state: DialogueState, flow: Flow) -> FormView:
    active = flow.active_fields(state.answers)
    labels = {f.name: f.label for f in active}
    labels.update({name: f.label for name in state.fields if (f := _field(flow, name)) is not None})
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


def _display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- prompts ----------------------------------------------------------------------------------------


def _choice_labels(q: Question) -> list[str]:
    return [c.label for c in q.choices]


def _field_prompt(f: FormField, n_done: int, n_total: int) -> str:
    text = f"请提供{f.label}"
    if f.hint:
        text += f"（{f.hint}）"
    if f.type == "enum":
        text += "，可选：" + "、".join(f.choices)
    return text + f"。（第{n_done + 1}/{n_total}项）"


def _step(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
    """Set the pending item in `state` and return (prompt, choices); the read-back when all is filled."""
    q = pending_question(state, flow)
    if q is not None:
        state.flow_stage = STAGE_QUESTIONS
        state.requested = q.id
        return q.ask, _choice_labels(q)
    if flow.checklist_step and not state.materials_asked and flow.materials_for(state.answers):
        state.flow_stage = STAGE_MATERIALS
        state.requested = None
        return _materials_prompt(state, flow)
    todo = missing_fields(state, flow)
    if todo:
        state.flow_stage = STAGE_FIELDS
        f = todo[0]
        state.requested = f.name
        total = len([x for x in flow.active_fields(state.answers) if x.required])
        return _field_prompt(f, total - len(todo), total), list(f.choices) if f.type == "enum" else []
    state.flow_stage = STAGE_CONFIRM
    state.requested = None
    return read_back(state, flow), [CONFIRM_LABEL, EDIT_LABEL]


MATERIALS_ALL_LABEL = "都准备好了"
MATERIALS_NEXT_LABEL = "其余还没有，继续"
_MATERIALS_NEXT_RE = re.compile(r"继续|下一步|跳过|其余|其他|其它|剩下|先这样|就这些|没有了|都没有|还没")


def _materials_prompt(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
    """The checklist step: every material of the current situation, one choice per material not ticked."""
    provided = set(state.provided_materials)
    lines = ["这些材料您准备好了吗？（可点选已备好的材料，也可以一次说几样）"]
    todo: list[str] = []
    for i, m in enumerate(flow.materials_for(state.answers), 1):
        mark = "✓" if m.name in provided else "○"
        lines.append(f"{i}. {mark} {m.name}" + ("（非必需）" if not m.required else ""))
        if m.name not in provided:
            todo.append(m.name)
    # the two answers for all materials first: a page shows a limited number of buttons
    return "\n".join(lines), [MATERIALS_ALL_LABEL, MATERIALS_NEXT_LABEL, *todo]


def _materials_step(state: DialogueState, flow: Flow, text: str) -> FormOutcome | None:
    """An answer to the checklist step: ticks named materials ("身份证和申请表有了"), "都准备好了" ticks
    all; "其余还没有" / "继续" (or all ticked) moves on to the form. None when it is not about materials."""
    names = [m.name for m in flow.materials_for(state.answers)]
    # full names become tokens first: a name may itself contain "，" or "材料" ("…的，应当提交证明材料")
    work, tokens = compact(text), {}
    for i, n in enumerate(sorted(names, key=lambda n: len(compact(n)), reverse=True)):
        if compact(n) and compact(n) in work:
            work = work.replace(compact(n), f"§{i}§")
            tokens[f"§{i}§"] = n
    plain = re.sub(r"§\d+§", "、", work)
    if compact(MATERIALS_ALL_LABEL) == work or (not tokens and _is_tick_all(work)):
        hits = names
    else:
        hits = []
        for clause in re.split(r"[，,。；;！!]", work):
            bare = re.sub(r"§\d+§", "、", clause)
            if not clause or (_UNTICK_RE.search(bare) and not _TICK_RE.search(bare)):
                continue
            found = [tokens[k] for k in re.findall(r"§\d+§", clause)]
            if not found:  # "申报表和承诺书都有了": each part on its own
                found = material_mentions(bare, names)
            if not found:
                for part in re.split(r"以及|还有|和|与|及|跟|、|/", _TICK_RE.split(bare)[0]):
                    found += material_mentions(part, names) if len(part) >= 2 else []
            hits += [n for n in found if n not in hits]
    t = plain
    for n in hits:
        if n not in state.provided_materials:
            state.provided_materials.append(n)
    done = set(names) <= set(state.provided_materials)
    moving_on = done or bool(_MATERIALS_NEXT_RE.search(t)) or bool(_UNTICK_RE.search(t))
    if not hits and not moving_on:
        return None
    ack = ("已标记为已备：" + "、".join(hits) + "。") if hits else "好的。"
    if moving_on:
        state.materials_asked = True
        provided = set(state.provided_materials)
        if any(m.required and m.name not in provided for m in flow.materials_for(state.answers)):
            ack += "尚未备齐的材料会记入预审结果，请在正式办理前补齐。"
    prompt, choices = _step(state, flow)
    return FormOutcome(
        _reply(state, flow, f"{ack}\n{prompt}", choices), events=[{"type": "materials_ticked"}]
    )


def resume_prompt(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
    """Re-ask the pending item (after a digression); does not change the answers."""
    if state.flow_stage == STAGE_CONFIRM and state.requested == EDIT_MENU:
        return _edit_menu_text(state, flow), _edit_choices(state, flow)
    if state.flow_stage in (STAGE_FIELDS, STAGE_CONFIRM) and state.requested:
        f = _field(flow, state.requested)
        if f is not None:
            return f"请提供{f.label}" + (f"（{f.hint}）" if f.hint else "") + "。", (
                list(f.choices) if f.type == "enum" else []
            )
    return _step(state, flow)


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
            lines.append(f"- {f.label}：{_display(state.fields[f.name])}")
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


def _edit_choices(state: DialogueState, flow: Flow) -> list[str]:
    labels = [f.label for f in flow.active_fields(state.answers) if f.name in state.fields]
    return labels + [
        q.ask.rstrip("？?") for q in flow.active_questions(state.answers) if q.id in state.answers
    ]


def _edit_menu_text(state: DialogueState, flow: Flow) -> str:
    return "请问要修改哪一项？可以直接说“地址改成……”，或选择下面的项目。"


def _checklist_text(state: DialogueState, flow: Flow) -> str:
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


# --- parsing ----------------------------------------------------------------------------------------


def match_question_choice(q: Question, text: str) -> str | None:
    """The choice value `text` selects for `q`: label, value, synonym, index, or a distinctive mention."""
    t = compact(text).strip("。.!！")
    if not t:
        return None
    for c in q.choices:
        if t in {compact(c.label), compact(c.value), *(compact(s) for s in c.synonyms)}:
            return c.value
    m = re.fullmatch(r"(?:选)?第?([一二三四五六七八九十\d]+)(?:个|项|种)?", t)
    if m:
        n = cn_to_int(m.group(1))
        if n is not None and 1 <= n <= len(q.choices):
            return q.choices[n - 1].value
    # yes/no questions answered colloquially
    kinds = {
        c.value: (
            "yes"
            if compact(c.label) in _YES or c.value in _YES
            else "no"
            if compact(c.label) in _NO or c.value in _NO
            else None
        )
        for c in q.choices
    }
    if set(kinds.values()) >= {"yes", "no"}:
        head = re.sub(r"[，,。.!！].*$", "", t)
        if head in _NO or re.match(r"^(?:不是|没有|不需要|不要|不用|不对|无|否)", t):
            return next(v for v, k in kinds.items() if k == "no")
        if head in _YES or re.match(r"^(?:是的|是|对|有|需要|要)", t):
            return next(v for v, k in kinds.items() if k == "yes")
    # words mentioned in the message; longest mention wins, ties are ambiguous
    scored: list[tuple[int, str]] = []
    for c in q.choices:
        words = [c.label, *c.synonyms]
        lengths = [len(compact(w)) for w in words if len(compact(w)) >= 2 and compact(w) in t]
        if len(t) >= 2:
            lengths += [len(t) for w in [c.label] if t in compact(w) and len(t) >= 2]
        if lengths:
            scored.append((max(lengths), c.value))
    scored.sort(reverse=True)
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _field_words(f: FormField, flow: Flow, fields: list[FormField]) -> list[str]:
    words = [f.label, *f.aliases]
    first_of_type = next((x for x in fields if x.type == f.type), None)
    if first_of_type is not None and first_of_type.name == f.name:
        words += list(TYPE_ALIASES.get(f.type, ()))
    if f.type == "address":
        words += ["地址", "住址"]
    return [w for w in words if w]


def find_field_mention(text: str, flow: Flow, state: DialogueState) -> FormField | None:
    """The form field a message names (longest label / alias / type word wins)."""
    t = compact(text)
    fields = flow.active_fields(state.answers)
    best: tuple[int, FormField] | None = None
    for f in fields:
        for w in _field_words(f, flow, fields):
            cw = compact(w)
            if cw and cw in t and (best is None or len(cw) > best[0]):
                best = (len(cw), f)
    return best[1] if best else None


def _find_question_mention(text: str, flow: Flow, state: DialogueState) -> tuple[Question, str] | None:
    """An answered 情形 question whose other choice the message names ("改一下，是家庭经营")."""
    t = compact(text)
    for q in flow.active_questions(state.answers):
        if q.id not in state.answers:
            continue
        for c in q.choices:
            if c.value == state.answers[q.id]:
                continue
            words = [c.label, *c.synonyms]
            if any(len(compact(w)) >= 2 and compact(w) in t for w in words):
                return q, c.value
        if compact(q.ask.rstrip("？?")) in t:
            return q, ""
    return None


def _strip_label(text: str, f: FormField, words: list[str]) -> str:
    s = clean(text)
    s = re.sub(r"^(?:我的|我|本人的?|申请人的?)", "", s)
    for w in sorted(words, key=len, reverse=True):
        if s.startswith(w):
            s = s[len(w) :]
            break
    s = re.sub(r"^(?:号码|号)?\s*(?:是|为|叫|填|:|：)\s*", "", s)
    return s.strip(" 。.!！,，")


def _starts_with_label(text: str, words: list[str]) -> bool:
    s = re.sub(r"^(?:我的|我|本人的?|申请人的?)", "", compact(text))
    return any(s.startswith(compact(w)) for w in words if w)


def material_mentions(text: str, names: list[str]) -> list[str]:
    """Material names a message refers to: full names, or a fragment ("身份证复印件") of a name."""
    t = compact(text)
    hits = [n for n in names if compact(n) in t]
    if hits:
        return hits
    frag = _TICK_RE.split(t)[0] if _TICK_RE.search(t) else t
    frag = re.sub(r"^(?:我的?|我们的?|那个|这个|材料里的?|其中的?)", "", frag)
    frag = _UNTICK_RE.sub("", frag).strip("，,。的")
    if len(frag) < 2:
        return []
    out = [n for n in names if frag in compact(n)]
    if out:
        # "身份证" means 居民身份证 rather than 代办人居民身份证及委托书: keep the closest names
        best = max(len(frag) / len(compact(n)) for n in out)
        return [n for n in out if len(frag) / len(compact(n)) >= best - 1e-9]
    # bigram overlap with a single best material
    grams = {frag[i : i + 2] for i in range(len(frag) - 1)}
    scored = sorted(
        ((len(grams & {compact(n)[i : i + 2] for i in range(len(compact(n)) - 1)}), n) for n in names),
        reverse=True,
    )
    if (
        scored
        and scored[0][0] >= max(2, len(grams) * 0.6)
        and (len(scored) == 1 or scored[0][0] > scored[1][0])
    ):
        return [scored[0][1]]
    return []


def is_question(text: str) -> bool:
    return bool(_QUESTION_RE.search(normalize(text)))


# --- the engine -------------------------------------------------------------------------------------


def _reply(
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


def _prefill_answers(state: DialogueState, flow: Flow, text: str) -> list[str]:
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
            hits = {
                c.value
                for c in q.choices
                for w in [c.label, *c.synonyms]
                if len(compact(w)) >= 2 and compact(w) in t
            }
            if len(hits) == 1:
                state.answers[q.id] = hits.pop()
                done.append(q.id)
                changed = True
    return done


def _accept_fields(
    state: DialogueState, flow: Flow, text: str, pending: FormField | None
) -> tuple[list[str], list[str]]:
    """Validate and store the fields found in `text`; returns (accepted labels, error messages)."""
    active = flow.active_fields(state.answers)
    todo = [f for f in active if f.name not in state.fields]
    if pending is not None:
        todo = [pending] + [f for f in todo if f.name != pending.name]
    raw = extract_fields(text, todo) if todo else {}
    if pending is not None:
        words = _field_words(pending, flow, active)
        whole = _strip_label(text, pending, words) or clean(text)
        if not raw:
            raw[pending.name] = whole
        elif (
            set(raw) == {pending.name}
            and pending.type in ("text", "address")
            and not _starts_with_label(text, words)
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
            errors.append(_wrong_kind_error(pending, target))
            return accepted, errors
    for name, value in raw.items():
        f = _field(flow, name)
        if f is None:
            continue
        res = validate(f, value)
        if res.ok and res.value is not None:
            state.fields[name] = res.value
            accepted.append(f.label)
        elif not res.ok:
            errors.append(f"{f.label}有误：{res.error}")
    return accepted, errors


# What a typed value looks like, for telling the user what is wrong when an answer is of another kind.
_TYPE_SHAPE = {
    "id_number": "18位，由17位数字加最后一位数字或X组成",
    "phone": "11位手机号码，或带区号的固定电话",
    "uscc": "18位统一社会信用代码（数字和大写字母）",
    "date": "日期，例如2024年5月1日",
    "amount": "金额，例如3000元",
    "int": "数字",
}
_ADDRESS_MARKERS = re.compile(r"省|市|区|县|镇|乡|街道|街|路|道|巷|村|社区|小区|大厦|栋|幢|单元|室|号")


def _misplaced_address(
    state: DialogueState, raw: str, pending: FormField, todo: list[FormField]
) -> tuple[FormField | None, str] | None:
    """An address typed where a typed value (ID number, phone ...) was asked: (the address field it
    belongs to, or None when the form has no open address field; the cleaned address)."""
    if pending.type not in _TYPE_SHAPE:
        return None
    text = clean(raw)
    digits = sum(c.isdigit() for c in text)
    if len(_ADDRESS_MARKERS.findall(text)) < 2 or digits * 2 >= len(text) or validate(pending, text).ok:
        return None
    for f in todo:
        if f.type == "address" and f.name not in state.fields and (res := validate(f, text)).ok:
            return f, str(res.value)
    return None, text


def _wrong_kind_error(pending: FormField, target: FormField | None) -> str:
    shape = _TYPE_SHAPE.get(pending.type, "")
    msg = f"{pending.label}有误：您发送的内容看起来是地址，不是{pending.label}"
    if shape:
        msg += f"（{pending.label}应为{shape}）"
    if target is not None:
        msg += f"；这条地址已先记为{target.label}"
    return msg


def start_form(state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str = "") -> FormOutcome:
    """Begin `flow` (any earlier form is dropped); the first message may already answer some items."""
    reset_form(state)
    state.flow_id = flow.id
    state.current_service_id = flow.service_id
    state.pending_choices = {}
    prefilled = _prefill_answers(state, flow, text) if text else []
    # values in the first message ("我叫张三，电话13800138000", "社保卡丢了") are kept
    accepted, errors = _accept_fields(state, flow, text, None) if text else ([], [])
    prompt, choices = _step(state, flow)
    head = f"好的，我来帮您在线办理「{flow.title}」。"
    if flow.summary:
        head += flow.summary
    notes = []
    if prefilled:
        notes.append("已根据您的描述记录办理情形。")
    if accepted:
        notes.append("已记录：" + "、".join(accepted) + "。")
    if errors:
        notes.append("；".join(errors) + "。稍后请重新提供。")
    notes.append(f"（本流程为{flow.sample_note}；随时可以问我材料、时限等问题，说“不办了”可取消。）")
    if state.flow_stage not in (STAGE_QUESTIONS, STAGE_MATERIALS):
        checklist = _checklist_text(state, flow)
        if checklist:
            notes.append(checklist)
    text_out = "\n".join([head, *notes, prompt])
    return FormOutcome(
        _reply(state, flow, text_out, choices), events=[{"type": "form_started", "flow_id": flow.id}]
    )


def _digression(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str
) -> FormOutcome | None:
    aspects = detect_aspects(text)
    if not aspects or guide is None:
        return None
    names = {compact(m.name) for m in flow.materials_for(state.answers)}

    def wanted(m: Material) -> bool:
        return compact(m.name) in names

    use_filter = Aspect.MATERIALS in aspects and any(compact(m.name) in names for m in guide.materials)
    composed = compose_guide_answer(guide, aspects, material_filter=wanted if use_filter else None)
    prompt, choices = resume_prompt(state, flow)
    out = f"{composed.text}\n\n我们继续办理「{flow.title}」：{prompt}"
    return FormOutcome(
        _reply(state, flow, out, choices, composed.citations),
        events=[{"type": "digression", "aspects": [a.value for a in aspects]}],
    )


def _is_tick_all(t: str) -> bool:
    return bool(
        _TICK_ALL_RE.fullmatch(t.strip("。!！"))
        or re.search(r"(?:材料|资料)(?:都|全部|全都)?(?:齐了|备齐|齐全|准备好了|都有)|都齐了|全齐了", t)
    )


def _tick_materials(state: DialogueState, flow: Flow, text: str) -> str | None:
    """Mark materials as provided (or not); the acknowledgement, or None when nothing was ticked."""
    names = [m.name for m in flow.materials_for(state.answers)]
    t = compact(text)
    if not names:
        if _is_tick_all(t):
            return "好的。本事项在线申请没有需要预审的材料清单。"
        return None
    if _UNTICK_RE.search(t):
        hits = material_mentions(t, names)
        if not hits:
            return None
        state.provided_materials = [n for n in state.provided_materials if n not in hits]
        return "已记录，尚未备齐：" + "、".join(hits) + "。提交后请在办理前补齐。"
    if not _TICK_RE.search(t):
        return None
    hits = names if _is_tick_all(t) else material_mentions(t, names)
    if not hits:
        return None
    for n in hits:
        if n not in state.provided_materials:
            state.provided_materials.append(n)
    if hits == names:
        return "好的，已将全部材料标记为已备齐。"
    return "好的，已标记为已备：" + "、".join(hits) + "。"


def _correction(state: DialogueState, flow: Flow, text: str) -> FormOutcome | None:
    t = clean(text)
    cue = _CORRECTION_RE.search(t)
    if cue is None:
        return None
    target = find_field_mention(t, flow, state)
    if target is None:
        qm = _find_question_mention(t, flow, state)
        if qm is not None:
            q, value = qm
            if value:
                state.answers[q.id] = value
                _prune(state, flow)
                prompt, choices = _step(state, flow)
                label = next(c.label for c in q.choices if c.value == value)
                return FormOutcome(
                    _reply(state, flow, f"好的，已将办理情形改为“{label}”。\n{prompt}", choices),
                    events=[{"type": "correction", "question": q.id}],
                )
            del state.answers[q.id]
            _prune(state, flow)
            prompt, choices = _step(state, flow)
            return FormOutcome(
                _reply(state, flow, prompt, choices), events=[{"type": "correction", "question": q.id}]
            )
        if state.flow_stage in (STAGE_CONFIRM, STAGE_FIELDS) and re.search(
            r"修改|改一下|改下|要改|填错|写错|输错|不对|有误", t
        ):
            state.flow_stage = STAGE_CONFIRM if not missing_fields(state, flow) else state.flow_stage
            if state.flow_stage == STAGE_CONFIRM:
                state.requested = EDIT_MENU
            return FormOutcome(
                _reply(state, flow, _edit_menu_text(state, flow), _edit_choices(state, flow)),
                events=[{"type": "edit_menu"}],
            )
        return None
    # A value given with the correction: after the cue ("是13900139000"), else anywhere for typed values.
    after = t[cue.end() :]
    words = _field_words(target, flow, flow.active_fields(state.answers))
    for w in sorted(words, key=len, reverse=True):
        after = after.replace(w, " ")
    m = _VALUE_AFTER_RE.search(after)
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
            _reply(state, flow, prompt, choices), events=[{"type": "correction", "field": target.name}]
        )
    res = validate(target, value)
    if not res.ok:
        state.requested = target.name
        if target.name in state.fields:
            msg = f"{target.label}有误：{res.error}。原来填写的“{_display(state.fields[target.name])}”暂时保留，请重新提供正确的{target.label}。"
        else:
            msg = f"{target.label}有误：{res.error}。请重新提供{target.label}。"
            state.flow_stage = STAGE_FIELDS
        return FormOutcome(
            _reply(state, flow, msg, list(target.choices) if target.type == "enum" else []),
            events=[
                {"type": "correction", "field": target.name, "ok": False},
                {"type": "invalid", "field": target.name},
            ],
        )
    state.fields[target.name] = res.value
    prompt, choices = _step(state, flow)
    msg = f"好的，{target.label}已改为“{_display(res.value)}”。\n{prompt}"
    return FormOutcome(
        _reply(state, flow, msg, choices), events=[{"type": "correction", "field": target.name, "ok": True}]
    )


def handle_form(
    state: DialogueState, flow: Flow, guide: ServiceGuide | None, text: str
) -> FormOutcome | None:
    """One user message while `flow` is active; None when the message is not about the form (the manager
    answers it and then calls `resume_prompt`)."""
    t = clean(text)
    if state.flow_stage == STAGE_SUBMITTED:
        return None
    if _CANCEL_RE.search(t) and not is_question(t.replace("吗", "")):
        title = flow.title
        reset_form(state)
        return FormOutcome(
            Reply(
                text=f"好的，已取消「{title}」的办理，已填写的信息不会提交。还有什么可以帮您？",
                intent=Intent.APPLY,
            ),
            events=[{"type": "form_cancelled", "flow_id": flow.id}],
        )

    # confirm stage: submit / edit menu
    if state.flow_stage == STAGE_CONFIRM and state.requested != EDIT_MENU and _CONFIRM_RE.match(compact(t)):
        draft = build_draft(state, flow, guide)
        state.flow_stage = STAGE_SUBMITTED
        state.requested = None
        return FormOutcome(
            Reply(text="好的，正在为您提交申请……", form=form_view(state, flow), intent=Intent.APPLY),
            submission=draft,
            events=[{"type": "form_confirmed", "flow_id": flow.id}],
        )
    if state.flow_stage == STAGE_CONFIRM and state.requested == EDIT_MENU:
        target = find_field_mention(t, flow, state)
        if (
            target is not None
            and not _CORRECTION_RE.search(t)
            and compact(t)
            in {compact(w) for w in _field_words(target, flow, flow.active_fields(state.answers))}
        ):
            state.requested = target.name
            prompt = f"请重新提供{target.label}" + (f"（{target.hint}）" if target.hint else "") + "。"
            return FormOutcome(
                _reply(state, flow, prompt, list(target.choices) if target.type == "enum" else [])
            )
        for q in flow.active_questions(state.answers):
            if compact(q.ask.rstrip("？?")) == compact(t):
                del state.answers[q.id]
                _prune(state, flow)
                prompt, choices = _step(state, flow)
                return FormOutcome(_reply(state, flow, prompt, choices))
    if state.flow_stage == STAGE_CONFIRM and compact(t) in {
        EDIT_LABEL,
        "要修改",
        "我要修改",
        "改一下",
        "有误",
        "不对",
    }:
        state.requested = EDIT_MENU
        return FormOutcome(_reply(state, flow, _edit_menu_text(state, flow), _edit_choices(state, flow)))

    corrected = _correction(state, flow, t)
    if corrected is not None:
        return corrected

    if state.flow_stage == STAGE_MATERIALS:
        stepped = _materials_step(state, flow, t)
        if stepped is not None:
            return stepped
        if not is_question(t):
            prompt, choices = _materials_prompt(state, flow)
            return FormOutcome(_reply(state, flow, f"抱歉，没有听明白。{prompt}", choices))
        return _digression(state, flow, guide, t)

    # "残疾人证有了" answering "是否已持有残疾人证？" is an answer first (the question branch below)
    asked = _question(flow, state.requested) if state.flow_stage == STAGE_QUESTIONS else None
    answering = asked is not None and match_question_choice(asked, t) is not None
    ack = None if answering else _tick_materials(state, flow, t)
    if ack is not None:
        prompt, choices = resume_prompt(state, flow)
        if state.flow_stage == STAGE_CONFIRM and state.requested is None:
            prompt = read_back(state, flow)
        return FormOutcome(
            _reply(state, flow, f"{ack}\n{prompt}", choices), events=[{"type": "materials_ticked"}]
        )

    if state.flow_stage == STAGE_QUESTIONS:
        q = _question(flow, state.requested) or pending_question(state, flow)
        if q is not None:
            if is_question(t) and detect_aspects(t):
                digression = _digression(state, flow, guide, t)
                if digression is not None:
                    return digression
            value = match_question_choice(q, t)
            if value is not None:
                state.answers[q.id] = value
                _prune(state, flow)
                prompt, choices = _step(state, flow)
                if state.flow_stage not in (STAGE_QUESTIONS, STAGE_MATERIALS):
                    checklist = _checklist_text(state, flow)
                    prompt = f"{checklist}\n{prompt}" if checklist else prompt
                return FormOutcome(_reply(state, flow, f"好的。\n{prompt}", choices))
            if is_question(t) or _off_form(t, None):
                return _digression(state, flow, guide, t)
            # fields volunteered early ("我叫王芳，电话……") are kept; the question is asked again
            early = _early_fields(state, flow, t)
            if early:
                labels = "、".join(early)
                return FormOutcome(
                    _reply(state, flow, f"已记录：{labels}。\n{q.ask}", _choice_labels(q)),
                    events=[{"type": "fields_early", "fields": early}],
                )
            return FormOutcome(
                _reply(
                    state,
                    flow,
                    f"抱歉，没有听明白。{q.ask}请从以下选项中选择：" + "、".join(_choice_labels(q)),
                    _choice_labels(q),
                ),
                events=[{"type": "invalid", "question": q.id}],
            )

    if state.flow_stage in (STAGE_FIELDS, STAGE_CONFIRM):
        pending = _field(flow, state.requested)
        if is_question(t) and not _looks_like_value(t, pending):
            return _digression(state, flow, guide, t)
        if _off_form(t, pending):
            return None
        if pending is None and state.flow_stage == STAGE_CONFIRM:
            # extra fields given at the read-back ("再补充一下，备注……") or something else
            accepted, errors = (
                _accept_fields(state, flow, t, None)
                if extract_fields(t, flow.active_fields(state.answers))
                else ([], [])
            )
            if not accepted and not errors:
                return None
        else:
            accepted, errors = _accept_fields(state, flow, t, pending)
        events: list[dict[str, Any]] = []
        parts = []
        if accepted:
            parts.append("已记录：" + "、".join(accepted) + "。")
        if errors:
            parts.append("\n".join(errors) + "。")
            events.append({"type": "invalid", "errors": errors})
        prompt, choices = _step(state, flow)
        if errors and state.requested:
            f = _field(flow, state.requested)
            if f is not None and any(e.startswith(f.label) for e in errors):
                prompt = f"请重新提供{f.label}" + (f"（{f.hint}）" if f.hint else "") + "。"
        return FormOutcome(_reply(state, flow, "\n".join([*parts, prompt]), choices), events=events)
    return None


def _early_fields(state: DialogueState, flow: Flow, text: str) -> list[str]:
    """Store valid values for not-yet-asked fields found in `text`; their labels."""
    todo = [f for f in flow.active_fields(state.answers) if f.name not in state.fields and f.type != "enum"]
    got: list[str] = []
    for name, raw in extract_fields(text, todo).items():
        f = _field(flow, name)
        if f is not None and (res := validate(f, raw)).ok and res.value is not None:
            state.fields[name] = res.value
            got.append(f.label)
    return got


def _off_form(text: str, pending: FormField | None) -> bool:
    """A complaint / status query / policy question typed while an item is pending (not an answer).
    Free-text fields keep such words as their value ("申请理由：…投诉无门…")."""
    if pending is not None and pending.type == "text":
        return False
    c = classify_scored(text)
    off = (Intent.COMPLAINT, Intent.APPLICATION_STATUS, Intent.POLICY_QUESTION, Intent.GREETING, Intent.APPLY)
    return c.signal and c.intent in off


def _looks_like_value(text: str, f: FormField | None) -> bool:
    """A message that is probably an answer although it contains a question-ish character ("几")."""
    if f is None:
        return False
    if _QUESTION_RE.search(re.sub(r"[?？]", "", text)) is None and not re.search(r"[?？]$", text):
        return True
    return f.type in {"id_number", "phone", "uscc", "date", "amount", "int"} and bool(
        re.search(r"\d{3,}", text)
    )


# --- submission -------------------------------------------------------------------------------------


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
    """The receipt: the application number and the next steps from the flow; the form is closed."""
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
    reset_form(state)
    state.last_application_id = application_id
    return Reply(text="\n".join(lines), form=form, intent=Intent.APPLY)
