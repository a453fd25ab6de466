"""Dense chunk vectors in a persistent Chroma collection (cosine), keyed by chunk id.

Embeddings are always computed by our Embedder and passed explicitly (the collection has no embedding
function). Each record stores a content hash of the embedded text (salted with the embedder name), so a
rebuild or restart re-embeds only new or changed chunks. Search uses an in-memory copy of the vectors
(exact cosine over all chunks, a few ms for tens of thousands); `query()` offers Chroma's own ANN search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.chunking import content_hash
from retrieval.embedders import Embedder

EMBED_BATCH = 256


def collection_name(embedder_name: str) -> str:
    safe = re.sub(r"[^a-zA-Z0-9_-]", "_", embedder_name)[:48].strip("_-") or "emb"
    return f"chunks_{safe}"


class VectorStore:
    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path = path
        self.embedder = embedder
        self._client: Any = None
        self._col: Any = None
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._mat: np.ndarray | None = None
        self.embed_calls = 0  # texts embedded by this store (observability and tests)

    # -- chroma plumbing
    def _collection(self) -> Any:
        if self._col is None:
            import chromadb
            from chromadb.config import Settings

            self.path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
            )
            self._col = self._client.get_or_create_collection(
                name=collection_name(self.embedder.name),
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedder": self.embedder.name},
            )
        return self._col

    def _batch(self) -> int:
        self._collection()
        return max(1, min(5000, int(self._client.get_max_batch_size())))

    def stored_hashes(self) -> dict[str, str]:
        col = self._collection()
        out: dict[str, str] = {}
        total = col.count()
        step = self._batch()
        for off in range(0, total, step):
            got = col.get(include=["metadatas"], limit=step, offset=off)
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                out[cid] = str((meta or {}).get("hash", ""))
        return out

    # -- writes
    def sync(
        self,
        texts: Mapping[str, str],
        metadata: Mapping[str, Mapping[str, str]],
        delete_missing: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Make the collection hold exactly `texts` (chunk id -> index text). Returns the number embedded."""
        stored = self.stored_hashes()
        hashes = {cid: content_hash(t, self.embedder.name) for cid, t in texts.items()}
        todo = [cid for cid, h in hashes.items() if stored.get(cid) != h]
        if delete_missing:
            self.delete([cid for cid in stored if cid not in texts])
        self._write(todo, texts, metadata, hashes, progress)
        return len(todo)

    def upsert(self, texts: Mapping[str, str], metadata: Mapping[str, Mapping[str, str]]) -> int:
        """Add or replace these chunks; unchanged ones (same hash) are skipped."""
        stored = self._hashes_of(list(texts))
        hashes = {cid: content_hash(t, self.embedder.name) for cid, t in texts.items()}
        todo = [cid for cid, h in hashes.items() if stored.get(cid) != h]
        self._write(todo, texts, metadata, hashes, None)
        return len(todo)

    def _hashes_of(self, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        got = self._collection().get(ids=ids, include=["metadatas"])
        return {
            c: str((m or {}).get("hash", ""))
            for c, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        }

    def _write(
        self,
        todo: Sequence[str],
        texts: Mapping[str, str],
        metadata: Mapping[str, Mapping[str, str]],
        hashes: Mapping[str, str],
        progress: Callable[[int], None] | None,
    ) -> None:
        col = self._collection()
        todo = sorted(todo, key=lambda c: len(texts[c]))  # similar lengths per batch: far less padding
        for off in range(0, len(todo), EMBED_BATCH):
            ids = list(todo[off : off + EMBED_BATCH])
            vecs = self.embedder.embed_documents([texts[c] for c in ids])
            self.embed_calls += len(ids)
            metas = [{**{k: str(v) for k, v in metadata.get(c, {}).items()}, "hash": hashes[c]} for c in ids]
            col.upsert(ids=ids, embeddings=np.asarray(vecs, dtype=np.float32), metadatas=metas)
            if self._mat is not None:
                self._mirror(ids, np.asarray(vecs, dtype=np.float32))
            if progress:
                progress(len(ids))

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        col = self._collection()
        step = self._batch()
        for off in range(0, len(ids), step):
            col.delete(ids=ids[off : off + step])
        if self._mat is not None:
            gone = set(ids)
            keep = [i for i, c in enumerate(self._ids) if c not in gone]
            self._ids = [self._ids[i] for i in keep]
            self._mat = self._mat[keep]
            self._row = {c: i for i, c in enumerate(self._ids)}

    # -- reads
    def _mirror(self, ids: list[str], vecs: np.ndarray) -> None:
        assert self._mat is not None
        new_rows = []
        for cid, v in zip(ids, vecs, strict=True):
            if cid in self._row:
                self._mat[self._row[cid]] = v
            else:
                self._row[cid] = len(self._ids) + len(new_rows)
                new_rows.append((cid, v))
        if new_rows:
            self._ids += [c for c, _ in new_rows]
            self._mat = np.vstack([self._mat, np.vstack([v for _, v in new_rows])])

    def load_matrix(self) -> None:
        """Read all vectors from Chroma into memory (done once; later writes are mirrored)."""
        col = self._collection()
        ids: list[str] = []
        vecs: list[np.ndarray] = []
        step = self._batch()
        for off in range(0, col.count(), step):
            got = col.get(include=["embeddings"], limit=step, offset=off)
            ids += got["ids"]
            vecs.append(np.asarray(got["embeddings"], dtype=np.float32))
        self._ids = ids
        self._row = {c: i for i, c in enumerate(ids)}
        dim = vecs[0].shape[1] if vecs else 0
        self._mat = np.vstack(vecs) if vecs else np.zeros((0, dim), dtype=np.float32)

    def rows_for(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """Matrix rows of these chunks (-1 where missing); valid until the next write or delete."""
        if self._mat is None:
            self.load_matrix()
        return np.array([self._row.get(c, -1) for c in chunk_ids], dtype=np.int64)

    def similarities_rows(self, query_vec: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of the query to the given rows (0 where the row is -1)."""
        if self._mat is None:
            self.load_matrix()
        assert self._mat is not None
        out = np.zeros(len(rows), dtype=np.float32)
        ok = rows >= 0
        if ok.any() and self._mat.shape[0]:
            sims = self._mat @ np.asarray(query_vec, dtype=np.float32)
            out[ok] = sims[rows[ok]]
        return out

    def similarities(self, query_vec: np.ndarray, chunk_ids: Sequence[str]) -> np.ndarray:
        """Exact cosine of the query to each given chunk (0 for chunks without a vector)."""
        return self.similarities_rows(query_vec, self.rows_for(chunk_ids))

    def query(
        self, query_vec: np.ndarray, k: int = 20, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Chroma ANN search: (chunk id, cosine similarity), best first."""
        col = self._collection()
        n = min(k, col.count())
        if n == 0:
            return []
        res = col.query(
            query_embeddings=[np.asarray(query_vec, dtype=np.float32)],
            n_results=n,
            where=where,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def drop_all(self) -> None:
        """Delete every collection in this Chroma folder (vectors of all embedders)."""
        self._collection()
        for col in self._client.list_collections():
            self._client.delete_collection(getattr(col, "name", col))
        self._col = None
        self._ids, self._row, self._mat = [], {}, None

    def count(self) -> int:
        return int(self._collection().count())
