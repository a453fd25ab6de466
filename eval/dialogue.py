"""Dialogue benchmark: simulated citizens fill every flow through the DialogueManager until submission.

Personas are generated from each flow's questions and field types (valid ID numbers with check digits,
phones, USCCs, dates within bounds ...), so a new flow is covered without writing a script for it. Each
flow gets a "plain" persona (one answer a turn) and a "messy" one (several fields in one message, an
invalid value, a digression, a material tick and a correction at the read-back).

Metrics: success_rate, mean_turns (raw user messages to submission) and mean_turns_adjusted (without the
deliberate digressions / corrections / invalid-value retries / material ticks), the turn budget
(adjusted turns <= situation questions + required fields + 2), field_accuracy (submitted values equal the
persona's intended values) and per-turn latency p50/p95.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assistant.nlu.validators import validate
from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState, TurnResult
from guides.schema import Flow, FormField, Question
from knowledge.schema import PolicyDocument, ServiceGuide

MAX_TURNS = 60

_NAMES = ["张伟", "李娜", "王芳", "陈明", "刘洋", "黄敏", "赵磊", "周静"]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --- value generation (independent of the validators, so the benchmark checks them) -----------------


def make_id_number(birth: date, seq: int = 123, region: str = "440114") -> str:
    """A valid 18-digit 居民身份证号 (GB 11643: ISO 7064 MOD 11-2 check character)."""
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def break_check_digit(id_number: str) -> str:
    """The same number with a wrong check character."""
    last = id_number[-1]
    wrong = next(c for c in "0123456789X" if c != last)
    return id_number[:-1] + wrong


def make_uscc(region: str = "440114", org: str = "MA59KQ1Y3") -> str:
    """A valid 统一社会信用代码 for a 个体工商户 (registration 9, category 2)."""
    body = f"92{region}{org}"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def _bound_date(v: float | None) -> date | None:
    if v is None:
        return None
    n = int(v)
    return date(n // 10000, n // 100 % 100, n % 100)


def _pick_date(f: FormField, today: date) -> date:
    low, high = _bound_date(f.min), _bound_date(f.max)
    if f.no_future:
        high = min(high, today) if high else today
    target = today - timedelta(days=200) if f.no_future else today + timedelta(days=10)
    if low and target < low:
        target = low
    if high and target > high:
        target = high
    return target


def field_value(f: FormField, index: int, style: str, today: date) -> str:
    """What a persona types for `f` (the index varies names / numbers between fields)."""
    if f.type == "name":
        return _NAMES[index % len(_NAMES)]
    if f.type == "id_number":
        return make_id_number(date(1988 + index % 10, 1 + index % 12, 10 + index % 18), 100 + index)
    if f.type == "phone":
        return f"138{index:04d}{5678 + index:04d}"[:11]
    if f.type == "uscc":
        return make_uscc()
    if f.type == "date":
        d = _pick_date(f, today)
        return f"{d.year}年{d.month}月{d.day}日" if style == "messy" else d.isoformat()
    if f.type == "amount":
        low = f.min if f.min is not None else 0
        high = f.max if f.max is not None else 1_000_000
        v = min(max(3000.0, low), high)
        if style == "messy" and v == 3000.0 and high >= 50000:
            return "5万"
        return f"{v:g}"
    if f.type == "int":
        low = int(f.min) if f.min is not None else 1
        high = int(f.max) if f.max is not None else 100
        return str(min(max(3, low), high))
    if f.type == "enum":
        return f.choices[-1] if style == "messy" else f.choices[0]
    if f.type == "address":
        return f"广东省广州市花都区新华街道迎宾大道{10 + index}号"
    # free text: long enough for min bounds, short enough for max
    text = f"花都区{f.label}示例"
    if f.min is not None and len(text) < f.min:
        text = (text * (int(f.min) // len(text) + 1))[: int(f.min)]
    if f.max is not None:
        text = text[: int(f.max)]
    return text


def invalid_value(f: FormField, good: str) -> str | None:
    """A value of the right shape that the validator must reject, or None for types without one."""
    if f.type == "id_number":
        return break_check_digit(good)
    if f.type == "phone":
        return good[:-1]  # 10 digits
    if f.type == "date":
        return "2023年2月30日"
    if f.type == "uscc":
        return good[:-1] + ("1" if good[-1] != "1" else "2")
    if f.type == "address":
        return "花都"
    return None


# --- personas ---------------------------------------------------------------------------------------


@dataclass
class Persona:
    flow: Flow
    style: str  # "plain" | "messy"
    answers: dict[str, str]  # question id -> choice value the persona means
    values: dict[str, str]  # field name -> what the persona types
    expected: dict[str, Any]  # field name -> the value that must be submitted
    invalid: dict[str, str] = field(default_factory=dict)  # field name -> bad value typed first
    correction: tuple[str, str] | None = None  # (field name, new value) said at the read-back
    digression: str | None = None
    opening: str = ""


def _choose(q: Question, style: str) -> str:
    return q.choices[-1].value if style == "messy" else q.choices[0].value


def _answers_for(flow: Flow, style: str) -> dict[str, str]:
    answers: dict[str, str] = {}
    for q in flow.questions:  # questions are ordered; `when` refers to earlier answers
        if q in flow.active_questions(answers):
            answers[q.id] = _choose(q, style)
    return answers


def make_persona(flow: Flow, style: str, today: date | None = None) -> Persona:
    today = today or date.today()
    answers = _answers_for(flow, style)
    fields = [f for f in flow.active_fields(answers) if f.required]
    values = {f.name: field_value(f, i, style, today) for i, f in enumerate(fields)}
    expected: dict[str, Any] = {}
    for f in fields:
        res = validate(f, values[f.name], today=today)
        if not res.ok:
            raise ValueError(f"persona value for {flow.id}.{f.name} is invalid: {res.error}")
        expected[f.name] = res.value
    kw = flow.keywords[0] if flow.keywords else flow.title
    persona = Persona(flow, style, answers, values, expected, opening=f"我要办{kw}")
    if style == "messy":
        persona.opening = f"你好，帮我办一下{flow.title}"
        for f in fields:
            bad = invalid_value(f, values[f.name])
            if bad is not None:
                persona.invalid[f.name] = bad
                break
        persona.digression = "要带什么材料？"
        target = next((f for f in fields if f.type == "phone"), None) or next(
            (f for f in fields if f.type in ("address", "name")), None
        )
        if target is not None:
            new = (
                "13900139000"
                if target.type == "phone"
                else ("广东省广州市花都区新雅街道凤凰路99号" if target.type == "address" else "林晓")
            )
            if new != values[target.name]:
                persona.correction = (target.name, new)
                expected[target.name] = validate(target, new, today=today).value
    return persona


def _label(f: FormField) -> str:
    return f.label


def _correction_text(f: FormField, value: str) -> str:
    word = {"phone": "电话", "address": "地址", "name": f.label}.get(f.type, f.label)
    return f"{word}填错了，应该是{value}"


def _field(flow: Flow, name: str | None) -> FormField | None:
    return next((f for f in flow.form if f.name == name), None)


def _question(flow: Flow, qid: str | None) -> Question | None:
    return next((q for q in flow.questions if q.id == qid), None)


@dataclass
class DialogueRun:
    flow_id: str
    style: str
    success: bool = False
    turns: int = 0  # user messages until submission
    extra_turns: int = 0  # deliberate digressions, corrections, invalid retries, material ticks
    budget: int = 0
    fields_total: int = 0
    fields_correct: int = 0
    failure: str | None = None
    latencies_ms: list[float] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (user, assistant)

    @property
    def adjusted_turns(self) -> int:
        return self.turns - self.extra_turns

    @property
    def budget_ok(self) -> bool:
        return self.success and self.adjusted_turns <= self.budget


def _say(manager: DialogueManager, state: DialogueState, text: str, run: DialogueRun) -> TurnResult:
    t0 = time.perf_counter()
    res = manager.handle(state, text)
    run.latencies_ms.append((time.perf_counter() - t0) * 1000)
    run.turns += 1
    run.transcript.append((text, res.reply.text))
    return res


def run_persona(manager: DialogueManager, persona: Persona, application_id: str) -> DialogueRun:
    """Drive one simulated citizen through the flow until submission (or MAX_TURNS)."""
    flow = persona.flow
    run = DialogueRun(flow.id, persona.style)
    run.budget = len(persona.answers) + len(persona.expected) + 2
    run.fields_total = len(persona.expected)
    state = DialogueState(session_id=f"eval-{flow.id}-{persona.style}")
    res = _say(manager, state, persona.opening, run)
    state = res.state
    pending_invalid = dict(persona.invalid)
    digressed = persona.digression is None
    ticked = persona.style != "messy"
    corrected = persona.correction is None
    multi_done = persona.style != "messy"
    submission = None

    while run.turns < MAX_TURNS:
        if res.submission is not None:
            submission = res.submission
            break
        if state.pending_choices:  # disambiguation: pick the flow's own service
            label = next((lb for lb, sid in state.pending_choices.items() if sid == flow.service_id), None)
            if label is None:
                run.failure = f"disambiguation without the flow's service: {list(state.pending_choices)}"
                return run
            res = _say(manager, state, label, run)
            run.extra_turns += 1
            state = res.state
            continue
        if state.flow_id != flow.id:
            run.failure = f"form not active (reply: {res.reply.text[:80]})"
            return run
        stage, requested = state.flow_stage, state.requested
        if not digressed and stage in ("questions", "fields"):
            digressed = True
            res = _say(manager, state, persona.digression or "", run)
            run.extra_turns += 1
            if res.state.requested != requested or res.state.flow_stage != stage:
                run.failure = "the form did not resume after a digression"
                return run
            state = res.state
            continue
        if stage == "questions":
            q = _question(flow, requested)
            if q is None or q.id not in persona.answers:
                run.failure = f"unexpected question {requested}"
                return run
            choice = next(c for c in q.choices if c.value == persona.answers[q.id])
            said = choice.synonyms[0] if persona.style == "messy" and choice.synonyms else choice.label
            res = _say(manager, state, said, run)
        elif stage == "fields":
            f = _field(flow, requested)
            if f is None or f.name not in persona.values:
                run.failure = f"unexpected field {requested}"
                return run
            if f.name in pending_invalid:
                res = _say(manager, state, pending_invalid.pop(f.name), run)
                run.extra_turns += 1
                if f.name in res.state.fields:
                    run.failure = f"invalid value accepted for {f.name}"
                    return run
                state = res.state
                continue
            if not ticked and state.fields:
                ticked = True
                res = _say(manager, state, "材料都齐了", run)
                run.extra_turns += 1
                state = res.state
                continue
            text = persona.values[f.name]
            if not multi_done:
                nxt = [
                    g
                    for g in flow.active_fields(state.answers)
                    if g.required
                    and g.name not in state.fields
                    and g.name != f.name
                    and g.type in ("phone", "id_number")
                    and g.name not in pending_invalid
                ]
                if nxt and f.type in ("name", "address", "phone", "id_number", "text"):
                    g = nxt[0]
                    text = f"{f.label}是{persona.values[f.name]}，{g.label}是{persona.values[g.name]}"
                    multi_done = True
            res = _say(manager, state, text, run)
        elif stage == "confirm":
            if not corrected and persona.correction is not None:
                name, value = persona.correction
                f = _field(flow, name)
                assert f is not None
                res = _say(manager, state, _correction_text(f, value), run)
                run.extra_turns += 1
                corrected = True
            else:
                res = _say(manager, state, "确认提交", run)
        else:
            run.failure = f"unexpected stage {stage}"
            return run
        state = res.state

    if submission is None:
        run.failure = run.failure or "no submission within the turn limit"
        return run
    receipt = manager.on_submitted(res.state, application_id, submission)
    if application_id not in receipt.reply.text or receipt.state.flow_id is not None:
        run.failure = "receipt missing the application number"
        return run
    for name, want in persona.expected.items():
        if submission.fields.get(name) == want:
            run.fields_correct += 1
    answers_ok = all(submission.answers.get(q) == v for q, v in persona.answers.items())
    run.success = answers_ok and run.fields_correct == run.fields_total
    if not run.success:
        wrong = {
            k: submission.fields.get(k) for k, v in persona.expected.items() if submission.fields.get(k) != v
        }
        run.failure = f"submitted values differ: {wrong}" if wrong else "situation answers differ"
    return run


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


QUESTION_TEMPLATES = ("{k}需要带什么材料？", "{k}要多久能办好", "{k}在哪里办理", "{k}的咨询电话是多少")


def question_latency(manager: DialogueManager, flows: Mapping[str, Flow]) -> dict[str, float]:
    """Latency of question turns in fresh sessions (classification, retrieval, linking, composing):
    the slow path of a chat turn. Questions are generated from each flow's keywords."""
    texts = [t.format(k=kw) for f in flows.values() for kw in f.keywords[:2] for t in QUESTION_TEMPLATES]
    manager.handle(DialogueState(), texts[0] if texts else "你好")  # warm-up
    times: list[float] = []
    for text in texts:
        t0 = time.perf_counter()
        manager.handle(DialogueState(), text)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "n": len(times),
        "p50": round(_percentile(times, 0.5), 2),
        "p95": round(_percentile(times, 0.95), 2),
    }


