"""LangChain adapter: `GovRetriever` exposes HybridRetriever as a langchain-core BaseRetriever."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.types import SearchResult


def result_to_documents(result: SearchResult, chunks_per_hit: int = 1) -> list[Document]:
    """One Document per matching chunk (the best `chunks_per_hit` of each hit), best hit first."""
    docs: list[Document] = []
    for rank, hit in enumerate(result.hits, start=1):
        for ch in hit.chunks[:chunks_per_hit]:
            c = ch.chunk
            meta: dict[str, Any] = {
                "doc_id": hit.doc_id,
                "kind": hit.kind.value,
                "title": hit.title,
                "field": c.field,
                "chunk_id": c.id,
                "heading": c.heading,
                "score": hit.score,
                "chunk_score": ch.score,
                "rank": rank,
                "confident": result.confident,
                "confidence": result.confidence,
                **c.metadata,
            }
            docs.append(Document(page_content=c.text, metadata=meta, id=c.id))
    return docs


class GovRetriever(BaseRetriever):
    """Wraps a HybridRetriever (any object with `search(query, top_k, filters, kinds) -> SearchResult`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    top_k: int = 5
    filters: dict[str, Any] | None = None
    kinds: list[str] | None = None
    chunks_per_hit: int = 1
    only_confident: bool = False  # return nothing when the KB likely cannot answer

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, top_k=self.top_k, filters=self.filters, kinds=self.kinds)
        if self.only_confident and not result.confident:
            return []
        return result_to_documents(result, self.chunks_per_hit)
