"""`govassist eval load`'s guards and bookkeeping (the run itself is a benchmark, recorded in BENCHMARKS.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.load import Samples, _answer, check_loopback, copy_home, run_load
from eval.stats import percentile


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:80/x"])
def test_loopback_accepted(url: str) -> None:
    check_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "https://example.gov.cn", "http://0.0.0.0:80"])
def test_other_hosts_refused(url: str) -> None:
    with pytest.raises(ValueError, match="回环"):
        check_loopback(url)


@pytest.mark.parametrize(
    "kw", [{"clients": 0}, {"clients": 33}, {"seconds": 0}, {"seconds": 301}, {"abusers": 64}, {"rounds": 0}]
)
def test_bounds(kw: dict[str, float], tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        run_load(tmp_path, **kw)  # type: ignore[arg-type]


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="govassist ingest"):
        copy_home(tmp_path, tmp_path / "copy")


def test_summary_percentiles_and_counts() -> None:
    s = Samples()
    for ms in range(1, 101):
        s.add("question", ms / 1000)
    s.add("form", 0.5)
    s.count(refused=True)
    out = s.summary(duration=10)
    assert out["requests"] == 101 and out["throughput_rps"] == 10.1 and out["refused_429"] == 1
    assert out["question"] == {"n": 100, "p50_ms": 51.0, "p95_ms": 95.0}
    assert out["all"]["n"] == 101
    assert percentile([0.2], 95, method="nearest") * 1000 == 200.0


def test_answers_what_the_reply_asks_for() -> None:
    assert _answer("好的。请提供申请人的手机号码。") == "13800138000"
    assert _answer("请填写身份证号码（18位）") == "440114199003071231"
    assert _answer("还有其他问题吗？") == "是的"
