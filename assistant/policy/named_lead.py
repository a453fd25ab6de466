"""An unconfident search can still single out a guide: it leads the next one clearly and the question says most of
its name. Long, chatty questions ("我老婆系外国人，拎S2签证喺广州陪我住…想延期多阵…") share few of their characters
with any guide, so the search's confidence stays low even when it found the guide they name."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.policy.evidence import Candidate
from assistant.policy.name_words import name_bigrams, query_bigrams
from retrieval.types import Hit

# the top guide leads the next by this share of its score ...
NAMED_LEAD = 0.15
# ... and the question holds this share of its name's pairs (measured over the dev sets' unconfident results:
# every line meeting both had the right guide first)
NAMED_SHARE = 0.4
RIVALS = 3  # the hits whose names are compared with the first one's
# a guide whose name the question says clearly more of (this share of its pairs) is the one asked among those
# giving the same answer
SAID_MARGIN = 0.1

_QUALIFIER_RE = re.compile(r"[（(][^）)]*[)）]")


def name_said(question: str, name: str) -> float:
    """The share of the name's character pairs (without its bracketed qualifier) the question holds, its
    colloquial words' formal terms counted."""
    pairs = name_bigrams(_QUALIFIER_RE.sub("", name))
    return len(pairs & query_bigrams(question)) / len(pairs) if pairs else 0.0


def named_lead(question: str, hits: list[Hit], name_of: Callable[[Hit], str]) -> bool:
    """The first guide hit leads clearly and the question says much of its name, and no more of another's close
    behind ("…申请兼职律师执业" does not single out 专职律师执业许可 ranked first)."""
    # the same service of several places is one guide here: the lead is over the next other service
    first = name_of(hits[0]) if hits else ""
    rivals = [h for h in hits if name_of(h) != first]
    if not rivals or hits[0].score <= 0:
        return False
    lead = (hits[0].score - rivals[0].score) / hits[0].score
    said = [name_said(question, first), *(name_said(question, name_of(h)) for h in rivals[: RIVALS - 1])]
    return lead >= NAMED_LEAD and said[0] >= NAMED_SHARE and said[0] >= max(said)


def named_most(question: str, alike: Sequence[Candidate], picked: Candidate) -> Candidate:
    """Of close guides giving the same answer, the one whose name the question says clearly more of (by
    SAID_MARGIN) than `picked`'s, the nearest place's first; else `picked`. The reply names its guide."""
    said = {c.guide.id: name_said(question, c.guide.name) for c in alike}
    most = max(said.values(), default=0.0)
    if said.get(picked.guide.id, 0.0) > most - SAID_MARGIN:
        return picked
    return min((c for c in alike if said[c.guide.id] == most), key=lambda c: (c.rank, -c.doc_score))
