"""Picking the one service a question is about when retrieval's confidence alone does not decide (pure)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from assistant.nlu.groups import for_named_residents
from assistant.nlu.text import compact
from assistant.policy.evidence import (
    CLOSE,
    NAME_COVER,
    STANDOUT,
    STANDOUT_FLOOR,
    Candidate,
    name_cover,
    name_told,
    told_chars,
)
from assistant.policy.linking import is_auxiliary, plausible, singled_out
from assistant.policy.name_words import (
    asks_later_step,
    first_time,
    later_step_only,
    names_step_thing,
    said_first_time,
    serves_later_step,
    step_not_served,
    steps_asked,
)
from assistant.policy.variants import same_service_once
from retrieval.aspects import cue_spans


def standout(t: str, cands: list[Candidate], confidence: float, subject: str = "") -> Candidate | None:
    """A guide far ahead of every other one that the question (or its `subject`) names (its formal terms count:
    "上牌" for 机动车注册登记): short colloquial questions share few characters with any guide, so the calibrated
    confidence stays low although all signals agree on one."""
    if not cands or confidence < STANDOUT_FLOOR:
        return None
    lead = max(same_service_once(cands, t), key=lambda c: c.doc_score)  # of two offices' twins, the one asked
    others = [c.doc_score for c in cands if c is not lead and c.guide.name != lead.guide.name]
    if lead.rank > 1 or (others and max(others) * STANDOUT > lead.doc_score):
        return None
    # a question telling the person's situation names the service with few of its characters: what it names
    # (`subject`, without its aspect and filler words) may still be mostly in the name, or the question tell
    # nearly all of the name ("工地的临时用电快到期了想延期，要去供电营业厅跑几趟" and 临时用电延期)
    cover = max(name_cover(t, lead.guide, formal=True), name_cover(subject, lead.guide, formal=True))
    return lead if cover >= NAME_COVER or name_told(t, lead.guide) >= TOLD_LEAD else None


# a choice is no real choice when the question tells nearly all of one candidate's name (name_told) and much less
# of every other one's ("把人事档案…转出去要几天" tells 档案转出 whole, little of 档案…赠送…审批)
TOLD_LEAD = 0.8
TOLD_MARGIN = 0.5


def told_lead(t: str, cands: list[Candidate]) -> Candidate | None:
    """The one candidate whose name the question tells nearly whole, far more than any other's; or, of those told
    about as well, the one whose told characters hold every other's and more ("设立一所省属技工学校" tells all of
    技工学校的设立审批(省属技工学校设立审批), and of its plain twin only what that one says too)."""
    told = sorted(((name_told(t, c.guide), c) for c in same_service_once(cands, t)), key=lambda x: -x[0])
    if not told or told[0][0] < TOLD_LEAD:
        return None
    if len(told) == 1 or told[0][0] - told[1][0] >= TOLD_MARGIN:
        return told[0][1]
    close = [(share, c, told_chars(t, c.guide)) for share, c in told if share > told[0][0] - TOLD_MARGIN]
    close.sort(key=lambda x: (-x[0], -len(x[2])))
    share, lead, held = close[0]
    # (held: every close one's told characters and, of one told as well, more)
    if all(held >= chars and (share > s or held > chars) for s, _, chars in close[1:]):
        return lead
    return None


# variants of one service share the opening of their names ("无线电台（站）的设置使用…（新申请）" / "…（延续）")
VARIANT_STEM = 4


def worded_lead(t: str, cands: list[Candidate]) -> Candidate | None:
    """The one candidate the question's words set apart from the others ("M字签证延期" among 延期M字 / L字 / G字签证),
    or the first-time variant when it asks no later step ("第一次注册" among 初始注册 / 重新注册 / 注销注册)."""
    cands = _coded(t, plausible(t, cands, lambda c: c.guide.name))
    names = [c.guide.name for c in cands]
    if len(names) == 1:
        return cands[0]
    # (the question's own words: the formal terms of colloquial ones are too loose to decide without asking)
    one = said_first_time(t, names)
    if one is None:
        # (nor the words asking the aspect: "几个工作日" says no 工作 of "…建设工作方案查询")
        one = singled_out(cue_spans(t), names, formal=False)
    if one is None and len(os.path.commonprefix(names)) >= VARIANT_STEM:
        # no later step asked: the variants of one service for one (延续 / 注销 …) are no choice ("想申请设个人业余
        # 电台"); not so between different services ("能申请法律职业资格吗" and 更正职业资格证书信息申请)
        keep = [i for i, n in enumerate(names) if not later_step_only(t, n)]
        if 0 < len(keep) < len(names):
            j = singled_out(t, [names[i] for i in keep], formal=False) if len(keep) > 1 else 0
            one = None if j is None else keep[j]
    if one is None:
        one = first_time(t, names)
    if one is None:
        return None
    # of two offices' twins of the name, the one the question names, else the one serving the whole place
    return same_service_once([c for c in cands if c.guide.name == names[one]], t)[0]


_CODE_RE = re.compile(r"[A-Za-z]+\d*")


def _coded(t: str, cands: list[Candidate]) -> list[Candidate]:
    """A code the question says (J2签证, F字, R字) names the variants holding it: the others are no candidates
    ("J2签证…想延长逗留" is not 外国人出入境证签发, however many other words that one shares)."""
    codes = {c.upper() for c in _CODE_RE.findall(t)}
    holding = [c for c in cands if codes & {x.upper() for x in _CODE_RE.findall(c.guide.name)}]
    return holding if holding else cands


def resident_variant(t: str, cands: list[Candidate]) -> Candidate | None:
    """The one variant for 港澳台 residents when the person says they are one ("我是台湾人，想在广州执业当律师":
    台湾居民申请在大陆从事律师职业许可)."""
    resident = [c for c in cands if for_named_residents(c.guide.name, t)]
    return resident[0] if len(resident) == 1 else None


def step_server(t: str, cands: list[Candidate], serves: Callable[[str, Candidate], bool]) -> Candidate | None:
    """The one candidate serving the later step the question asks (`serves`), when the others do not: a choice
    between 损毁换发 / 遗失补发 / 初次申领 is no choice for "保安证烂咗想换张新"."""
    if not asks_later_step(t):
        return None
    serving = [c for c in cands if serves(t, c)]
    if len(serving) > 1:
        # the one whose name says the step, over those only listing an old card among their materials
        # ("律师执业证用旧了想换本新的": 律师执业证书补证、换证, not 注销…后重新申请执业)
        serving = [c for c in serving if serves_later_step(t, c.guide.name)] or serving
    return serving[0] if len(serving) == 1 else None


def close_step_server(t: str, cands: list[Candidate]) -> Candidate | None:
    """The one candidate among the first three, scoring within CLOSE of the first, that serves the later step asked
    and whose name says the thing the step is done to ("检疫证已经开咗，而家想改下证上面嘅资料" and 出省《植物检疫
    证书》变更, behind 引进林木种子、苗木检疫咨询); None when none or several do."""
    if not cands or not steps_asked(t):
        return None
    serving = [
        c
        for c in cands[:3]
        if not step_not_served(t, c.guide.name)
        and names_step_thing(t, c.guide.name)
        and c.doc_score >= cands[0].doc_score * CLOSE
    ]
    return serving[0] if len(serving) == 1 else None


def holder(
    subject: str, cands: list[Candidate], *, aux_ok: bool = False, home_only: bool = False
) -> Candidate | None:
    """The one candidate service whose name holds all of `subject`, what the question names without its
    aspect, filler and place words ("办护照可以在网上预约吗" -> 护照 -> 办理及加注普通护照, not 门诊网上预约, which
    holds only the aspect's words). A supporting service (进度查询 / 预约) only when no main one does and
    `aux_ok` (the question asks for one); `home_only`: candidates of the place asked / home region only."""
    if len(subject) < 2:
        return None
    held = [
        c
        for c in same_service_once(cands, subject)
        if (c.rank <= 1 or not home_only) and name_cover(subject, c.guide, formal=True) >= 1.0
    ]
    main = [c for c in held if not is_auxiliary(c.guide.name)]
    if main:
        return main[0] if len(main) == 1 else None
    return held[0] if len(held) == 1 and aux_ok else None


# a name said word for word this long is the service named, however the question's other words score
SAID_IN_FULL = 5


def said_in_full(t: str, chosen: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The candidate whose whole name (SAID_IN_FULL characters or more) the question says word for word when the
    chosen one's is not said ("…要去省版权局办售付汇合同登记，要唔要交引进版权合同" names 售付汇合同登记, not
    出版外国图书合同登记 that its other words find first); the longest such name; else None."""
    q = compact(t)

    def said(c: Candidate) -> int:
        n = compact(c.guide.name)
        return len(n) if len(n) >= SAID_IN_FULL and n in q else 0

    if said(chosen):
        return None
    best = max(cands, key=said, default=None)
    return best if best is not None and said(best) else None


# Where a travel document or endorsement is for: a question about 香港 is not about a 台湾 variant
_DESTINATIONS = {"港澳": ("香港", "澳门", "港澳"), "台湾": ("台湾",)}


def same_destination(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Candidates without the variants for another destination than the one the question names ("去香港的团队游签注"
    drops 往来台湾通行证团队旅游签注); all of them when none is left."""
    asked = {d for d, words in _DESTINATIONS.items() if any(w in question for w in words)}
    if not asked:
        return cands

    def other(name: str) -> bool:
        named = {d for d, words in _DESTINATIONS.items() if any(w in name for w in words)}
        return bool(named) and not named & asked

    return [c for c in cands if not other(c.guide.name)] or cands
