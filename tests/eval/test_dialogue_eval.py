"""The dialogue benchmark: every bundled flow, plain and messy personas, through the real manager."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.nlu.validators import validate
from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState, Reply, TurnResult
from eval.dialogue import (
    break_check_digit,
    build_manager,
    format_report,
    make_id_number,
    make_persona,
    make_uscc,
    run_dialogue_eval,
    run_persona,
)
from guides.loader import load_flows, load_sample_guides
from guides.schema import Flow, FormField
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.schema import SAMPLE_MARK, ServiceGuide

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
GUIDES_FILE = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    return load_flows()


@pytest.fixture(scope="module")
def guides(flows: dict[str, Flow]) -> list[ServiceGuide]:
    out = list(load_sample_guides())
    if GUIDES_FILE.exists():  # the real guides the flows relate to, as in production
        wanted = {sid for f in flows.values() for sid in f.related_service_ids}
        with GUIDES_FILE.open(encoding="utf-8") as fh:
            out += [guide_from_record(r) for line in fh if (r := json.loads(line)).get("TASK_CODE") in wanted]
    return out


@pytest.fixture(scope="module")
def manager(
    tmp_path_factory: pytest.TempPathFactory, guides: list[ServiceGuide], flows: dict[str, Flow]
) -> DialogueManager:
    from retrieval.embedders import HashEmbedder

    return build_manager(guides, flows, tmp_path_factory.mktemp("index"), embedder=HashEmbedder())


@pytest.fixture(scope="module")
def report(manager: DialogueManager, flows: dict[str, Flow]) -> dict[str, Any]:
    return run_dialogue_eval(manager, flows)


def test_every_flow_succeeds(report: dict[str, Any], flows: dict[str, Flow]) -> None:
    failures = [d for d in report["dialogues"] if not d["success"]]
    assert failures == []
    assert report["success_rate"] == 1.0
    assert report["n"] == 2 * len(flows) and report["flows"] == len(flows) >= 8
    assert set(report["per_flow"]) == set(flows)


def test_submitted_values_are_the_intended_ones(report: dict[str, Any]) -> None:
    assert report["field_accuracy"] == 1.0


def test_turn_budget_and_latency(report: dict[str, Any]) -> None:
    assert report["budget_ok_rate"] == 1.0
    for d in report["dialogues"]:
        assert d["adjusted_turns"] <= d["budget"] <= d["turns"] + 4
        if d["style"] == "messy":
            assert d["turns"] > d["adjusted_turns"]  # the deliberate extras are counted apart
    lat = report["latency_ms"]
    assert 0 < lat["p50"] <= lat["p95"]
    assert report["mean_turns"] >= report["mean_turns_adjusted"] > 0


def test_format_report(report: dict[str, Any]) -> None:
    text = format_report(report)
    assert "success_rate: 100.00%" in text and "p95" in text
    assert all(flow_id in text for flow_id in report["per_flow"])


def test_personas_cover_corrections_digressions_and_invalid_values(flows: dict[str, Flow]) -> None:
    personas = [make_persona(f, style) for f in flows.values() for style in ("plain", "messy")]
    assert any(p.correction for p in personas)
    assert any(p.digression for p in personas)
    assert any(p.invalid for p in personas)
    assert any(f.type == "id_number" for p in personas for f in p.flow.form if f.name in p.invalid)
    for p in personas:
        for f in p.flow.form:
            if f.name in p.values:
                assert validate(f, p.values[f.name]).ok, (p.flow.id, f.name)
            if f.name in p.invalid:
                assert not validate(f, p.invalid[f.name]).ok, (p.flow.id, f.name)


def test_generated_numbers_are_valid() -> None:
    assert make_id_number(date(1949, 12, 31), 2, "110105") == "11010519491231002X"  # GB 11643 example
    probe = FormField(name="x", label="身份证号", type="id_number")
    assert validate(probe, make_id_number(date(1990, 1, 1))).ok
    assert not validate(probe, break_check_digit(make_id_number(date(1990, 1, 1)))).ok
    assert validate(FormField(name="u", label="统一社会信用代码", type="uscc"), make_uscc()).ok


def test_a_new_flow_is_covered_without_a_script(manager: DialogueManager) -> None:
    flow = Flow(
        id="test-new-flow",
        title="测试营业执照变更登记",
        service_id="sample-huadu-geti-gongshanghu-sheli",
        sample_note=SAMPLE_MARK,
        keywords=["测试营业执照变更"],
        questions=[
            {
                "id": "what",
                "ask": "变更哪一项？",
                "choices": [
                    {"value": "名称", "label": "变更名称"},
                    {"value": "地址", "label": "变更经营场所"},
                ],
            },
        ],
        form=[
            {"name": "uscc", "label": "统一社会信用代码", "type": "uscc"},
            {"name": "owner", "label": "经营者姓名", "type": "name"},
            {"name": "owner_phone", "label": "联系电话", "type": "phone"},
            {"name": "staff", "label": "从业人数", "type": "int", "min": 1, "max": 50},
            {"name": "capital", "label": "资金数额", "type": "amount", "min": 0, "max": 10000000},
            {"name": "new_address", "label": "新经营场所", "type": "address", "when": {"what": ["地址"]}},
        ],
    )
    flows = {**manager.flows, flow.id: flow}
    m = DialogueManager(
        retriever=manager.retriever, get_guide=manager.get_guide, get_policy=manager.get_policy, flows=flows
    )
    for style in ("plain", "messy"):
        run = run_persona(m, make_persona(flow, style), f"GA-NEW-{style}")
        assert run.success, (style, run.failure, run.transcript[-1])
        assert run.fields_correct == run.fields_total


class _NeverSubmits:
    """A broken manager: the benchmark must report failure, not success."""

    def __init__(self, inner: DialogueManager) -> None:
        self.inner = inner

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        res = self.inner.handle(state, text)
        if res.submission is not None:  # swallow the submission
            return TurnResult(state=state, reply=Reply(text="系统繁忙"))
        return res

    def on_submitted(self, state: DialogueState, application_id: str, draft: Any = None) -> TurnResult:
        return self.inner.on_submitted(state, application_id, draft)


def test_the_benchmark_reports_failures(manager: DialogueManager, flows: dict[str, Flow]) -> None:
    flow = flows["shebaoka-buhuan"]
    run = run_persona(_NeverSubmits(manager), make_persona(flow, "plain"), "GA-X")  # type: ignore[arg-type]
    assert not run.success and run.failure
