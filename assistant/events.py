"""Typed turn events: what the assistant did in one turn, for tests, audit and the app's metrics.

One pydantic model per event kind, discriminated by `type`, so a consumer (the chat route's confidence,
a test) reads fields that exist instead of probing dicts. Plain data: no behaviour.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


E = TypeVar("E", bound=_Event)


class InputRejected(_Event):
    type: Literal["input_rejected"] = "input_rejected"
    reason: str  # "not_text" | "binary" | "too_long" | "empty"


class InjectionSuspected(_Event):
    type: Literal["injection_suspected"] = "injection_suspected"


class Submitted(_Event):
    type: Literal["submitted"] = "submitted"
    application_id: str


class ChoiceSelected(_Event):
    type: Literal["choice_selected"] = "choice_selected"
    service_id: str


class FormSwitched(_Event):
    type: Literal["form_switched"] = "form_switched"
    from_flow: str
    to_flow: str


class FormResumed(_Event):
    type: Literal["form_resumed"] = "form_resumed"
    flow_id: str


class FormRestored(_Event):
    """An abandoned form brought back with the fields it had ("继续刚才的")."""

    type: Literal["form_restored"] = "form_restored"
    flow_id: str


class IntentDetected(_Event):
    type: Literal["intent"] = "intent"
    intent: str
    confidence: float


class Followup(_Event):
    type: Literal["followup"] = "followup"
    service_id: str


class LawFollowup(_Event):
    """A bare follow-up asked of the matter a statute's article just answered ("要带什么")."""

    type: Literal["law_followup"] = "law_followup"
    policy_id: str


class PolicyOverGuides(_Event):
    type: Literal["policy_over_guides"] = "policy_over_guides"
    policy_id: str


class Handoff(_Event):
    type: Literal["handoff"] = "handoff"
    target: Literal["12345", "human"]
    summary: str


class Disambiguation(_Event):
    type: Literal["disambiguation"] = "disambiguation"
    choices: list[str]  # service ids offered


class Answered(_Event):
    type: Literal["answer"] = "answer"
    service_id: str | None = None
    policy_id: str | None = None
    missing: list[str] = Field(default_factory=list)  # aspects the guide has no data for


class PartialMatch(_Event):
    type: Literal["partial_match"] = "partial_match"
    service_id: str


class LLMRejected(_Event):
    type: Literal["llm_rejected"] = "llm_rejected"
    violations: list[str]


class LLMPhrased(_Event):
    type: Literal["llm_phrased"] = "llm_phrased"


class FlowWords(_Event):
    type: Literal["flow_words"] = "flow_words"
    flow_id: str


class Unanswered(_Event):
    type: Literal["unanswered"] = "unanswered"
    confidence: float | None = None  # retrieval confidence, None when nothing was searched


class FormStarted(_Event):
    type: Literal["form_started"] = "form_started"
    flow_id: str


class Digression(_Event):
    type: Literal["digression"] = "digression"
    aspects: list[str] = Field(default_factory=list)


class Correction(_Event):
    type: Literal["correction"] = "correction"
    question: str | None = None  # 情形 question id
    field: str | None = None  # form field name
    ok: bool | None = None  # None: the new value is asked for next


class EditMenu(_Event):
    type: Literal["edit_menu"] = "edit_menu"


class Invalid(_Event):
    """An answer that could not be taken (a misunderstanding, from the person's point of view)."""

    type: Literal["invalid"] = "invalid"
    field: str | None = None
    question: str | None = None
    errors: list[str] = Field(default_factory=list)  # the messages shown


class ConfirmAsked(_Event):
    """A targeted confirmation of an inferred answer ("您是外地户籍，对吗？")."""

    type: Literal["confirm_asked"] = "confirm_asked"
    question: str
    value: str


class FormCancelled(_Event):
    type: Literal["form_cancelled"] = "form_cancelled"
    flow_id: str


class FormConfirmed(_Event):
    type: Literal["form_confirmed"] = "form_confirmed"
    flow_id: str


class MaterialsTicked(_Event):
    type: Literal["materials_ticked"] = "materials_ticked"


class FieldsEarly(_Event):
    type: Literal["fields_early"] = "fields_early"
    fields: list[str]


# --- the question-answer path (assistant/policy/answering.py) ----------------------------------------


class Retrieved(_Event):
    type: Literal["retrieval"] = "retrieval"
    confidence: float  # calibrated document-level confidence of the one search of the turn


