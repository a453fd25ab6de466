"""Smoke test over the full shared data set (GOVASSIST_SHARED, default ../shared next to the repo)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from knowledge.loaders import LoadReport, load_path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"


@pytest.fixture(scope="module")
def loaded() -> tuple[LoadReport, float]:
    start = time.perf_counter()
    report = load_path(DATA)
    return report, time.perf_counter() - start


def test_everything_loads_quickly_without_rejections(loaded: tuple[LoadReport, float]) -> None:
    report, seconds = loaded
    assert report.rejected == []
    assert seconds < 5.0
    assert (
        report.summary()
        == f"载入办事指南 {len(report.guides)} 条，政策法规 {len(report.policies)} 篇，拒绝 0 条"
    )


def test_all_guides_load(loaded: tuple[LoadReport, float]) -> None:
    report, _ = loaded
    real = [g for g in report.guides if g.source == "gdzwfw_2021"]
    assert len(real) == 2262 == len({g.id for g in real})
    assert [g.id for g in report.guides if g.source == "hunan_onething"] == ["43PCN0009225J0100"]
    assert not any(g.is_sample for g in report.guides)


def test_time_limits_parse(loaded: tuple[LoadReport, float]) -> None:
    report, _ = loaded
    by_id = {g.id: g for g in report.guides}
    with (DATA / "guides" / "gdzwfw_guides_2021.jsonl").open(encoding="utf-8") as fh:
        raw = [json.loads(line) for line in fh]
    twenty = next(r for r in raw if r["handle_time"] == "20(工作日)")
    limit = by_id[twenty["TASK_CODE"]].legal_time_limit
    assert limit is not None and (limit.value, limit.unit) == (20, "工作日")
    limits = [t for g in report.guides for t in (g.legal_time_limit, g.promised_time_limit) if t is not None]
    assert len(limits) > 2000
    assert [t.raw for t in limits if t.value is None] == []  # every stated limit parsed to a number


def test_all_law_files_load_with_articles(loaded: tuple[LoadReport, float]) -> None:
    report, _ = loaded
    laws = [d for d in report.policies if d.id.startswith("law-")]
    assert len(laws) == 113 == len({d.id for d in laws})
    empty = [d.title for d in laws if not d.articles]
    assert empty == ["汕头经济特区突发公共卫生事件应急条例"]  # the title-only stub named in SOURCE.md
    assert sum(len(d.articles) for d in laws) > 5000
    for d in laws:  # article numbers are unique within a document
        numbers = [a.number for a in d.articles]
        assert len(numbers) == len(set(numbers)), d.title
    hpf = next(d for d in laws if d.title == "住房公积金管理条例")
    art = hpf.article("第十一条")
    assert art is not None and art.chapter == "第二章 机构及其职责"
    assert {d.level for d in laws} == {"国家", "省", "市"}
    statutes = sorted(d.title for d in laws if d.kind == "law")  # 9 file names end with 法
    assert len(statutes) == 9 and all(t.endswith("法") for t in statutes)


def test_policy_pages_are_clean(loaded: tuple[LoadReport, float]) -> None:
    report, _ = loaded
    pages = [d for d in report.policies if d.id.startswith("policy-")]
    assert len(pages) == 5
    for d in pages:
        assert d.articles, d.id
        for a in d.articles:
            blob = f"{a.chapter or ''} {a.text} {a.text_original or ''}"
            assert "headerBg" not in blob and "分享到" not in blob and "ICP备" not in blob, d.id


def test_traditional_page_converts(loaded: tuple[LoadReport, float]) -> None:
    report, _ = loaded
    [trad] = [d for d in report.policies if d.converted_from_traditional]
    assert trad.id == "policy-003_8adc7e075def4268"
    first = trad.articles[0]
    assert "政务服务数据管理局" in first.text and "數據管理局" not in first.text
    assert first.text_original is not None and "政務服務數據管理局" in first.text_original
