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
    w_word: float = 0.5  # jieba-word BM25
    w_char: float = 0.5  # character-bigram BM25 (terse / out-of-vocabulary aliases)
    w_name: float = 2.0  # single-character BM25 over names (abbreviations: 建工证 -> 建设工程…许可证)
    w_dense: float = 0.5  # embedding cosine
    w_expansion: float = 0.5  # weight of synonym-expansion terms relative to the query's own terms
    w_abbrev: float = 1.5  # in-order character match of the query against the service name
    w_concise: float = 0.0  # share of the name explained by the query (prefers the plain, shorter service)
    w_variant: float = 0.25  # right / wrong service variant (新申请, 延续, 变更, 注销, 补办 ...)
    # bonus for the preferred one among candidates that are variants of one service (same name before the
    # bracket): the one whose distinctive part shares most query characters, else the plain / default one
    # (chosen on a random half of the dev aliases; a swap inside the group only, without the bonus, was
    # worse: R@1 0.589)
    w_sibling: float = 0.3
    dense_lo: float = 0.2  # cosine mapped to [0, 1] between these
    dense_hi: float = 0.75
    rerank_depth: int = 40  # candidates by fused score ...
    per_signal_depth: int = 15  # ... plus the best of each signal alone
    chunks_per_hit: int = 3
    # confidence = sigmoid((evidence - center) / scale), calibrated on tests/retrieval/data/calibration.jsonl
    # (36 colloquial in-scope + 35 out-of-scope questions) plus 80 synthetic name fragments: evidence p5 of
    # in-scope 0.60, p95 of out-of-scope 0.49; the center is their midpoint (see docs/BENCHMARKS.md).
    conf_center: float = 0.54
    conf_scale: float = 0.03
    conf_threshold: float = 0.5

    def field_weight(self, kind: str, fld: str) -> float:
        if kind == "guide":
            return self.guide_fields.get(fld, 0.4)
        if fld in self.policy_fields:
            return self.policy_fields[fld]
        return self.policy_fields["article"]


# Raw per-chunk scores for one query ("bm25", "char", "name", "dense"), aligned with the chunk order.
Signals = dict[str, np.ndarray]
SPARSE = ("bm25", "char", "name")


@dataclass
class DocRanking:
    order: np.ndarray  # doc indices, best first
    score: np.ndarray  # final score per doc index (only meaningful for ranked docs)
    chunk_score: np.ndarray  # fused per-chunk score (for picking the chunks to show)
    parts: dict[str, np.ndarray]  # normalized per-chunk signals


def weights(cfg: SearchConfig) -> dict[str, float]:
    return {"bm25": cfg.w_word, "char": cfg.w_char, "name": cfg.w_name, "dense": cfg.w_dense}


def normalized(sig: Signals, cfg: SearchConfig, mask: np.ndarray | None) -> dict[str, np.ndarray]:
    """Sparse scores divided by the query's best (over the allowed chunks); cosine clip-scaled."""
    if mask is not None:
        sig = {k: np.where(mask, v, 0.0).astype(np.float32) for k, v in sig.items()}
    parts = {k: max_norm(sig[k]) for k in SPARSE if k in sig}
    if "dense" in sig:
        parts["dense"] = clip_scale(sig["dense"], cfg.dense_lo, cfg.dense_hi)
        if mask is not None:
            parts["dense"] = np.where(mask, parts["dense"], 0.0).astype(np.float32)
    return parts


def _top(x: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(x))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-x, k - 1)[:k]
    return idx[x[idx] > 0]


def rank_documents(
    sig: Signals,
    field_w: np.ndarray,
    doc_of: np.ndarray,
    n_docs: int,
    cfg: SearchConfig,
    mask: np.ndarray | None = None,
    extra: np.ndarray | None = None,
) -> DocRanking:
    """Field-weighted max of each signal per document and their weighted sum (before rerank features).

    Candidates for the rerank: the best `rerank_depth` documents by the fused score plus the best
    `per_signal_depth` by each signal alone (so that, e.g., an abbreviation found only by the name
    signal still reaches the abbreviation feature), plus `extra` candidates from elsewhere."""
    parts = normalized(sig, cfg, mask)
    ws = {k: w for k, w in weights(cfg).items() if k in parts and w}
    doc = np.zeros(n_docs, dtype=np.float32)
    chunk = np.zeros(len(doc_of), dtype=np.float32)
    pools = []
    for k, w in ws.items():
        per_doc = group_max(field_w * parts[k], doc_of, n_docs)
        doc += w * per_doc
        chunk += w * field_w * parts[k]
        pools.append(_top(per_doc, cfg.per_signal_depth))
    if mask is not None:
        doc_ok = group_max(mask.astype(np.float32), doc_of, n_docs) > 0
        doc = np.where(doc_ok, doc, -1.0).astype(np.float32)
    if extra is not None:
        pools.append(np.asarray(extra, dtype=np.int64))
    cand = np.unique(np.concatenate([_top(doc + 1e-6, cfg.rerank_depth), *pools]))
    cand = cand[doc[cand] >= 0]
    order = cand[np.argsort(-doc[cand], kind="stable")]
    return DocRanking(order=order, score=doc, chunk_score=chunk, parts=parts)


def rerank(
    ranking: DocRanking, features: dict[str, np.ndarray], cfg: SearchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Add weighted name-level features of the candidates (arrays aligned with ranking.order);
    returns (order, scores), best first. Feature names map to config weights `w_<name>`."""
    final = ranking.score[ranking.order].astype(np.float32)
    for name, values in features.items():
        final = final + getattr(cfg, f"w_{name}") * values
    idx = np.argsort(-final, kind="stable")
    return ranking.order[idx], final[idx]


def max_score(cfg: SearchConfig) -> float:
    """The fused score of a document that is best on every signal and matches the name fully."""
    return cfg.w_word + cfg.w_char + cfg.w_name + cfg.w_dense + cfg.w_abbrev


def evidence(top_dense: float, coverage: float, score: float, cfg: SearchConfig) -> float:
    """Evidence in [0, ~1] that the best document answers the query: the mean of its raw best cosine,
    the share of the query's characters found in it, and its fused score relative to `max_score`
    (signals agree on one document for answerable queries; they scatter for out-of-scope ones)."""
    return (max(0.0, top_dense) + coverage + min(1.0, max(0.0, score) / max_score(cfg))) / 3.0


def confidence(ev: float, cfg: SearchConfig) -> float:
    return sigmoid(ev, cfg.conf_center, cfg.conf_scale)
