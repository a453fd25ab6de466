from __future__ import annotations

import json
from pathlib import Path

from eval.retrieval import NaiveBM25, evaluate, format_report, load_queries
from knowledge.schema import ServiceGuide
from retrieval.hybrid import HybridRetriever

KEYS = {"n", "recall@1", "recall@5", "mrr", "oos_accuracy", "latency_ms_p50", "latency_ms_p95"}


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
    assert rep["n"] == 3 and rep["recall@1"] == 1.0 and rep["recall@5"] == 1.0 and rep["mrr"] == 1.0
    assert rep["oos_accuracy"] == 1.0
    assert rep["latency_ms_p50"] is not None and rep["latency_ms_p95"] >= rep["latency_ms_p50"]
    text = format_report(rep)
    assert "recall@1" in text and "baseline" in text


def test_evaluate_without_oos_queries_reports_none(shared_index: HybridRetriever, tmp_path: Path) -> None:
    f = _write(tmp_path / "q.jsonl", [{"query": "企业设立登记", "task_code": "BIZ"}])
    rep = evaluate(shared_index, f)  # baseline built from the retriever's own chunks
    assert rep["oos_accuracy"] is None and rep["baseline"]["oos_accuracy"] is None
    assert rep["baseline"]["recall@5"] == 1.0
    assert "-" in format_report(rep)


def test_naive_baseline_ranks_whole_guides(guides: list[ServiceGuide]) -> None:
    base = NaiveBM25.from_guides(guides)
    assert base.search("住房公积金提取").hits[0].doc_id == "HF"
    assert not base.search("。。。").confident
