"""The honest dialogue benchmark on small fixtures: persona files through the real manager (visible output
only), the first-turn routing set, floors below the measured figures (docs/BENCHMARKS.md)."""

from __future__ import annotations

import inspect
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import eval.citizen as citizen
from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState, Reply, TurnResult
from eval.citizen import Fact, Persona, Seen, best_fact, expected_value, load_personas, yes_or_no
from eval.dialogue import (
    PERSONAS_DIR,
    ROUTING_DIR,
    build_manager,
    format_report,
    make_id_number,
    make_uscc,
    run_dialogue_eval,
    run_persona,
)
from eval.routing_set import RoutingItem, judge, load_routing
from guides.loader import load_flows, load_sample_guides
from guides.schema import Flow
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.schema import ServiceGuide

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
GUIDES_FILE = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
FIXTURE_ROUTING = REPO / "tests" / "fixtures" / "routing"


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    return load_flows()


@pytest.fixture(scope="module")
def guides(flows: dict[str, Flow]) -> list[ServiceGuide]:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    wanted = {sid for f in flows.values() for sid in f.related_service_ids}
    out = list(load_sample_guides())
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
    return run_dialogue_eval(manager, flows, routing_dir=FIXTURE_ROUTING)


def test_persona_files_cover_the_issue_and_both_splits() -> None:
    personas = load_personas(PERSONAS_DIR)
    assert {p.split for p in personas} == {"tune", "heldout"}
    assert {p.lang for p in personas} >= {"mandarin", "cantonese"}
    assert any(p.question for p in personas) and any(p.abandon for p in personas)
    assert any(f.correction for p in personas for f in p.facts)
    assert len({p.flow for p in personas}) == 8


def test_persona_answers_are_not_the_flows_option_labels(flows: dict[str, Flow]) -> None:
    """Free-text answers are written in people's words, not the options' labels or synonyms."""
    for p in load_personas(PERSONAS_DIR):
        flow = flows[p.flow]
        vocab = {w for q in flow.questions for c in q.choices for w in (c.label, c.value, *c.synonyms)}
        for f in p.facts:
            if f.is_:  # a situation answer
                assert f.say not in vocab, (p.id, f.say)


def test_benchmark_figures_stay_above_floors(report: dict[str, Any]) -> None:
    # measured on these fixtures: success 1.0, misunderstandings 0.0, field accuracy 1.0 (docs/BENCHMARKS.md)
    assert report["n"] == len(load_personas(PERSONAS_DIR)) >= 16
    assert report["success_rate"] >= 0.9, report["dialogues"]
    assert report["misunderstandings_per_dialogue"] <= 0.5
    assert report["field_accuracy"] >= 0.95
    assert report["splits"]["heldout"]["n"] == 8
    assert report["mid_form_question_answered"] == 1.0
    assert report["resumed_with_fields"] == 1.0
    # turns without deliberate detours: 10.74 vs the budget 10.68 on these fixtures (11.26 before facts told
    # with a question filled the form and "办居住证" / a described wish started or routed it)
    assert report["mean_turns_adjusted"] <= report["mean_budget"] + 0.5, report["dialogues"]
    assert set(report) >= {
        "success_rate",
        "mean_turns",
        "misunderstandings_per_dialogue",
        "field_accuracy",
        "n",
    }


def test_routing_set_floors_on_the_fixture(report: dict[str, Any]) -> None:
    routing = report["routing"]["all"]
    # measured on the fixture index (sample guides): right 1.0, wrong 0.0, out of scope refused 1.0
    assert routing["n"] >= 20 and routing["n_oos"] >= 5
    assert routing["right"] >= 0.8, report["routing"]["misses"]
    assert routing["wrong"] <= 0.1
    assert routing["oos_refused"] == 1.0


def test_routing_data_has_at_least_100_questions_in_two_splits() -> None:
    items = load_routing(ROUTING_DIR)
    assert len(items) >= 100
    assert {i.split for i in items} == {"tune", "heldout"}
    assert sum(i.oos for i in items) >= 10
    assert all(i.oos or i.accept_names or i.accept_ids for i in items)


def test_format_report(report: dict[str, Any]) -> None:
    text = format_report(report)
    assert "success" in text and "首轮路由" in text and "heldout" in text


def test_the_citizen_never_reads_internal_state() -> None:
    source = inspect.getsource(citizen)
    for internal in ("DialogueState", "pending_choices", "flow_stage", "requested", ".answers"):
        assert internal not in source


def test_the_citizen_picks_facts_by_the_question_and_answers_confirmations_truthfully() -> None:
    p = Persona(
        id="t",
        flow="x",
        opening="",
        facts=[
            Fact(about=["户籍", "户口"], say="我户口喺湖南", is_=["外地", "湖南"]),
            Fact(about=["姓名"], say="陈志强"),
        ],
        expect={},
        lang="cantonese",
    )
    assert best_fact(p, "您是广州市户籍吗？") is p.facts[0]
    assert best_fact(p, "请提供申请人姓名。（第1/6项）") is p.facts[1]
    assert yes_or_no(p, Seen("您是外地户籍（非广州市户籍），对吗？", [], True)) == "系啊"
    assert yes_or_no(p, Seen("您是广州市户籍，对吗？", [], True)) == "唔系"


def test_expected_dates_are_computed_independently() -> None:
    today = date(2026, 12, 2)
    assert expected_value("today-2d", today) == "2026-11-30"
    assert expected_value("today-1m:end", today) == "2026-11-30"
    assert expected_value("today+1m:first", today) == "2027-01-01"
    assert expected_value("today-2y", today) == "2024-12-02"
    assert expected_value("day:7", today) == "2026-11-07"
    assert expected_value("lastyear-09-01", today) == "2025-09-01"


def test_generated_numbers_are_valid() -> None:
    from stdnum.cn import ric, uscc

    assert ric.is_valid(make_id_number(date(1990, 1, 2), 7, region="110101"))
    assert uscc.is_valid(make_uscc())


def test_routing_judge() -> None:
    item = RoutingItem(q="q", split="tune", accept_names=["居住证申领"])
    assert judge(item, Reply(text="不知道", confident=False)) == "refused"
    assert (
        judge(RoutingItem(q="q", split="tune", oos=True), Reply(text="不知道", confident=False)) == "refused"
    )


class _NeverSubmits:
    """A broken manager: the benchmark must report failure, not success."""

    def __init__(self, inner: DialogueManager) -> None:
        self.inner = inner

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        res = self.inner.handle(state, text)
        if res.submission is not None:
            return TurnResult(state=state, reply=Reply(text="系统繁忙"))
        return res

    def on_submitted(self, state: DialogueState, application_id: str, draft: Any = None) -> TurnResult:
        return self.inner.on_submitted(state, application_id, draft)


def test_the_benchmark_reports_failures(manager: DialogueManager, flows: dict[str, Flow]) -> None:
    persona = load_personas(PERSONAS_DIR)[0]
    run = run_persona(_NeverSubmits(manager), persona, flows, "GA-BROKEN")  # type: ignore[arg-type]
    assert not run.success and run.failure
