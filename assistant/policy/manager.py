"""The dialogue manager: one pure `handle(state, text) -> TurnResult` per user message.

It classifies the message, links it to a guide / policy / flow, composes a grounded answer with
citations (optionally rephrased by a checked LLM), runs form filling, and routes complaints and unknown
questions on to 12345 / a window / a human. Only the injected callables touch the outside world.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from assistant.nlg.answer import (
    ASPECT_LABEL,
    Aspect,
    Composed,
    compose_guide_answer,
    compose_policy_answer,
    detect_aspects,
    unknown_answer,
)
from assistant.nlg.llm import LLMPhraser
from assistant.nlu.intent import classify_scored
from assistant.nlu.text import (
    clean,
    compact,
    find_injection,
    looks_binary,
    normalize,
    strip_injection,
    truncate,
)
from assistant.policy import form_flow as forms
from assistant.policy.linking import (
    asks_auxiliary,
    disambiguation_text,
    flow_by_words,
    flow_for_service,
    is_auxiliary,
    link_flow,
    link_service,
    match_choice,
)
from assistant.state import Citation, DialogueState, Intent, Reply, TurnResult
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.types import DocKind, SearchResult

MAX_HISTORY_TURNS = 20
HISTORY_TEXT_CHARS = 500

_HUMAN_RE = re.compile(r"转人工|人工客服|人工服务|找人工|真人|找客服|转客服|接人工")
_APP_ID_RE = re.compile(r"\bGA[-_]?[0-9A-Za-z][0-9A-Za-z-]{3,}", re.IGNORECASE)
_THANKS_RE = re.compile(r"谢谢|多谢|感谢|辛苦了|thank", re.IGNORECASE)
_BYE_RE = re.compile(r"再见|拜拜|没事了|没有了|不用了")
_FOLLOWUP_RE = re.compile(r"[呢吗]\s*[?？]?\s*$|^那")
# Words removed to see whether a question names a service of its own or follows up on the current one.
_FILLER_RE = re.compile(
    r"那么|那|这个|这|它|该|要|需要|请问|想问|问一下|一下|我|的|了|吗|呢|啊|呀|吧|可以|能|是|有|没有|办|办理|去|带|"
    r"怎么|如何|什么|哪些|多少|几|呢|还|也|都|就|得|在|和|与|及|或|[?？!！,，。.、\s]"
)
_ASPECT_WORDS_RE = re.compile(
    r"材料|资料|证件|准备|提交|多久|多长时间|几天|时限|时间|地点|在哪|哪里|地址|电话|联系方式|热线|条件|资格|符合|"
    r"费用|收费|多少钱|要钱|免费|流程|步骤|程序|手续|跑几次|几次|网上|网办|线上|依据|部门|窗口|预约|快递|邮寄|号码"
)


class Retriever(Protocol):
    def search(
        self, query: str, top_k: int = 5, filters: dict[str, Any] | None = None, kinds: Any = None
    ) -> SearchResult: ...


GuideGetter = Callable[[str], ServiceGuide | None]
PolicyGetter = Callable[[str], PolicyDocument | None]
StatusLookup = Callable[[str, DialogueState], str | None]


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

    # --- public API ---------------------------------------------------------------------------------

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        """One user message. The input state is not modified; the returned state is the new one."""
        rejected = self._check_input(text)
        if rejected is not None:
            reply, reason = rejected
            return TurnResult(
                state=state.model_copy(deep=True),
                reply=reply,
                events=[{"type": "input_rejected", "reason": reason}],
            )
        st = state.model_copy(deep=True)
        t = clean(text)  # matching normalizes internally; replies and summaries echo what was typed
        events: list[dict[str, Any]] = []
        work = t
        if find_injection(t):
            # the injected clause is dropped; whatever else was asked is handled as usual
            events.append({"type": "injection_suspected"})
            work = strip_injection(t) or t
        st.turns += 1
        reply, submission = self._route(st, work, events)
        if reply.intent is None:
            reply.intent = Intent.OUT_OF_SCOPE
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
        return TurnResult(
            state=st, reply=reply, events=[{"type": "submitted", "application_id": application_id}]
        )

    # --- input checks -------------------------------------------------------------------------------

    def _check_input(self, text: Any) -> tuple[Reply, str] | None:
        if not isinstance(text, str):
            return Reply(text="抱歉，无法识别这条消息的内容，请用文字描述您要咨询或办理的事项。"), "not_text"
        if looks_binary(text):
            return (
                Reply(
                    text="抱歉，这条消息包含无法识别的字符（可能是文件或乱码），请用文字描述您要咨询或办理的事项。"
                ),
                "binary",
            )
        if len(text) > self.max_chars:
            return (
                Reply(
                    text=f"您的消息过长（{len(text)}字，上限{self.max_chars}字），请精简后分几次发送，"
                    "例如先说明要办理的事项名称。"
                ),
                "too_long",
            )
        if not normalize(text):
            return Reply(text="您好像还没有输入内容。请问您想咨询或办理什么事项？"), "empty"
        return None

    @staticmethod
    def _remember(st: DialogueState, role: str, text: str) -> None:
        st.history.append({"role": role, "text": truncate(text, HISTORY_TEXT_CHARS)})
        if len(st.history) > 2 * MAX_HISTORY_TURNS:
            st.history = st.history[-2 * MAX_HISTORY_TURNS :]

    # --- routing ------------------------------------------------------------------------------------

    def _route(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> tuple[Reply, Any]:
        if _HUMAN_RE.search(t):
            return self._handoff_human(st, t, events), None

        if st.pending_choices:
            picked = match_choice(t, st.pending_choices)
            purpose, query = st.pending_purpose, st.pending_query
            st.pending_choices, st.pending_purpose, st.pending_query = {}, None, None
            if picked is not None:
                events.append({"type": "choice_selected", "service_id": picked})
                return self._after_pick(st, picked, purpose, query or t, events)

        flow = self.flows.get(st.flow_id) if st.flow_id else None
        if st.flow_id and flow is None:
            forms.reset_form(st)  # the flow no longer exists (content update)
        if flow is not None:
            return self._in_form(st, flow, t, events)
        return self._general(st, t, events)

    def _in_form(
        self, st: DialogueState, flow: Flow, t: str, events: list[dict[str, Any]]
    ) -> tuple[Reply, Any]:
        other = flow_by_words(t, self.flows)
        if other is not None and other.id != flow.id:
            cls = classify_scored(t, st, flow_match=True)
            if cls.intent is Intent.APPLY:
                events.append({"type": "form_switched", "from": flow.id, "to": other.id})
                out = forms.start_form(st, other, self.get_guide(other.service_id), t)
                events.extend(out.events)
                out.reply.text = (
                    f"已为您改为办理「{other.title}」（「{flow.title}」已填写的信息不会提交）。\n"
                    + out.reply.text
                )
                return out.reply, None
        outcome = forms.handle_form(st, flow, self.get_guide(flow.service_id), t)
        if outcome is not None:
            events.extend(outcome.events)
            return outcome.reply, outcome.submission
        if st.flow_stage == forms.STAGE_SUBMITTED:
            forms.reset_form(st)
            return self._general(st, t, events)
        # Not about the form: answer it, then resume the form.
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
            events.append({"type": "form_resumed", "flow_id": flow.id})
        return reply, None

    def _general(
        self, st: DialogueState, t: str, events: list[dict[str, Any]], in_form: Flow | None = None
    ) -> tuple[Reply, Any]:
        flow_hit = flow_by_words(t, self.flows)
        cls = classify_scored(t, st, flow_match=flow_hit is not None)
        events.append({"type": "intent", "intent": cls.intent.value, "confidence": cls.confidence})
        intent = cls.intent if cls.signal else None
        if intent is Intent.COMPLAINT:
            return self._complaint(st, t, events), None
        if intent is Intent.APPLICATION_STATUS:
            return self._status(st, t), None
        if intent is Intent.GREETING:
            return self._greeting(t), None
        if intent is Intent.APPLY and in_form is None:
            return self._apply(st, t, flow_hit, events), None
        if intent is Intent.POLICY_QUESTION:
            return self._policy(st, t, events), None
        if intent in (Intent.SERVICE_QUESTION, Intent.APPLY):
            return self._service_question(st, t, events), None
        return self._unsignalled(st, t, events), None

    # --- intents ------------------------------------------------------------------------------------

    def _search(self, query: str, kinds: Sequence[DocKind] | None) -> SearchResult | None:
        try:
            return self.retriever.search(query, top_k=self.top_k, kinds=list(kinds) if kinds else None)
        except Exception:  # a failing index must not break the conversation
            return None

    def _after_pick(
        self,
        st: DialogueState,
        service_id: str,
        purpose: str | None,
        query: str,
        events: list[dict[str, Any]],
    ) -> tuple[Reply, Any]:
        st.current_service_id = service_id
        if purpose == "apply":
            flow = flow_for_service(service_id, self.flows)
            if flow is not None:
                out = forms.start_form(st, flow, self.get_guide(flow.service_id), "")
                events.extend(out.events)
                return out.reply, None
        guide = self.get_guide(service_id)
        if guide is None:
            return self._unknown(st, events), None
        if purpose == "apply":
            return self._no_flow_reply(st, guide, query, events), None
        return self._guide_reply(st, guide, detect_aspects(query), query, events), None

    def _service_question(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        aspects = detect_aspects(t)
        residue = self._residue(t)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        if st.current_service_id and len(residue) < 2:
            guide = self.get_guide(st.current_service_id)
            if guide is not None:
                events.append({"type": "followup", "service_id": guide.id})
                return self._guide_reply(st, guide, aspects, t, events)
        if len(residue) < 2:  # "要什么材料？" with no service in context: ask which one
            return self._ask_which_service(aspects)
        policy_reply = self._policy_over_guides(st, t, events)
        if policy_reply is not None:
            return policy_reply
        result = self._search(t, [DocKind.GUIDE])
        link = (
            link_service(result, self.get_guide, query=t, prefer_id=st.current_service_id) if result else None
        )
        if link is not None and link.ambiguous:
            return self._disambiguate(st, link.choices, t, "answer", events)
        if link is not None and link.service_id:
            guide = self.get_guide(link.service_id)
            if guide is not None:
                return self._guide_reply(st, guide, aspects, t, events, check_fit=True)
        flow_guide = self._flow_guide(t, events)
        if flow_guide is not None:
            return self._guide_reply(st, flow_guide, aspects, t, events)
        if st.current_service_id and len(residue) <= 4:
            guide = self.get_guide(st.current_service_id)
            if guide is not None:
                events.append({"type": "followup", "service_id": guide.id})
                return self._guide_reply(st, guide, aspects, t, events)
        return self._unknown(st, events, result)

    def _unsignalled(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        """No intent cue: let retrieval decide; no confident match -> honest out-of-scope."""
        if st.current_service_id and _FOLLOWUP_RE.search(t) and len(self._residue(t)) < 2:
            return self._service_question(st, t, events)
        result = self._search(t, None)
        if result is None or not result.confident or not result.hits:
            flow_guide = self._flow_guide(t, events)
            if flow_guide is not None:
                return self._guide_reply(st, flow_guide, detect_aspects(t), t, events)
            return self._unknown(st, events, result)
        top = result.hits[0]
        if top.kind is DocKind.POLICY:
            composed = compose_policy_answer(result.hits, self.get_policy, question=t)
            if composed is not None:
                return self._policy_reply(st, composed, t, events)
            return self._unknown(st, events, result)
        aspects = detect_aspects(t)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        link = link_service(result, self.get_guide, query=t)
        if link.ambiguous:
            return self._disambiguate(st, link.choices, t, "answer", events)
        guide = self.get_guide(link.service_id) if link.service_id else None
        if guide is None:
            return self._unknown(st, events, result)
        return self._guide_reply(st, guide, aspects, t, events, check_fit=True)

    def _policy_over_guides(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply | None:
        """A service question that a law / policy matches better than any guide ("失业保险金申领条件是什么"
        with no such guide in the KB): quote the articles rather than answer from an unrelated guide."""
        result = self._search(t, None)
        if (
            result is None
            or not result.confident
            or not result.hits
            or result.hits[0].kind is not DocKind.POLICY
        ):
            return None
        composed = compose_policy_answer(result.hits, self.get_policy, question=t)
        if composed is None:
            return None
        events.append({"type": "policy_over_guides", "policy_id": composed.policy_id})
        reply = self._policy_reply(st, composed, t, events)
        reply.text = f"没有找到与您的问题直接对应的办事指南，相关法规/政策的规定如下：\n{reply.text}"
        return reply

    def _policy(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        result = self._search(t, [DocKind.POLICY])
        if result is not None and result.confident:
            composed = compose_policy_answer(result.hits, self.get_policy, question=t)
            if composed is not None:
                return self._policy_reply(st, composed, t, events)
        # "办这个的依据是什么" / a policy word about a service: answer from the guide instead
        if st.current_service_id or detect_aspects(t):
            return self._service_question(st, t, events)
        return self._unknown(st, events, result)

    def _apply(self, st: DialogueState, t: str, flow_hit: Flow | None, events: list[dict[str, Any]]) -> Reply:
        flow = flow_hit
        result: SearchResult | None = None
        if flow is None:
            result = self._search(t, [DocKind.GUIDE]) if len(self._residue(t)) >= 2 else None
            if result is not None:
                link = link_service(result, self.get_guide, query=t)
                if link.ambiguous:
                    with_flow = {
                        lbl: sid for lbl, sid in link.choices.items() if flow_for_service(sid, self.flows)
                    }
                    if len(with_flow) == 1:
                        flow = flow_for_service(next(iter(with_flow.values())), self.flows)
                    else:
                        return self._disambiguate(st, link.choices, t, "apply", events)
                elif link.service_id:
                    flow = flow_for_service(link.service_id, self.flows)
                    if flow is None:
                        guide = self.get_guide(link.service_id)
                        if guide is not None:
                            return self._no_flow_reply(st, guide, t, events)
            if flow is None and len(self._residue(t)) < 2:
                flow = link_flow(t, self.flows, result=result, current_service_id=st.current_service_id)
        if flow is None:
            titles = [f.title for f in self.flows.values()]
            text = "抱歉，暂时没有找到可以在线办理的对应事项。"
            if titles:
                text += "目前可以边聊边办的事项有：" + "、".join(titles) + "。请问您要办理哪一项？"
            text += "其他事项可拨打12345政务服务便民热线咨询，或到政务服务中心窗口办理。"
            return Reply(text=text, choices=titles[:8], intent=Intent.APPLY, confident=False)
        out = forms.start_form(st, flow, self.get_guide(flow.service_id), t)
        events.extend(out.events)
        return out.reply

    def _no_flow_reply(
        self, st: DialogueState, guide: ServiceGuide, t: str, events: list[dict[str, Any]]
    ) -> Reply:
        reply = self._guide_reply(st, guide, [Aspect.ONLINE, Aspect.LOCATION, Aspect.MATERIALS], t, events)
        reply.text = f"「{guide.name}」暂不支持在这里边聊边办，您可以按以下方式办理：\n{reply.text}"
        reply.intent = Intent.APPLY
        return reply

    def _status(self, st: DialogueState, t: str) -> Reply:
        m = _APP_ID_RE.search(t)
        app_id = m.group(0).upper() if m else st.last_application_id
        if not app_id:
            return Reply(
                text="请提供您的申请编号（提交申请时告知的编号，如 GA 开头的编号），我来帮您查询办理进度。",
                intent=Intent.APPLICATION_STATUS,
            )
        if self.status_lookup is None:
            return Reply(
                text=f"暂时无法在线查询申请 {app_id} 的进度，请拨打12345政务服务便民热线或到受理窗口查询。",
                intent=Intent.APPLICATION_STATUS,
                confident=False,
            )
        try:
            status = self.status_lookup(app_id, st)
        except Exception:
            status = None
            return Reply(
                text="抱歉，进度查询暂时不可用，请稍后再试，或拨打12345政务服务便民热线查询。",
                intent=Intent.APPLICATION_STATUS,
                confident=False,
            )
        if status is None:
            return Reply(
                text=f"没有查到申请编号 {app_id} 的记录，请核对编号是否正确；如有疑问请拨打12345政务服务便民热线。",
                intent=Intent.APPLICATION_STATUS,
                confident=False,
            )
        return Reply(text=f"申请 {app_id} 的办理进度：{status}", intent=Intent.APPLICATION_STATUS)

    def _greeting(self, t: str) -> Reply:
        if _THANKS_RE.search(t):
            return Reply(text="不客气！还有其他需要咨询或办理的事项，随时告诉我。", intent=Intent.GREETING)
        if _BYE_RE.search(t):
            return Reply(text="好的，感谢您的咨询，再见！", intent=Intent.GREETING)
        titles = [f.title for f in self.flows.values()]
        text = (
            "您好！我是花都区政务服务数字人助手，可以为您：\n"
            "1. 解答办事指南问题（材料、时限、地点、电话等），每条信息都注明出处；\n"
            "2. 边聊边办，帮您在线填写申请" + (f"（如{'、'.join(titles[:3])}）" if titles else "") + "；\n"
            "3. 查询申请进度；\n"
            "4. 投诉、建议可为您整理后转12345政务服务便民热线。\n"
            "请问有什么可以帮您？"
        )
        return Reply(text=text, choices=titles[:4], intent=Intent.GREETING)

    def _complaint(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        summary = truncate(t, 120)
        guide = self.get_guide(st.current_service_id) if st.current_service_id else None
        if guide is not None:
            summary = f"【{guide.name}】{summary}"
        events.append({"type": "handoff", "target": "12345", "summary": summary})
        lines = [
            "非常抱歉给您带来不好的体验。投诉、举报和意见建议由12345政务服务便民热线统一受理，",
            f"我已为您整理好诉求摘要：“{summary}”",
            "请拨打12345反映（可转述以上摘要），也可以到政务服务中心窗口现场反映；需要转人工客服请回复“转人工”。",
        ]
        citations: list[Citation] = []
        if guide is not None and guide.complaint_phone:
            lines.append(f"该事项的监督投诉电话：{guide.complaint_phone}。")
            citations.append(
                Citation(
                    id=f"guide:{guide.id}#complaint_phone",
                    title=guide.name,
                    source=guide.source_url or guide.source,
                    quote=guide.complaint_phone,
                )
            )
        return Reply(text="\n".join(lines), citations=citations, intent=Intent.COMPLAINT)

    def _handoff_human(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        recent = [h["text"] for h in st.history if h.get("role") == "user"][-3:]
        summary = truncate("；".join([*recent, t]), 200)
        events.append({"type": "handoff", "target": "human", "summary": summary})
        return Reply(
            text="好的，正在为您转接人工客服，请稍候。如暂时无人接听，可拨打12345政务服务便民热线，或到政务服务中心窗口咨询。",
            intent=Intent.OUT_OF_SCOPE,
        )

    # --- replies ------------------------------------------------------------------------------------

    def _disambiguate(
        self, st: DialogueState, choices: dict[str, str], t: str, purpose: str, events: list[dict[str, Any]]
    ) -> Reply:
        st.pending_choices = dict(choices)
        st.pending_purpose = purpose
        st.pending_query = t
        events.append({"type": "disambiguation", "choices": list(choices.values())})
        intent = Intent.APPLY if purpose == "apply" else Intent.SERVICE_QUESTION
        return Reply(text=disambiguation_text(list(choices)), choices=list(choices), intent=intent)

    def _guide_reply(
        self,
        st: DialogueState,
        guide: ServiceGuide,
        aspects: Sequence[Aspect],
        question: str,
        events: list[dict[str, Any]],
        *,
        check_fit: bool = False,
    ) -> Reply:
        """`check_fit`: the guide was found by searching the question, so say so when it is only a
        supporting service (进度查询 / 预约) of what was asked, and mark the answer as not confident."""
        st.current_service_id = guide.id
        st.current_policy_id = None
        st.last_aspects = [a.value for a in aspects if a is not Aspect.OVERVIEW]
        composed = compose_guide_answer(guide, aspects, question=question)
        text = self._phrase(composed, question, events)
        choices: list[str] = []
        flow = flow_for_service(guide.id, self.flows)
        if flow is not None and not st.flow_id:
            how = "网上预审（边聊边办）" if flow.kind == "precheck" else "边聊边办"
            text += f"\n本事项支持{how}，回复“我要办{flow.title}”即可开始在线填写。"
            choices = [f"我要办{flow.title}"]
        events.append({"type": "answer", "service_id": guide.id, "missing": composed.missing})
        confident = composed.grounded
        if check_fit and is_auxiliary(guide.name) and not asks_auxiliary(question):
            events.append({"type": "partial_match", "service_id": guide.id})
            text = (
                f"没有找到与您的问题完全对应的办事指南，找到的相关事项是「{guide.name}」，以下信息仅供参考：\n"
                f"{text}\n如需办理，建议拨打12345政务服务便民热线，或到政务服务中心窗口咨询确认。"
            )
            confident = False
        return Reply(
            text=text,
            citations=composed.citations,
            choices=choices,
            intent=Intent.SERVICE_QUESTION,
            confident=confident,
        )

    def _policy_reply(
        self, st: DialogueState, composed: Composed, question: str, events: list[dict[str, Any]]
    ) -> Reply:
        st.current_policy_id = composed.policy_id
        text = self._phrase(composed, question, events)
        events.append({"type": "answer", "policy_id": composed.policy_id})
        return Reply(text=text, citations=composed.citations, intent=Intent.POLICY_QUESTION)

    def _phrase(self, composed: Composed, question: str, events: list[dict[str, Any]]) -> str:
        if self.phraser is None or not composed.grounded:
            return composed.text
        text, violations = self.phraser.render(composed.text, composed.citations, question)
        if violations:
            events.append({"type": "llm_rejected", "violations": violations})
        else:
            events.append({"type": "llm_phrased"})
        return text

    def _flow_guide(self, t: str, events: list[dict[str, Any]]) -> ServiceGuide | None:
        """The guide of a flow whose curated words the message uses ("开个小店"), when retrieval has none."""
        flow = flow_by_words(t, self.flows, fuzzy=True)
        guide = self.get_guide(flow.service_id) if flow is not None else None
        if guide is not None and flow is not None:
            events.append({"type": "flow_words", "flow_id": flow.id})
        return guide

    def _ask_which_service(self, aspects: Sequence[Aspect]) -> Reply:
        what = "、".join(ASPECT_LABEL[a] for a in aspects if a in ASPECT_LABEL) or "相关信息"
        titles = [f.title for f in self.flows.values()][:4]
        return Reply(
            text=f"请问您想了解哪个事项的{what}？请告诉我事项名称，例如“居住证申领”“社保卡补办”。",
            choices=titles,
            intent=Intent.SERVICE_QUESTION,
        )

    def _unknown(
        self, st: DialogueState, events: list[dict[str, Any]], result: SearchResult | None = None
    ) -> Reply:
        events.append(
            {"type": "unanswered", "confidence": None if result is None else round(result.confidence, 3)}
        )
        return Reply(text=unknown_answer().text, intent=Intent.OUT_OF_SCOPE, confident=False)

    @staticmethod
    def _residue(t: str) -> str:
        """What is left of a message without aspect and filler words (a service name, if any)."""
        rest = _ASPECT_WORDS_RE.sub("", compact(t))
        return _FILLER_RE.sub("", rest)
