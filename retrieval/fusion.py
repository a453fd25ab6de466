"""Score normalization and fusion (pure numpy functions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def max_norm(x: np.ndarray) -> np.ndarray:
    """Divide by the maximum (scores >= 0); all-zero input stays zero."""
    x = np.asarray(x, dtype=np.float32)
    m = float(x.max()) if x.size else 0.0
    return x / m if m > 0 else np.zeros_like(x)


def minmax(x: np.ndarray) -> np.ndarray:
    """Map to [0, 1]; a constant input maps to zeros."""
    x = np.asarray(x, dtype=np.float32)
    if not x.size:
        return x
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def clip_scale(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Linear map of [lo, hi] to [0, 1], clipped: for scores with a fixed scale such as cosine."""
    return np.clip((np.asarray(x, dtype=np.float32) - lo) / (hi - lo), 0.0, 1.0)


def weighted_sum(signals: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Σ weight_s * signal_s over the signals that have a weight (same-length arrays)."""
    out: np.ndarray | None = None
    for name, w in weights.items():
        if name in signals and w:
            term = w * np.asarray(signals[name], dtype=np.float32)
            out = term if out is None else out + term
    if out is None:
        n = len(next(iter(signals.values()))) if signals else 0
        return np.zeros(n, dtype=np.float32)
    return out


def rrf(
    rankings: Sequence[Sequence[str]], k: float = 60.0, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Reciprocal rank fusion: Σ w / (k + rank), rank starting at 1."""
    out: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[i]
        for rank, key in enumerate(ranking, start=1):
            out[key] = out.get(key, 0.0) + w / (k + rank)
    return out


def group_max(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group maximum of `values` (groups are ints in [0, n_groups)); empty groups get 0."""
    out = np.zeros(n_groups, dtype=np.float32)
    if len(values):
        np.maximum.at(out, groups, np.maximum(np.asarray(values, dtype=np.float32), 0.0))
    return out


def sigmoid(x: float, center: float, scale: float) -> float:
    """Logistic calibration: 0.5 at `center`, steeper for smaller `scale`."""
    return float(1.0 / (1.0 + np.exp(-(x - center) / scale)))
