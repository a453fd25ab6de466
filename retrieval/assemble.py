"""A SearchResult from a query's signals over the index view: fusion, name-level rerank, confidence, and the
scored chunks each hit carries (pure: the view, tokenizer and configuration are passed in by the retriever)."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.index_view import IndexView
from retrieval.ranking import variant_classes
from retrieval.scoring import SearchConfig, Signals, confidence, evidence, rank_documents, rerank
from retrieval.tokenize import Tokenizer, normalize
from retrieval.types import ChunkHit, Hit, SearchResult


def assemble(
    view: IndexView,
    tok: Tokenizer,
    cfg: SearchConfig,
    query: str,
    sig: Signals,
    exp: list[str],
    top_k: int = 5,
    mask: np.ndarray | None = None,
    chunks_per_hit: int | None = None,
    faq_top: int = 0,
    article_top: int = 0,
) -> SearchResult:
    """Documents from precomputed signals: fusion, name-level rerank, confidence."""
    core = tok.strip_stopwords(query) or normalize(query)
    abbrev_docs = view.subsequence_docs(core)
    ranking = rank_documents(sig, view.field_w, view.doc_of, view.n_docs, cfg, mask, abbrev_docs)
    qv = variant_classes(" ".join([query, *exp]))
    name_feats = np.array([view.name_match(core, int(d)) for d in ranking.order], dtype=np.float32)
    features = {
        "abbrev": name_feats[:, 0] if len(name_feats) else name_feats,
        "concise": name_feats[:, 1] if len(name_feats) else name_feats,
        "variant": np.array([view.variant(qv, int(d)) for d in ranking.order], dtype=np.float32),
        "sibling": view.sibling(core, ranking.order),
    }
    order, final = rerank(ranking, features, cfg)
    per_hit = chunks_per_hit or cfg.chunks_per_hit
    hits = [
        doc_hit(view, ranking, int(d), float(s), per_hit)
        for d, s in zip(order[:top_k], final[:top_k], strict=False)
    ]
    conf = 0.0
    if len(order):
        d0 = int(order[0])
        top_dense = float(sig["dense"][view.chunks_of_doc(d0)].max())
        conf = confidence(evidence(top_dense, view.coverage(core, d0), float(final[0]), cfg), cfg)
    return SearchResult(
        query=query,
        hits=hits,
        confident=bool(hits) and conf >= cfg.conf_threshold,
        confidence=round(conf, 4),
        passages=top_field_chunks(view, ranking, "faq", faq_top) if faq_top else [],
        articles=top_field_chunks(view, ranking, "article", article_top) if article_top else [],
    )


def _chunk_hit(view: IndexView, ranking: Any, r: int) -> ChunkHit:
    return ChunkHit(
        chunk=view.chunks[int(r)],
        score=float(ranking.chunk_score[r]),
        scores={k: float(v[r]) for k, v in ranking.parts.items()},
    )


def top_field_chunks(view: IndexView, ranking: Any, field: str, n: int) -> list[ChunkHit]:
    """The best `n` chunks of one field (FAQ pairs, law articles) across the whole index."""
    rows = view.rows_of_field(field)
    if not len(rows):
        return []
    best = rows[np.argsort(-ranking.chunk_score[rows], kind="stable")][:n]
    return [_chunk_hit(view, ranking, r) for r in best if ranking.chunk_score[r] > 0]


def doc_hit(view: IndexView, ranking: Any, d: int, score: float, per_hit: int) -> Hit:
    """Document `d` as a hit carrying its best `per_hit` scored chunks."""
    rows = view.chunks_of_doc(d)
    best = rows[np.argsort(-ranking.chunk_score[rows], kind="stable")][:per_hit]
    c0 = view.chunks[int(rows[0])]
    chunk_hits = [_chunk_hit(view, ranking, r) for r in best]
    return Hit(doc_id=c0.doc_id, kind=c0.kind, title=c0.title, score=score, chunks=chunk_hits)
