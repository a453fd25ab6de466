"""The dialogue benchmark: simulated citizens (eval.citizen) talk to the real DialogueManager until they have
submitted an application, seeing only the reply text, the choice buttons and the form panel; plus the
first-turn routing set (eval.routing_set).

Personas live in eval/data/personas/{tune,heldout}/*.yaml: facts and free-text answers written in people's
words (colloquial Mandarin, Cantonese, numbers in words, relative dates), a correction, a mid-form
question, an abandon-and-resume and a confirmation in everyday words. The harness plays the app's part
(persisting a confirmed draft and calling `on_submitted`) and scores against the persona's `expect`.

Metrics: success_rate (submitted, and every expected situation answer and field equal), mean_turns (the
citizen's messages), the turn budget (situation questions + required fields + 2 of the persona's path),
misunderstandings_per_dialogue (replies that fail to take a valid answer: asking the same again, "有误",
"无法识别"), confirmations (targeted "…，对吗？" questions), field_accuracy, per split (tune / heldout).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.policy.manager import DialogueManager
from assistant.state import ApplicationDraft, DialogueState, TurnResult
from eval.citizen import Persona, Seen, best_fact, expected_value, load_personas, yes_or_no
from eval.routing_set import load_routing, run_routing
from eval.stats import percentile
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide

MAX_TURNS = 40
DATA = Path(__file__).parent / "data"
PERSONAS_DIR = DATA / "personas"
ROUTING_DIR = DATA / "routing"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --- valid numbers for persona files (independent of the validators, so the benchmark checks them) --


def make_id_number(birth: date, seq: int = 123, region: str = "440114") -> str:
    """A valid 18-digit 居民身份证号 (GB 11643: ISO 7064 MOD 11-2 check character)."""
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def break_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + next(c for c in "0123456789X" if c != last)


def make_uscc(region: str = "440114", org: str = "MA59KQ1Y3") -> str:
    """A valid 统一社会信用代码 for a 个体工商户 (registration 9, category 2)."""
    body = f"92{region}{org}"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


# --- one dialogue ---------------------------------------------------------------------------------


@dataclass
class DialogueRun:
    persona: Persona
    turns: int = 0
    budget: int = 0
    success: bool = False
    misunderstandings: int = 0
    confirmations: int = 0
    fields_total: int = 0
    fields_correct: int = 0
    question_answered: bool | None = None  # the mid-form question got a cited answer and the form went on
    resumed_with_fields: bool | None = None  # "继续刚才的" brought the filled fields back
    failure: str | None = None
    deliberate: int = (
        0  # turns the persona spends on purpose: a mid-form question, leaving and resuming, corrections
    )
    latencies_ms: list[float] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)


def _budget(flow: Flow | None, answers: Mapping[str, str]) -> int:
    if flow is None:
        return 0
    questions = len(flow.active_questions(dict(answers)))
    required = len([f for f in flow.active_fields(dict(answers)) if f.required])
    return questions + required + 2


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, int | float) and not isinstance(want, bool):
        try:
            return abs(float(got) - float(want)) < 1e-6
        except (TypeError, ValueError):
            return False
    return str(got) == str(want)


class _Talk:
    def __init__(self, manager: DialogueManager, run: DialogueRun, app_id: str) -> None:
        self.manager, self.run, self.app_id = manager, run, app_id
        self.state = DialogueState(session_id=f"eval-{run.persona.id}")
        self.draft: ApplicationDraft | None = None

    def say(self, text: str) -> Seen:
        t0 = time.perf_counter()
        res: TurnResult = self.manager.handle(self.state, text)
        self.run.latencies_ms.append((time.perf_counter() - t0) * 1000)
        self.run.turns += 1
        self.state = res.state
        reply = res.reply
        if res.submission is not None:  # the app's part: persist, then the receipt
            self.draft = res.submission
            done = self.manager.on_submitted(self.state, self.app_id, res.submission)
            self.state = done.state
            reply = done.reply
        self.run.transcript.append((text, reply.text))
        self._last_citations = bool(reply.citations)
        return Seen(text=reply.text, choices=list(reply.choices), form_open=reply.form is not None)


def run_persona(
    manager: DialogueManager, persona: Persona, flows: Mapping[str, Flow], app_id: str
) -> DialogueRun:
    """Talk as `persona` until the receipt (or MAX_TURNS / the citizen is stuck); score the draft."""
    run = DialogueRun(persona)
    talk = _Talk(manager, run, app_id)
    said: dict[int, int] = {}
    corrections: list[str] = []
    answers_given, stuck = 0, 0
    last_fact: int | None = None
    question_done = False
    abandon = "no" if persona.abandon else "done"
    kept_labels: list[str] = []
    seen = talk.say(persona.opening)
    while run.turns < MAX_TURNS and not seen.is_receipt:
        if last_fact is not None:  # did the last answer land?
            again = best_fact(persona, seen.ask)
            if seen.is_confirmation:
                run.confirmations += 1
            elif seen.rejected or (
                seen.form_open and again is persona.facts[last_fact] and not seen.is_read_back
            ):
                run.misunderstandings += 1
        last_fact = None
        if abandon == "left":
            msg, abandon = persona.abandon["detour"], "detoured"  # type: ignore[index]
        elif abandon == "detoured":
            msg, abandon = persona.abandon["resume"], "resumed"  # type: ignore[index]
        elif not seen.form_open:
            menu = [c for c in seen.services if any(w in c for w in persona.service_words)]
            if seen.offers and not menu:
                msg = persona.apply
            elif menu:
                msg = menu[0]
            else:
                msg = persona.apply
                stuck += 1
        elif seen.is_read_back:
            if corrections:
                msg = corrections.pop(0)
                run.deliberate += 1
            else:
                msg = persona.confirm
        elif seen.is_confirmation:
            msg = yes_or_no(persona, seen)
        elif persona.question and not question_done and answers_given >= int(persona.question["after"]):
            msg, question_done = str(persona.question["say"]), True
            run.deliberate += 1
            seen = talk.say(msg)
            run.question_answered = talk._last_citations and seen.form_open
            continue
        elif abandon == "no" and answers_given >= int(persona.abandon["after"]):  # type: ignore[index]
            kept_labels = [k for k in talk.state.fields]
            msg, abandon = str(persona.abandon.get("say", "算了，不办了")), "left"  # type: ignore[union-attr]
            run.deliberate += 3  # leaving, the detour question, "继续刚才的"
        else:
            fact = best_fact(persona, seen.ask)
            if fact is None:
                msg = "我不太清楚你问的是什么"
                stuck += 1
            else:
                i = persona.facts.index(fact)
                n = said.get(i, 0)
                if n == 0 and fact.first_say:
                    msg = fact.first_say
                    if fact.correction:
                        corrections.append(fact.correction)
                elif n >= 1 and fact.retry:
                    msg = fact.retry
                elif n >= 1 and (
                    button := next((c for c in seen.choices if any(w in c for w in fact.is_)), None)
                ):
                    msg = button  # asked again: a person clicks the button that describes them
                else:
                    msg = fact.say
                said[i] = n + 1
                last_fact = i
                answers_given += 1
                if n >= 4:  # asked the same thing five times: the citizen gives up
                    run.failure = f"gave up re-answering: {seen.ask[:60]}"
                    break
        if stuck >= 4:
            run.failure = f"stuck at: {seen.ask[:60]}"
            break
        seen = talk.say(msg)
        if abandon == "resumed" and run.resumed_with_fields is None:
            run.resumed_with_fields = all(k in talk.state.fields for k in kept_labels) and seen.form_open
    flow = flows.get(persona.flow)
    exp_answers = dict(persona.expect.get("answers", {}))
    run.budget = _budget(flow, exp_answers)
    _score(run, talk.draft, persona, flow)
    return run


def _score(run: DialogueRun, draft: ApplicationDraft | None, persona: Persona, flow: Flow | None) -> None:
    today = date.today()
    want_answers = dict(persona.expect.get("answers", {}))
    want_fields = {k: expected_value(v, today) for k, v in persona.expect.get("fields", {}).items()}
    run.fields_total = len(want_answers) + len(want_fields)
    if draft is None:
        run.failure = run.failure or f"no submission after {run.turns} turns"
        return
    wrong = {k: draft.answers.get(k) for k, v in want_answers.items() if draft.answers.get(k) != v}
    wrong |= {k: draft.fields.get(k) for k, v in want_fields.items() if not _same(draft.fields.get(k), v)}
    run.fields_correct = run.fields_total - len(wrong)
    if draft.flow_id != persona.flow:
        run.failure = f"submitted {draft.flow_id} instead of {persona.flow}"
        run.fields_correct = 0
    elif wrong:
        run.failure = f"submitted values differ: {wrong}"
    else:
        run.success = True


# --- aggregation --------------------------------------------------------------------------------------


def summarize(runs: Sequence[DialogueRun]) -> dict[str, Any]:
    n = len(runs)
    if not n:
        return {"n": 0}
    total = sum(r.fields_total for r in runs)
    asked = [r.question_answered for r in runs if r.question_answered is not None]
    resumed = [r.resumed_with_fields for r in runs if r.resumed_with_fields is not None]
    return {
        "n": n,
        "success_rate": round(sum(r.success for r in runs) / n, 4),
        "mean_turns": round(statistics.mean(r.turns for r in runs), 2),
        "mean_turns_adjusted": round(statistics.mean(r.turns - r.deliberate for r in runs), 2),
        "mean_budget": round(statistics.mean(r.budget for r in runs), 2),
        "within_budget_rate": round(sum(r.turns - r.deliberate <= r.budget for r in runs) / n, 4),
        "misunderstandings_per_dialogue": round(sum(r.misunderstandings for r in runs) / n, 3),
        "confirmations_per_dialogue": round(sum(r.confirmations for r in runs) / n, 3),
        "field_accuracy": round(sum(r.fields_correct for r in runs) / total, 4) if total else 0.0,
        "mid_form_question_answered": round(sum(asked) / len(asked), 4) if asked else None,
        "resumed_with_fields": round(sum(resumed) / len(resumed), 4) if resumed else None,
    }


def run_dialogue_eval(
    manager: DialogueManager,
    flows: Mapping[str, Flow],
    *,
    personas_dir: Path | None = None,
    routing_dir: Path | None = None,
) -> dict[str, Any]:
    """Every persona through the manager, and the routing set; overall and per split (tune / heldout)."""
    personas = load_personas(personas_dir or PERSONAS_DIR)
    runs = [run_persona(manager, p, flows, f"GA-EVAL-{i:03d}") for i, p in enumerate(personas)]
    latencies = [x for r in runs for x in r.latencies_ms]
    report: dict[str, Any] = summarize(runs)
    report["splits"] = {s: summarize([r for r in runs if r.persona.split == s]) for s in ("tune", "heldout")}
    report["latency_ms"] = {
        "p50": round(percentile(latencies, 50), 2),
        "p95": round(percentile(latencies, 95), 2),
    }
    report["dialogues"] = [
        {
            "persona": r.persona.id,
            "split": r.persona.split,
            "lang": r.persona.lang,
            "flow_id": r.persona.flow,
            "success": r.success,
            "turns": r.turns,
            "deliberate": r.deliberate,
            "budget": r.budget,
            "misunderstandings": r.misunderstandings,
            "confirmations": r.confirmations,
            "fields": f"{r.fields_correct}/{r.fields_total}",
            "failure": r.failure,
        }
        for r in runs
    ]
    items = load_routing(routing_dir or ROUTING_DIR)
    report["routing"] = run_routing(manager, items)
    return report


def build_manager(
    guides: Sequence[ServiceGuide],
    flows: Mapping[str, Flow],
    index_dir: str | Path,
    *,
    policies: Sequence[PolicyDocument] = (),
    embedder: Any = "hash",
    **kwargs: Any,
) -> DialogueManager:
    """A DialogueManager over an in-memory set of records with a freshly built hybrid index (tests, demos).

    The app wires the real store instead (app.pipeline); `embedder="hash"` keeps this fast and offline.
    """
    from retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(index_dir, embedder)
    retriever.build(list(guides), list(policies), progress=False)
    by_id = {g.id: g for g in guides}
    pol = {p.id: p for p in policies}
    return DialogueManager(
        retriever=retriever, get_guide=by_id.get, get_policy=pol.get, flows=flows, **kwargs
    )


def format_report(report: Mapping[str, Any]) -> str:
    def line(name: str, s: Mapping[str, Any]) -> str:
        if not s.get("n"):
            return f"  {name:<8} n=0"
        return (
            f"  {name:<8} n={s['n']:<3} success {s['success_rate']:.0%}  turns {s['mean_turns']} "
            f"(without deliberate detours {s['mean_turns_adjusted']}, budget {s['mean_budget']})  misunderstandings/dialogue {s['misunderstandings_per_dialogue']}  "
            f"confirmations/dialogue {s['confirmations_per_dialogue']}  field accuracy {s['field_accuracy']:.1%}"
        )

    lines = ["对话模拟评测 (simulated citizens, visible output only)", line("all", report)]
    lines += [line(k, v) for k, v in report.get("splits", {}).items()]
    lines.append(
        f"  latency per turn: p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms"
    )
    lines.append("")
    lines.append(
        f"  {'persona':<28}{'split':<8}{'lang':<10}{'ok':<3}{'turns':>6}{'delib':>6}{'budget':>7}{'mis':>5}{'conf':>5}  fields  failure"
    )
    for d in report["dialogues"]:
        lines.append(
            f"  {d['persona']:<28}{d['split']:<8}{d['lang']:<10}{'✓' if d['success'] else '✗':<3}{d['turns']:>6}"
            f"{d['deliberate']:>6}{d['budget']:>7}{d['misunderstandings']:>5}{d['confirmations']:>5}  {d['fields']:<7} {d['failure'] or ''}"
        )
    routing = report.get("routing")
    if routing:
        lines.append("")
        lines.append("首轮路由 (first-turn routing)")
        for name in ("all", "tune", "heldout"):
            s = routing.get(name)
            if s and s.get("n"):
                lines.append(
                    f"  {name:<8} n={s['n']:<4} right {s['right']:.1%}  wrong {s['wrong']:.1%}  refused "
                    f"{s['refused']:.1%}  out-of-scope refused {s['oos_refused']:.1%} (n={s['n_oos']})"
                )
        lat = routing.get("latency_ms")
        if lat:
            lines.append(
                f"  question turn in a fresh session: p50 {lat['p50']} ms, p95 {lat['p95']} ms (n={lat['n']})"
            )
    return "\n".join(lines)
