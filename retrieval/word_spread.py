"""How widely a word is spread over the guides that carry official FAQ pairs: the share of them whose name and
pairs use it. A word most such guides use ("申请", "时间", "一件事") says nothing about which matter a pair is
about; one few of them use ("宅基地", "体育", "武陵源") does (pure counting, rebuilt when the index changes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from retrieval.passages import content_bigrams
from retrieval.types import Chunk


@dataclass(frozen=True)
class WordSpread:
    guides: int  # guides with FAQ pairs
    df: Counter[str]  # bigram -> how many of them use it

    def share(self, word: str) -> float:
        return self.df.get(word, 0) / self.guides if self.guides else 0.0


def word_spread(chunks: Iterable[Chunk]) -> WordSpread:
    """Over the FAQ chunks of the index: each guide's name and pairs as one text."""
    words: dict[str, set[str]] = {}
    for c in chunks:
        if c.field == "faq":
            seen = words.setdefault(c.doc_id, content_bigrams(c.title))
            seen |= content_bigrams(c.text)
    return WordSpread(len(words), Counter(w for ws in words.values() for w in ws))


class LiveWordSpread:
    """The spread of the live index, recounted when its version changes."""

    def __init__(self, version: Callable[[], Hashable], chunks: Callable[[], Sequence[Chunk]]) -> None:
        self._version, self._chunks = version, chunks
        self._built: tuple[Hashable, WordSpread] | None = None

    def get(self) -> WordSpread:
        v = self._version()
        if self._built is None or self._built[0] != v:
            self._built = (v, word_spread(self._chunks()))
        return self._built[1]
