"""What the words of a question say about service names: the question's word bigrams (and those of the
official terms its colloquial words stand for), and the variant rules of linking: a question that names no
later step (补 / 换 / 迁 / 丢 …) means the first-time or plain variant, and 补领 / 换领 … guides give way to a
near guide of the plain step. Pure functions over names and hits."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

from assistant.nlu.text import compact
from knowledge.regions import short_name
from retrieval.passages import content_bigrams
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import Hit

# 补领 / 换领 … guides give way to a guide of the plain step scoring this share of the top one (as auxiliary
# guides do in linking).
PLAIN_STEP_RATIO = 0.7

# Character pairs too common in questions to name a service.
GENERIC_BIGRAMS = frozenset(
    {
        "怎么",
        "么办",
        "什么",
        "如何",
        "哪里",
        "哪些",
        "需要",
        "要带",
        "多久",
        "多少",
        "时间",
        "可以",
        "请问",
        "办理",
        "申请",  # "怎么申请": the verb of any service, like 办理
        "申办",
        "材料",
        "人员",  # "企业退休人员": a word for people, not for one service
    }
)


# a span of the question this long, every pair of it a content word, in a name is a term the question names
TERM_CHARS = 4


def names_a_term(question: str, name: str) -> bool:
    """The name holds a term of the question: TERM_CHARS or more consecutive characters, none of them a filler
    pair ("伤残津贴" in "伤残待遇申领（一次性伤残补助金、伤残津贴和生活护理费）"; not "申请办理", "什么时候")."""
    q, n = compact(question), compact(name)
    m = SequenceMatcher(None, q, n, autojunk=False).find_longest_match(0, len(q), 0, len(n))
    if m.size < TERM_CHARS:
        return False
    span = q[m.a : m.a + m.size]
    return len(content_bigrams(span)) == len(span) - 1


def name_bigrams(text: str) -> set[str]:
    t = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", compact(text))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def query_bigrams(query: str) -> set[str]:
    """The query's word bigrams plus those of the formal terms its colloquial words stand for (retrieval's
    synonym table: "自由职业" -> 灵活就业), so a candidate named in official words can be singled out."""
    grams = name_bigrams(query)
    for term in expand_synonyms(query, synonym_table()):
        grams |= name_bigrams(term)
    return grams - GENERIC_BIGRAMS


# A variant for doing it the first time, and words of a question about a later step (replace, move, lost).
_FIRST_TIME_RE = re.compile(r"新办|首次|初次|新申请|新申领|首办")
_PLAIN_REST_RE = re.compile(r"(?:申办|申请|申领|办理|登记|认定|核发)?")
_LATER_QUERY_RE = re.compile(
    r"补|换|迁|变更|注销|延续|挂失|遗失|丢|不见|坏|损|过期|到期|失效|重新|恢复|撤销|更正|改"
)
_LATER_NAME_RE = re.compile(r"补领|补办|补发|补证|换领|换发|换证|挂失|遗失|迁入|迁出|迁移|注销|变更|延续")


# A lost document ("身份证丢了怎么办") is a matter for a guide that replaces it (补领 / 挂失 / 换 …), not for another
# guide that shares its characters ("中国税收居民身份证明的开具")
_LOST_RE = re.compile(r"丢|不见|遗失|掉了|找不到|弄没了")
_REPLACES_RE = re.compile(r"补|挂失|遗失|丢失")  # 换领 / 换发 renew what one still has


def without_places(text: str, places: Iterable[str]) -> str:
    """`text` without the places named in it, full or short ("广州市" / "广州"): they say where, not what."""
    for place in places:
        text = text.replace(place, "").replace(short_name(place), "")
    return text


def thing_named(query: str) -> str:
    """The question without its later-step words: what it names ("驾照到期了怎么换" -> 驾照了怎么), so that 到期 /
    换 alone do not make "爆破作业人员许可(到期换发)" a guide it names."""
    return _LATER_QUERY_RE.sub("", compact(query))


# steps of a service's life that a guide for another step does not answer: "个体户注销要什么材料" is not answered by
# 个体工商户设立登记; each step asked, and the words by which a guide's name serves it
_STEPS = {
    "注销": "注销|歇业|停业",
    "歇业": "注销|歇业|停业",
    "变更": "变更|更改|更正|修改",
    "延续": "延续|续期|延期",
    "迁出": "迁",
    "迁入": "迁",
    "补领": "补|遗失|挂失",
    "补办": "补|遗失|挂失",
    "补发": "补|遗失|挂失",
    "换领": "换",
    "换发": "换",
    "换证": "换",
}
# a step said as what happened before ("社保卡之前注销了，还能重新申领吗") is not the step asked
_STEP_ASKED_RE = re.compile(rf"({'|'.join(_STEPS)})(?![了过后])")


def steps_asked(query: str) -> list[str]:
    """The later steps a question asks ("个体户注销要什么材料" -> ["注销"])."""
    return list(dict.fromkeys(_STEP_ASKED_RE.findall(compact(query))))


def serves_step(step: str, text: str) -> bool:
    """A guide's name (or an article) says the step: "社会保障卡补换" serves 补办, "企业迁移" 迁入."""
    return bool(re.search(_STEPS[step], compact(text)))


