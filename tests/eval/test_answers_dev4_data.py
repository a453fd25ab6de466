"""The dev4 answer set (citizen questions on real Guangdong guide fields and national law articles) is
well-formed: every line is tagged, every gold passage resolves in the bundled data, and the set keeps its
mix of guide-field, law-article and out-of-scope questions."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from eval.answers import gold_text, load_answer_queries

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
DEV4 = REPO / "tests" / "eval" / "data" / "answers_dev4.jsonl"
GUIDE_FIELDS = {"time", "fees", "materials", "location", "phone", "conditions", "online", "process", "linked"}


def test_dev4_lines_are_tagged_and_unique() -> None:
    recs = [json.loads(line) for line in DEV4.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {r["split"] for r in recs} == {"tune4"}
    assert {r["source"] for r in recs} == {"dev4"}
    assert len({r["id"] for r in recs}) == len(recs)
    assert len({r["q"] for r in recs}) == len(recs)
    queries = load_answer_queries(DEV4, split="tune4")
    assert len(queries) == len(recs)


def test_dev4_golds_resolve_in_bundled_data() -> None:
    guides_file = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
    laws_dir = SHARED / "data" / "laws" / "national"
    if not guides_file.exists() or not laws_dir.exists():
        pytest.skip(f"shared data not found under {SHARED}")
    from knowledge.loaders import load_paths

    report = load_paths([guides_file, laws_dir])
    guides = {g.id: g for g in report.guides}
    policies = {p.id: p for p in report.policies}
    kinds: Counter[str] = Counter()
    for q in load_answer_queries(DEV4):
        if q.gold is None:
            kinds["oos"] += 1
            continue
        if "article" in q.gold:
            kinds["article"] += 1
        else:
            assert q.gold["field"] in GUIDE_FIELDS, q.id
            kinds["field"] += 1
        assert gold_text(q.gold, guides.get, policies.get), f"{q.id}: gold does not resolve: {q.gold}"
    assert kinds["field"] >= 40 and kinds["article"] >= 20 and kinds["oos"] >= 5, kinds
