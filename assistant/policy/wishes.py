"""Wishes to apply ("我要办居住证"), picks from a list of choices, and complaints: which form starts, which answer
or menu is given instead. A helper of the DialogueManager (like Followups), reading its flows, guides and answer
path at call time."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant import events as ev
from assistant.nlg.answer import detect_aspects
from assistant.nlu.residue import residue
from assistant.policy import focus
from assistant.policy import form_flow as forms
from assistant.policy.evidence import NAME_COVER, name_cover
from assistant.policy.linking import flow_for_service, link_flow, link_service
from assistant.policy.replies import complaint_reply
from assistant.state import DialogueState, Intent, Reply
from guides.schema import Flow
from retrieval.types import DocKind, SearchResult

if TYPE_CHECKING:
    from assistant.policy.manager import DialogueManager

# a complaint phrased as a question about where / how to complain ("你们怎么回事" is not one)
_ASKS_WHERE = re.compile(
    r"哪里|哪儿|边度|在哪|入口|网址|哪个部门|什么电话|几号|找谁|找边个|(?:怎么|点样|如何|怎样)(?:投诉|举报|反映|反馈|提意见)"
)
# an official answer or a service about complaints and feedback (纳税服务投诉处理, "意见建议在哪里反馈" …)
_ABOUT_COMPLAINTS = re.compile(r"投诉|举报|信访|意见|建议|反馈|监督")


class Wishes:
    def __init__(self, manager: DialogueManager) -> None:
        self.m = manager

    def after_pick(
        self,
        st: DialogueState,
        service_id: str,
        purpose: str | None,
        query: str,
        events: list[ev.Event],
    ) -> tuple[Reply, Any]:
        if "#faq#" in service_id:  # an offered official question ("您是想问…")
            reply = self.m.answering.faq_pick(st, service_id, events)
            return (reply if reply is not None else self.m.answering.unknown(st, events)), None
        st.current_service_id = service_id
        if purpose == "apply":
            flow = flow_for_service(service_id, self.m.flows)
            if flow is not None:
                out = forms.start_form(st, flow, self.m.get_guide(flow.service_id), "")
                events.extend(out.events)
                return out.reply, None
        guide = self.m.get_guide(service_id)
        if guide is None:
            return self.m.answering.unknown(st, events), None
        if purpose == "apply":
            return self.m.answering.no_flow_reply(st, guide, query, events), None
        return self.m.answering.guide_reply(st, guide, detect_aspects(query), query, events), None

    def apply(self, st: DialogueState, t: str, flow_hit: Flow | None, events: list[ev.Event]) -> Reply:
        flow = flow_hit
        result: SearchResult | None = None
        # the service is looked up with typos read ("我要办残急人证"); the text as typed still fills the form
        query = t
        if flow is None:
            query = self.m.answering.fix_typos(t, events)
            result = self.m.answering.search(query, [DocKind.GUIDE]) if len(residue(query)) >= 2 else None
            if result is not None:
                link = link_service(result, self.m.get_guide, query=query)
                if link.ambiguous:
                    with_flow = {
                        lbl: sid for lbl, sid in link.choices.items() if flow_for_service(sid, self.m.flows)
                    }
                    if len(with_flow) == 1:
                        flow = flow_for_service(next(iter(with_flow.values())), self.m.flows)
                    else:
                        return self.m.answering.disambiguate(st, link.choices, t, "apply", events)
                elif link.service_id:
                    flow = flow_for_service(link.service_id, self.m.flows)
                    if flow is None:
                        guide = self.m.get_guide(link.service_id)
                        if guide is not None:
                            return self.m.answering.no_flow_reply(st, guide, t, events)
            linked = self.m.get_guide(flow.service_id) if flow is not None else None
            if linked is not None and name_cover(query, linked, formal=True) < NAME_COVER:
                # search found a guide the wish does not name ("帮家里人交城乡居民社保" is not 新生儿出生一件事, which
                # only mentions 城乡居民医保): no form is started on that
                flow = None
            if flow is None and len(residue(t)) < 2:
                flow = link_flow(t, self.m.flows, result=result, current_service_id=st.current_service_id)
        if flow is None and len(residue(t)) >= 2:
            # no form of ours fits ("我想申请细货车拉货的许可证"): what the KB says beats the menu of forms
            answered = self.m.answering.service_question(st, query, events)  # typos read once
            if answered.citations or answered.choices:
                return answered
        if flow is None:
            titles = [f.title for f in self.m.flows.values()]
            text = "抱歉，暂时没有找到可以在线办理的对应事项。"
            if titles:
                text += "目前可以边聊边办的事项有：" + "、".join(titles) + "。请问您要办理哪一项？"
            text += "其他事项可拨打12345政务服务便民热线咨询，或到政务服务中心窗口办理。"
            # a pick from this menu starts that service's form
            st.pending_choices = {f.title: f.service_id for f in list(self.m.flows.values())[:8]}
            st.pending_purpose, st.pending_query = "apply", t
            return Reply(text=text, choices=titles[:8], intent=Intent.APPLY, confident=False)
        told = focus.told_before(st, flow)
        out = forms.start_form(st, flow, self.m.get_guide(flow.service_id), t, told=told)
        events.extend(out.events)
        return out.reply

    def complaint(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        if _ASKS_WHERE.search(t):
            # "对国际包裹清关服务有投诉，打什么电话": an official answer or a service about complaints tells its own
            # channel ("对税务局服务不满意，想网上投诉，入口在哪" -> 纳税服务投诉处理's online entry)
            tried: list[ev.Event] = []
            trial = st.model_copy(deep=True)  # an answer not taken leaves the conversation as it was
            answered = self.m.answering.service_question(trial, t, tried)
            if answered.citations and _ABOUT_COMPLAINTS.search(
                " ".join([answered.text, *(c.title for c in answered.citations)])
            ):
                for name in type(st).model_fields:
                    setattr(st, name, getattr(trial, name))
                events.extend(tried)
                return answered
        guide = self.m.get_guide(st.current_service_id) if st.current_service_id else None
        return complaint_reply(t, guide, events)
