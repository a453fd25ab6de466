"""The `govassist` CLI end to end on small real samples: ingest (with a bad file), index, search, guide show,
eval retrieval --json (the documented keys), token create. Runs in-process with a temp GOVASSIST_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "loaders"
JSONL = next(FIXTURES.glob("*.jsonl"))
KEYS = {
    "recall_at_1",
    "recall_at_5",
    "mrr",
    "oos_accuracy",
    "n",
    "latency_ms_p50",
    "latency_ms_p95",
    "baseline",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOVASSIST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GOVASSIST_EMBEDDER", "hash")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def _records() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_ingest_index_search_show_eval_token(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = home / "bad.jsonl"
    bad.write_text('{"TASK_CODE": "X1"\nnot json\n', encoding="utf-8")
    assert main(["ingest", str(JSONL), str(bad)]) == 0
    out, err = capsys.readouterr()
    recs = _records()
    assert f"载入办事指南 {len(recs)} 条" in out and "拒绝 2 条" in out
    assert "bad.jsonl:1" in err and "bad.jsonl:2" in err

    assert main(["index", "--quiet"]) == 0
    stats = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert stats["guides"] == len(recs) and stats["chunks"] > len(recs)

    target = recs[0]
    assert main(["search", target["TASK_NAME"], "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["hits"][0]["doc_id"] == target["TASK_CODE"]

    assert main(["guide", "show", target["TASK_CODE"]]) == 0
    shown = capsys.readouterr().out
    assert target["TASK_NAME"] in shown and "申请材料" in shown
    assert main(["guide", "show", "NO-SUCH-ID"]) == 1

    queries = home / "q.jsonl"
    lines = [{"query": r["TASK_NAME"], "task_code": r["TASK_CODE"]} for r in recs]
    lines.append({"question": "明天会下雨吗", "gold_task_codes": []})
    queries.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert main(["eval", "retrieval", "--queries", str(queries), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= KEYS and KEYS - {"baseline"} <= set(report["baseline"])
    assert report["n"] == len(lines) and report["recall_at_5"] == 1.0

    assert main(["token", "create", "--role", "clerk"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 20


def test_reingest_is_idempotent(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(JSONL)]) == 0
    capsys.readouterr()
    assert main(["ingest", str(JSONL)]) == 0
    assert f"未变 {len(_records())}" in capsys.readouterr().out


def test_empty_file_is_a_clear_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = home / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["ingest", str(empty)]) == 1
    captured = capsys.readouterr()
    assert "empty.jsonl" in captured.err and "空" in captured.err


def test_eval_answers_against_a_service_that_is_not_there_is_a_clear_error(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["eval", "answers", "--url", f"http://127.0.0.1:{port}", "--split", "heldout", "--json"]) == 2
    captured = capsys.readouterr()
    assert "无法从服务" in captured.err and str(port) in captured.err and captured.out == ""
