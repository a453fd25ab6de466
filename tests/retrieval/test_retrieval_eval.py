from __future__ import annotations

import json
from pathlib import Path

from eval.retrieval import NaiveBM25, evaluate, format_report, load_queries, score_run, union_gold
from knowledge.schema import ServiceGuide
from retrieval.hybrid import HybridRetriever
from retrieval.types import DocKind, Hit, SearchResult

KEYS = {"n", "recall_at_1", "recall_at_5", "mrr", "oos_accuracy", "latency_ms_p50", "latency_ms_p95"}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_queries_accepts_both_line_shapes(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [
            {"query": "社保卡", "task_code": "SSC"},
            {"question": "公积金怎么取", "gold_task_codes": ["HF", "HF2"]},
            {"question": "今天天气", "gold_task_codes": []},
        ],
    )
    qs = load_queries(f)
    assert [q.gold for q in qs] == [("SSC",), ("HF", "HF2"), ()]


def test_evaluate_reports_metrics_and_baseline(
    shared_index: HybridRetriever, guides: list[ServiceGuide], tmp_path: Path
) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [
            {"query": "社会保障卡申领", "task_code": "SSC"},
            {"question": "住房公积金提取", "gold_task_codes": ["HF"]},
            {"question": "红烧肉怎么做", "gold_task_codes": []},
        ],
    )
    rep = evaluate(shared_index, f, guides=guides)
    assert set(rep) >= KEYS and set(rep["baseline"]) >= KEYS
    assert rep["n"] == 3 and rep["recall_at_1"] == 1.0 and rep["recall_at_5"] == 1.0 and rep["mrr"] == 1.0
    assert rep["oos_accuracy"] == 1.0
    assert rep["latency_ms_p50"] is not None and rep["latency_ms_p95"] >= rep["latency_ms_p50"]
    text = format_report(rep)
    assert "recall_at_1" in text and "baseline" in text


def test_evaluate_without_oos_queries_reports_none(shared_index: HybridRetriever, tmp_path: Path) -> None:
    f = _write(tmp_path / "q.jsonl", [{"query": "企业设立登记", "task_code": "BIZ"}])
    rep = evaluate(shared_index, f)  # baseline built from the retriever's own chunks
    assert rep["oos_accuracy"] is None and rep["baseline"]["oos_accuracy"] is None
    assert rep["baseline"]["recall_at_5"] == 1.0
    assert "-" in format_report(rep)


def test_naive_baseline_ranks_whole_guides(guides: list[ServiceGuide]) -> None:
    base = NaiveBM25.from_guides(guides)
    assert base.search("住房公积金提取").hits[0].doc_id == "HF"
    assert not base.search("。。。").confident


def test_union_gold_merges_identical_query_texts(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [
            {"query": "驾照", "task_code": "DL-NEW"},
            {"query": "驾照", "task_code": "DL-RENEW"},
            {"question": "驾照", "gold_task_codes": ["DL-LOST", "DL-NEW"]},
            {"query": "社保卡", "task_code": "SSC"},
        ],
    )
    merged = union_gold(load_queries(f))
    assert len(merged) == 4
    assert [q.gold for q in merged[:3]] == [("DL-NEW", "DL-RENEW", "DL-LOST")] * 3
    assert merged[3].gold == ("SSC",)


class _Fixed:
    """A searcher that always returns the same ranking."""

    def __init__(self, ranking: list[str]) -> None:
        self.ranking = ranking

    def search(self, query: str, top_k: int = 5) -> SearchResult:
        hits = [Hit(d, DocKind.GUIDE, d, 1.0, []) for d in self.ranking[:top_k]]
        return SearchResult(query=query, hits=hits, confident=True, confidence=1.0)


def test_duplicated_query_counts_any_of_its_golds(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [
            {"query": "建工证", "task_code": "A"},
            {"query": "建工证", "task_code": "B"},
            {"query": "社保卡", "task_code": "C"},
        ],
    )
    rep = score_run(load_queries(f), _Fixed(["A", "C", "B"]))
    assert rep["n"] == 3 and rep["strict"]["n"] == 3
    # union: 建工证 -> {A, B}: both of its lines are right at rank 1; 社保卡 at rank 2
    assert rep["recall_at_1"] == round(2 / 3, 4) and rep["recall_at_5"] == 1.0
    assert rep["mrr"] == round((1 + 1 + 0.5) / 3, 4)
    # strict: the B line finds its own gold at rank 3 only
    assert rep["strict"]["recall_at_1"] == round(1 / 3, 4) and rep["strict"]["recall_at_5"] == 1.0
    assert rep["strict"]["mrr"] == round((1 + 1 / 3 + 0.5) / 3, 4)
    assert rep["strict"]["latency_ms_p50"] == rep["latency_ms_p50"]
    assert "strict" in format_report(rep)


def test_evaluate_reports_strict_for_ours_and_baseline(shared_index: HybridRetriever, tmp_path: Path) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [{"query": "驾驶证核发", "task_code": "DL-RENEW"}, {"query": "驾驶证核发", "task_code": "DL-NEW"}],
    )
    rep = evaluate(shared_index, f)
    for r in (rep, rep["baseline"]):
        assert set(r["strict"]) >= KEYS
        assert r["recall_at_5"] == 1.0 and r["recall_at_1"] == 1.0  # either gold at rank 1 counts
        assert r["strict"]["recall_at_1"] == 0.5  # one list, two different golds: at most one right at rank 1
