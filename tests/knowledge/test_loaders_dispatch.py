"""load_path / load_paths dispatch, sample-guide YAML, JSON shapes, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.loaders import LoaderError, LoadReport, Rejection, load_path, load_paths
from knowledge.schema import SAMPLE_MARK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "loaders"

SAMPLE_YAML = f"""\
guides:
  - id: sample-huadu-birth-registration
    name: 出生登记（示例）
    region: 花都区
    is_sample: true
    sample_note: {SAMPLE_MARK}
    materials:
      - name: 出生医学证明
  - id: sample-missing-name
    region: 花都区
  - id: sample-huadu-birth-registration
    name: 重复的示例
  - just a string
"""


def test_fixture_tree_loads_every_shape() -> None:
    report = load_path(FIXTURES)
    assert report.rejected == []
    assert len(report.guides) == 6  # 5 JSONL lines + 1 scenario
    assert len(report.policies) == 9  # 5 laws + 4 pages
    assert not any(f.endswith("SOURCE.md") for f in report.files)
    assert len(report.files) == 11
    assert report.summary() == "载入办事指南 6 条，政策法规 9 篇，拒绝 0 条"


def test_sample_yaml_rejects_bad_items_by_index_and_line(tmp_path: Path) -> None:
    p = tmp_path / "samples.yaml"
    p.write_text(SAMPLE_YAML, encoding="utf-8")
    report = load_path(p)
    [g] = report.guides
    assert g.is_sample and g.sample_note == SAMPLE_MARK and g.materials[0].name == "出生医学证明"
    assert [(r.line, r.reason.split("：")[0]) for r in report.rejected] == [
        (9, "第 2 项"),
        (11, "第 3 项"),
        (13, "第 4 项"),
    ]
    assert "name" in report.rejected[0].reason
    assert "重复" in report.rejected[1].reason


@pytest.mark.parametrize(
    ("text", "needle"), [("guides: 3\n", "guides"), ("- a\n- b\n", "guides"), ("guides: [\n", "YAML")]
)
def test_bad_yaml_file_becomes_one_rejection(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "flows.yaml"
    p.write_text(text, encoding="utf-8")
    [rej] = load_path(p).rejected
    assert rej.file == str(p) and needle in rej.reason


def test_json_list_of_crawler_records(tmp_path: Path) -> None:
    lines = (FIXTURES / "guides_sample.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines[:2]] + [{"TASK_CODE": "x"}]
    p = tmp_path / "records.json"
    p.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = load_path(p)
    assert len(report.guides) == 2
    [rej] = report.rejected
    assert rej.reason.startswith("第 3 条记录") and rej.line is None


def test_unknown_extension_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "table.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / ".hidden.jsonl").write_text("not json\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# 说明\n", encoding="utf-8")
    report = load_path(tmp_path)
    [rej] = report.rejected
    assert rej.file == str(tmp_path / "table.csv") and rej.line is None
    assert "无法识别的文件类型" in rej.reason and ".csv" in rej.reason
    assert report.guides == [] and report.policies == []


def test_unreadable_files_do_not_stop_a_directory(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "gbk.txt").write_bytes("某区政务服务数据管理局工作总结".encode("gbk"))
    good = FIXTURES / "guides_sample.jsonl"
    (tmp_path / "good.jsonl").write_bytes(good.read_bytes())
    report = load_path(tmp_path)
    assert len(report.guides) == 5
    reasons = {Path(r.file).name: r.reason for r in report.rejected}
    assert reasons["empty.jsonl"] == "文件为空"
    assert "UTF-8" in reasons["gbk.txt"]


def test_missing_path_raises() -> None:
    with pytest.raises(LoaderError, match="路径不存在"):
        load_path(FIXTURES / "no-such-file.jsonl")


def test_load_paths_and_merge() -> None:
    a, b = FIXTURES / "guides_sample.jsonl", FIXTURES / "onething_newborn_trimmed.json"
    both = load_paths([a, b])
    merged = load_path(a).merge(load_path(b))
    assert [g.id for g in both.guides] == [g.id for g in merged.guides]
    assert both.files == [str(a), str(b)]
    assert LoadReport().summary() == "载入办事指南 0 条，政策法规 0 篇，拒绝 0 条"


def test_loader_error_and_rejection_text() -> None:
    err = LoaderError("data/x.jsonl", 7, "文件为空")
    assert str(err) == "data/x.jsonl 第 7 行：文件为空"
    assert str(LoaderError("data/x.jsonl", None, "文件为空")) == "data/x.jsonl：文件为空"
    assert err.to_rejection() == Rejection(file="data/x.jsonl", line=7, reason="文件为空")
