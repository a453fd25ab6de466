"""Search-time scoring of a prepared index: per-chunk signals -> document ranking -> confidence.

`SearchConfig` holds every weight; `rank_documents` is a pure function of the signal arrays, so it can be
tuned and tested without an index. Calibration of the confidence is documented in docs/BENCHMARKS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from retrieval.fusion import clip_scale, group_max, max_norm, sigmoid

GUIDE_FIELD_WEIGHTS = {
    "name": 1.0,
    "meta": 0.45,
    "conditions": 0.55,
    "materials": 0.5,
    "location": 0.3,
    "time": 0.2,
    "basis": 0.4,
    "process": 0.45,
    "faq": 0.6,
}
POLICY_FIELD_WEIGHTS = {"title": 0.85, "preamble": 0.5, "article": 0.6}


@dataclass(frozen=True)
class SearchConfig:
    guide_fields: dict[str, float] = field(default_factory=lambda: dict(GUIDE_FIELD_WEIGHTS))
    policy_fields: dict[str, float] = field(default_factory=lambda: dict(POLICY_FIELD_WEIGHTS))
    w_word: float = 1.0  # jieba-word BM25
    w_char: float = 0.6  # character-bigram BM25 (terse / out-of-vocabulary aliases)
    w_dense: float = 0.8  # embedding cosine
    w_expansion: float = 0.5  # weight of synonym-expansion terms relative to the query's own terms
    w_abbrev: float = 0.5  # in-order character match of the query against the service name
    w_variant: float = 0.25  # right / wrong service variant (新申请, 延续, 变更, 注销, 补办 ...)
    dense_lo: float = 0.2  # cosine mapped to [0, 1] between these
    dense_hi: float = 0.75
    rerank_depth: int = 60
    chunks_per_hit: int = 3
    # confidence = sigmoid((evidence - center) / scale); calibrated on in-scope vs out-of-scope questions
    conf_center: float = 0.45
    conf_scale: float = 0.06
    conf_threshold: float = 0.5

    def field_weight(self, kind: str, fld: str) -> float:
        if kind == "guide":
            return self.guide_fields.get(fld, 0.4)
        if fld in self.policy_fields:
            return self.policy_fields[fld]
        return self.policy_fields["article"]


@dataclass
class Signals:
    """Raw per-chunk scores for one query, aligned with the index's chunk order."""

    word: np.ndarray
    char: np.ndarray
    dense: np.ndarray


@dataclass
class DocRanking:
    order: np.ndarray  # doc indices, best first
    score: np.ndarray  # final score per doc index (only meaningful for ranked docs)
    chunk_score: np.ndarray  # fused per-chunk score (for picking the chunks to show)
    parts: dict[str, np.ndarray]  # normalized per-chunk signals


def normalized(sig: Signals, cfg: SearchConfig, mask: np.ndarray | None) -> dict[str, np.ndarray]:
    parts = {
        "bm25": max_norm(sig.word),
        "char": max_norm(sig.char),
        "dense": clip_scale(sig.dense, cfg.dense_lo, cfg.dense_hi),
    }
    if mask is not None:
        parts = {k: np.where(mask, v, 0.0).astype(np.float32) for k, v in parts.items()}
    return parts


def rank_documents(
    sig: Signals,
    field_w: np.ndarray,
    doc_of: np.ndarray,
    n_docs: int,
    cfg: SearchConfig,
    mask: np.ndarray | None = None,
) -> DocRanking:
    """Field-weighted max of each signal per document, then a weighted sum (before rerank features)."""
    if mask is not None:
        sig = Signals(*(np.where(mask, a, 0.0) for a in (sig.word, sig.char, sig.dense)))
    parts = normalized(sig, cfg, mask)
    weights = {"bm25": cfg.w_word, "char": cfg.w_char, "dense": cfg.w_dense}
    doc = np.zeros(n_docs, dtype=np.float32)
    for k, w in weights.items():
        doc += w * group_max(field_w * parts[k], doc_of, n_docs)
    chunk = field_w * sum(w * parts[k] for k, w in weights.items())
    if mask is not None:
        doc_ok = group_max(mask.astype(np.float32), doc_of, n_docs) > 0
        doc = np.where(doc_ok, doc, -1.0)
    depth = min(cfg.rerank_depth, n_docs)
    order = np.argpartition(-doc, depth - 1)[:depth] if depth else np.zeros(0, dtype=np.int64)
    order = order[np.argsort(-doc[order], kind="stable")]
    if mask is not None:
        order = order[doc[order] >= 0]
    return DocRanking(order=order, score=doc, chunk_score=chunk, parts=parts)


def rerank(
    ranking: DocRanking, abbrev: np.ndarray, variant: np.ndarray, cfg: SearchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Add name-level features for the candidates (arrays aligned with ranking.order); returns
    (order, scores) best first."""
    base = ranking.score[ranking.order]
    final = base + cfg.w_abbrev * abbrev + cfg.w_variant * variant
    idx = np.argsort(-final, kind="stable")
    return ranking.order[idx], final[idx]


def evidence(top_dense: float, coverage: float) -> float:
    """Absolute evidence that the best document answers the query, independent of per-query scaling:
    the best raw cosine of its chunks and the share of the query's characters found in its text."""
    return 0.5 * top_dense + 0.5 * coverage


def confidence(ev: float, cfg: SearchConfig) -> float:
    return sigmoid(ev, cfg.conf_center, cfg.conf_scale)
