"""Summary statistics shared by the benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentile(values: Sequence[float], q: float, *, method: str = "linear") -> float:
    """The q-th percentile (0-100; numpy's `method`: "linear" interpolates, "nearest" is an observed value);
    0.0 for no values."""
    return float(np.percentile(values, q, method=method)) if len(values) else 0.0
