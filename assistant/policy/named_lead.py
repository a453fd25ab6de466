"""An unconfident search can still single out a guide: it leads the next one clearly and the question says most of
its name. Long, chatty questions ("我老婆系外国人，拎S2签证喺广州陪我住…想延期多阵…") share few of their characters
with any guide, so the search's confidence stays low even when it found the guide they name."""

from __future__ import annotations

import re

from assistant.policy.name_words import name_bigrams, query_bigrams
from retrieval.types import Hit

# the top guide leads the next by this share of its score ...
NAMED_LEAD = 0.15
# ... and the question holds this share of its name's pairs (measured over the dev sets' unconfident results:
# every line meeting both had the right guide first)
NAMED_SHARE = 0.4

_QUALIFIER_RE = re.compile(r"[（(][^）)]*[)）]")


def name_said(question: str, name: str) -> float:
    """The share of the name's character pairs (without its bracketed qualifier) the question holds, its
    colloquial words' formal terms counted."""
    pairs = name_bigrams(_QUALIFIER_RE.sub("", name))
    return len(pairs & query_bigrams(question)) / len(pairs) if pairs else 0.0


def named_lead(question: str, hits: list[Hit], name_of) -> bool:
    """The first guide hit leads clearly and the question says much of its name."""
    if len(hits) < 2 or hits[0].score <= 0:
        return False
    lead = (hits[0].score - hits[1].score) / hits[0].score
    return lead >= NAMED_LEAD and name_said(question, name_of(hits[0])) >= NAMED_SHARE
