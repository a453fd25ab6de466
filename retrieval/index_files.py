"""On-disk layout of a hybrid index folder.

index_dir/
  params.json        format version, tokenizer version, embedder name, counts, build time
  chunks.jsonl.gz    every chunk (the texts quoted in answers)
  bm25_word/         BM25 over jieba words (+ cached tokens)
  bm25_char/         BM25 over character bigrams of guide chunks and policy titles (+ cached tokens)
  chroma/            Chroma persistent client; one collection per embedder name
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from retrieval.types import Chunk

FORMAT_VERSION = 5  # bump when chunking or token streams change in a way that needs a rebuild
PARAMS = "params.json"
CHUNKS = "chunks.jsonl.gz"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def write_params(index_dir: Path, params: dict[str, Any]) -> None:
    _atomic_write(index_dir / PARAMS, json.dumps(params, ensure_ascii=False, indent=2).encode())


def read_params(index_dir: Path) -> dict[str, Any] | None:
    p = index_dir / PARAMS
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def write_chunks(index_dir: Path, chunks: list[Chunk]) -> None:
    lines = "\n".join(c.model_dump_json() for c in chunks)
    _atomic_write(index_dir / CHUNKS, gzip.compress(lines.encode("utf-8"), compresslevel=3))


def read_chunks(index_dir: Path) -> list[Chunk]:
    with gzip.open(index_dir / CHUNKS, "rt", encoding="utf-8") as fh:
        return [Chunk.model_validate_json(line) for line in fh if line.strip()]


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose files are in the folder (recorded, not compared)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str] = {}
    for pkg in ("bm25s", "chromadb", "jieba", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def compatible(params: dict[str, Any] | None, expected: dict[str, Any]) -> bool:
    """True when an existing index was built with the same format, tokenizer and embedder."""
    if not params:
        return False
    return all(params.get(k) == v for k, v in expected.items())
