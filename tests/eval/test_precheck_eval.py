"""The pre-check simulator and the coverage report over a slice of the real guides (HashEmbedder index)."""

from __future__ import annotations

import json
import os
import random
from datetime import date
from pathlib import Path

import pytest

from assistant.policy.manager import DialogueManager
from eval.coverage import coverage
from eval.dialogue import build_manager
from eval.precheck import make_persona, material_key, run_precheck_eval, simulate
from guides.generic import applicability
from guides.loader import load_flows, load_sample_guides
from guides.registry import FlowRegistry
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.schema import ServiceGuide

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
GUIDES_FILE = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
SLICE = 240  # every 9th real guide: varied types, sizes and audiences, small enough to index quickly


@pytest.fixture(scope="module")
def guides() -> list[ServiceGuide]:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    linked = {sid for f in load_flows().values() for sid in f.related_service_ids}
    with GUIDES_FILE.open(encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh]
    real = [guide_from_record(r) for i, r in enumerate(recs) if i % 9 == 0 or r.get("TASK_CODE") in linked]
    return [*load_sample_guides(), *real[:SLICE]]


@pytest.fixture(scope="module")
def registry(guides: list[ServiceGuide]) -> FlowRegistry:
    by_id = {g.id: g for g in guides}
    return FlowRegistry(load_flows(), get_guide=by_id.get)


@pytest.fixture(scope="module")
def manager(
    tmp_path_factory: pytest.TempPathFactory, guides: list[ServiceGuide], registry: FlowRegistry
) -> DialogueManager:
    from retrieval.embedders import HashEmbedder

    return build_manager(guides, registry, tmp_path_factory.mktemp("index"), embedder=HashEmbedder())


def test_simulated_prechecks_succeed_with_the_guides_own_checklist(
    manager: DialogueManager, guides: list[ServiceGuide]
) -> None:
    report = run_precheck_eval(manager, guides, n=12, seed=3)
    assert report["n"] == 12 and report["persons"] and report["companies"]
    assert report["success_rate"] >= 0.9, report["failures"]
    assert report["checklist_equal_rate"] == 1.0 and report["missing_correct_rate"] == 1.0
    assert report["field_accuracy"] == 1.0
    assert report["mean_turns"] <= report["mean_budget"]
    for o in report["outcomes"]:
        if o.success:
            assert any("预审" in a and "不是正式申报" in a for _, a in o.transcript)


def test_a_guide_without_materials_is_prechecked_with_a_note(
    manager: DialogueManager, guides: list[ServiceGuide]
) -> None:
    bare = next(g for g in guides if not g.is_sample and not g.materials and applicability(g).applicable)
    out = simulate(manager, make_persona(bare, random.Random(1), date.today()))
    assert out.success, out.failure
    assert any("未列出申请材料" in a for _, a in out.transcript)
    assert out.checklist_equal and material_key("无") == "无"


def test_coverage_every_applicable_guide_has_a_working_flow(
    guides: list[ServiceGuide], registry: FlowRegistry
) -> None:
    report = coverage(guides, registry)
    assert report["applicable"] > 100 and report["coverage"] == 1.0 and not report["broken"]
    assert report["sources"].get("authored") and report["sources"].get("generic")
    assert "信息查询类服务，无需申请" in report["not_applicable"]
    assert report["published"] == report["applicable"] + sum(report["not_applicable"].values())
