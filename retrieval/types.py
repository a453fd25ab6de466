"""Shared result types of the retrieval layer (stable contract for assistant/, app/, ui/, eval/)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, Field


class DocKind(StrEnum):
    GUIDE = "guide"
    POLICY = "policy"


class Chunk(BaseModel):
    """A retrievable unit. `id` is stable across BM25, Chroma and SQL: f"{doc_id}#{field}#{n}"."""

    id: str
    doc_id: str  # guide id (TASK_CODE) or policy id
    kind: DocKind
    field: str  # guide field name ("name", "materials", "conditions" ...) or law article number
    title: str  # guide name or policy title
    heading: str | None = None  # chapter / heading path
    text: str  # the text that is indexed and quoted
    metadata: dict[str, str] = Field(default_factory=dict)  # region, department, audience, type, level


class ChunkHit(NamedTuple):
    chunk: Chunk
    score: float  # fused score
    scores: dict[str, float]  # per retriever ("bm25", "dense") normalized score


class Hit(NamedTuple):
    """A document-level hit: chunk hits aggregated to their guide / policy."""

    doc_id: str
    kind: DocKind
    title: str
    score: float
    chunks: list[ChunkHit]


class SearchResult(BaseModel):
    model_config = {"arbitrary_types_allowed": True}

    query: str
    hits: list[Hit]
    confident: bool  # False = "no confident match": the KB likely cannot answer
    confidence: float  # calibrated top-hit score in [0, 1]
    latency_ms: float = 0.0
    # the best FAQ chunks of the whole KB (asked for with `faq_top`): answers can come from a guide whose
    # other fields do not match the question
    passages: list[ChunkHit] = Field(default_factory=list)
    articles: list[ChunkHit] = Field(default_factory=list)  # the best law articles of the KB (`article_top`)
