"""Free answers mapped onto a 情形 question's options by meaning.

Evidence, strongest first: the option's own words (label, value, synonyms) or its number; the option's
declared cues / implications (flow YAML `cues`, with word classes from data/vocab.yaml: "我户口在湖南" ->
外地, "我帮我爸办" -> 代办); an everyday yes / no for a yes-no question ("系啊", "冇"). Conflicting or weak
evidence gives an unsure inference, which the policy turns into a targeted confirmation rather than a
"没有听明白".
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from assistant.nlu.normalize import Polarity, canonical, parse_number, polarity
from guides.schema import Choice, Question

_VOCAB = Path(__file__).parent / "data" / "vocab.yaml"
_PUNCT = re.compile(r"[\s，,。.!！?？、~…]+")
_TAIL = re.compile(r"(?:啊|呀|啦|吧|哦|喔|嘛|哈|呢|的|了)+$")
_INDEX = re.compile(r"(?:选|要|是)?第?([一二三四五六七八九十\d]+)(?:个|项|种|条)?(?:吧|啦)?")


class How(StrEnum):
    WORDS = "words"  # the option's own label / value / synonym
    INDEX = "index"  # "2", "第二个"
    CUE = "cue"  # a declared implication
    YESNO = "yesno"  # an everyday yes / no
    MENTION = "mention"  # the option's words inside a longer answer
    GUESS = "guess"  # shared characters only


class Inference(NamedTuple):
    value: str
    sure: bool
    how: How
    alternatives: tuple[str, ...] = ()  # other values the answer also points to (ask which)


@lru_cache(maxsize=1)
def vocab() -> dict[str, list[str]]:
    data = yaml.safe_load(_VOCAB.read_text(encoding="utf-8")) or {}
    return {k: [str(w) for w in v] for k, v in data.items()}


@lru_cache(maxsize=512)
def cue_regex(cue: str) -> re.Pattern[str]:
    """A cue with `{class}` placeholders expanded to an alternation of the class's words."""
    classes = vocab()

    def expand(m: re.Match[str]) -> str:
        words = classes.get(m.group(1))
        if words is None:
            raise KeyError(f"unknown word class {{{m.group(1)}}} in cue {cue!r}")
        return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"

    return re.compile(re.sub(r"\{(\w+)\}", expand, cue))


_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def _key(text: str) -> str:
    return _PUNCT.sub("", canonical(text)).lower()


def choice_polarity(c: Choice) -> Polarity | None:
    """Whether an option means yes or no ("是，已满半年" -> YES, "否，还没有" -> NO)."""
    return polarity(c.value) or polarity(c.label)


def yes_no_options(q: Question) -> dict[Polarity, str] | None:
    """{YES: value, NO: value} for a yes-no question; None for other questions."""
    kinds: dict[Polarity, str] = {}
    for c in q.choices:
        p = choice_polarity(c)
        if p is not None and p not in kinds:
            kinds[p] = c.value
    return kinds if len(kinds) == 2 else None


def _exact(q: Question, t: str) -> str | None:
    bare = _TAIL.sub("", t)
    for c in q.choices:
        words = {_key(c.label), _key(c.value), *(_key(s) for s in c.synonyms)}
        if t in words or (bare and bare in words):
            return c.value
    if m := _INDEX.fullmatch(t):
        n = parse_number(m.group(1))
        if n is not None and n.is_integer() and 1 <= n <= len(q.choices):
            return q.choices[int(n) - 1].value
    return None


def _cue_hits(q: Question, t: str) -> dict[str, int]:
    """Option value -> position of its first cue in `t`."""
    hits: dict[str, int] = {}
    for c in q.choices:
        for cue in c.cues:
            if m := cue_regex(cue).search(t):
                hits[c.value] = min(hits.get(c.value, m.start()), m.start())
    return hits


def _mentions(q: Question, t: str) -> dict[str, int]:
    """Option value -> length of the longest of its words (2+ characters) found in `t`."""
    found: dict[str, int] = {}
    for c in q.choices:
        for w in [c.label, *c.synonyms]:
            k = _key(w)
            if len(k) >= 2 and k in t:
                found[c.value] = max(found.get(c.value, 0), len(k))
    return found


def _guess(q: Question, t: str) -> str | None:
    """The one option sharing the most character bigrams with `t` (at least two)."""
    grams = {t[i : i + 2] for i in range(len(t) - 1)}
    scored = []
    for c in q.choices:
        words = "|".join(_key(w) for w in [c.label, *c.synonyms])
        opt = {words[i : i + 2] for i in range(len(words) - 1)} - {"|"}
        scored.append((len(grams & opt), c.value))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def infer_choice(q: Question, text: str) -> Inference | None:
    """The option `text` selects for `q`, with how sure that is; None when nothing points to one."""
    t = _key(text)
    if not t:
        return None
    if (v := _exact(q, t)) is not None:
        return Inference(v, True, How.WORDS)
    yn = yes_no_options(q)
    pol = polarity(text) if yn else None
    said = yn[pol] if yn and pol else None
    cues = _cue_hits(q, t)
    mentions = _mentions(q, t)
    if mentions:  # the longest mention wins; equal lengths point to several options
        best = max(mentions.values())
        named = [v for v, n in mentions.items() if n == best]
    else:
        named = []
    pointed = list(dict.fromkeys([*named, *sorted(cues, key=lambda v: cues[v])]))
    if len(pointed) == 1:
        v = pointed[0]
        how = How.MENTION if named else How.CUE
        if said is not None and said != v:  # "是，我户口在湖南" to "您是广州户籍吗": confirm the implication
            return Inference(v, False, how)
        return Inference(v, True, how)
    if len(pointed) > 1:
        if said is not None and said in pointed:
            return Inference(said, True, How.YESNO)
        return Inference(pointed[0], False, How.CUE, tuple(pointed[1:]))
    if said is not None:
        return Inference(said, True, How.YESNO)
    if (g := _guess(q, t)) is not None:
        return Inference(g, False, How.GUESS)
    return None


def implied_choice(q: Question, text: str) -> str | None:
    """The one option a longer message implies by words or cues alone ("社保卡丢了，我帮我爸补办" -> 代办);
    no yes / no reading, so a first message's "是这样的" answers nothing."""
    # an A-not-A question ("有没有补贴", "是不是要") asks; it says neither yes nor no
    t = _A_NOT_A.sub("", _key(text))
    pointed = {*_mentions(q, t), *_cue_hits(q, t)}
    return pointed.pop() if len(pointed) == 1 else None


def label_of(q: Question, value: str) -> str:
    return next((c.label for c in q.choices if c.value == value), value)


def confirmation(q: Question, inf: Inference) -> str:
    """A targeted question for an unsure inference ("您是外地户籍，对吗？" or "请问是A，还是B？")."""
    if inf.alternatives and all(a != inf.value for a in inf.alternatives):
        options = [label_of(q, inf.value), *(label_of(q, a) for a in inf.alternatives)]
        if len(options) == 2:
            return f"请问是“{options[0]}”，还是“{options[1]}”？"
    choice = next(c for c in q.choices if c.value == inf.value)
    if choice.confirm:
        return choice.confirm
    return f"我理解您的情况是“{choice.label}”，对吗？"
