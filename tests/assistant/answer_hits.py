"""Retrieval hits built by hand for the answer path's tests: a law article, an official FAQ pair, and a weak
search result holding only such FAQ chunks."""

from __future__ import annotations

from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.chunking import article_chunk
from retrieval.passages import guide_passages
from retrieval.types import Chunk, ChunkHit, DocKind, Hit, SearchResult


def article_hit(doc: PolicyDocument, article: Article, score: float) -> ChunkHit:
    return ChunkHit(chunk=article_chunk(doc, article), score=score, scores={})


def faq_hit(guide: ServiceGuide, key: str, score: float, scores: dict[str, float] | None = None) -> ChunkHit:
    p = next(p for p in guide_passages(guide) if p.field == "faq" and p.key == key)
    chunk = Chunk(
        id=f"{guide.id}#faq#{key}",
        doc_id=guide.id,
        kind=DocKind.GUIDE,
        field="faq",
        title=guide.name,
        text=p.text,
    )
    return ChunkHit(chunk=chunk, score=score, scores=scores or {})


def faq_result(question: str, *passages: ChunkHit, confidence: float = 0.1) -> SearchResult:
    """A search result with no confident guide: only the KB-wide FAQ chunks given."""
    return SearchResult(
        query=question, hits=[], confident=False, confidence=confidence, passages=list(passages)
    )


def article_result(question: str, *articles: ChunkHit, confidence: float = 0.9) -> SearchResult:
    """A confident search result holding only the law articles given."""
    return SearchResult(
        query=question, hits=[], confident=True, confidence=confidence, articles=list(articles)
    )


def name_hit(guide: ServiceGuide, score: float) -> Hit:
    """A guide found by its name alone."""
    chunk = Chunk(
        id=f"{guide.id}#name#0",
        doc_id=guide.id,
        kind=DocKind.GUIDE,
        field="name",
        title=guide.name,
        text=guide.name,
    )
    return Hit(guide.id, DocKind.GUIDE, guide.name, score, [ChunkHit(chunk, score, {})])
