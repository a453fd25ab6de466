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


def reindex_benchmark(settings: Settings, n: int = 20) -> dict[str, Any]:
    from app.pipeline import open_retriever, open_store

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
    took: list[float] = []
    embedded = 0
    for g in sample:
        edited = g.model_copy(update={"conditions": (g.conditions or "") + "（内容已复核）"})
        t0 = time.perf_counter()
        embedded += retriever.upsert_guide(edited, persist=False)
        took.append(time.perf_counter() - t0)
        retriever.upsert_guide(g, persist=False)  # restore
    took.sort()
    return {
        "guides": len(sample),
        "documents": retriever.view.n_docs,
        "chunks": len(retriever.view.chunks),
        "chunks_embedded": embedded,
        "reindex_ms_median": round(statistics.median(took) * 1000, 1),
        "reindex_ms_p95": round(took[min(len(took) - 1, int(0.95 * len(took)))] * 1000, 1),
        "reindex_ms_max": round(took[-1] * 1000, 1),
    }
