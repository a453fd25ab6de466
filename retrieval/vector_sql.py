"""Dense chunk vectors stored in the SQL database, so every worker and host shares them: a chunk is embedded
once, by whichever process indexes it first; the others read its vector.

Same interface as `retrieval.vector.VectorStore` (search runs on the in-memory matrix either way); the table
is keyed by (embedder name, chunk id) and carries the content hash of the embedded text, so a rebuild or a
restart re-embeds only new or changed chunks. An existing Chroma folder is imported once when the table holds
no vectors of this embedder yet (upgrading a deployment costs no re-embedding).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, LargeBinary, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.engine import WRITE_OPTION
from knowledge.sqlbase import Base
from retrieval.chunking import content_hash
from retrieval.embedders import Embedder
from retrieval.vector import EMBED_BATCH, VectorStore

log = logging.getLogger("govassist.vectors")

_IN = 500  # ids per IN (...) list


class ChunkVectorRow(Base):
    __tablename__ = "chunk_vectors"

    embedder: Mapped[str] = mapped_column(String(64), primary_key=True)
    chunk_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian


def _groups(ids: Sequence[str], n: int = _IN) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), n):
        yield ids[i : i + n]


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


class SqlVectorStore(VectorStore):
    def __init__(self, engine: Engine, embedder: Embedder, chroma_path: Path | None = None) -> None:
        super().__init__(chroma_path or Path("."), embedder)
        self._chroma_path = chroma_path
        self._name = embedder.name[:64]
        self._read = sessionmaker(engine)
        self._write_tx = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}))
        self._imported = False

    # -- storage
    def _where(self, ids: Sequence[str] | None = None) -> list[Any]:
        cond: list[Any] = [ChunkVectorRow.embedder == self._name]
        if ids is not None:
            cond.append(ChunkVectorRow.chunk_id.in_(ids))
        return cond

    def _stored(self, ids: Sequence[str], with_vectors: bool) -> dict[str, tuple[str, bytes | None]]:
        cols = [ChunkVectorRow.chunk_id, ChunkVectorRow.hash]
        if with_vectors:
            cols.append(ChunkVectorRow.vector)
        out: dict[str, tuple[str, bytes | None]] = {}
        with self._read.begin() as s:
            for group in _groups(list(ids)):
                for row in s.execute(select(*cols).where(*self._where(group))):
                    out[row[0]] = (row[1], row[2] if with_vectors else None)
        return out

    def _put(self, s: Session, rows: list[dict[str, Any]]) -> None:
        """Insert or replace: two processes may embed the same new chunk at once."""
        if s.bind is not None and s.bind.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(ChunkVectorRow)
        stmt = stmt.on_conflict_do_update(
            index_elements=["embedder", "chunk_id"],
            set_={"hash": stmt.excluded.hash, "vector": stmt.excluded.vector},
        )
        s.execute(stmt, rows)

    def _maybe_import_chroma(self) -> None:
        """One-time import of the vectors of this embedder from the Chroma folder of an older deployment."""
        if self._imported:
            return
        self._imported = True
        path = self._chroma_path
        if path is None or not (path / "chroma.sqlite3").exists() or self.count() > 0:
            return
        chroma = VectorStore(path, self.embedder)
        col = chroma._collection()
        step = chroma._batch()
        total = col.count()
        for off in range(0, total, step):
            got = col.get(include=["embeddings", "metadatas"], limit=step, offset=off)
            rows = [
                {"embedder": self._name, "chunk_id": cid, "hash": str((meta or {}).get("hash", "")),
                 "vector": np.asarray(vec, dtype="<f4").tobytes()}
                for cid, vec, meta in zip(got["ids"], got["embeddings"], got["metadatas"] or [], strict=False)
            ]  # fmt: skip
            with self._write_tx.begin() as s:
                self._put(s, rows)
        if total:
            log.info("imported %d vectors of %s from %s", total, self.embedder.name, path)

    # -- VectorStore interface
    def stored_hashes(self) -> dict[str, str]:
        self._maybe_import_chroma()
        with self._read.begin() as s:
            rows = s.execute(select(ChunkVectorRow.chunk_id, ChunkVectorRow.hash).where(*self._where()))
            return {cid: h for cid, h in rows}

    def _hashes_of(self, ids: list[str]) -> dict[str, str]:
        return {cid: h for cid, (h, _) in self._stored(ids, with_vectors=False).items()}

    def upsert(self, texts: Mapping[str, str], metadata: Mapping[str, Mapping[str, str]]) -> int:
        """Add or replace these chunks. Chunks another process already embedded (same hash) are not
        embedded again; their stored vectors are copied into this process's matrix."""
        self._maybe_import_chroma()
        hashes = {cid: content_hash(t, self.embedder.name) for cid, t in texts.items()}
        stored = self._stored(list(texts), with_vectors=self._mat is not None)
        todo = [cid for cid, h in hashes.items() if stored.get(cid, ("", None))[0] != h]
        missing = set(todo)
        done = [cid for cid in hashes if cid not in missing]
        if self._mat is not None and done:
            blobs = [stored[cid][1] for cid in done]
            self._mirror(done, np.vstack([_vec(b) for b in blobs if b is not None]))
        self._write(todo, texts, metadata, hashes, None)
        return len(todo)

    def _write(
        self,
        todo: Sequence[str],
        texts: Mapping[str, str],
        metadata: Mapping[str, Mapping[str, str]],
        hashes: Mapping[str, str],
        progress: Callable[[int], None] | None,
    ) -> None:
        todo = sorted(todo, key=lambda c: len(texts[c]))  # similar lengths per batch: far less padding
        for off in range(0, len(todo), EMBED_BATCH):
            ids = list(todo[off : off + EMBED_BATCH])
            vecs = np.asarray(self.embedder.embed_documents([texts[c] for c in ids]), dtype=np.float32)
            self.embed_calls += len(ids)
            rows = [
                {
                    "embedder": self._name,
                    "chunk_id": c,
                    "hash": hashes[c],
                    "vector": v.astype("<f4").tobytes(),
                }
                for c, v in zip(ids, vecs, strict=True)
            ]
            with self._write_tx.begin() as s:
                self._put(s, rows)
            if self._mat is not None:
                self._mirror(ids, vecs)
            if progress:
                progress(len(ids))

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._write_tx.begin() as s:
            for group in _groups(ids):
                s.execute(delete(ChunkVectorRow).where(*self._where(group)))
        self._forget(ids)

    def _forget(self, ids: Iterable[str]) -> None:
        if self._mat is None:
            return
        gone = {c for c in ids if c in self._row}
        if not gone:
            return
        keep = [i for i, c in enumerate(self._ids) if c not in gone]
        self._ids = [self._ids[i] for i in keep]
        self._mat = self._mat[keep]
        self._row = {c: i for i, c in enumerate(self._ids)}

    def _mirror(self, ids: list[str], vecs: np.ndarray) -> None:
        if self._mat is not None and self._mat.shape[0] == 0:  # no dimension known yet
            self._mat = np.zeros((0, vecs.shape[1]), dtype=np.float32)
        super()._mirror(ids, vecs)

    def load_matrix(self) -> None:
        self._maybe_import_chroma()
        ids: list[str] = []
        vecs: list[np.ndarray] = []
        with self._read.begin() as s:
            stmt = select(ChunkVectorRow.chunk_id, ChunkVectorRow.vector).where(*self._where())
            for cid, blob in s.execute(stmt.execution_options(yield_per=2000)):
                ids.append(cid)
                vecs.append(_vec(blob))
        self._ids = ids
        self._row = {c: i for i, c in enumerate(ids)}
        self._mat = np.vstack(vecs) if vecs else np.zeros((0, 0), dtype=np.float32)

    def query(
        self, query_vec: np.ndarray, k: int = 20, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Exact cosine over the in-memory matrix (`where` is not supported here)."""
        if where:
            raise NotImplementedError("metadata filters need the Chroma vector store")
        if self._mat is None:
            self.load_matrix()
        assert self._mat is not None
        if not len(self._ids):
            return []
        sims = self._mat @ np.asarray(query_vec, dtype=np.float32)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(self._ids[int(i)], float(sims[int(i)])) for i in top]

    def drop_all(self) -> None:
        """Delete the stored vectors of every embedder."""
        with self._write_tx.begin() as s:
            s.execute(delete(ChunkVectorRow))
        self._ids, self._row, self._mat = [], {}, None
        self._imported = True  # a rebuild starts from nothing, not from an old Chroma folder

    def count(self) -> int:
        with self._read.begin() as s:
            return int(s.execute(select(func.count()).where(*self._where())).scalar_one())
