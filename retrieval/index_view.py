"""In-memory view of the indexed chunks: order, chunk -> document mapping, filters and name features."""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from retrieval.ranking import (
    abbreviation_score,
    alnum,
    lcs_len,
    match_masks,
    sibling_preference,
    split_variant,
    variant_classes,
    variant_score,
)
from retrieval.scoring import SearchConfig
from retrieval.tokenize import char_ngrams, normalize
from retrieval.types import Chunk, DocKind

# Name features are pure functions of a name; re-indexing one guide rebuilds the view, and recomputing them
# for every document was most of that time. Cached by the name string (bounded).
_variant_classes = functools.lru_cache(maxsize=1 << 16)(variant_classes)
_alnum = functools.lru_cache(maxsize=1 << 16)(alnum)
_split_variant = functools.lru_cache(maxsize=1 << 16)(split_variant)

FILTER_KEYS = ("region", "department", "audience", "type", "level", "kind", "field", "doc_id")


class IndexView:
    def __init__(self) -> None:
        self.reset([])

    def reset(self, chunks: Sequence[Chunk]) -> None:
        self._field_rows: dict[str, np.ndarray] = {}
        self.chunks: list[Chunk] = list(chunks)
        self.ids: list[str] = [c.id for c in self.chunks]
        self.doc_ids: list[str] = list(dict.fromkeys(c.doc_id for c in self.chunks))
        self.n_docs = len(self.doc_ids)
        pos = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_of = np.array([pos[c.doc_id] for c in self.chunks], dtype=np.int64)
        rows: list[list[int]] = [[] for _ in self.doc_ids]
        for i, c in enumerate(self.chunks):
            rows[pos[c.doc_id]].append(i)
        self._doc_rows = [np.array(r, dtype=np.int64) for r in rows]
        self._doc_pos = pos
        self._names: list[str] = []
        for r in self._doc_rows:
            first = self.chunks[int(r[0])]
            name_chunk = next(
                (self.chunks[int(i)] for i in r if self.chunks[int(i)].field in {"name", "title"}), first
            )
            self._names.append(name_chunk.text if name_chunk.field == "name" else first.title)
        self._variants = [_variant_classes(n) for n in self._names]
        # the bare document name (guide name / policy title), alphanumerics only, for character matching
        self._bare = [_alnum(self.chunks[int(r[0])].title) for r in self._doc_rows]
        # (base name, distinctive part) of each name, for choosing among sibling variants
        self._split = [_split_variant(self.chunks[int(r[0])].title) for r in self._doc_rows]
        df: dict[str, int] = {}
        for b in self._bare:
            for ch in set(b):
                df[ch] = df.get(ch, 0) + 1
        self._char_idf = {ch: math.log((self.n_docs + 1) / (n + 0.5)) for ch, n in df.items()}
        self._masks: dict[int, dict[str, int]] = {}
        self._blob: tuple[str, list[int]] | None = None
        self._meta: dict[str, np.ndarray] = {}
        self.field_w = np.zeros(len(self.chunks), dtype=np.float32)
        self.dense_rows = np.full(len(self.chunks), -1, dtype=np.int64)
        self._pos: dict[str, np.ndarray] = {}

    def replace_doc(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
        kept = [c for c in self.chunks if c.doc_id != doc_id]
        self.reset(kept + list(chunks))

    # ---------------------------------------------------------------- lookups
    def rows_of_field(self, field: str) -> np.ndarray:
        """Chunk rows of one field ("faq" ...), cached until the chunks change."""
        if field not in self._field_rows:
            # "article": the numbered articles of laws (第X条), whatever their number
            rows = [
                i
                for i, c in enumerate(self.chunks)
                if c.field == field
                or (field == "article" and c.kind.value == "policy" and c.field.startswith("第"))
            ]
            self._field_rows[field] = np.array(rows, dtype=np.int64)
        return self._field_rows[field]

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        d = self._doc_pos.get(doc_id)
        return [] if d is None else [self.ids[int(i)] for i in self._doc_rows[d]]

    def chunks_of_doc(self, d: int) -> np.ndarray:
        return self._doc_rows[d]

    # ---------------------------------------------------------------- alignment with the indexes
    def set_rows(self, key: str, index_ids: Sequence[str]) -> None:
        """Remember where each chunk sits in an index that covers all or some chunks."""
        pos = {c: i for i, c in enumerate(index_ids)}
        self._pos[key] = np.array([pos.get(c, -1) for c in self.ids], dtype=np.int64)

    def align(self, key: str, scores: np.ndarray) -> np.ndarray:
        """Scores of an index, re-ordered to chunk order (0 for chunks the index does not cover)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        pos = self._pos[key]
        ok = pos >= 0
        if len(scores):
            out[ok] = scores[pos[ok]]
        return out

    def set_field_weights(self, cfg: SearchConfig) -> None:
        weight: dict[tuple[str, str], float] = {}  # a handful of (kind, field) pairs for all chunks
        self.field_w = np.array(
            [
                weight.get(key) or weight.setdefault(key, cfg.field_weight(*key))
                for key in ((c.kind.value, c.field) for c in self.chunks)
            ],
            dtype=np.float32,
        )

    # ---------------------------------------------------------------- filters
    def _column(self, key: str) -> np.ndarray:
        if key not in self._meta:
            if key == "doc_id":
                vals = [c.doc_id for c in self.chunks]
            elif key == "kind":
                vals = [c.kind.value for c in self.chunks]
            elif key == "field":
                vals = [c.field for c in self.chunks]
            else:
                vals = [c.metadata.get(key, "") for c in self.chunks]
            self._meta[key] = np.array(vals, dtype=object)
        return self._meta[key]

    def mask(self, filters: dict[str, Any] | None, kinds: Iterable[str] | None) -> np.ndarray | None:
        """Chunks passing every filter (value or list of values; audience matches one of its entries)."""
        conds = dict(filters or {})
        if kinds is not None:
            conds["kind"] = [k.value if isinstance(k, DocKind) else str(k) for k in kinds]
        if not conds:
            return None
        m = np.ones(len(self.chunks), dtype=bool)
        for key, want in conds.items():
            if key not in FILTER_KEYS:
                raise ValueError(f"unknown filter {key!r}; use one of {', '.join(FILTER_KEYS)}")
            wanted = {str(w) for w in (want if isinstance(want, list | tuple | set | frozenset) else [want])}
            col = self._column(key)
            if key == "audience":
                m &= np.array([bool(wanted & set(str(v).split("、"))) for v in col], dtype=bool)
            else:
                m &= np.isin(col, list(wanted))
        return m

    # ---------------------------------------------------------------- name-level features
    def name(self, d: int) -> str:
        return self._names[d]

    def abbreviation(self, core: str, d: int) -> float:
        return self.name_match(core, d)[0]

    def name_match(self, core: str, d: int) -> tuple[float, float]:
        """(share of the query found in order in the name, share of the name that this match explains)."""
        if d not in self._masks:
            self._masks[d] = match_masks(self._bare[d])
        q = alnum(core)
        if not q or not self._bare[d]:
            return 0.0, 0.0
        n = lcs_len(q, self._bare[d], self._masks[d])
        return n / len(q), n / len(self._bare[d])

    def variant(self, query_classes: frozenset[str], d: int) -> float:
        return variant_score(query_classes, self._variants[d])

    def sibling(self, core: str, docs: Sequence[int]) -> np.ndarray:
        """Per candidate document: 1.0 when it is the preferred one among the candidates that are variants
        of the same service (see ranking.sibling_preference; query characters weighted by their IDF over
        the names), else 0.0."""
        cands = [self._split[int(d)] for d in docs]
        return np.array(sibling_preference(core, cands, self._char_idf), dtype=np.float32)

    def subsequence_docs(self, core: str, limit: int = 60) -> np.ndarray:
        """Documents whose name contains every character of `core` in order (abbreviation candidates)."""
        q = alnum(core)
        if not 2 <= len(q) <= 10:
            return np.zeros(0, dtype=np.int64)
        if self._blob is None:
            starts = np.cumsum([0] + [len(n) + 1 for n in self._bare[:-1]]).tolist()
            self._blob = ("\n".join(self._bare), starts)
        blob, starts = self._blob
        pat = re.compile("[^\n]*?".join(map(re.escape, q)))
        found: list[int] = []
        for m in pat.finditer(blob):
            found.append(bisect.bisect_right(starts, m.start()) - 1)
            if len(found) >= limit:
                break
        return np.array(found, dtype=np.int64)

    def coverage(self, core: str, d: int) -> float:
        """Share of the query's character bigrams (characters for one-character queries) found in the
        document's name or its text; in-order abbreviation matches of the name count too."""
        q = normalize(core)
        grams = char_ngrams(q) if len(q) > 1 else list(q)
        if not grams:
            return 0.0
        text = self._names[d] + " " + " ".join(self.chunks[int(i)].text for i in self._doc_rows[d][:8])
        cov = sum(g in text for g in grams) / len(grams)
        return max(cov, 0.8 * abbreviation_score(q, self._names[d]))
