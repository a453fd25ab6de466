"""A deadline for the person to act ("入境后多少天内要去办", "最迟什么时候申请延期"), as opposed to how long the office
takes ("几个工作日能办好"): the former is stated in a guide's conditions ("应当在…届满七日前…申请"), not in its
time limits (pure functions)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact

_SPAN = r"(?:多少|几)个?(?:天|日|个?月|年|周|星期)|多长时间|多久|几耐|几长时间"
# "多少天内去申请", "几个月之内要注册": a span "within" which the person does something
_WITHIN_RE = re.compile(
    rf"(?:{_SPAN})(?:之|以)?内[^，。？?]{{0,3}}?(?:要|得|必须|需要|应该|应当|就|可以|能)?(?:去|来)?"
    # (to whom: "多久内可以向省里申请再鉴定")
    r"(?:(?:向|到|找|跟|去)[^，。？?]{1,6}?)?"
    r"(?:申请|提出|申报|报|注册|登记|备案|办|交|递)"
)
# "最迟什么时候申请", "提前几天预约", "截止日期", "申请复核有时间限制吗"
_LATEST_RE = re.compile(
    r"最迟|最晚|最后期限|截止(?:日期|时间)|提前(?:多少|几|多久|多长时间)|"
    r"(?:有没有|有冇|有无|是否有)(?:时间限制|时限|期限)|有(?:时间限制|时限|期限)(?:吗|么|嘛)"
)
# the office's own time: "几天内能办好", "多久内批下来" (not an event the person's time runs from: "拿证后多久内必须申请")
_PROCESSING_RE = re.compile(
    r"(?:办好|办结|办完|拿到|拿证|出证|批下来|批出来|审核完|审完|出结果|下证)(?!了?(?:之|以)?后)"
)


def asks_deadline(question: str) -> bool:
    """The question asks by when the person must act, not how long the office takes."""
    q = compact(question)
    return bool(_WITHIN_RE.search(q) or _LATEST_RE.search(q)) and not _PROCESSING_RE.search(q)


# a statute setting the person's deadline: "应当自…之日起30日内，向…提出工伤认定申请" (not the office's: "60日内作出…决定")
# (also "届满三十日前…提出申请" and "提前三十日以书面形式通知")
_WITHIN_TEXT_RE = re.compile(
    r"(?:(?:日|天|个月|年)(?:之|以)?内|(?:届满|期满|到期)[^，。；]{0,8}前|提前[0-9一二三四五六七八九十百]+(?:个工作日|个月|日|天)|"
    # "…后的第一个工作日，通知…进行事故伤害登记"
    r"(?:后|起)的?第[0-9一二三四五六七八九十]+个?(?:工作日|日|天))"
    r"[，,]?([^。；]{0,30})"
)
_ACTS = ("提出", "申请", "申报", "登记", "备案", "通知")
_MODAL_RE = re.compile(r"^(?:[要得就]|必须|需要|应该|应当|可以|能|去|来)+")
_OFFICE_GONE_TO_RE = re.compile(
    r"(?:向|到|找|跟)?[\u4e00-\u9fff]{1,6}?(?:机构|部门|局|厅|中心|窗口|所|站|处|单位)"
)
_ASKED_WITHIN_RE = re.compile(rf"(?:{_SPAN})(?:之|以)?内([^，。？?]{{0,8}})")


def deadline_act(question: str) -> set[str]:
    """The verb of what the question says must be done by then ("几多日内要交接撤出" -> 交接; not its object, which
    the office's own deadline may name too); the usual acts (申请 / 提出 …) when it says none after the span."""
    m = _ASKED_WITHIN_RE.search(compact(question))
    said = _MODAL_RE.sub("", m.group(1)) if m else ""
    office = _OFFICE_GONE_TO_RE.match(said)
    if office:  # where to go is no act ("多少天内去社保经办机构办变更")
        said = _MODAL_RE.sub("", said[office.end() :])
    return {said[:2]} if len(said) >= 2 else set(_ACTS)


def sets_deadline_to_act(text: str, acts: set[str]) -> bool:
    """The text (a law article) sets by when the person must do one of `acts` (bigrams), in the clause after the
    span ("三十日内与业主委员会…办理项目交接")."""
    clauses = (re.split(r"[，,]", m.group(1))[0] for m in _WITHIN_TEXT_RE.finditer(text or ""))
    return any(a in c for c in clauses for a in acts)


def states_deadline(text: str) -> bool:
    """The text (a guide's conditions) sets a deadline for applying, filing or giving notice ("届满七日前…申请",
    "自…之日起一年内提出")."""
    return sets_deadline_to_act(text, set(_ACTS))


# how long one must wait before one may act ("考完A类要等几耐先可以考B类"), which the conditions state as a span
# after something ("通过A类半年后", "取得证书满一年")
# ("申请注册要等几耐" waits for the office: no act of the person's after it)
# (or how long must pass: "距离上次鉴定要过多久才能申请", "要隔几耐先可以再考")
_WAIT_RE = re.compile(
    r"(?:等|过|隔|间隔|相隔)(?:多久|多长时间|几耐|几长时间|(?:多少|几)个?(?:天|日|月|年))(?:才|先)(?:可以|能|可)"
)
_NUMBER = r"[0-9一二三四五六七八九十百两半]+"
# (not an age: "年满18周岁")
_WAIT_TEXT_RE = re.compile(
    rf"(?:{_NUMBER}|半)个?(?:年|月|日|天|周)(?:以|之)?后|(?<!年)满{_NUMBER}个?(?:年|月|日|天|周)(?!岁)"
)


def asks_wait(question: str) -> bool:
    """The question asks how long the person must wait before they may act, not how long the office takes."""
    q = compact(question)
    return bool(_WAIT_RE.search(q)) and not _PROCESSING_RE.search(q)


def states_wait(text: str) -> bool:
    """The text (a guide's conditions) sets a span to wait or to have completed ("通过A类半年后")."""
    return bool(_WAIT_TEXT_RE.search(text or ""))


# the length of a named period asked ("停工留薪期最长多久", "试用期最多几个月"): a statute sets it, not the office's
# time to handle a service (not 有效期, a document's validity, nor 期限 / 工期 words of the office's time)
_PERIOD_RE = re.compile(
    rf"([\u4e00-\u9fff]{{2,5}}期)(?![限间满内后前的])[^，,。？?]{{0,6}}?(?:{_SPAN}|几天|几周)"
)
# (nor an act or a time said with 期: 延期, 到期, 长期 …)
_NOT_PERIOD = (
    *("有效期", "日期", "时期", "星期", "周期", "学期", "假期", "延期", "到期", "过期", "逾期", "定期"),
    *("分期", "长期", "短期", "近期", "同期", "按期", "如期", "限期", "初期", "后期", "中期", "本期"),
)


def period_asked(question: str) -> str | None:
    """The period whose length the question asks, with up to a few characters before its 期 ("工伤停工留薪期最长
    多久" -> 伤停工留薪期), else None."""
    q = compact(question)
    m = _PERIOD_RE.search(q)
    if m is None or m.group(1).endswith(_NOT_PERIOD) or _PROCESSING_RE.search(q):
        return None
    return m.group(1)


_SPAN_TEXT_RE = re.compile(rf"{_NUMBER}个?(?:月|日|天|年|周)")


def sets_period(text: str, period: str) -> bool:
    """The text (a law article) names the period (the three or more characters ending its name, "留薪期") in a clause
    stating a length or dates ("停工留薪期一般不超过12个月", "每年十月一日至次年四月三十日为森林特别防护期")."""
    names = [period[i:] for i in range(len(period) - 2)]
    return any(
        any(n in clause for n in names) and _SPAN_TEXT_RE.search(clause)
        for clause in re.split(r"[。；;\n]", text or "")
    )