def run_dialogue_eval(
    manager: DialogueManager, flows: Mapping[str, Flow], *, today: date | None = None
) -> dict[str, Any]:
    """Run a plain and a messy persona through every flow; aggregate metrics."""
    runs: list[DialogueRun] = []
    for i, flow in enumerate(sorted(flows.values(), key=lambda f: f.id)):
        for style in ("plain", "messy"):
            persona = make_persona(flow, style, today)
            runs.append(run_persona(manager, persona, f"GA-EVAL-{i:02d}-{style}"))
    latencies = [x for r in runs for x in r.latencies_ms]
    n = len(runs)
    per_flow: dict[str, dict[str, Any]] = {}
    for r in runs:
        pf = per_flow.setdefault(
            r.flow_id,
            {"runs": 0, "success": 0, "budget": r.budget, "turns": [], "adjusted": [], "budget_ok": True},
        )
        pf["runs"] += 1
        pf["success"] += int(r.success)
        pf["turns"].append(r.turns)
        pf["adjusted"].append(r.adjusted_turns)
        pf["budget"] = max(pf["budget"], r.budget)
        pf["budget_ok"] = pf["budget_ok"] and r.budget_ok
    total_fields = sum(r.fields_total for r in runs)
    return {
        "n": n,
        "flows": len(per_flow),
        "success_rate": round(sum(r.success for r in runs) / n, 4) if n else 0.0,
        "mean_turns": round(statistics.mean(r.turns for r in runs), 2) if n else 0.0,
        "mean_turns_adjusted": round(statistics.mean(r.adjusted_turns for r in runs), 2) if n else 0.0,
        "field_accuracy": round(sum(r.fields_correct for r in runs) / total_fields, 4)
        if total_fields
        else 0.0,
        "budget_ok_rate": round(sum(r.budget_ok for r in runs) / n, 4) if n else 0.0,
        "latency_ms": {
            "p50": round(_percentile(latencies, 0.5), 2),
            "p95": round(_percentile(latencies, 0.95), 2),
        },
        "question_latency_ms": question_latency(manager, flows),
        "per_flow": per_flow,
        "dialogues": [
            {
                "flow_id": r.flow_id,
                "style": r.style,
                "success": r.success,
                "turns": r.turns,
                "adjusted_turns": r.adjusted_turns,
                "budget": r.budget,
                "budget_ok": r.budget_ok,
                "fields": f"{r.fields_correct}/{r.fields_total}",
                "failure": r.failure,
            }
            for r in runs
        ],
    }


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
    lines = [
        "对话模拟评测 (dialogue simulation)",
        f"  dialogues: {report['n']}  flows: {report['flows']}",
        f"  success_rate: {report['success_rate']:.2%}",
        f"  field_accuracy: {report['field_accuracy']:.2%}",
        f"  mean_turns: {report['mean_turns']}  (adjusted: {report['mean_turns_adjusted']})",
        f"  turn budget met: {report['budget_ok_rate']:.2%}  (adjusted turns <= questions + required fields + 2)",
        f"  latency per turn: p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms",
        f"  latency per question turn (fresh session, retrieval): p50 {report['question_latency_ms']['p50']} ms,"
        f" p95 {report['question_latency_ms']['p95']} ms (n={report['question_latency_ms']['n']})",
        "",
        f"  {'flow':<26}{'style':<7}{'ok':<4}{'turns':>6}{'adj':>5}{'budget':>8}  fields  failure",
    ]
    for d in report["dialogues"]:
        lines.append(
            f"  {d['flow_id']:<26}{d['style']:<7}{'✓' if d['success'] else '✗':<4}{d['turns']:>6}{d['adjusted_turns']:>5}"
            f"{d['budget']:>8}  {d['fields']:<7} {d['failure'] or ''}"
        )
    return "\n".join(lines)
