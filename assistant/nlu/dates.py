"""Dates as people type them: full ("2024年5月1日"), partial ("7号", "3月5号") and relative ("前天", "上个月底",
"两年前", "上周五"), in digits or words, resolved against `today`; the missing year (or month) is inferred
from whether the date should lie in the past (birth dates), the future (appointments) or nearest to today.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

from assistant.nlu import normalize as _n  # numerals and canonical text


class Tense(StrEnum):
    PAST = "past"  # birth dates, "living here since": a partial date is the most recent one not after today
    FUTURE = "future"  # appointments: the next one on or after today
    NEAREST = "nearest"  # no constraint: the candidate closest to today


def _digits(text: str) -> str:
    """Numerals in words -> digits for date parsing ("三月五号" -> "3月5号", "二零二四年" -> "2024年")."""
    s = re.sub(
        r"[零〇一二三四五六七八九]{4}(?=年)",
        lambda m: "".join(str("零一二三四五六七八九".index(c)) if c != "〇" else "0" for c in m.group(0)),
        text,
    )
    s = s.replace("廿", "二十").replace("卅", "三十")
    return re.sub(r"[零〇一二两三四五六七八九十]+", lambda m: str(int(_n.parse_number(m.group(0)) or 0)), s)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + delta
    return k // 12, k % 12 + 1


def _pick(cands: list[date], today: date, tense: Tense) -> date | None:
    cands = [c for c in cands if c is not None]
    if not cands:
        return None
    if tense is Tense.PAST:
        past = [c for c in cands if c <= today]
        return max(past) if past else None
    if tense is Tense.FUTURE:
        future = [c for c in cands if c >= today]
        return min(future) if future else None
    return min(cands, key=lambda c: abs((c - today).days))


_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_REL_DAY = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "后天": 2,
    "大后天": 3,
}
_REL_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_REL_MONTH = {
    "上上个月": -2,
    "上个月": -1,
    "上月": -1,
    "这个月": 0,
    "本月": 0,
    "这月": 0,
    "下个月": 1,
    "下月": 1,
}
_PART = {"初": 1, "头": 1, "中": 15, "中旬": 15, "上旬": 5, "下旬": 25}
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7}


def _in_month(y: int, m: int, spec: str | None, day: int | None) -> date | None:
    if day is not None:
        return _safe(y, m, day)
    if spec in {"底", "末", "尾"}:
        return date(y, m, _last_day(y, m))
    if spec in _PART:
        return _safe(y, m, _PART[spec])
    return date(y, m, 1)


def parse_date(text: str, today: date | None = None, tense: Tense = Tense.NEAREST) -> date | None:
    """A calendar date from what a person types, resolved against `today`; None when there is none."""
    today = today or date.today()
    s = _n.canonical(text).replace(" ", "")
    s = _digits(s)
    s = s.replace("号", "日").replace("礼拜天", "礼拜日").replace("星期天", "星期日")
    # full dates
    for rx in (
        r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})",
        r"(\d{4})年(\d{1,2})月(\d{1,2})日?",
        r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)",
    ):
        if m := re.search(rx, s):
            return _safe(*(int(g) for g in m.groups()))
    if m := re.search(r"(\d{4})年(\d{1,2})月(?:份)?(底|末|初|中旬|上旬|下旬|中)?", s):
        return _in_month(int(m.group(1)), int(m.group(2)), m.group(3), None)
    for word in sorted(_REL_DAY, key=len, reverse=True):  # 大后天 before 后天
        if word in s:
            return today + timedelta(days=_REL_DAY[word])
    # "3天后", "两周以后", "半个月后"
    if m := re.search(r"(\d+|半)个?(天|日|周|星期|礼拜|月|年)(?:以|之)?后", s):
        n = 0.5 if m.group(1) == "半" else float(m.group(1))
        unit = m.group(2)
        if unit in _UNIT_DAYS:
            return today + timedelta(days=int(n * _UNIT_DAYS[unit]))
        y, mo = _shift_month(today.year, today.month, int(round(n * (12 if unit == "年" else 1))))
        return _safe(y, mo, min(today.day, _last_day(y, mo)))
    # "3天前", "两个月前", "半年前", "一年前"
    if m := re.search(r"(\d+|半)个?(天|日|周|星期|礼拜|月|年)(?:以)?[前之]", s):
        n = 0.5 if m.group(1) == "半" else float(m.group(1))
        unit = m.group(2)
        if unit in _UNIT_DAYS:
            return today - timedelta(days=int(n * _UNIT_DAYS[unit]))
        months = int(round(n * (12 if unit == "年" else 1)))
        y, mo = _shift_month(today.year, today.month, -months)
        return _safe(y, mo, min(today.day, _last_day(y, mo)))
    # "去年3月5日", "去年底", "今年年初"
    if m := re.search(
        r"(前年|去年|今年|明年|后年)(?:的)?(?:(\d{1,2})月(?:份)?(?:(\d{1,2})日)?)?(年底|年末|年初|底|末|初)?",
        s,
    ):
        y = today.year + _REL_YEAR[m.group(1)]
        if m.group(2):
            mo = int(m.group(2))
            return _in_month(y, mo, None, int(m.group(3)) if m.group(3) else None)
        if m.group(4) in {"年底", "年末", "底", "末"}:
            return date(y, 12, 31)
        if m.group(4) in {"年初", "初"}:
            return date(y, 1, 1)
    # "上个月底", "上个月15日", "这个月初"
    m = re.search(
        r"(上上个月|上个月|上月|这个月|本月|这月|下个月|下月)(?:的)?(?:(\d{1,2})日)?(底|末|尾|初|中旬|上旬|下旬|中)?",
        s,
    )
    if m and (m.group(2) or m.group(3)):  # a bare "下个月" names no day
        y, mo = _shift_month(today.year, today.month, _REL_MONTH[m.group(1)])
        return _in_month(y, mo, m.group(3), int(m.group(2)) if m.group(2) else None)
    # "上周五", "这个星期三", "下礼拜一"
    if m := re.search(r"(上+|这|本|下+)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])", s):
        mark = m.group(1) or ""
        week = 0 if mark in ("", "这", "本") else (len(mark) if mark[0] == "下" else -len(mark))
        wd = _WEEKDAY.get(m.group(2), int(m.group(2)) - 1 if m.group(2).isdigit() else 0)
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(days=7 * week + wd)
        if not mark:  # a bare "周三": the coming one for appointments, the last one for the past
            if tense is Tense.FUTURE and day < today:
                day += timedelta(days=7)
            elif tense is Tense.PAST and day > today:
                day -= timedelta(days=7)
        return day
    # partial: "3月5日", "3月底", "7日"
    if m := re.search(r"(?<!\d)(\d{1,2})月(?:份)?(?:(\d{1,2})日?)?(底|末|初|中旬|上旬|下旬|中)?", s):
        mo = int(m.group(1))
        if not 1 <= mo <= 12:
            return None
        day = int(m.group(2)) if m.group(2) else None
        cands = [_in_month(today.year + k, mo, m.group(3), day) for k in (-1, 0, 1)]
        return _pick([c for c in cands if c is not None], today, tense)
    if m := re.search(r"(?<!\d)(\d{1,2})日", s):
        day = int(m.group(1))
        cands = []
        for k in (-1, 0, 1):
            y, mo = _shift_month(today.year, today.month, k)
            if (c := _safe(y, mo, day)) is not None:
                cands.append(c)
        return _pick(cands, today, tense)
    return None
