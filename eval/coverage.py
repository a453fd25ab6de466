"""Flow coverage: the share of published guides that have a working flow, by guide type.

A guide is applicable unless it is an information service, a complaint channel or a 一件事 bundle
(`guides.generic.applicability`). Its flow works when the registry resolves one, it validates, it has a form,
and every field type has a validator. Also times deriving every generic flow (what an eager start-up would
cost; the registry derives lazily).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from assistant.nlu.validators import VALIDATORS
from guides.generic import applicability, derive_flow
from guides.registry import FlowRegistry
from guides.schema import Flow
from knowledge.schema import ServiceGuide


def flow_works(flow: Flow | None) -> bool:
    if flow is None or not flow.form:
        return False
    try:
        Flow.model_validate(flow.model_dump())
    except ValueError:
        return False
    return all(f.type in VALIDATORS for f in flow.form)


def coverage(guides: Sequence[ServiceGuide], registry: FlowRegistry) -> dict[str, Any]:
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    broken: list[str] = []
    notes: Counter[str] = Counter()
    for g in guides:
        kind = g.type or ("示例事项" if g.is_sample else "未标明类型")
        row = by_type[kind]
        row["published"] += 1
        app = applicability(g)
        flow = registry.for_service(g.id)
        if not app.applicable and flow is None:
            reasons[app.reason] += 1
            continue
        row["applicable"] += 1
        if flow_works(flow):
            row["with_flow"] += 1
            sources[registry.source_of(g.id)] += 1
            for note in flow.notes if flow is not None else []:
                notes[note] += 1
        else:
            broken.append(g.id)
    t0 = time.perf_counter()
    for g in guides:
        if applicability(g).applicable:
            derive_flow(g)
    derive_all_s = time.perf_counter() - t0
    applicable = sum(r["applicable"] for r in by_type.values())
    with_flow = sum(r["with_flow"] for r in by_type.values())
    return {
        "published": len(guides),
        "applicable": applicable,
        "with_flow": with_flow,
        "coverage": round(with_flow / applicable, 4) if applicable else 1.0,
        "by_type": {
            k: {
                **dict(v),
                "coverage": round(v["with_flow"] / v["applicable"], 4) if v["applicable"] else None,
            }
            for k, v in sorted(by_type.items(), key=lambda kv: -kv[1]["published"])
        },
        "sources": dict(sources),
        "not_applicable": dict(reasons),
        "notes": dict(notes),
        "broken": broken[:20],
        "derive_all_s": round(derive_all_s, 3),
    }


def format_report(r: dict[str, Any]) -> str:
    lines = [
        "流程覆盖率 (flow coverage of published guides)",
        f"  published: {r['published']}  applicable: {r['applicable']}  with a working flow: {r['with_flow']}"
        f"  coverage: {r['coverage']:.1%}",
        "  by type (published / applicable / with flow):",
    ]
    for kind, v in r["by_type"].items():
        cov = "—" if v["coverage"] is None else f"{v['coverage']:.1%}"
        lines.append(
            f"    {kind}: {v.get('published', 0)} / {v.get('applicable', 0)} / {v.get('with_flow', 0)}  ({cov})"
        )
    lines.append("  flow sources: " + ", ".join(f"{k} {v}" for k, v in r["sources"].items()))
    lines.append("  not applicable: " + ", ".join(f"{k} {v}" for k, v in r["not_applicable"].items()))
    for note, n in r["notes"].items():
        lines.append(f"  note on {n} flows: {note}")
    if r["broken"]:
        lines.append("  broken: " + ", ".join(r["broken"]))
    lines.append(
        f"  deriving every generic flow eagerly would take {r['derive_all_s']} s (the registry is lazy)"
    )
    return "\n".join(lines)
