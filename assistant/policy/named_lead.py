"""An unconfident search can still single out a guide: it leads the next one clearly and the question says most of
its name. Long, chatty questions ("我老婆系外国人，拎S2签证喺广州陪我住…想延期多阵…") share few of their characters
with any guide, so the search's confidence stays low even when it found the guide they name. Among close hits (or
guides about to be offered as a choice), one whose name the question says clearly most of is the one asked too."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.policy.evidence import Candidate, nearest
from assistant.policy.name_words import (
    QUALIFIER_RE,
    asks_ending,
    ends_matter,
    name_bigrams,
    query_bigrams,
    step_not_served,
    without_offices,
)
from retrieval.aspects import cue_spans
from retrieval.types import Hit

# the top guide leads the next by this share of its score ...
NAMED_LEAD = 0.15
# ... and the question holds this share of its name's pairs (measured over the dev sets' unconfident results:
# every line meeting both had the right guide first)
NAMED_SHARE = 0.4
# words of serving that name no matter of a guide
_SERVING_RE = re.compile(r"咨询|服务|办理|查询|申请|业务|[\s()（）]")
RIVALS = 3  # the hits whose names are compared with the first one's
# a question saying this share of a guide's name names it outright: no statute sharing its words goes before it
NAMED_WHOLE = 0.75
# a guide whose name the question says clearly more of (this share of its pairs) is the one asked among those
# giving the same answer
SAID_MARGIN = 0.1
# among hits scoring within this share of the first, one whose name the question says this much more of than any
# other's is the one asked
SAID_CLOSE = 0.85
SAID_LEAD = 0.2


def name_said(question: str, name: str) -> float:
    """The share of the name's character pairs (without its bracketed qualifier) the question holds, its
    colloquial words' formal terms counted."""
    return _share(query_bigrams(question), name_bigrams(QUALIFIER_RE.sub("", name)))


def named_lead(question: str, hits: list[Hit], name_of: Callable[[Hit], str]) -> bool:
    """The first guide hit leads clearly and the question says much of its name, and no more of another's close
    behind ("…申请兼职律师执业" does not single out 专职律师执业许可 ranked first)."""
    # the same service of several places is one guide here: the lead is over the next other service
    first = name_of(hits[0]) if hits else ""
    asked = query_bigrams(question)
    # (nor is a name going on past the first one's with words the question does not say: "办用电暂停" and
    # 用电服务暂停恢复 behind 用电服务暂停)
    rivals = [h for h in hits if name_of(h) != first and not _unsaid_extension(asked, first, name_of(h))]
    if not rivals or hits[0].score <= 0:
        return False
    lead = (hits[0].score - rivals[0].score) / hits[0].score
    if lead < NAMED_LEAD or name_said(question, first) < NAMED_SHARE or not names_matter(first):
        return False
    return all(_says_more(asked, first, name_of(h)) for h in rivals[: RIVALS - 1])


def names_matter(name: str) -> bool:
    """The name says a matter besides the words of asking and serving: "电话咨询(（个人）)" or "网上办理" says none,
    so a question saying "打哪个电话能咨询" does not name it."""
    rest = _SERVING_RE.sub("", cue_spans(QUALIFIER_RE.sub("", name)))
    return len(rest) >= 2


def _unsaid_extension(asked: set[str], first: str, name: str) -> bool:
    """`name` is `first` and more, and the question says no pair of what it adds."""
    return (
        len(name) > len(first) and name.startswith(first) and not (name_bigrams(name[len(first) :]) & asked)
    )


def said_lead(question: str, hits: list[Hit], name_of: Callable[[Hit], str]) -> str | None:
    """The name of the close guide hit (within SAID_CLOSE of the first's score) the question says clearly most of,
    telling parts included ("做报告要用…标准地图，官方哪里可以下载" among close 标准资料下载 guides); None when none
    stands out."""
    if not hits or hits[0].score <= 0:
        return None
    # (the office asked names none of its guides: "鱼苗做检疫，省农业农村厅承诺几个工作日" and 水产苗种检疫 among
    # 广东省农业农村厅“一村一品”…查询)
    return said_most(
        without_offices(question), [name_of(h) for h in hits if h.score >= SAID_CLOSE * hits[0].score]
    )


