"""Form state over a scenario Flow: stages, what is pending or missing, pruning, suspend / restore.

Plain data operations on DialogueState: no parsing of what the person typed and no wording.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from assistant.state import DialogueState, SuspendedForm
from guides.schema import Flow, FormField, Question


class Stage(StrEnum):
    QUESTIONS = "questions"
    FIELDS = "fields"
    CONFIRM = "confirm"
    SUBMITTED = "submitted"


STAGE_QUESTIONS = Stage.QUESTIONS.value
STAGE_FIELDS = Stage.FIELDS.value
STAGE_CONFIRM = Stage.CONFIRM.value
STAGE_SUBMITTED = Stage.SUBMITTED.value
STAGE_MATERIALS = "materials"  # 预审 flows: "这些材料您准备好了吗？" (assistant/policy/form_checklist.py)
EDIT_MENU = "__edit__"  # `requested` while the read-back's "which item to change" menu is open


def reset_form(state: DialogueState) -> None:
    state.flow_id = None
    state.flow_stage = None
    state.answers = {}
    state.fields = {}
    state.provided_materials = []
    state.materials_asked = False
    state.requested = None
    state.pending_confirm = None


def suspend_form(state: DialogueState) -> SuspendedForm | None:
    """Keep the open form aside ("不办了", a switch to another service) so it can be resumed; then reset."""
    kept = None
    if state.flow_id and (state.answers or state.fields or state.provided_materials):
        kept = SuspendedForm(
            flow_id=state.flow_id,
            answers=dict(state.answers),
            fields=dict(state.fields),
            provided_materials=list(state.provided_materials),
        )
        state.suspended = kept
    reset_form(state)
    return kept


def restore_form(state: DialogueState, flow: Flow) -> bool:
    """Bring back the suspended form of `flow` with its answers and fields; False when there is none."""
    kept = state.suspended
    if kept is None or kept.flow_id != flow.id:
        return False
    reset_form(state)
    state.flow_id = flow.id
    state.current_service_id = flow.service_id
    state.answers = dict(kept.answers)
    state.fields = dict(kept.fields)
    state.provided_materials = list(kept.provided_materials)
    state.suspended = None
    prune(state, flow)
    return True


def question_by_id(flow: Flow, qid: str | None) -> Question | None:
    return next((q for q in flow.questions if q.id == qid), None)


def field_by_name(flow: Flow, name: str | None) -> FormField | None:
    return next((f for f in flow.form if f.name == name), None)


def pending_question(state: DialogueState, flow: Flow) -> Question | None:
    return next((q for q in flow.active_questions(state.answers) if q.id not in state.answers), None)


def missing_fields(state: DialogueState, flow: Flow) -> list[FormField]:
    return [f for f in flow.active_fields(state.answers) if f.required and f.name not in state.fields]


def prune(state: DialogueState, flow: Flow) -> None:
    """Drop answers / fields that no longer apply after an answer changed."""
    active_q = {q.id for q in flow.active_questions(state.answers)}
    for qid in list(state.answers):
        if qid not in active_q and question_by_id(flow, qid) is not None:
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


def display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
