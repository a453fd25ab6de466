"""Token streams of the three sparse indexes, for chunks (index side) and queries (pure functions)."""

from __future__ import annotations

from retrieval.chunking import index_text
from retrieval.tokenize import Tokenizer, char_ngrams
from retrieval.types import Chunk, DocKind

SPARSE_INDEXES = ("word", "char", "name")  # index key; its signal names are in SIGNAL_OF
SIGNAL_OF = {"word": "bm25", "char": "char", "name": "name"}


def doc_tokens(tok: Tokenizer, key: str, c: Chunk) -> list[str] | None:
    """Tokens of a chunk for one sparse index, or None when that index does not cover the chunk.

    word: jieba search-mode words of every chunk; char: character bigrams of guide chunks and policy
    titles (long article bodies get words only); name: single characters of names and titles."""
    text = index_text(c)
    if key == "word":
        return tok.words(text)
    if key == "char":
        return char_ngrams(text) if c.kind == DocKind.GUIDE or c.field == "title" else None
    return char_ngrams(c.title, n=1) if c.field in {"name", "title"} else None


def query_tokens(tok: Tokenizer, key: str, text: str) -> list[str]:
    if key == "word":
        return tok.query_words(text)
    return char_ngrams(text, n=2 if key == "char" else 1)
