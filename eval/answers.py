"""Answer benchmark: does the reply answer the question that was asked, from the right passage?

Query files are JSONL, one question a line, written the way citizens talk:
  {"id", "q", "split": "tune"|"heldout", "gold": {"doc": <guide or law id>, "faq": <index>} |
   {"doc", "field": "time"|"fees"|"materials"|"location"|"phone"|"conditions"|"online"|"process"|
   "visits"|"department"|"linked"} | {"doc", "article": "第五条"} | null (out of scope)}
A line may add "region": true for a question about a place the KB does not cover (gold null; success is an
honest reply that names the place and says the KB does not cover it).

Judged only on what a user sees (reply text, citations, choices), per line:
- answer_hit: the gold passage's content is in the reply (its first 40 characters, whitespace-insensitive);
- source_hit: a citation of the gold document (and FAQ / article / field);
- refused: no citation and no choice offered (an in-scope question turned away);
- clarified: choices offered instead of an answer;
- wrong_region: another place's facts stated as if they applied: a cited guide outside the home region
  and its parents whose region the reply does not name;
- oos_refused: an out-of-scope question turned away (no citation);
- one_tap_hit: answer and source hit in the reply, or in the reply to one of its buttons (each tried in a copy
  of the session: a person reading them taps the one that is their question; judged by the gold passage, so an
  upper bound). Not a key of the issue's `--json` set, reported beside it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.state import DialogueState, Reply, TurnResult
from eval.stats import percentile
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.regions import HOME_REGION_DEFAULT, in_home_chain

JSON_KEYS = (
    "answer_hit",
    "source_hit",
    "refused",
    "clarified",
    "wrong_region",
    "oos_refused",
    "n",
    "latency_ms_p50",
    "latency_ms_p95",
)
HIT_CHARS = 40
TAPS = 4  # buttons a person would read through
REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO / "tests" / "eval" / "data" / "answers_dev.jsonl"


def hunan_fixture_dir() -> Path:
    """Real Hunan 一件事 guides (official FAQ pairs) stored as a download-free fixture."""
    return REPO / "tests" / "fixtures" / "hunan_onething"


class Manager(Protocol):
    def handle(self, state: DialogueState, text: str) -> TurnResult: ...


@dataclass(frozen=True)
class AnswerQuery:
    id: str
    q: str
    split: str
    gold: dict[str, Any] | None = None
    region: bool = False  # a place the KB does not cover

    @property
    def in_scope(self) -> bool:
        return self.gold is not None


@dataclass
class Outcome:
    query: AnswerQuery
    reply: Reply
    latency_ms: float
    flags: dict[str, bool] = field(default_factory=dict)


def load_answer_queries(path: Path | str, split: str | None = None) -> list[AnswerQuery]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        if not rec.get("q"):
            raise ValueError(f"{path}:{n}: line without 'q'")
        q = AnswerQuery(
            id=str(rec.get("id") or n),
            q=str(rec["q"]),
            split=str(rec.get("split") or "tune"),
            gold=rec.get("gold"),
            region=bool(rec.get("region")),
        )
        if split in (None, "all") or q.split == split:
            out.append(q)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def gold_text(
    gold: dict[str, Any],
    get_guide: Callable[[str], ServiceGuide | None],
    get_policy: Callable[[str], PolicyDocument | None],
) -> str | None:
    """The content a right answer must show (taken from the record, never written into the query file)."""
    doc = str(gold.get("doc"))
    if "article" in gold:
        p = get_policy(doc)
        art = p.article(str(gold["article"])) if p else None
        return art.text if art else None
    g = get_guide(doc)
    if g is None:
        return None
    if "faq" in gold:
        i = int(gold["faq"])
        return g.faqs[i].answer if 0 <= i < len(g.faqs) else None
    fld = str(gold.get("field"))
    if fld == "time":
        tl = g.promised_time_limit or g.legal_time_limit
        return tl.text if tl else None
    if fld == "materials":
        return g.materials[int(gold.get("index", 0))].name if g.materials else None
    if fld == "phone":
        return g.consult_phone
    if fld == "online":
        return g.online_url or g.platform
    if fld == "process":
        return g.process[0] if g.process else None
    if fld == "linked":
        return g.linked_items[0].name if g.linked_items else None
    if fld == "visits":
        return None if g.visits is None else f"{g.visits}次"
    value = getattr(g, fld, None)
    return value if isinstance(value, str) else None


_CITE_FIELD = {
    "faq": ("faqs",),
    "time": ("legal_time_limit", "promised_time_limit"),
    "phone": ("consult_phone",),
    "online": ("online_url", "platform", "online_booking", "courier"),
    "linked": ("linked_items",),
    "department": ("department",),
}


def _source_hit(reply: Reply, gold: dict[str, Any], answer: str | None) -> bool:
    doc = str(gold.get("doc"))
    if "article" in gold:
        return any(c.id == f"policy:{doc}#{gold['article']}" for c in reply.citations)
    key = "faq" if "faq" in gold else str(gold.get("field"))
    fields = _CITE_FIELD.get(key, (key,))
    for c in reply.citations:
        if not c.id.startswith(f"guide:{doc}#"):
            continue
        fld = c.id.split("#", 1)[1]
        if fld in fields and (key != "faq" or (answer is not None and _squash(c.quote) in _squash(answer))):
            return True
    return False


def judge(
    q: AnswerQuery,
    reply: Reply,
    get_guide: Callable[[str], ServiceGuide | None],
    get_policy: Callable[[str], PolicyDocument | None],
    home: Sequence[str] = HOME_REGION_DEFAULT,
) -> dict[str, bool]:
    cited_guides = [
        g
        for c in reply.citations
        if c.id.startswith("guide:")
        for g in [get_guide(c.id[6:].split("#")[0])]
        if g
    ]
    refused = not reply.citations and not reply.choices
    clarified = not reply.citations and bool(reply.choices)
    flags = {"refused": refused, "clarified": clarified, "answer_hit": False, "source_hit": False}
    text = _squash(reply.text)
    # another place's facts must carry their region: a cited guide outside the home region and its parents
    # whose region the reply does not name
    flags["wrong_region"] = any(
        g.region_path and not in_home_chain(g.region_path, home) and _squash(g.region or "") not in text
        for g in cited_guides
    )
    if q.gold is None:
        flags["oos_refused"] = not reply.citations
        return flags
    answer = gold_text(q.gold, get_guide, get_policy)
    flags["answer_hit"] = bool(answer) and _squash(answer)[:HIT_CHARS] in text
    flags["source_hit"] = _source_hit(reply, q.gold, answer)
    return flags


def _hit(flags: dict[str, bool]) -> bool:
    return flags["answer_hit"] and flags["source_hit"]


def _rate(outcomes: Sequence[Outcome], key: str) -> float:
    return round(sum(o.flags.get(key, False) for o in outcomes) / len(outcomes), 4) if outcomes else 0.0


def evaluate_answers(
    manager: Manager,
    queries: Iterable[AnswerQuery],
    get_guide: Callable[[str], ServiceGuide | None],
    get_policy: Callable[[str], PolicyDocument | None],
) -> dict[str, Any]:
    """Ask every question in a fresh session; the report keys are JSON_KEYS plus per-line details."""
    outcomes: list[Outcome] = []
    for q in queries:
        t0 = time.perf_counter()
        res = manager.handle(DialogueState(session_id=f"eval-{q.id}"), q.q)
        ms = (time.perf_counter() - t0) * 1000
        flags = judge(q, res.reply, get_guide, get_policy)
        if q.in_scope:
            flags["one_tap_hit"] = _hit(flags) or any(
                _hit(judge(q, manager.handle(res.state, choice).reply, get_guide, get_policy))
                for choice in res.reply.choices[:TAPS]
            )
        outcomes.append(Outcome(q, res.reply, ms, flags))
    ins = [o for o in outcomes if o.query.in_scope]
    oos = [o for o in outcomes if not o.query.in_scope]
    lat = np.array([o.latency_ms for o in outcomes]) if outcomes else np.zeros(1)
    report: dict[str, Any] = {
        "answer_hit": _rate(ins, "answer_hit"),
        "source_hit": _rate(ins, "source_hit"),
        "refused": _rate(ins, "refused"),
        "clarified": _rate(outcomes, "clarified"),
        "wrong_region": _rate(outcomes, "wrong_region"),
        "oos_refused": _rate(oos, "oos_refused") if oos else 1.0,
        "one_tap_hit": _rate(ins, "one_tap_hit"),
        "n": len(outcomes),
        "latency_ms_p50": round(percentile(lat, 50), 1),
        "latency_ms_p95": round(percentile(lat, 95), 1),
    }
    report["misses"] = [
        {
            "id": o.query.id,
            "q": o.query.q,
            **{k: v for k, v in o.flags.items() if v},
            "reply": o.reply.text[:160],
        }
        for o in outcomes
        if (o.query.in_scope and not _hit(o.flags))
        or (not o.query.in_scope and not o.flags.get("oos_refused", True))
        or o.flags.get("wrong_region")
    ]
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        "回答评测 (answers)",
        f"  n: {report['n']}",
        f"  answer_hit: {report['answer_hit']:.2%}  source_hit: {report['source_hit']:.2%}",
        f"  refused (in scope): {report['refused']:.2%}  clarified: {report['clarified']:.2%}",
        f"  wrong_region: {report['wrong_region']:.2%}  oos_refused: {report['oos_refused']:.2%}",
        f"  one_tap_hit (answer in the reply or one button away): {report['one_tap_hit']:.2%}",
        f"  latency p50 {report['latency_ms_p50']} ms  p95 {report['latency_ms_p95']} ms",
    ]
    for m in report.get("misses", [])[:40]:
        lines.append(f"  - [{m['id']}] {m['q']} -> {m['reply'][:80]!r}")
    return "\n".join(lines)


def answer_kb(sources: Iterable[Path]) -> tuple[list[ServiceGuide], list[PolicyDocument]]:
    """Guides and laws of the benchmark's knowledge base, loaded with the project's own loaders."""
    from guides.loader import load_sample_guides
    from knowledge.loaders import load_paths

    report = load_paths([p for p in sources if Path(p).exists()])
    guides = {g.id: g for g in [*report.guides, *load_sample_guides()]}
    return list(guides.values()), list(report.policies)
