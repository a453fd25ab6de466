"""Replies outside the question-answer path and forms: application status (the person's own applications
when no number is given), greetings with the menu of online services, complaints to 12345, human handoff."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from assistant import events as ev
from assistant.nlu.intent import ACK_PATTERN
from assistant.nlu.text import truncate
from assistant.state import Citation, DialogueState, Intent, Reply
from guides.schema import Flow
from knowledge.schema import ServiceGuide

StatusLookup = Callable[[str, DialogueState], str | None]

HUMAN_RE = re.compile(r"转人工|人工客服|人工服务|找人工|真人|找客服|转客服|接人工")
APP_ID_RE = re.compile(r"\bGA[-_]?[0-9A-Za-z][0-9A-Za-z-]{3,}", re.IGNORECASE)
NO_OWN_APPLICATIONS = "没有查到您名下的申请记录。"
STATUS_WORDS_RE = re.compile(
    r"进度|进展|办到哪一步|到哪一步|到哪了|办好了|办好|好了没有|查询|查一下|查|我的|申请|在哪"
)
THANKS_RE = re.compile(r"谢谢|多谢|感谢|辛苦了|thank", re.IGNORECASE)
BYE_RE = re.compile(r"再见|拜拜|^[^？?]{0,5}(?:没事了|没有了|不用了)[^？?]{0,4}$")
# a bare acknowledgment with nothing in focus to agree to ("好", "嗯嗯", "知道了"): no search for "好"
ACK_RE = re.compile(ACK_PATTERN, re.IGNORECASE)


def status_reply(st: DialogueState, t: str, lookup: StatusLookup | None) -> Reply:
    """Progress of an application named by number (or the last one); without one, the person's own."""
    m = APP_ID_RE.search(t)
    app_id = m.group(0).upper() if m else st.last_application_id
    if not app_id:
        # "我的申请到哪一步了" in a new session: the person's own applications
        listing = _own_applications(st, lookup)
        if listing:
            return Reply(text=listing, intent=Intent.APPLICATION_STATUS)
        return Reply(
            text=f"{NO_OWN_APPLICATIONS}如果有申请编号（GA 开头），请发给我，我来帮您查询办理进度。",
            intent=Intent.APPLICATION_STATUS,
        )
    if lookup is None:
        return Reply(
            text=f"暂时无法在线查询申请 {app_id} 的进度，请拨打12345政务服务便民热线或到受理窗口查询。",
            intent=Intent.APPLICATION_STATUS,
            confident=False,
        )
    try:
        status = lookup(app_id, st)
    except Exception:  # the lookup is the app's; its failure must not break the turn
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
    st.last_application_id = app_id  # "那现在呢？" / a later "查进度" refers to the one just checked
    return Reply(text=f"申请 {app_id} 的办理进度：{status}", intent=Intent.APPLICATION_STATUS)


def _own_applications(st: DialogueState, lookup: StatusLookup | None) -> str | None:
    """The status lookup with no number lists the acting person's applications (None when none / no lookup)."""
    if lookup is None:
        return None
    try:
        return lookup("", st)
    except Exception:  # a lookup failure must not break the turn; the person is asked for the number
        return None


def greeting_reply(st: DialogueState, t: str, flows: Mapping[str, Flow]) -> Reply:
    if THANKS_RE.search(t):
        return Reply(text="不客气！还有其他需要咨询或办理的事项，随时告诉我。", intent=Intent.GREETING)
    if BYE_RE.search(t):
        return Reply(text="好的，感谢您的咨询，再见！", intent=Intent.GREETING)
    if ACK_RE.match(t.strip()):
        return Reply(text="好的。还有其他需要咨询或办理的事项，随时告诉我。", intent=Intent.GREETING)
    titles = [f.title for f in flows.values()]
    text = (
        "您好！我是花都区政务服务数字人助手，可以为您：\n"
        "1. 解答办事指南问题（材料、时限、地点、电话等），每条信息都注明出处；\n"
        "2. 边聊边办，帮您在线填写申请" + (f"（如{'、'.join(titles[:3])}）" if titles else "") + "；\n"
        "3. 查询申请进度；\n"
        "4. 投诉、建议可为您整理后转12345政务服务便民热线。\n"
        "请问有什么可以帮您？"
    )
    # the buttons are services that can be done here: a pick starts that form
    st.pending_choices = {f.title: f.service_id for f in list(flows.values())[:4]}
    st.pending_purpose, st.pending_query = "apply", t
    return Reply(text=text, choices=titles[:4], intent=Intent.GREETING)


def complaint_reply(t: str, guide: ServiceGuide | None, events: list[ev.Event]) -> Reply:
    """Complaints go to 12345 with a summary (and the current service's supervision phone)."""
    summary = truncate(t, 120)
    if guide is not None:
        summary = f"【{guide.name}】{summary}"
    events.append(ev.Handoff(target="12345", summary=summary))
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


def handoff_reply(st: DialogueState, t: str, events: list[ev.Event]) -> Reply:
    recent = [h["text"] for h in st.history if h.get("role") == "user"][-3:]
    summary = truncate("；".join([*recent, t]), 200)
    events.append(ev.Handoff(target="human", summary=summary))
    return Reply(
        text="好的，正在为您转接人工客服，请稍候。如暂时无人接听，可拨打12345政务服务便民热线，或到政务服务中心窗口咨询。",
        intent=Intent.OUT_OF_SCOPE,
    )
