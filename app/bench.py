"""`govassist eval reindex`: how long re-indexing one published guide takes in a running server's retriever.

Loads the index as a server does (snapshot + shared vectors), then for N published guides spread over the
knowledge base: edits one field (as an editor's change would), re-indexes the guide in memory and times it;
then restores the original (not timed). Nothing is written to the store; the shared vector table gets the
edited chunks' vectors and then the originals back, so run it on a copy, not against live servers.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from app.settings import Settings


def _bm25s_rebuild(self: Any) -> None:
    """The previous rebuild (bm25s indexes every chunk again), for the baseline of the same run."""
    import bm25s

    self.ids = list(self._tokens)
    corpus = [self._tokens[c] or ["\x00"] for c in self.ids]
    model = bm25s.BM25(k1=self.k1, b=self.b)
    model.index(corpus, show_progress=False)
    self._bm25, self._dirty = model, False


def reindex_benchmark(settings: Settings, n: int = 20, baseline: bool = True) -> dict[str, Any]:
    """Wall and CPU time to re-index one guide; with `baseline`, the same guides with bm25s's full rebuild."""
    from app.pipeline import open_retriever, open_store
    from retrieval.bm25 import BM25Index

    retriever = open_retriever(settings)
    retriever.warm_up()
    for idx in retriever.sparse.values():  # what the server's index-sync thread does after a start
        idx.prepare_counts()
    with open_store(settings) as store:
        guides = list(store.iter_published_guides())
    if not guides:
        raise ValueError("没有已发布的办事指南，请先运行 govassist ingest")
    step = max(1, len(guides) // n)
    sample = guides[::step][:n]
    report: dict[str, Any] = {
        "guides": len(sample),
        "documents": retriever.view.n_docs,
        "chunks": len(retriever.view.chunks),
    }
    modes = [("vectorised", None)] + ([("bm25s_rebuild", _bm25s_rebuild)] if baseline else [])
    for name, rebuild in modes:
        original = BM25Index._reindex
        if rebuild is not None:
            BM25Index._reindex = rebuild  # type: ignore[method-assign]
        try:
            report[name] = _time_upserts(retriever, sample)
        finally:
            BM25Index._reindex = original  # type: ignore[method-assign]
    return report


def _time_upserts(retriever: Any, sample: list[Any]) -> dict[str, Any]:
    wall: list[float] = []
    cpu: list[float] = []
    embedded = 0
    for g in sample:
        edited = g.model_copy(update={"conditions": (g.conditions or "") + "（内容已复核）"})
        t0, c0 = time.perf_counter(), time.process_time()
        embedded += retriever.upsert_guide(edited, persist=False)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        retriever.upsert_guide(g, persist=False)  # restore
    return {
        "chunks_embedded": embedded,
        "wall_ms_median": _ms(statistics.median(wall)),
        "wall_ms_p95": _ms(_p95(wall)),
        "cpu_ms_median": _ms(statistics.median(cpu)),
    }


def _p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(0.95 * len(s)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
