"""Repairs for web-page text: traditional → simplified, pinyin annotations, mojibake, tag residue.

All functions are pure. OpenCC is created on first use (habit: no heavy work at import).
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

LOST = "□"  # conventional mark for an illegible character

_CJK = re.compile(r"[\u3400-\u9fff]")
# "數(shù)據(jù)": a site converter appended pinyin with tone marks to ambiguous characters.
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)"
)
_TAG = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|(?<![A-Za-z])/(?:strong|span|font|em|p|b|div|a)>", re.I
)
# A lost byte turned GBK text out of alignment: "?" + a fullwidth char (NFKC'd to "!") + garbage.
_MISALIGNED = re.compile(r"(?<=[^\x00-\x7f])\?!")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ufeff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def traditional_ratio(text: str) -> float:
    """Share of CJK characters that OpenCC t2s changes (0 for simplified text, ~0.3+ for traditional)."""
    cjk = _CJK.findall(text)
    if not cjk:
        return 0.0
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # phrase conversions can change length; compare sets instead
        return len(set(cjk) - set(_CJK.findall(simplified))) / len(set(cjk))
    changed = sum(1 for a, b in zip(text, simplified, strict=True) if a != b)
    return changed / len(cjk)


def is_traditional(text: str, threshold: float = 0.05) -> bool:
    return traditional_ratio(text) >= threshold


def strip_pinyin(text: str) -> str:
    return _PINYIN.sub("", text)


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def _repair_span(span: str, next_char: str) -> tuple[str, int]:
    """Re-decode a misaligned GBK span starting at "?"; returns (text, chars consumed after the span)."""
    try:
        data = b"".join(
            chr(ord(c) + 0xFEE0).encode("gbk") if c.isascii() else c.encode("gbk") for c in span[1:]
        )
    except UnicodeEncodeError:
        return LOST, 0
    data = data[1:]  # the first byte is the tail of the character lost at "?"
    extra = 0
    if next_char == "?":  # the decoder replaced the last, broken pair
        extra = 1
    elif len(data) % 2 == 1 and "\x40" <= next_char <= "\x7e":  # an ASCII byte re-synchronised it
        data, extra = data + next_char.encode("ascii"), 1
    lost_end = len(data) % 2 == 1
    try:
        fixed = data[: len(data) - lost_end].decode("gbk")
    except UnicodeDecodeError:
        return LOST, 0
    return LOST + fixed + (LOST if lost_end else ""), extra


def repair_mojibake(line: str) -> str:
    """Fix GBK-misalignment spans ("?!盎浬掏ā鄙仃P" → "□“粵商通”韶關") and drop U+FFFD/control chars."""
    out: list[str] = []
    pos = 0
    for m in _MISALIGNED.finditer(line):
        if m.start() < pos:
            continue
        out.append(line[pos : m.start()])
        end = m.end()
        while end < len(line) and not line[end].isascii():
            end += 1
        fixed, extra = _repair_span(line[m.start() : end], line[end] if end < len(line) else "")
        out.append(fixed)
        pos = end + extra
    out.append(line[pos:])
    return _CONTROL.sub("", "".join(out))


def clean_text(line: str) -> str:
    """All repairs in order: mojibake, tag residue, pinyin annotations."""
    return strip_pinyin(strip_tags(repair_mojibake(line)))
