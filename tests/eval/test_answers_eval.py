"""`govassist eval answers` on a small download-free KB (HashEmbedder): the authored Huadu samples, the real
guides the flows link to, the Hunan 一件事 fixture with its official FAQs, the bundled Changsha scenario and
the national laws. The dev-set lines whose gold passage is in that KB are asked (plus every out-of-scope and
uncovered-place line). Floors sit below the figures measured on this fixture (docs/BENCHMARKS.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eval.answers import (
    DEV_SET,
    JSON_KEYS,
    answer_kb,
    evaluate_answers,
    hunan_fixture_dir,
    judge,
    load_answer_queries,
)
from eval.dialogue import build_manager
from guides.loader import load_flows

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
GUIDES_FILE = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
FAQ2_SET = REPO / "tests" / "eval" / "data" / "answers_faq2.jsonl"
FAQ2_FLOOR_HIT = 0.5  # measured 0.68 (HashEmbedder; docs/BENCHMARKS.md)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    from retrieval.embedders import HashEmbedder

    flows = load_flows()
    wanted = {sid for f in flows.values() for sid in f.related_service_ids}
    from knowledge.loaders.gdzwfw import guide_from_record

    linked = []
    with GUIDES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if any(sid in line for sid in wanted):
                g = guide_from_record(json.loads(line))
                if g.id in wanted:
                    linked.append(g)
    guides, policies = answer_kb(
        [hunan_fixture_dir(), SHARED / "data" / "scenarios", SHARED / "data" / "laws" / "national"]
    )
    guides = [*guides, *linked]
    manager = build_manager(
        guides, flows, tmp_path_factory.mktemp("answers"), policies=policies, embedder=HashEmbedder()
    )
    by_id, pol = {g.id: g for g in guides}, {p.id: p for p in policies}
    queries = [
        q for q in load_answer_queries(DEV_SET) if q.gold is None or str(q.gold.get("doc")) in {*by_id, *pol}
    ]
    assert len(queries) >= 120
    report = evaluate_answers(manager, queries, by_id.get, pol.get)
    # the second set (official FAQ pairs of five more Hunan guides, written independently of the system)
    faq2 = load_answer_queries(FAQ2_SET)
    report["faq2"] = evaluate_answers(manager, faq2, by_id.get, pol.get)
    return report


def test_answer_benchmark_floors(report: dict) -> None:
    assert set(JSON_KEYS) <= set(report)
    print({k: report[k] for k in JSON_KEYS}, "one_tap_hit", report["one_tap_hit"])  # shown with -s
    # measured on this fixture (docs/BENCHMARKS.md, "CI fixture"): 0.72 / 0.71 / 0.07 / 0 / 0.96
    assert report["answer_hit"] >= 0.6
    assert report["source_hit"] >= 0.6
    assert report["refused"] <= 0.15
    assert report["wrong_region"] == 0.0
    assert report["oos_refused"] >= 0.9
    assert report["one_tap_hit"] >= 0.75  # measured 0.84: the answer in the reply or one button away
    faq2 = report["faq2"]
    print("faq2", {k: faq2[k] for k in JSON_KEYS})
    assert faq2["answer_hit"] >= FAQ2_FLOOR_HIT
    assert faq2["wrong_region"] == 0.0
    assert faq2["oos_refused"] == 1.0


def test_judge_sees_only_what_a_user_sees() -> None:
    from assistant.state import Citation, Reply
    from eval.answers import AnswerQuery
    from knowledge.schema import FAQ, ServiceGuide

    g = ServiceGuide(
        id="g", name="测试事项", region="湖南省长沙市", faqs=[FAQ(question="问", answer="可以线上申请。")]
    )
    q = AnswerQuery(id="1", q="能网上办吗", split="tune", gold={"doc": "g", "faq": 0})
    right = Reply(
        text="可以线上申请。（湖南省长沙市）",
        citations=[Citation(id="guide:g#faqs", title="测试事项", source="s", quote="可以线上申请。")],
    )
    flags = judge(q, right, {"g": g}.get, lambda _i: None)
    assert flags["answer_hit"] and flags["source_hit"] and not flags["refused"] and not flags["wrong_region"]
    wrong = Reply(text="不可以。", choices=[])
    flags = judge(q, wrong, {"g": g}.get, lambda _i: None)
    assert not flags["answer_hit"] and flags["refused"]


def test_one_tap_hit_counts_an_answer_one_button_away() -> None:
    """The gold answer in the reply to one of the buttons counts for one_tap_hit, not for answer_hit; each button
    is tried from the session the question left."""
    from assistant.state import Citation, DialogueState, Reply, TurnResult
    from eval.answers import AnswerQuery
    from knowledge.schema import FAQ, ServiceGuide

    g = ServiceGuide(
        id="g",
        name="测试事项",
        region="广东省广州市花都区",
        faqs=[FAQ(question="多久办好？", answer="5个工作日。")],
    )
    right = Reply(
        text="5个工作日。",
        citations=[Citation(id="guide:g#faqs", title="测试事项", source="s", quote="5个工作日。")],
    )

    class Scripted:
        def __init__(self, lead_to: Reply) -> None:
            self.lead_to = lead_to

        def handle(self, state: DialogueState, text: str) -> TurnResult:
            if state.turns == 0:
                first = Reply(text="请问您问的是哪一个？", choices=["要带什么材料", "多久办好？"])
                return TurnResult(state=state.model_copy(update={"turns": 1}), reply=first)
            return TurnResult(
                state=state, reply=self.lead_to if text == "多久办好？" else Reply(text="不知道。")
            )

    q = AnswerQuery(id="1", q="几时搞掂", split="tune", gold={"doc": "g", "faq": 0})
    report = evaluate_answers(Scripted(right), [q], {"g": g}.get, lambda _i: None)
    assert report["answer_hit"] == 0.0 and report["one_tap_hit"] == 1.0
    report = evaluate_answers(Scripted(Reply(text="不知道。")), [q], {"g": g}.get, lambda _i: None)
    assert report["one_tap_hit"] == 0.0
