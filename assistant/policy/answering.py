"""The question-answer path of the dialogue: find the passage that answers, decide (answer / clarify /
refuse and route), compose the reply. Pure: the host (the DialogueManager) injects every outside call."""

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
from assistant.nlu.text import compact
from assistant.policy.linking import (
    asks_auxiliary,
    disambiguation_text,
    flow_by_words,
    flow_for_service,
    is_auxiliary,
    link_service,
)
from assistant.state import DialogueState, Intent, Reply
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.types import DocKind, SearchResult

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


Events = list[dict[str, Any]]


def emit(events: Events, kind: str, **data: Any) -> None:
    """Append one dialogue event (the one place that knows how events are built)."""
    events.append({"type": kind, **data})


class AnswerHost(Protocol):
    """What the answer path needs from the manager (read at call time: tests may swap the phraser)."""

    retriever: Any
    get_guide: Callable[[str], ServiceGuide | None]
    get_policy: Callable[[str], PolicyDocument | None]
    flows: Mapping[str, Flow]
    phraser: LLMPhraser | None
    top_k: int


class Answerer:
    def __init__(self, host: AnswerHost) -> None:
        self.host = host

    def search(self, query: str, kinds: Sequence[DocKind] | None) -> SearchResult | None:
        try:
            return self.host.retriever.search(
                query, top_k=self.host.top_k, kinds=list(kinds) if kinds else None
            )
        except Exception:  # a failing index must not break the conversation
            return None

    def service_question(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        aspects = detect_aspects(t)
        residue = self.residue(t)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        if st.current_service_id and len(residue) < 2:
            guide = self.host.get_guide(st.current_service_id)
            if guide is not None:
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
        if len(residue) < 2:  # "要什么材料？" with no service in context: ask which one
            return self._ask_which_service(aspects)
        policy_reply = self._policy_over_guides(st, t, events)
        if policy_reply is not None:
            return policy_reply
        result = self.search(t, [DocKind.GUIDE])
        link = (
            link_service(result, self.host.get_guide, query=t, prefer_id=st.current_service_id)
            if result
            else None
        )
        if link is not None and link.ambiguous:
            return self.disambiguate(st, link.choices, t, "answer", events)
        if link is not None and link.service_id:
            guide = self.host.get_guide(link.service_id)
            if guide is not None:
                return self.guide_reply(st, guide, aspects, t, events, check_fit=True)
        flow_guide = self._flow_guide(t, events)
        if flow_guide is not None:
            return self.guide_reply(st, flow_guide, aspects, t, events)
        if st.current_service_id and len(residue) <= 4:
            guide = self.host.get_guide(st.current_service_id)
            if guide is not None:
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
        return self.unknown(st, events, result)

    def unsignalled(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        """No intent cue: let retrieval decide; no confident match -> honest out-of-scope."""
        if st.current_service_id and _FOLLOWUP_RE.search(t) and len(self.residue(t)) < 2:
            return self.service_question(st, t, events)
        result = self.search(t, None)
        if result is None or not result.confident or not result.hits:
            flow_guide = self._flow_guide(t, events)
            if flow_guide is not None:
                return self.guide_reply(st, flow_guide, detect_aspects(t), t, events)
            return self.unknown(st, events, result)
        top = result.hits[0]
        if top.kind is DocKind.POLICY:
            composed = compose_policy_answer(result.hits, self.host.get_policy, question=t)
            if composed is not None:
                return self._policy_reply(st, composed, t, events)
            return self.unknown(st, events, result)
        aspects = detect_aspects(t)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        link = link_service(result, self.host.get_guide, query=t)
        if link.ambiguous:
            return self.disambiguate(st, link.choices, t, "answer", events)
        guide = self.host.get_guide(link.service_id) if link.service_id else None
        if guide is None:
            return self.unknown(st, events, result)
        return self.guide_reply(st, guide, aspects, t, events, check_fit=True)

    def _policy_over_guides(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply | None:
        """A service question that a law / policy matches better than any guide ("失业保险金申领条件是什么"
        with no such guide in the KB): quote the articles rather than answer from an unrelated guide."""
        result = self.search(t, None)
        if (
            result is None
            or not result.confident
            or not result.hits
            or result.hits[0].kind is not DocKind.POLICY
        ):
            return None
        composed = compose_policy_answer(result.hits, self.host.get_policy, question=t)
        if composed is None:
            return None
        emit(events, "policy_over_guides", policy_id=composed.policy_id)
        reply = self._policy_reply(st, composed, t, events)
        reply.text = f"没有找到与您的问题直接对应的办事指南，相关法规/政策的规定如下：\n{reply.text}"
        return reply

    def policy(self, st: DialogueState, t: str, events: list[dict[str, Any]]) -> Reply:
        result = self.search(t, [DocKind.POLICY])
        if result is not None and result.confident:
            composed = compose_policy_answer(result.hits, self.host.get_policy, question=t)
            if composed is not None:
                return self._policy_reply(st, composed, t, events)
        # "办这个的依据是什么" / a policy word about a service: answer from the guide instead
        if st.current_service_id or detect_aspects(t):
            return self.service_question(st, t, events)
        return self.unknown(st, events, result)

    def no_flow_reply(
        self, st: DialogueState, guide: ServiceGuide, t: str, events: list[dict[str, Any]]
    ) -> Reply:
        reply = self.guide_reply(st, guide, [Aspect.ONLINE, Aspect.LOCATION, Aspect.MATERIALS], t, events)
        reply.text = f"「{guide.name}」暂不支持在这里边聊边办，您可以按以下方式办理：\n{reply.text}"
        reply.intent = Intent.APPLY
        return reply

    def disambiguate(
        self, st: DialogueState, choices: dict[str, str], t: str, purpose: str, events: list[dict[str, Any]]
    ) -> Reply:
        st.pending_choices = dict(choices)
        st.pending_purpose = purpose
        st.pending_query = t
        emit(events, "disambiguation", choices=list(choices.values()))
        intent = Intent.APPLY if purpose == "apply" else Intent.SERVICE_QUESTION
        return Reply(text=disambiguation_text(list(choices)), choices=list(choices), intent=intent)

    def guide_reply(
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
        flow = flow_for_service(guide.id, self.host.flows)
        if flow is not None and not st.flow_id:
            text += f"\n本事项支持边聊边办，回复“我要办{flow.title}”即可开始在线填写。"
            choices = [f"我要办{flow.title}"]
        emit(events, "answer", service_id=guide.id, missing=composed.missing)
        confident = composed.grounded
        if check_fit and is_auxiliary(guide.name) and not asks_auxiliary(question):
            emit(events, "partial_match", service_id=guide.id)
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
        emit(events, "answer", policy_id=composed.policy_id)
        return Reply(text=text, citations=composed.citations, intent=Intent.POLICY_QUESTION)

    def _phrase(self, composed: Composed, question: str, events: list[dict[str, Any]]) -> str:
        if self.host.phraser is None or not composed.grounded:
            return composed.text
        text, violations = self.host.phraser.render(composed.text, composed.citations, question)
        if violations:
            emit(events, "llm_rejected", violations=violations)
        else:
            emit(events, "llm_phrased")
        return text

    def _flow_guide(self, t: str, events: list[dict[str, Any]]) -> ServiceGuide | None:
        """The guide of a flow whose curated words the message uses ("开个小店"), when retrieval has none."""
        flow = flow_by_words(t, self.host.flows, fuzzy=True)
        guide = self.host.get_guide(flow.service_id) if flow is not None else None
        if guide is not None and flow is not None:
            emit(events, "flow_words", flow_id=flow.id)
        return guide

    def _ask_which_service(self, aspects: Sequence[Aspect]) -> Reply:
        what = "、".join(ASPECT_LABEL[a] for a in aspects if a in ASPECT_LABEL) or "相关信息"
        titles = [f.title for f in self.host.flows.values()][:4]
        return Reply(
            text=f"请问您想了解哪个事项的{what}？请告诉我事项名称，例如“居住证申领”“社保卡补办”。",
            choices=titles,
            intent=Intent.SERVICE_QUESTION,
        )

    def unknown(
        self, st: DialogueState, events: list[dict[str, Any]], result: SearchResult | None = None
    ) -> Reply:
        emit(events, "unanswered", confidence=None if result is None else round(result.confidence, 3))
        return Reply(text=unknown_answer().text, intent=Intent.OUT_OF_SCOPE, confident=False)

    @staticmethod
    def residue(t: str) -> str:
        """What is left of a message without aspect and filler words (a service name, if any)."""
        rest = _ASPECT_WORDS_RE.sub("", compact(t))
        return _FILLER_RE.sub("", rest)
