"""Several form fields out of one message ("我叫张三，电话13800138000，身份证…"): label mentions, "我叫X",
unlabeled typed values (ID numbers, USCCs, phones, dates, amounts) and enum choices named in the text.

Candidates only: the caller validates them with assistant.nlu.validators.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.nlu.normalize import parse_money
from assistant.nlu.validators import USCC_CHARS, halfwidth, validate_id_number, validate_uscc
from guides.schema import FormField

# Words that name a field of a type; they apply to the first field of that type in the form.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字"),
    "id_number": ("身份证号码", "身份证号", "身份证", "证件号码", "证件号"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话号码", "电话", "联系方式"),
    "uscc": ("统一社会信用代码", "信用代码"),
    "address": ("地址", "住址"),
}
_STRONG_TYPES = ("id_number", "phone", "uscc", "date", "amount")
_TOKEN18 = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
_PHONE_RES = (
    re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),
    re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])"),
)
_DATE_RE = re.compile(
    r"(?<!\d)(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|(?:19|20)\d{6})(?!\d)"
)
_AMOUNT_RE = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元|块)")
_GROUPED_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d\s?){17}[\dXx](?![0-9A-Za-z])")
_DELIMS = re.compile(r"[,;。!?、\n]")
_SPACE = re.compile(r"\s")
_INT_IN_TEXT = re.compile(
    r"(?:[0-9]+|[零〇一二两三四五六七八九十]+)(?:口人|个人|个|人|名|口|次|位|岁|年|月|天|套|间)?"
)
_CONNECTOR = re.compile(r"(?:号码|号)?\s*(?:[:=]|是|系|为|叫|填)?\s*")
_QUESTION = re.compile(r"吗|怎么|什么|哪|多少|如何|\?")
_SELF_NAME = re.compile(
    r"(?:我叫|本人叫|我的名字叫|我名字叫|我的名字是|我姓名是|我姓[\u4e00-\u9fff][，,]\s*叫)\s*([\u3400-\u9fff·]{2,20}|[A-Za-z][A-Za-z ·]{1,19})"
)
_NAME_STOP = re.compile(r"今年|住在|家住|身份证|电话|手机|联系|想|要|的|在|是|和|我")


class _Token(NamedTuple):
    start: int
    end: int
    kind: str
    text: str


def _tokens(t: str) -> list[_Token]:
    """Typed values recognizable without a label: ID numbers, USCCs, phones, dates, amounts."""
    found: list[_Token] = []

    def take(kind: str, m: re.Match[str]) -> None:
        nonlocal t
        found.append(_Token(m.start(), m.end(), kind, m.group().strip()))
        t = t[: m.start()] + "#" * (m.end() - m.start()) + t[m.end() :]  # mask, keep offsets

    probe = FormField(name="_", label="_")
    for m in list(_TOKEN18.finditer(t)):
        s = m.group().upper()
        if re.fullmatch(r"\d{17}[\dX]", s) and (
            validate_id_number(s, probe).ok or not validate_uscc(s, probe).ok
        ):
            take("id_number", m)
        elif all(c in USCC_CHARS for c in s):
            take("uscc", m)
    for kind, regexes in (("phone", _PHONE_RES), ("date", (_DATE_RE,)), ("amount", (_AMOUNT_RE,))):
        for r in regexes:
            for m in list(r.finditer(t)):
                take(kind, m)
    return sorted(found)


def _trim_name(v: str) -> str:
    m = re.match(r"[\u3400-\u9fff·]+|[A-Za-z][A-Za-z ·]*", v)
    if m is None:
        return ""
    name = m.group().strip()
    stop = _NAME_STOP.search(name, 2)
    return name[: stop.start() if stop else len(name)][:20]


def extract_fields(text: str, fields: list[FormField]) -> dict[str, str]:
    """Candidate raw values for `fields` found in one message, keyed by field name (validate them next).

    Label mentions come first ("电话是…", "地址：…", field label or alias), then "我叫X" for the first
    name field, then unlabeled typed values (ID number, USCC, phone, date, amount with unit) in form
    order, then enum choices named in the text.
    """
    t = halfwidth(text or "")
    # an ID number read out in groups ("4401 1419 8306 1514 96") is one token
    t = _GROUPED_ID.sub(lambda m: re.sub(r"\s", "", m.group(0)), t)
    tokens = _tokens(t)
    used: set[int] = set()  # indexes into tokens
    out: dict[int, str] = {}  # field index -> raw value

    first_of_type: dict[str, int] = {}
    for i, f in enumerate(fields):
        first_of_type.setdefault(f.type, i)
    labels = sorted(
        {
            (w, i)
            for i, f in enumerate(fields)
            for w in [
                f.label,
                *f.aliases,
                *(TYPE_ALIASES.get(f.type, ()) if first_of_type[f.type] == i else ()),
            ]
            if w
        },
        key=lambda p: (-len(p[0]), p[1]),
    )
    mentions: list[tuple[int, int, int]] = []  # (start, end, field index)
    for word, i in labels:
        for m in re.finditer(re.escape(word), t):
            spans = [(s, e) for s, e, _ in mentions] + [(k.start, k.end) for k in tokens]
            if all(m.end() <= s or m.start() >= e for s, e in spans):
                mentions.append((m.start(), m.end(), i))
    mentions.sort()

    for n, (_, end, i) in enumerate(mentions):
        f = fields[i]
        if i in out:
            continue
        stop = min(
            [d.start() for d in [_DELIMS.search(t, end)] if d]
            + [s for s, _, _ in mentions[n + 1 :]]
            + [len(t)]
        )
        begin = c.end() if (c := _CONNECTOR.match(t, end)) else end
        if f.type in _STRONG_TYPES:
            k = next(
                (
                    j
                    for j, k in enumerate(tokens)
                    if j not in used and k.kind == f.type and end <= k.start <= stop
                ),
                None,
            )
            if k is not None:
                used.add(k)
                out[i] = tokens[k].text
                continue
        stop = min([stop] + [k.start for k in tokens if k.start >= begin])
        if f.type != "text":  # a space separates fields ("姓名 张三 地址 …"), except in free text
            stop = min([stop] + [sp.start() for sp in [_SPACE.search(t, begin, stop)] if sp])
        value = t[begin:stop].strip()
        if f.type == "name":
            value = _trim_name(value)
        if not value or _QUESTION.search(value):
            continue
        # after its label, an amount in words is one too ("月收入两千"); other strong types need digits
        words_amount = f.type == "amount" and parse_money(value) is not None
        if f.type in _STRONG_TYPES and not re.search(r"\d", value) and not words_amount:
            continue
        if f.type == "int":  # "共有四口人" -> "四口人"
            number = _INT_IN_TEXT.search(value)
            if number is None:
                continue
            value = number.group()
        if len(value) < 2 and f.type not in ("enum", "int"):
            continue
        out[i] = value

    names = [i for i, f in enumerate(fields) if f.type == "name"]
    if names and names[0] not in out:
        for m in _SELF_NAME.finditer(t):
            if all(m.end() <= s or m.start() >= e for s, e, _ in mentions) and (
                name := _trim_name(m.group(1))
            ):
                out[names[0]] = name
                break

    for j, k in enumerate(tokens):
        if j in used:
            continue
        free = next((i for i, f in enumerate(fields) if f.type == k.kind and i not in out), None)
        if free is not None:
            used.add(j)
            out[free] = k.text

    for i, f in enumerate(fields):
        if f.type != "enum" or i in out:
            continue
        hits = {c for c in f.choices for w in [c, *f.synonyms.get(c, [])] if len(w) >= 2 and w in t}
        if len(hits) == 1:
            out[i] = hits.pop()
    return {fields[i].name: out[i] for i in sorted(out)}
