"""What is in focus across turns: the service just talked about, the flow just offered, the application just
submitted, a form left aside. Decides what a short follow-up refers to:

- "好，帮我办" / "就办这个" / "好" right after an offer -> start the offered (or current) service's form;
- "继续刚才的" -> the suspended form with its fields;
- "要补什么" / "去哪里拿证" after a submission -> that application and its service, not the whole KB.

Pure functions over DialogueState and normalised text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.nlg.answer import detect_aspects
from assistant.nlu.form_parse import is_question, is_resume
from assistant.nlu.normalize import Polarity, canonical, polarity
from assistant.nlu.text import compact
from assistant.state import DialogueState, Reply
from guides.schema import Flow

# "帮我办", "就办这个", "那就申请吧", "我要办这个", "行，帮我弄一下", "开始办理"
_ACT_RE = re.compile(
    r"^(?:好|好的|好啊|行|可以|嗯|那|那就|就|对)?[，,]?(?:麻烦)?(?:你)?(?:帮我|给我|替我|我要|我想|我就|那就|就)?"
    r"(?:在这里?|在线|网上|现在)?(?:办|申请|办理|弄|搞|填|报|申办|申领)(?:一下|下)?(?:这个|它|这项|这一项|吧|啦|了|呀|啊)*[。!！]*$"
    r"|^(?:就|就是)?(?:这个|这项|这一项|它)(?:吧|啦|了)?[。!！]*$"
    r"|^(?:好|好的|行|可以)?[，,]?(?:开始办理|开始办|现在办|马上办|在线办|边聊边办)(?:吧)?[。!！]*$"
)
# A follow-up about the application just submitted (general wording, no service named).
_APPLICATION_FOLLOWUP_RE = re.compile(
    r"(?:补|缺|还差|还要|还需要)(?:交|带|准备|提交)?(?:些)?什么|(?:去|到|在)?哪(?:里|儿)?(?:拿|领|取)|"
    r"(?:什么时候|多久|几天)(?:能|可以|才能)?(?:拿|领|取|办好|出结果|批|下来)|"
    r"(?:要不要|需不需要|还要不要)(?:再)?(?:去|跑)"
)


# A stated wish to do it ("我想办", "打算申请", "想预约申请"); bare "要办" is not one ("居住证要办多久").
_WISH_RE = re.compile(
    r"(?:想|想要|打算|准备)(?:在线|网上)?(?:先|去|预约|先预约)?(?:办理|办|申请|申领|补办|申办|换|交|买|提取|攞|拿)"
)


# A message that opens with the doing verb ("办居住证", "申请低保", "补办社保卡").
_BARE_WISH_RE = re.compile(
    r"^(?:请|麻烦你?|先|那就|那|就|我先)?(?:办理|办|申请|申领|申办|补办|补领|换领|提取)"
)


def wish_and_question(text: str) -> bool:
    """A message that both says the person wants the service and asks about it."""
    t = canonical(text)
    return bool(_WISH_RE.search(t)) and is_question(t)


def bare_wish(text: str) -> bool:
    """ "办居住证": the verb and the service, nothing asked (no question, no aspect such as 材料 / 流程).
    Read as a wish to do it; the reply still says what the guide says first."""
    t = compact(canonical(text))
    return bool(_BARE_WISH_RE.match(t)) and not is_question(t) and not detect_aspects(t)


def wants_to_act(text: str) -> bool:
    """ "帮我办 / 就这个 / 办吧": act on what is in focus (no service named)."""
    return bool(_ACT_RE.match(compact(canonical(text))))


# thanks and "got it" close a topic: "好的谢谢" does not take up the offer the last reply made
_CLOSING_RE = re.compile(r"谢|感谢|辛苦|知道了|明白|收到|了解|懂了|拜拜|再见")


def accepts_offer(text: str) -> bool:
    """A bare agreement ("好", "行", "嗯嗯", "可以啊") to the offer the last reply made."""
    t = compact(canonical(text))
    return (
        not is_question(text) and polarity(text) is Polarity.YES and len(t) <= 6 and not _CLOSING_RE.search(t)
    )


def flow_in_focus(state: DialogueState, flows: Mapping[str, Flow]) -> Flow | None:
    """The flow a "帮我办" refers to: the one just offered, else the current service's."""
    if state.offered_flow_id and state.offered_flow_id in flows:
        return flows[state.offered_flow_id]
    if state.current_service_id:
        return next((f for f in flows.values() if f.service_id == state.current_service_id), None)
    return None


def resume_target(state: DialogueState, text: str, flows: Mapping[str, Flow]) -> Flow | None:
    """The suspended form "继续刚才的" brings back."""
    if state.suspended is None or not is_resume(text):
        return None
    return flows.get(state.suspended.flow_id)


def about_last_application(state: DialogueState, text: str) -> bool:
    return state.last_application is not None and bool(
        _APPLICATION_FOLLOWUP_RE.search(compact(canonical(text)))
    )


def asks_missing(text: str) -> bool:
    return bool(re.search(r"补|缺|还差|还要(?:交|带|准备)", compact(canonical(text))))


def remember_offer(state: DialogueState, reply: Reply, flows: Mapping[str, Flow], text: str = "") -> None:
    """Keep the flow the reply offers to start ("回复“我要办居住证申领”"), for a following "好，帮我办", and
    `text`, the message it answered: the facts stated there ("社保卡丢了") fill the form once it starts."""
    state.offered_flow_id, state.offered_text = None, None
    if state.flow_id:
        return
    for choice in reply.choices:
        for f in flows.values():
            if choice == f"我要办{f.title}":
                state.offered_flow_id, state.offered_text = f.id, text or None
                return


def told_before(state: DialogueState, flow: Flow) -> str:
    """What the person said when `flow` was offered (empty when another flow, or none, was offered)."""
    return (state.offered_text or "") if state.offered_flow_id == flow.id else ""
