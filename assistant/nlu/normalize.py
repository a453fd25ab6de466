"""Normalisation in front of everything: how people type -> plain simplified Mandarin, and values out of it.

- `canonical(text)`: NFKC, traditional -> simplified (OpenCC), Cantonese / colloquial words -> Mandarin
  (data/cantonese.tsv, data/particles.tsv). Used for matching and understanding, never shown back.
- `parse_number`, `parse_quantity`, `parse_money`: numerals in words or digits, with 来/多/左右 and
  Cantonese 蚊 (cn2an does the numeral arithmetic).
- `parse_date`: full, partial ("7号", "3月5号") and relative ("前天", "上个月底", "两年前") dates resolved
  against `today`, with the year (and month) inferred from whether the date should lie in the past.
- `polarity`: everyday yes / no (data/yesno.tsv).

Pure functions; the data files are read once.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import cn2an
import opencc

DATA = Path(__file__).parent / "data"

_SPACE_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_CLAUSE_END = r"(?=[，。！？,.!?；;~\s]|$)"


def _rows(name: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition("\t")
        out.append((key.strip(), value.strip()))
    return out


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")  # Hong Kong variants (係, 喺, 啲) -> simplified


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    """Colloquial word -> Mandarin; each word also under its OpenCC form (嗰 -> 𠮶), which is what it meets."""
    rows = dict(_rows("cantonese.tsv"))
    return rows | {to_simplified(k): v for k, v in rows.items() if to_simplified(k) not in rows}


@lru_cache(maxsize=1)
def _lexicon_re() -> re.Pattern[str]:
    words = sorted(lexicon(), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def _particle_re() -> tuple[re.Pattern[str], dict[str, str]]:
    table = dict(_rows("particles.tsv"))
    return re.compile("(" + "|".join(re.escape(p) for p in table) + ")" + _CLAUSE_END), table


def to_simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


def plain(text: str) -> str:
    """NFKC (full-width -> half-width), zero-width characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH)
    return _SPACE_RE.sub(" ", text).strip()


# Full-width letters, digits and the ideographic space -> half-width; Chinese punctuation is kept (it is part
# of what a person typed into a free-text field).
_FOLD = {i: i - 0xFEE0 for i in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))} | {
    0x3000: 0x20
}


@lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Plain simplified Mandarin for understanding a message ("喺边度办？使唔使钱？" -> "在哪里办？需不需要钱？")."""
    s = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH).translate(_FOLD)
    s = to_simplified(_SPACE_RE.sub(" ", s).strip())
    lex = lexicon()
    s = _lexicon_re().sub(lambda m: lex[m.group(0)], s)
    rx, table = _particle_re()
    s = rx.sub(lambda m: table[m.group(1)], s)
    return _SPACE_RE.sub(" ", s).strip()


# --- numbers ---------------------------------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM_RE = re.compile(rf"\d+(?:\.\d+)?(?:[{_CN_DIGITS}]+)?|[{_CN_DIGITS}]+")
# An approximation after a number ("两千来块", "三千多", "五千左右") keeps the number itself.
_APPROX_RE = re.compile(r"(?<=[\d" + _CN_DIGITS + r"])(?:来|多|几|左右|上下|出头|把)")


def parse_number(token: str) -> float | None:
    """One numeral, in digits, words or both: "3" -> 3, "两千" -> 2000, "一万五" -> 15000, "1.5万" -> 15000."""
    t = plain(token).replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    if t in {"两", "俩"}:
        return 2.0
    try:
        value = cn2an.cn2an(t, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


def numbers_in(text: str) -> list[float]:
    """Every numeral in `text`, in order ("我家三口人，月收入两千来块" -> [3, 2000])."""
    s = _APPROX_RE.sub("", canonical(text))
    s = re.sub(r"(?<![\d" + _CN_DIGITS + "])俩", "两", s)
    out: list[float] = []
    for m in _NUM_RE.finditer(s):
        tok = m.group(0)
        if tok in {"万", "亿", "千", "百"}:
            continue
        v = parse_number(tok)
        if v is not None:
            out.append(v)
    return out


_NONE_RE = re.compile(r"^(?:没有|没|无|零|不)(?:收入|工资|钱|人)?(?:的|了)?$")


def parse_quantity(text: str) -> int | None:
    """A count of people / things: "三口人" -> 3, "我家五个人" -> 5; None unless exactly one whole number."""
    nums = numbers_in(text)
    if len(nums) != 1 or not nums[0].is_integer():
        return None
    return int(nums[0])


def parse_money(text: str) -> float | None:
    """An amount in yuan: "两千来块" -> 2000, "八百蚊" -> 800, "1.5万" -> 15000, "没有收入" -> 0."""
    s = canonical(text)
    s = re.sub(r"(?<=[\d" + _CN_DIGITS + r"])\s*(?:蚊|文钱|块钱|块|元钱|元|圆)", "", s)
    s = re.sub(
        r"(?:人民币|RMB|[¥￥]|每个?月|一个月|月收入|收入|大概|大约|差不多|约|是|有)", "", s, flags=re.I
    )
    s = s.strip(" ，,。.!！")
    if _NONE_RE.match(s):
        return 0.0
    nums = numbers_in(s)
    if len(nums) != 1:
        return None
    return round(nums[0], 2)


# --- dates -----------------------------------------------------------------------------------------


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
    return re.sub(r"[零〇一二两三四五六七八九十]+", lambda m: str(int(parse_number(m.group(0)) or 0)), s)


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
    s = canonical(text).replace(" ", "")
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
    for word, delta in _REL_DAY.items():
        if word in s:
            return today + timedelta(days=delta)
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
    if m := re.search(r"(上+|这|本|下)个?(?:周|星期|礼拜)([一二三四五六日天1-7])", s):
        week = {"这": 0, "本": 0, "下": 1}.get(m.group(1), -len(m.group(1)))
        wd = _WEEKDAY.get(m.group(2), int(m.group(2)) - 1 if m.group(2).isdigit() else 0)
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=7 * week + wd)
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


# --- yes / no --------------------------------------------------------------------------------------


class Polarity(StrEnum):
    YES = "yes"
    NO = "no"


@lru_cache(maxsize=1)
def _yesno() -> tuple[dict[str, Polarity], list[str]]:
    table = {k.lower(): Polarity(v) for k, v in _rows("yesno.tsv")}
    return table, sorted(table, key=len, reverse=True)


_CLAUSE_SPLIT = re.compile(r"[，,。.!！;；~\s]+")
_TRAILING = re.compile(r"[啊呀啦吧哦喔嘛哈呢了的]+$")


def polarity(text: str) -> Polarity | None:
    """Yes / no of an everyday answer ("行，就这样交吧" -> YES, "冇" -> NO, "系啊" -> YES); None if neither.

    The first clause decides: a whole-clause entry, else the longest entry it starts with."""
    table, words = _yesno()
    clauses = [c for c in _CLAUSE_SPLIT.split(canonical(text).lower()) if c]
    if not clauses:
        return None
    head = clauses[0]
    for cand in (head, _TRAILING.sub("", head)):
        if cand in table:
            return table[cand]
    for w in words:
        if head.startswith(w) and not w.isascii():
            return table[w]
    return None