class SearchFailed(_Event):
    """The index raised: logged and counted; the reply says the search is unavailable."""

    type: Literal["search_failed"] = "search_failed"


class TypoCorrected(_Event):
    """Homophone typos of a question were read as the KB words they sound like (retrieval.typos)."""

    type: Literal["typo_corrected"] = "typo_corrected"
    fixes: list[tuple[str, str]]


class PassageEvidence(_Event):
    """An official FAQ passage decided the answer (no confident guide, or it beat the linked one)."""

    type: Literal["passage_evidence"] = "passage_evidence"
    service_id: str
    over: str | None = None


class RegionPreferred(_Event):
    type: Literal["region_preferred"] = "region_preferred"
    service_id: str
    over: str


class BaseVariant(_Event):
    type: Literal["base_variant"] = "base_variant"
    service_id: str


class ToldLead(_Event):
    """The question tells nearly all of one close candidate's name and little of the others': no need to ask."""

    type: Literal["told_lead"] = "told_lead"
    service_id: str


class StepServed(_Event):
    """A later step asked (补 / 换 / 延期 …) that only one of the close variants serves: no need to ask."""

    type: Literal["step_served"] = "step_served"
    service_id: str


class WordedLead(_Event):
    """The question uses words of one close variant's name that no other has (M字, 初始 …), or rules out the others
    by a negation ("带方案" beside …不带方案…): no need to ask."""

    type: Literal["worded_lead"] = "worded_lead"
    service_id: str


class OfficeNamed(_Event):
    """The one candidate of an office the question names, stating what is asked: no need to ask or refuse."""

    type: Literal["office_named"] = "office_named"
    service_id: str


class GroupVariant(_Event):
    """The one close variant for 港澳台 residents, the person saying they are one: no need to ask."""

    type: Literal["group_variant"] = "group_variant"
    service_id: str


class CrossingVariant(_Event):
    """A move from one city (or province) to another said, and the one close variant for such a move (跨市转所,
    not 市内转所): no need to ask."""

    type: Literal["crossing_variant"] = "crossing_variant"
    service_id: str


class Standout(_Event):
    """A guide far ahead of all others that the question names answered below the confident threshold."""

    type: Literal["standout"] = "standout"
    service_id: str


class NamedLead(_Event):
    """Before refusing: the guide the unconfident search found first by a clear lead, most of whose name the
    question says, answered."""

    type: Literal["named_lead"] = "named_lead"
    service_id: str


class NoFit(_Event):
    """A generic question that does not name the guide retrieval found: refused."""

    type: Literal["no_fit"] = "no_fit"
    service_id: str


class LawFallback(_Event):
    type: Literal["law_fallback"] = "law_fallback"
    policy_id: str
    article: str


class RelatedPicked(_Event):
    """A button offered beside an answer was tapped: the earlier question meant another official pair (a near miss
    for the content staff)."""

    type: Literal["related_picked"] = "related_picked"
    question: str  # the question the first answer was given to
    picked: str  # the button's label (the official question picked)


class Clarified(_Event):
    """A clarifying question offering the best candidates (a near miss for the content staff)."""

    type: Literal["clarify"] = "clarify"
    candidates: list[str]  # the labels shown
    confidence: float | None = None


Event = Annotated[
    InputRejected
    | InjectionSuspected
    | Submitted
    | ChoiceSelected
    | FormSwitched
    | FormResumed
    | FormRestored
    | IntentDetected
    | Followup
    | LawFollowup
    | PolicyOverGuides
    | Handoff
    | Disambiguation
    | Answered
    | PartialMatch
    | LLMRejected
    | LLMPhrased
    | FlowWords
    | Unanswered
    | FormStarted
    | Digression
    | Correction
    | EditMenu
    | Invalid
    | ConfirmAsked
    | FormCancelled
    | FormConfirmed
    | MaterialsTicked
    | FieldsEarly
    | Retrieved
    | SearchFailed
    | TypoCorrected
    | PassageEvidence
    | RegionPreferred
    | BaseVariant
    | RelatedPicked
    | Standout
    | NamedLead
    | ToldLead
    | StepServed
    | WordedLead
    | OfficeNamed
    | GroupVariant
    | CrossingVariant
    | NoFit
    | LawFallback
    | Clarified,
    Field(discriminator="type"),
]


def of_type(events: list[Event], kind: type[E]) -> list[E]:
    """The events of one kind, typed (tests and consumers)."""
    return [e for e in events if isinstance(e, kind)]