def said_pick(question: str, name: str | None, cands: Sequence[Candidate]) -> Candidate | None:
    """The candidate named `name` (the nearest place's), unless the name says the matter but not the step asked
    ("个体户停业之后恢复营业" and 个体工商户设立登记)."""
    if not name or step_not_served(question, name) or ends_matter(name) != asks_ending(question):
        return None
    return nearest_named(name, cands)


def nearest_named(name: str, cands: Sequence[Candidate]) -> Candidate | None:
    """Of the candidates named `name` (the same service of several places), the nearest place's."""
    same = [c for c in cands if c.guide.name == name]
    return nearest(same) if same else None


def said_most(question: str, names: Sequence[str]) -> str | None:
    """Of two or more names, the one the question says 0.4 of and SAID_LEAD more of than of any other, and more of
    its telling part than of theirs; None when none stands out."""
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        return None
    said = {n: name_said(question, n) for n in names}
    best = max(said, key=said.__getitem__)
    rest = [n for n in names if n != best]
    asked = query_bigrams(question)
    if said[best] < NAMED_SHARE or said[best] - max(said[n] for n in rest) < SAID_LEAD:
        return None
    own = {n: name_bigrams(QUALIFIER_RE.sub("", n)) for n in names}
    if not all(_share(asked, own[best] - own[n]) > _share(asked, own[n] - own[best]) for n in rest):
        return None
    return best


def _says_more(asked: set[str], first: str, rival: str) -> bool:
    """The question says no less of the first name than of the rival's, over all of each name or over the part
    that tells them apart ("海域使用权转让审批" over "海域使用权收回" for "…海域使用权，想转让…")."""
    own, other = (name_bigrams(QUALIFIER_RE.sub("", n)) for n in (first, rival))
    if _share(asked, own) >= _share(asked, other):
        return True
    return _share(asked, own - other) >= _share(asked, other - own)


def _share(asked: set[str], pairs: set[str]) -> float:
    return len(pairs & asked) / len(pairs) if pairs else 0.0


def named_most(question: str, alike: Sequence[Candidate], picked: Candidate) -> Candidate:
    """Of close guides giving the same answer, the one whose name the question says clearly more of (by
    SAID_MARGIN) than `picked`'s, the nearest place's first; else `picked`. The reply names its guide."""
    asked = query_bigrams(question)
    said = {c.guide.id: _share(asked, pairs) for c, pairs in zip(alike, _telling_pairs(alike), strict=True)}
    most = max(said.values(), default=0.0)
    if said.get(picked.guide.id, 0.0) > most - SAID_MARGIN:
        return picked
    return nearest(c for c in alike if said[c.guide.id] == most)


def _telling_pairs(alike: Sequence[Candidate]) -> list[set[str]]:
    """What tells the names apart: the variants' qualifiers ("…(国际组织参观未开放的考古发掘现场审批)"), else the
    pairs not all names share. Pairs across 的 name nothing ("…出的公证书" says no 的公 of "发往台湾地区使用的公证书查询")."""

    def pairs(text: str) -> set[str]:
        return {p for p in name_bigrams(text) if "的" not in p}

    bases = {QUALIFIER_RE.sub("", c.guide.name) for c in alike}
    qualifiers = ["".join(QUALIFIER_RE.findall(c.guide.name)) for c in alike]
    if len(bases) == 1 and all(qualifiers):
        return [pairs(q) for q in qualifiers]
    named = [pairs(c.guide.name) for c in alike]
    common = set.intersection(*named) if named else set()
    return [p - common for p in named]
