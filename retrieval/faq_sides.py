"""Two more dense views of an FAQ pair: its question alone and its answer alone.

An FAQ chunk is indexed as "问：… 答：…"; a citizen's paraphrase often sits closer to the official question
alone, or to the answer's own words when the official question is generic ("申请助学贷款遇到的问题").
The vectors are computed on first use per chunk text and kept in memory (the KB holds few FAQ pairs).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from retrieval.embedders import Embedder
from retrieval.types import ChunkHit

_ANSWER_MARK = " 答："


def split_pair(text: str) -> tuple[str, str]:
    """("问：Q 答：A") -> (Q, A); a text without the marks is both sides."""
    q, sep, a = text.partition(_ANSWER_MARK)
    q = q.removeprefix("问：").strip()
    return (q, a.strip()) if sep else (text, text)


class FaqSides:
    def __init__(self, embedder: Embedder, max_items: int = 20_000) -> None:
        self.embedder = embedder
        self.max_items = max_items
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # chunk text -> (question, answer) vectors
        self._lock = threading.Lock()

    def _vectors(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
            if missing:
                sides = [s for t in missing for s in split_pair(t)]
                vecs = np.asarray(self.embedder.embed_documents(sides), dtype=np.float32)
                if len(self._cache) + len(missing) > self.max_items:
                    self._cache.clear()
                for i, t in enumerate(missing):
                    self._cache[t] = (vecs[2 * i], vecs[2 * i + 1])
            return [self._cache[t] for t in texts]

    def score(self, query_vector: np.ndarray, hits: Sequence[ChunkHit]) -> list[ChunkHit]:
        """The hits with `dense_q` / `dense_a`: cosine of the query's embedding (the one retrieval computed)
        with the pair's question alone / answer alone."""
        if not hits:
            return []
        qv = np.asarray(query_vector, dtype=np.float32)
        out = []
        for h, (vq, va) in zip(hits, self._vectors([h.chunk.text for h in hits]), strict=True):
            scores = {**h.scores, "dense_q": float(vq @ qv), "dense_a": float(va @ qv)}
            out.append(ChunkHit(chunk=h.chunk, score=h.score, scores=scores))
        return out
