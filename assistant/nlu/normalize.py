"""Normalisation in front of everything: how people type -> plain simplified Mandarin, and values out of it.

- `canonical(text)`: NFKC, traditional -> simplified (OpenCC), Cantonese / colloquial words -> Mandarin
  (data/cantonese.tsv, data/particles.tsv). Used for matching and understanding, never shown back.
- `parse_number`, `parse_quantity`, `parse_money`: numerals in words or digits, with 来/多/左右 and
  Cantonese 蚊 (cn2an does the numeral arithmetic).
- dates: assistant.nlu.dates.
- `polarity`: everyday yes / no (data/yesno.tsv).

Pure functions; the data files are read once.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import cn2an
import opencc

DATA = Path(__file__).parent / "data"

_SPACE_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_CLAUSE_END = r"(?=[，。！？,.!?；;~\s]|$)"
# a verb taking 咩 ("what") as its object: "要带咩？", "需要准备咩"
# ("准备啲咩": some of what)
_OBJECT_WHAT_RE = re.compile(
    r"((?:要|办|带|交|准备|搞|问|买|填|拎|攞|拿|系|有|讲|写|查|开)啲?)咩" + _CLAUSE_END
)
# the Cantonese potential "V唔V得" is "能不能V" ("仲用唔用得": 还能不能用, "喺外地办唔办得"); 得唔得 itself is a
# lexicon row
_CAN_V_RE = re.compile(r"(仲)?([\u4e00-\u9fff])唔\2得")
# the Cantonese "or" opening the other choice ("可唔可以网上办？定系一定要去现场？"); inside a clause 定系 is
# Mandarin too (鉴定系统, 认定系工伤)
_OR_RE = re.compile(r"(?<=[？?，,吗呢])定系")


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


# a clock time or a count ("3点交", "两点") is Mandarin, never the Cantonese 点 (= 怎么) of "点交"
_KEEP_NUMBER_DIAN = r"[0-9零一二两三四五六七八九十]+点"


@lru_cache(maxsize=1)
def _lexicon_re() -> re.Pattern[str]:
    words = sorted(lexicon(), key=len, reverse=True)
    return re.compile("|".join([_KEEP_NUMBER_DIAN, *(re.escape(w) for w in words)]))


@lru_cache(maxsize=1)
def _particle_re() -> tuple[re.Pattern[str], dict[str, str]]:
    table = dict(_rows("particles.tsv"))
    return re.compile("(" + "|".join(re.escape(p) for p in table) + ")" + _CLAUSE_END), table


def to_simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


@lru_cache(maxsize=8192)  # guide names and fields are read again on every turn
def plain(text: str) -> str:
    """NFKC (full-width -> half-width), zero-width characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH)
    return _SPACE_RE.sub(" ", text).strip()


# Full-width letters, digits and the ideographic space -> half-width; Chinese punctuation is kept (it is part
# of what a person typed into a free-text field).
_FOLD = {i: i - 0xFEE0 for i in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))} | {
    0x3000: 0x20
}


def _can_v(m: re.Match[str]) -> str:
    if m.group(2) == "得":
        return m.group(0)
    return f"{'还' if m.group(1) else ''}能不能{m.group(2)}"


@lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Plain simplified Mandarin for understanding a message ("喺边度办？使唔使钱？" -> "在哪里办？需不需要钱？")."""
    s = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH).translate(_FOLD)
    s = to_simplified(_SPACE_RE.sub(" ", s).strip())
    # 咩 as the object of a verb is 什么 even at the end ("BB出世要办咩" asks what to do), then sentence-final
    # particles ("…咩？" asks 吗), then words (咩 inside a sentence is 什么)
    s = _OBJECT_WHAT_RE.sub(r"\1什么", s)
    s = _CAN_V_RE.sub(_can_v, s)
    s = _OR_RE.sub("还是", s)
    rx, table = _particle_re()
    s = rx.sub(lambda m: table[m.group(1)], s)
    lex = lexicon()
    s = _lexicon_re().sub(lambda m: lex.get(m.group(0), m.group(0)), s)
    # what the person says it is not, before saying what it is, names nothing asked ("不是去旅游也不是探亲，是要去香港
    # 看病": not 探亲签注)
    s = _NEGATED_RE.sub("", s)
    return _SPACE_RE.sub(" ", s).strip()


_NEGATED_RE = re.compile(
    r"(?:^|(?<=[，,。！!？?\s]))(?:既|并|又)?不是[^，,。？?！!]{1,12}?(?:[，,、]?(?:也|又)不是[^，,。？?！!]{1,12}?)*[，,]"
    r"(?=(?:而|就|只|主要)?是)"
    # (or put in brackets after what it is: "对讲机中继台（唔系手机基站嗰种）")
    r"|[（(]不是[^（()）]{1,16}[）)]"
)


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
        if tok[0] in "百千万亿":  # "千几蚊" (a thousand and some): 一千
            tok = "一" + tok
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
