"""The dialogue manager: one pure `handle(state, text) -> TurnResult` per user message.

It classifies the message, links it to a guide / policy / flow, composes a grounded answer with
citations (optionally rephrased by a checked LLM), runs form filling, and routes complaints and unknown
questions on to 12345 / a window / a human. Only the injected callables touch the outside world.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from assistant import events as ev
from assistant.nlg.llm import LLMPhraser
from assistant.nlu.intent import classify_scored
from assistant.nlu.normalize import canonical
from assistant.nlu.residue import residue
from assistant.nlu.text import (
    clean,
    find_injection,
    strip_injection,
    truncate,
)
from assistant.policy import focus
from assistant.policy import form_flow as forms
from assistant.policy.answering import Answerer
from assistant.policy.followups import Followups
from assistant.policy.input_checks import check_input
from assistant.policy.linking import (
    flow_by_words,
    match_choice,
)
from assistant.policy.replies import (
    APP_ID_RE,
    HUMAN_RE,
    NO_OWN_APPLICATIONS,
    STATUS_WORDS_RE,
    StatusLookup,
    greeting_reply,
    handoff_reply,
    status_reply,
)
from assistant.policy.wishes import Wishes
from assistant.state import DialogueState, Intent, Reply, TurnResult
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.types import SearchResult

MAX_HISTORY_TURNS = 20
HISTORY_TEXT_CHARS = 500


class Retriever(Protocol):
    def search(
        self, query: str, top_k: int = 5, filters: dict[str, Any] | None = None, kinds: Any = None
    ) -> SearchResult: ...


GuideGetter = Callable[[str], ServiceGuide | None]
PolicyGetter = Callable[[str], PolicyDocument | None]


class DialogueManager:
    def __init__(
        self,
        *,
        retriever: Retriever,
        get_guide: GuideGetter | None = None,
        get_policy: PolicyGetter | None = None,
        flows: Mapping[str, Flow] | None = None,
        phraser: LLMPhraser | None = None,
        status_lookup: StatusLookup | None = None,
        max_chars: int = 2000,
        top_k: int = 5,
        store: Any = None,
    ) -> None:
        """`store`: optional shortcut for an object with `get_guide(id, published_only=...)` and
        `get_policy(id)` (knowledge.store.KnowledgeStore); explicit getters take precedence."""
        if get_guide is None and store is not None:

            def get_guide(gid: str) -> ServiceGuide | None:
                return store.get_guide(gid, published_only=True)

        if get_policy is None and store is not None:
            get_policy = store.get_policy
        if get_guide is None or get_policy is None:
            raise TypeError("DialogueManager needs get_guide and get_policy (or a store)")
        self.retriever = retriever
        self.get_guide = get_guide
        self.get_policy = get_policy
        # a plain dict is copied; a FlowRegistry (lazy generic flows) is kept as it is
        self.flows: Mapping[str, Flow] = (
            dict(flows) if isinstance(flows, dict) else (flows if flows is not None else {})
        )
        self.phraser = phraser
        self.status_lookup = status_lookup
        self.max_chars = max_chars
        self.top_k = top_k
        self.answering = Answerer(self)
        self.followups = Followups(self)
        self.wishes = Wishes(self)

    # --- public API ---------------------------------------------------------------------------------

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        """One user message. The input state is not modified; the returned state is the new one."""
        rejected = check_input(text, self.max_chars)
        if rejected is not None:
            reply, reason = rejected
            return TurnResult(
                state=state.model_copy(deep=True),
                reply=reply,
                events=[ev.InputRejected(reason=reason)],
            )
        st = state.model_copy(deep=True)
        t = clean(text)  # matching normalizes internally; replies and summaries echo what was typed
        events: list[ev.Event] = []
        work = t
        if find_injection(t):
            # the injected clause is dropped; whatever else was asked is handled as usual
            events.append(ev.InjectionSuspected())
            work = strip_injection(t) or t
        st.turns += 1
        # understand in plain Mandarin (traditional, Cantonese, colloquial words); history keeps what was typed
        work = canonical(work)
        reply, submission = self._route(st, work, events)
        if reply.intent is None:
            reply.intent = Intent.OUT_OF_SCOPE
        focus.remember_offer(st, reply, self.flows, truncate(work, HISTORY_TEXT_CHARS))
        self._remember(st, "user", t)
        self._remember(st, "assistant", reply.text)
        return TurnResult(state=st, reply=reply, submission=submission, events=events)

    def on_submitted(self, state: DialogueState, application_id: str, draft: Any = None) -> TurnResult:
        """The app stored the confirmed draft under `application_id`: the receipt and next steps."""
        st = state.model_copy(deep=True)
        flow_id = st.flow_id or getattr(draft, "flow_id", None)
        flow = self.flows.get(flow_id) if flow_id else None
        reply = forms.on_submitted(st, flow, application_id, draft)
        self._remember(st, "assistant", reply.text)
        return TurnResult(state=st, reply=reply, events=[ev.Submitted(application_id=application_id)])

    # --- input checks -------------------------------------------------------------------------------

    @staticmethod
    def _remember(st: DialogueState, role: str, text: str) -> None:
        st.history.append({"role": role, "text": truncate(text, HISTORY_TEXT_CHARS)})
        if len(st.history) > 2 * MAX_HISTORY_TURNS:
            st.history = st.history[-2 * MAX_HISTORY_TURNS :]

    # --- routing ------------------------------------------------------------------------------------

    def _route(self, st: DialogueState, t: str, events: list[ev.Event]) -> tuple[Reply, Any]:
        if HUMAN_RE.search(t):
            return self._handoff_human(st, t, events), None

        if st.pending_choices:
            offered = st.pending_choices
            picked = match_choice(t, offered, loose=st.pending_purpose != "related")
            purpose, query = st.pending_purpose, st.pending_query
            st.pending_choices, st.pending_purpose, st.pending_query = {}, None, None
            if picked is not None:
                events.append(ev.ChoiceSelected(service_id=picked))
                if purpose == "related":
                    label = next(k for k, v in offered.items() if v == picked)
                    events.append(ev.RelatedPicked(question=query or "", picked=label))
                return self.wishes.after_pick(st, picked, purpose, query or t, events)

        flow = self.flows.get(st.flow_id) if st.flow_id else None
        if st.flow_id and flow is None:
            forms.reset_form(st)  # the flow no longer exists (content update)
        if flow is not None:
            return self._in_form(st, flow, t, events)
        acted = self._on_focus(st, t, events)
        if acted is not None:
            return acted, None
        return self._general(st, t, events)

    def _on_focus(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply | None:
        return self.followups.on_focus(st, t, events)

    def _answer_then_start(
        self, st: DialogueState, t: str, flow: Flow | None, events: list[ev.Event]
    ) -> Reply:
        return self.followups.answer_then_start(st, t, flow, events)

    def _in_form(self, st: DialogueState, flow: Flow, t: str, events: list[ev.Event]) -> tuple[Reply, Any]:
        other = flow_by_words(t, self.flows)
        if other is not None and other.id != flow.id:
            cls = classify_scored(t, st, flow_match=True)
            if cls.intent is Intent.APPLY:
                events.append(ev.FormSwitched(from_flow=flow.id, to_flow=other.id))
                out = forms.start_form(st, other, self.get_guide(other.service_id), t)
                events.extend(out.events)
                out.reply.text = (
                    f"已为您改为办理「{other.title}」（「{flow.title}」已填写的信息不会提交，暂时保留，"
                    "说“继续刚才的”可接着办）。\n" + out.reply.text
                )
                return out.reply, None
        outcome = forms.handle_form(st, flow, self.get_guide(flow.service_id), t)
        if outcome is not None:
            events.extend(outcome.events)
            return outcome.reply, outcome.submission
        if st.flow_stage == forms.STAGE_SUBMITTED:
            forms.reset_form(st)
            return self._general(st, t, events)
        # Not about the form (a question, a complaint ...): the one digression path answers it, then the
        # pending item is asked again.
        situational = forms.situation_answer(st, flow, self.get_guide(flow.service_id), t)
        if situational is not None:
            reply, more = situational
            events.extend(more)
        else:
            reply, _ = self._general(st, t, events, in_form=flow)
        if st.pending_choices:
            # no disambiguation inside a form: the next answer ("1", "是") belongs to the form
            st.pending_choices, st.pending_purpose, st.pending_query = {}, None, None
            reply = self._unknown(st, events)
        if st.flow_id == flow.id:
            prompt, choices = forms.resume_prompt(st, flow)
            reply.text = f"{reply.text}\n\n我们继续办理「{flow.title}」：{prompt}"
            reply.choices = choices
            reply.form = forms.form_view(st, flow)
            events.append(ev.FormResumed(flow_id=flow.id))
        return reply, None

    def _general(
        self, st: DialogueState, t: str, events: list[ev.Event], in_form: Flow | None = None
    ) -> tuple[Reply, Any]:
        flow_hit = flow_by_words(t, self.flows)
        cls = classify_scored(t, st, flow_match=flow_hit is not None)
        events.append(ev.IntentDetected(intent=cls.intent.value, confidence=cls.confidence))
        intent = cls.intent if cls.signal else None
        # the online forms are the home district's: a person naming another place ("我住番禺，想办居住证") gets what
        # the KB says for there (or that it does not cover it), not our form
        wants_form = intent is Intent.APPLY or (
            flow_hit is not None and intent in (Intent.SERVICE_QUESTION, None)
        )
        if in_form is None and wants_form and self.answering.names_elsewhere(t):
            return self._service_question(st, t, events), None
        if intent is Intent.COMPLAINT:
            return self.wishes.complaint(st, t, events), None
        if intent is Intent.APPLICATION_STATUS:
            reply = self._status(st, t)
            # "护照办到哪一步了在哪查": not one of ours; a guide on where to check may answer it. A receipt
            # number is not a service's name: its random digits once matched a guide's text
            not_ours = not reply.confident or NO_OWN_APPLICATIONS in reply.text
            asked = STATUS_WORDS_RE.sub("", APP_ID_RE.sub("", t))
            if not_ours and len(self._residue(asked)) >= 2:
                answered = self._service_question(st, t, events)
                if answered.citations:
                    return answered, None
            return reply, None
        if intent is Intent.GREETING:
            return self._greeting(st, t), None
        if in_form is None and focus.wish_and_question(t) and intent is not Intent.COMPLAINT:
            # "我想办居住证，使唔使先预约？": answer the question, and start the form in the same turn
            return self._answer_then_start(st, t, flow_hit, events), None
        if in_form is None and flow_hit is not None and focus.bare_wish(t):
            # "办居住证": what the guide says, and its form started in the same turn
            return self.followups.answer_then_start(st, t, flow_hit, events, named=True), None
        if intent is Intent.APPLY and in_form is None:
            return self.wishes.apply(st, t, flow_hit, events), None
        if intent is Intent.POLICY_QUESTION:
            return self._policy(st, t, events), None
        if intent in (Intent.SERVICE_QUESTION, Intent.APPLY):
            return self._service_question(st, t, events), None
        return self._unsignalled(st, t, events), None

    # --- intents ------------------------------------------------------------------------------------

    def _status(self, st: DialogueState, t: str) -> Reply:
        return status_reply(st, t, self.status_lookup)

    def _greeting(self, st: DialogueState, t: str) -> Reply:
        return greeting_reply(st, t, self.flows)

    def _handoff_human(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        return handoff_reply(st, t, events)

    # --- question answering: assistant/policy/answering.py ----------------------------------------

    def _service_question(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        return self.answering.service_question(st, t, events)

    def _unsignalled(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        return self.answering.unsignalled(st, t, events)

    def _policy(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        return self.answering.policy(st, t, events)

    def _unknown(
        self, st: DialogueState, events: list[ev.Event], result: SearchResult | None = None
    ) -> Reply:
        return self.answering.unknown(st, events, result)

    @staticmethod
    def _residue(t: str) -> str:
        return residue(t)
