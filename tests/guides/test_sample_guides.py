"""Authored sample guides: marked as sample, fill real gaps of the KB, and are checked on load."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guides.loader import SAMPLES_DIR, SampleGuideError, load_flows, load_sample_guides
from knowledge.loaders import load_guides_yaml
from knowledge.schema import SAMPLE_MARK, ServiceGuide

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")


@pytest.fixture(scope="module")
def samples() -> list[ServiceGuide]:
    return load_sample_guides()


def test_every_sample_is_marked(samples: list[ServiceGuide]) -> None:
    assert len(samples) >= 8
    for g in samples:
        assert g.id.startswith("sample-huadu-")
        assert g.is_sample is True
        assert g.sample_note == SAMPLE_MARK
        assert g.source == "sample"
        assert g.region == "广东省广州市花都区"
        assert g.materials and g.conditions and g.process and g.promised_time_limit, g.id


def test_knowledge_loader_ingests_every_sample(samples: list[ServiceGuide]) -> None:
    """The KB ingests guides/samples with its own loader: it must accept every file as is."""
    ingested = []
    for path in sorted(SAMPLES_DIR.glob("*.yaml")):
        report = load_guides_yaml(path)
        assert not report.rejected, report.rejected
        ingested += report.guides
    assert ingested == samples


def test_time_limits_are_parsed(samples: list[ServiceGuide]) -> None:
    by_id = {g.id: g for g in samples}
    limit = by_id["sample-huadu-geti-gongshanghu-sheli"].promised_time_limit
    assert limit is not None and (limit.value, limit.unit) == (1, "工作日")


def test_newborn_sample_lists_linked_items(samples: list[ServiceGuide]) -> None:
    newborn = next(g for g in samples if g.id == "sample-huadu-xinshenger-onething")
    names = {item.name for item in newborn.linked_items}
    assert {"出生医学证明首次签发", "社会保障卡申领"} <= names
    assert any(m.situation for m in newborn.materials)


def test_each_sample_backs_a_flow(samples: list[ServiceGuide]) -> None:
    flow_services = {f.service_id for f in load_flows().values()}
    assert {g.id for g in samples} <= flow_services


def test_samples_fill_gaps_in_the_real_kb(samples: list[ServiceGuide]) -> None:
    """A sample must not duplicate a real guide of the same name."""
    path = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
    assert path.is_file(), f"real guides missing: {path} (set GOVASSIST_SHARED)"
    with path.open(encoding="utf-8") as fh:
        real_names = {json.loads(line)["TASK_NAME"] for line in fh if line.strip()}
    assert not {g.name for g in samples} & real_names


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "x.yaml").write_text(body, encoding="utf-8")
    return tmp_path


GOOD = """guides:
  - id: sample-huadu-test
    name: 测试事项
    promised_time_limit: {value: 0, unit: 即办, raw: 即办}
    source: sample
    is_sample: true
    sample_note: 示例数据，以官方发布为准
"""


def test_minimal_sample_loads(tmp_path: Path) -> None:
    (guide,) = load_sample_guides(_write(tmp_path, GOOD))
    assert guide.promised_time_limit is not None and guide.promised_time_limit.unit == "即办"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("is_sample: true", "is_sample: false", "x.yaml：guides[0] 字段 is_sample"),
        ("sample_note: 示例数据，以官方发布为准", "sample_note: 官方", "x.yaml：guides[0] 字段 sample_note"),
        ("source: sample", "source: gdzwfw_2021", "x.yaml：guides[0] 字段 source"),
        ("id: sample-huadu-test", "id: 1144000000TEST", "x.yaml：guides[0] 字段 id"),
        ("name: 测试事项", "name: ''", "x.yaml：字段 guides[0].name"),
        ("name: 测试事项", "name: 测试事项\n    visits: 很多次", "x.yaml：字段 guides[0].visits：应为整数"),
    ],
)
def test_bad_sample_names_file_and_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    with pytest.raises(SampleGuideError) as err:
        load_sample_guides(_write(tmp_path, GOOD.replace(old, new)))
    assert expected in str(err.value)


def test_duplicate_and_shapeless_files(tmp_path: Path) -> None:
    body = GOOD + GOOD.removeprefix("guides:\n")
    assert "重复" in str(pytest.raises(SampleGuideError, load_sample_guides, _write(tmp_path, body)).value)
    message = str(pytest.raises(SampleGuideError, load_sample_guides, _write(tmp_path, "guides: 1\n")).value)
    assert "x.yaml：字段 guides" in message
