"""Follow-ups that act on what is in focus (assistant.policy.focus decides what that is): resume a form left
aside, start the service just offered or talked about, answer a question and start the form the person said
they want, and questions about the application just submitted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant import events as ev
from assistant.nlg.answer import detect_aspects, unknown_answer
from assistant.nlu.text import compact
from assistant.policy import focus
from assistant.policy import form_flow as forms
from assistant.policy.linking import flow_by_words, flow_for_service
from assistant.state import DialogueState, Intent, Reply
from guides.schema import Flow

if TYPE_CHECKING:
    from assistant.policy.manager import DialogueManager


class Followups:
    def __init__(self, manager: DialogueManager) -> None:
        self.m = manager

    def on_focus(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply | None:
        """Short follow-ups that refer to what is in focus: resume a form left aside, start the service
        just offered or talked about, questions about the application just submitted."""
        resumed = focus.resume_target(st, t, self.m.flows)
        if resumed is not None:
            out = forms.resume_form(st, resumed)
            events.extend(out.events)
            return out.reply
        target = focus.flow_in_focus(st, self.m.flows) or self._same_named_flow(st)
        if target is not None and (
            focus.wants_to_act(t) or (st.offered_flow_id == target.id and focus.accepts_offer(t))
        ):
            told = focus.told_before(st, target)
            out = forms.start_form(st, target, self.m.get_guide(target.service_id), "", told=told)
            events.extend(out.events)
            return out.reply
        if focus.about_last_application(st, t) and flow_by_words(t, self.m.flows) is None:
            return self.application_followup(st, t, events)
        return None

    def _same_named_flow(self, st: DialogueState) -> Flow | None:
        """The online flow of the service in focus when only its name matches: another region's guide of
        "新生儿出生一件事" was shown, and "帮我办" means the one this assistant can do."""
        guide = self.m.get_guide(st.current_service_id) if st.current_service_id else None
        if guide is None:
            return None
        name = compact(guide.name)
        return next((f for f in self.m.flows.values() if compact(f.title) == name), None)

    def answer_then_start(
        self, st: DialogueState, t: str, flow: Flow | None, events: list[ev.Event], *, named: bool = False
    ) -> Reply:
        """`named`: the message only names the flow's service ("办低保", "先办低保"): its guide says what it is,
        no search (another place's pair on the matter is no answer to a wish)."""
        guide = self.m.get_guide(flow.service_id) if named and flow is not None else None
        if guide is not None:
            answer = self.m.answering.guide_reply(st, guide, [], t, events)
        else:
            answer = self.m.answering.service_question(st, t, events)
        if flow is None and answer.citations and st.current_service_id:
            flow = flow_for_service(st.current_service_id, self.m.flows)
        if flow is None or st.pending_choices:  # no online flow, or "which one?" first
            return answer
        # the question is not an answer to any item, but the facts around it are ("帮我爸办…，要带什么？")
        out = forms.start_form(st, flow, self.m.get_guide(flow.service_id), "", told=t)
        events.extend(out.events)
        if not answer.citations:  # nothing grounded to say first: just start
            return out.reply
        # the answer's offer ("回复“我要办…”即可开始") is taken up at once: not repeated
        said = "\n".join(ln for ln in answer.text.split("\n") if "回复“我要办" not in ln).strip()
        out.reply.text = f"{said}\n\n{out.reply.text}"
        out.reply.citations = [*answer.citations, *out.reply.citations]
        return out.reply

    def application_followup(self, st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
        """ "要补什么" / "去哪里拿证" after a submission: that application and its service's guide."""
        app = st.last_application
        assert app is not None
        flow = self.m.flows.get(app.flow_id)
        lines: list[str] = []
        if focus.asks_missing(t):
            if app.missing_materials:
                lines.append(
                    f"您的申请 {app.application_id} 预审时尚未确认备齐的材料："
                    + "、".join(app.missing_materials)
                    + "。"
                )
            else:
                lines.append(
                    f"您的申请 {app.application_id} 预审时材料都已确认备齐；如窗口通知补正，以通知为准。"
                )
        if flow is not None and flow.next_steps and not lines:
            lines.append(f"您的申请 {app.application_id}（{flow.title}）接下来：")
            lines += [f"{i}. {step}" for i, step in enumerate(flow.next_steps, 1)]
        st.current_service_id = app.service_id
        guide = self.m.get_guide(app.service_id)
        aspects = detect_aspects(t)
        if guide is not None and aspects:
            events.append(ev.Followup(service_id=guide.id))
            reply = self.m.answering.guide_reply(st, guide, aspects, t, events)
            reply.text = "\n".join([*lines, reply.text]) if lines else reply.text
            return reply
        return Reply(text="\n".join(lines) or unknown_answer().text, intent=Intent.APPLICATION_STATUS)