def step_not_served(query: str, name: str) -> str | None:
    """The later step the question asks (注销, 变更 …) when the guide's name serves none of those asked, else
    None ("残疾人证的变更和注销" is served by either guide)."""
    steps = steps_asked(query)
    return None if any(serves_step(s, name) for s in steps) else next(iter(steps), None)


# a renewal said in a citizen's words: a card run out and a new one wanted ("身份证过期了怎么换", "快到期了去哪换新的")
_RENEWAL_RE = re.compile(r"(?:过期|到期|期满)[^。？?]{0,10}换|换(?:个|张|本)?新")


def renewal_not_served(query: str, text: str) -> bool:
    """The question wants an expired card renewed and `text` (a guide's name and its materials) renews nothing:
    中国税收居民身份证明的开具 for "身份证过期了怎么换"; a plain 办理往来港澳通行证 that lists "原往来港澳通行证（换发）"
    does renew."""
    return bool(_RENEWAL_RE.search(compact(query))) and "换" not in compact(text)


def lost_but_not_replaced(query: str, name: str) -> bool:
    """The question says something was lost and the guide's name replaces nothing."""
    return bool(_LOST_RE.search(compact(query))) and not _REPLACES_RE.search(compact(name))


def after_loss(query: str) -> str | None:
    """What the question says after the loss ("中专毕业证丢了，开中职学力证明书要多久" -> "，开中职…"), None when
    nothing was lost."""
    q = compact(query)
    m = _LOST_RE.search(q)
    return q[m.end() :] if m else None


def asks_later_step(query: str) -> bool:
    """The question asks about a lost document, an expired card or a later step (注销, 变更 …)."""
    q = compact(query)
    return bool(_LOST_RE.search(q) or _RENEWAL_RE.search(q) or steps_asked(q))


def serves_later_step(query: str, name: str, materials: str = "") -> bool:
    """A guide named `name` (its official pair's question added, when that is the answer), listing `materials`,
    serves the lost document, renewal or later step the question asks."""
    return not (
        lost_but_not_replaced(query, name)
        or step_not_served(query, name) is not None
        or renewal_not_served(query, f"{name} {materials}")
    )


def first_step_first(query: str, hits: list[Hit], name_of: Callable[[Hit], str]) -> list[Hit]:
    """A question that names no later step ("约个时间去领结婚证") is not about 补领 / 换领 / 挂失 …: when such a
    guide tops the hits and a guide of the plain step scores at least PLAIN_STEP_RATIO of it, sharing the question's
    words, the later-step guides give way (like auxiliary ones)."""
    if (
        not hits
        or _LATER_QUERY_RE.search(compact(query))
        or not _LATER_NAME_RE.search(compact(name_of(hits[0])))
    ):
        return hits
    qgrams = query_bigrams(query)
    for h in hits[1:]:
        if h.score < hits[0].score * PLAIN_STEP_RATIO:
            break
        name = compact(name_of(h))
        if not _LATER_NAME_RE.search(name) and len(qgrams & name_bigrams(name)) >= 2:
            return [x for x in hits if not _LATER_NAME_RE.search(compact(name_of(x)))]
    return hits


def first_time(query: str, close: list[Hit], name_of: Callable[[Hit], str]) -> str | None:
    """ "残疾人证怎么办理" among 新办证 / 挂失补办 / 换领 / 迁入: the first-time variant (or the plain item the
    others extend), when the question uses no word of a later step and none of the words that set the other
    candidates apart."""
    q = compact(query)
    if _LATER_QUERY_RE.search(q):
        return None
    names = {h.doc_id: compact(name_of(h)) for h in close}
    stem = os.path.commonprefix(list(names.values()))
    # the first-time variant, or the plain item the others extend ("人才优粤卡申办" / "人才优粤卡（A卡）…")
    first = [
        h
        for h in close
        if _FIRST_TIME_RE.search(names[h.doc_id]) or _PLAIN_REST_RE.fullmatch(names[h.doc_id][len(stem) :])
    ]
    if len(first) != 1:
        return None
    own = name_bigrams(name_of(first[0]))
    others = set().union(*(name_bigrams(name_of(h)) for h in close if h is not first[0])) - own
    return None if query_bigrams(query) & others else first[0].doc_id
