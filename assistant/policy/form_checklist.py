"""The checklist step of 预审 flows (`Flow.checklist_step`): "这些材料您准备好了吗？" after the 情形 questions.

One choice per material not yet ticked (a tap ticks it and the step asks again), "都准备好了" ticks all,
"其余还没有，继续" moves on; several materials in one message ("申报表和承诺书都有了，其他还没有") work too.
"""

from __future__ import annotations

import re

from assistant import events as ev
from assistant.form_state import STAGE_MATERIALS
from assistant.nlg.form_text import form_reply
from assistant.nlu.form_parse import TICK_RE, UNTICK_RE, is_question, is_tick_all, material_mentions
from assistant.nlu.text import compact
from assistant.state import DialogueState
from guides.schema import Flow

MATERIALS_ALL_LABEL = "都准备好了"
MATERIALS_NEXT_LABEL = "其余还没有，继续"
_NEXT_RE = re.compile(r"继续|下一步|跳过|其余|其他|其它|剩下|先这样|就这些|没有了|都没有|还没")
_TOKEN_RE = re.compile(r"§\d+§")


def materials_prompt(state: DialogueState, flow: Flow) -> tuple[str, list[str]]:
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


def _ticked(text: str, names: list[str]) -> tuple[list[str], str]:
    """(materials the message says are ready, the message without material names)."""
    # full names become tokens first: a name may itself contain "，" or "材料" ("…的，应当提交证明材料")
    work, tokens = compact(text), {}
    for i, n in enumerate(sorted(names, key=lambda n: len(compact(n)), reverse=True)):
        if compact(n) and compact(n) in work:
            work = work.replace(compact(n), f"§{i}§")
            tokens[f"§{i}§"] = n
    plain = _TOKEN_RE.sub("、", work)
    if compact(MATERIALS_ALL_LABEL) == work or (not tokens and is_tick_all(work)):
        return list(names), plain
    hits: list[str] = []
    for clause in re.split(r"[，,。；;！!]", work):
        bare = _TOKEN_RE.sub("、", clause)
        if not clause or (UNTICK_RE.search(bare) and not TICK_RE.search(bare)):
            continue
        found = [tokens[k] for k in _TOKEN_RE.findall(clause)]
        if not found:
            found = material_mentions(bare, names)
        if not found:  # "申报表和承诺书都有了": each part on its own
            for part in re.split(r"以及|还有|和|与|及|跟|、|/", TICK_RE.split(bare)[0]):
                found += material_mentions(part, names) if len(part) >= 2 else []
        hits += [n for n in found if n not in hits]
    return hits, plain


def materials_step(state: DialogueState, flow: Flow, text: str):  # noqa: ANN201 - FormOutcome | None
    """An answer to the checklist step; None when the message is not about materials (a question ...)."""
    from assistant.policy.form_fill import FormOutcome, step

    names = [m.name for m in flow.materials_for(state.answers)]
    hits, plain = _ticked(text, names)
    for n in hits:
        if n not in state.provided_materials:
            state.provided_materials.append(n)
    done = set(names) <= set(state.provided_materials)
    moving_on = done or bool(_NEXT_RE.search(plain)) or bool(UNTICK_RE.search(plain))
    if not hits and not moving_on:
        if is_question(text):
            return None
        prompt, choices = materials_prompt(state, flow)
        return FormOutcome(form_reply(state, flow, f"抱歉，没有听明白。{prompt}", choices))
    ack = ("已标记为已备：" + "、".join(hits) + "。") if hits else "好的。"
    if moving_on:
        state.materials_asked = True
        provided = set(state.provided_materials)
        if any(m.required and m.name not in provided for m in flow.materials_for(state.answers)):
            ack += "尚未备齐的材料会记入预审结果，请在正式办理前补齐。"
    prompt, choices = step(state, flow)
    return FormOutcome(form_reply(state, flow, f"{ack}\n{prompt}", choices), events=[ev.MaterialsTicked()])


__all__ = [
    "MATERIALS_ALL_LABEL",
    "MATERIALS_NEXT_LABEL",
    "STAGE_MATERIALS",
    "materials_prompt",
    "materials_step",
]
