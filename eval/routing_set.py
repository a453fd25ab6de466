"""First-turn routing: single questions in everyday and Cantonese wording, each with the guides that would
be an acceptable answer (by id or by a distinctive part of the guide's name) or marked out of scope.

Files: eval/data/routing/{tune,heldout}.jsonl, one item a line:
    {"q": "身份证唔见咗点算", "accept_names": ["居民身份证"], "accept_ids": []}
    {"q": "帮我订张去北京的机票", "oos": true}

Each question goes to a fresh session; the outcome is read from what a person sees: the guide the reply
cites (or the form it opens), or an honest "don't know" (refused). In scope: right / wrong / refused;
out of scope: refused is right.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState, Reply
from eval.stats import percentile


@dataclass
class RoutingItem:
    q: str
    split: str
    accept_ids: list[str] = field(default_factory=list)
    accept_names: list[str] = field(default_factory=list)
    oos: bool = False


def load_routing(folder: Path) -> list[RoutingItem]:
    items: list[RoutingItem] = []
    for split in ("tune", "heldout"):
        path = folder / f"{split}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            d = json.loads(line)
            items.append(
                RoutingItem(
                    q=d["q"],
                    split=split,
                    accept_ids=list(d.get("accept_ids", [])),
                    accept_names=list(d.get("accept_names", [])),
                    oos=bool(d.get("oos", False)),
                )
            )
    return items


def routed_to(reply: Reply) -> tuple[str, str] | None:
    """(guide id, guide name) the reply answers from or opens a form for; None for a refusal."""
    if reply.form is not None:
        return reply.form.service_id, reply.form.service_name
    for c in reply.citations:
        if c.id.startswith("guide:"):
            return c.id.split(":", 1)[1].split("#", 1)[0], c.title
    if reply.choices and reply.confident and not reply.citations:  # a "which one?" menu: not yet routed
        return None
    return None


def judge(item: RoutingItem, reply: Reply) -> str:
    """ "right" | "wrong" | "refused" (for an out-of-scope item, "refused" is the right outcome)."""
    got = routed_to(reply)
    policy = any(c.id.startswith("policy:") for c in reply.citations)
    if got is None and not policy:
        return "refused"
    if item.oos:
        return "wrong"
    if got is None:  # a policy answer: right when a law title is acceptable
        titles = [c.title for c in reply.citations]
        return "right" if any(n in t for n in item.accept_names for t in titles) else "wrong"
    gid, name = got
    if gid in item.accept_ids or any(n and n in name for n in item.accept_names):
        return "right"
    return "wrong"


def _rates(rows: Sequence[tuple[RoutingItem, str]]) -> dict[str, Any]:
    ins = [o for it, o in rows if not it.oos]
    oos = [o for it, o in rows if it.oos]
    n = len(ins)
    return {
        "n": n,
        "right": round(ins.count("right") / n, 4) if n else 0.0,
        "wrong": round(ins.count("wrong") / n, 4) if n else 0.0,
        "refused": round(ins.count("refused") / n, 4) if n else 0.0,
        "n_oos": len(oos),
        "oos_refused": round(oos.count("refused") / len(oos), 4) if oos else 1.0,
    }


def run_routing(manager: DialogueManager, items: Sequence[RoutingItem]) -> dict[str, Any]:
    rows: list[tuple[RoutingItem, str]] = []
    misses: list[dict[str, Any]] = []
    times: list[float] = []
    if items:  # warm-up: the first turn loads lazy resources (jieba, OpenCC)
        manager.handle(DialogueState(session_id="routing"), items[0].q)
    for item in items:
        t0 = time.perf_counter()
        reply = manager.handle(DialogueState(session_id="routing"), item.q).reply
        times.append((time.perf_counter() - t0) * 1000)
        outcome = judge(item, reply)
        rows.append((item, outcome))
        if (outcome != "right" and not item.oos) or (item.oos and outcome != "refused"):
            got = routed_to(reply)
            misses.append(
                {"q": item.q, "split": item.split, "outcome": outcome, "got": got[1] if got else None}
            )
    return {
        "all": _rates(rows),
        "tune": _rates([r for r in rows if r[0].split == "tune"]),
        "heldout": _rates([r for r in rows if r[0].split == "heldout"]),
        "misses": misses,
        # question turns in fresh sessions: classification, retrieval, linking, composing (the slow path)
        "latency_ms": {
            "p50": round(percentile(times, 50), 2),
            "p95": round(percentile(times, 95), 2),
            "n": len(times),
        },
    }
