"""A stand-in for the e5 paraphrase scorer in the answer path's tests: cosines given per text (the real model is
exercised in test_article_reading.py)."""

from __future__ import annotations

import numpy as np


class GivenScorer:
    """e5's cosines given per article opening or name (0.5 for any other text)."""

    def __init__(self, by_text: dict[str, float]) -> None:
        self.by_text = by_text

    def similarities(self, question: str, texts: tuple[str, ...]) -> np.ndarray:
        return np.array([self.by_text.get(t, 0.5) for t in texts])

    def similarity(self, question: str, text: str) -> float:
        return self.by_text.get(text, 0.5)
