"""Small pure helpers for Chinese source text: dates, numerals, whitespace."""

from __future__ import annotations

import re
from datetime import date

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


CN_NUM = "零〇一二三四五六七八九十百千两"

_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b]+")


def parse_number(text: str) -> int | None:
    """A Chinese or Arabic numeral: "3" → 3, "十二" → 12, "一百零三" → 103, "三万五千" → 35000; else None."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def cn_to_int(text: str) -> int | None:
    """ "十二" → 12, "一百零三" → 103, "二十" → 20; None when `text` is not a Chinese numeral."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    return parse_number(text)


def _make_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """All dates written as 2019年3月24日 or 2019-03-24 in `text`, in order of appearance."""
    found: list[tuple[int, date]] = []
    for rx in (_CN_DATE, _ISO_DATE):
        for m in rx.finditer(text):
            d = _make_date(*m.groups())
            if d is not None:
                found.append((m.start(), d))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0] if dates else None


def squash_spaces(text: str) -> str:
    """Collapse runs of ASCII/full-width spaces into one ASCII space and strip."""
    return _SPACES.sub(" ", text).strip()
