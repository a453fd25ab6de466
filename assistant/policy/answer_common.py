"""What the answer path's parts share: the host protocol, typed events by name, the search-failed text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from assistant import events as ev
from assistant.nlg.llm import LLMPhraser
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide

SEARCH_FAILED_TEXT = (
    "抱歉，检索服务暂时出现故障，这个问题我现在无法查询。请稍后再试，或拨打12345政务服务便民热线、"
    "到政务服务中心窗口咨询。"
)
# Decision thresholds (chosen on the tune half of the answer dev set; docs/BENCHMARKS.md)
Events = list[ev.Event]
_EVENTS: dict[str, Any] = {
    "followup": ev.Followup,
    "law_followup": ev.LawFollowup,
    "policy_over_guides": ev.PolicyOverGuides,
    "disambiguation": ev.Disambiguation,
    "answer": ev.Answered,
    "partial_match": ev.PartialMatch,
    "llm_rejected": ev.LLMRejected,
    "llm_phrased": ev.LLMPhrased,
    "flow_words": ev.FlowWords,
    "unanswered": ev.Unanswered,
    "retrieval": ev.Retrieved,
    "search_failed": ev.SearchFailed,
    "typo_corrected": ev.TypoCorrected,
    "passage_evidence": ev.PassageEvidence,
    "region_preferred": ev.RegionPreferred,
    "base_variant": ev.BaseVariant,
    "standout": ev.Standout,
    "named_lead": ev.NamedLead,
    "told_lead": ev.ToldLead,
    "step_served": ev.StepServed,
    "worded_lead": ev.WordedLead,
    "office_named": ev.OfficeNamed,
    "group_variant": ev.GroupVariant,
    "crossing_variant": ev.CrossingVariant,
    "no_fit": ev.NoFit,
    "law_fallback": ev.LawFallback,
    "clarify": ev.Clarified,
}


def emit(events: Events, kind: str, **data: Any) -> None:
    """Append one typed dialogue event (assistant.events) by its `type` name."""
    events.append(_EVENTS[kind](**data))


class AnswerHost(Protocol):
    """What the answer path needs from the manager (read at call time: tests may swap the phraser)."""

    retriever: Any
    get_guide: Callable[[str], ServiceGuide | None]
    get_policy: Callable[[str], PolicyDocument | None]
    flows: Mapping[str, Flow]
    phraser: LLMPhraser | None
    top_k: int
