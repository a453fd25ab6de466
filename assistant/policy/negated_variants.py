"""Variants a question rules out by negation: of "…带方案出让…" and "…不带方案出让…", "拿了块带设计方案出让的地" means
the first and "冇带方案" the second; "不算中小型那种" is no 中小型 variant. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.nlu.text import compact

_NEGATIONS = "不非未无"
# how a question says "not" just before a word
_SAID_NOT_RE = re.compile(r"(?:不|没有?|冇|唔|未|非|无)$")
# "not one of those": the kind of thing named after it is not the person's (an A-not-A question is no "not":
# "想查下某间盐厂系唔系定点生产食盐嘅企业")
_NOT_KIND_RE = re.compile(
    r"(?:(?<!算)不算|(?<!是)不是|(?<!系)唔系|(?<!算)唔算|并非|(?<!属于)不属于|(?<!属于)唔属于)([\u4e00-\u9fff]{2,4})"
)


def _negated_at(plain: str, negated: str) -> int | None:
    """Where `negated` is `plain` with one negation character inserted, else None."""
    if len(negated) != len(plain) + 1:
        return None
    i = next((k for k in range(len(plain)) if plain[k] != negated[k]), len(plain))
    return i if negated[i] in _NEGATIONS and negated[:i] + negated[i + 1 :] == plain else None


def ruled_out(query: str, names: Sequence[str]) -> set[int]:
    """Indices of the names the question rules out: one of a plain / negated pair by how it says the word
    after the negation (a word or two may come between: "带设计方案" says 带方案), and a name holding a kind the
    question says it is not."""
    q = compact(query)
    out: set[int] = set()
    for ia, a in enumerate(names):
        for ib, b in enumerate(names):
            i = _negated_at(a, b)
            if i is None or i + 2 > len(a):
                continue
            said = list(re.finditer(re.escape(a[i]) + r"[\u4e00-\u9fff]{0,2}?" + re.escape(a[i + 1]), q))
            negated = [m for m in said if _SAID_NOT_RE.search(q[: m.start()])]
            if said and len(negated) == len(said):
                out.add(ia)
            elif said and not negated:
                out.add(ib)
    for m in _NOT_KIND_RE.finditer(q):
        said = m.group(1)
        for n in range(len(said), 1, -1):
            holders = {k for k, name in enumerate(names) if said[:n] in name}
            if holders:
                if len(holders) < len(names):
                    out |= holders
                break
    return out
