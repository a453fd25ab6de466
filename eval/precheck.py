"""Pre-check (预审) simulator: people apply in chat for N randomly sampled real guides.

Each simulated person has a goal (the guide's name as published, applying as 个人 or 单位), their own data
(name, a valid ID number, phone, company name and 统一社会信用代码, a preferred day checked on a calendar) and
which of the guide's materials they have at hand. They see only what a user sees: the reply text, the choice
buttons and the form panel (labels still missing, the materials list). They answer in their own words, tap
buttons when offered, and never read the flow definition. Every situation question is answered so that all of
the guide's materials apply (委托代办, 是), so the checklist the clerk receives must equal the guide's record.

Metrics: success (a 预审 receipt), turns (user messages) against the budget fields + questions + 3 (fields and
questions as the person met them), checklist_equal (the submitted checklist's names == the guide's materials)
and missing_correct (missing == what the person did not have), field_accuracy.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assistant.nlu.validators import is_working_day
from assistant.policy.manager import DialogueManager
from assistant.state import ApplicationDraft, DialogueState, Reply
from knowledge.schema import ServiceGuide

MAX_TURNS = 30
_NAMES = ["张伟", "李娜", "王芳", "陈明", "刘洋", "黄敏", "赵磊", "周静"]
_COMPANIES = ["广州市花都区示例贸易有限公司", "广州花城示例科技有限公司", "花都区示例建材经营部"]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ASK_FIELD_RE = re.compile(r"请(?:重新)?提供([^（。，\n]+)")
_WEEKDAYS = "一二三四五六日"


def _id_number(rng: random.Random) -> str:
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 15000))
    body = f"440114{birth:%Y%m%d}{rng.randrange(100, 999)}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _uscc(rng: random.Random) -> str:
    body = "91440114" + "".join(rng.choice(_USCC_CHARS) for _ in range(9))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def _visit_day(rng: random.Random, today: date) -> date:
    """A working day 2-12 days ahead, as a person would pick it from a calendar."""
    d = today + timedelta(days=rng.randrange(2, 12))
    while not is_working_day(d)[0]:
        d += timedelta(days=1)
    return d


def material_key(name: str) -> str:
    """Material names compared as a clerk would read them (whitespace and a trailing full stop ignored)."""
    return re.sub(r"\s+", " ", name).strip(" ，,。;；")


@dataclass
class Persona:
    guide: ServiceGuide
    kind: str  # "个人" | "单位"
    name: str
    id_number: str
    phone: str
    company: str
    uscc: str
    visit: date
    has: list[str]  # materials at hand (names as the guide lists them)
    start: str  # the first message

    def value_for(self, label: str) -> tuple[str, str] | None:
        """(field key, what the person says) for a field label they were asked for."""
        if "信用代码" in label:
            return "uscc", self.uscc
        if "单位名称" in label or "公司" in label:
            return "company", self.company
        if "身份证" in label:
            return "id_number", self.id_number
        if "电话" in label or "手机" in label:
            return "phone", self.phone
        if "姓名" in label or "联系人" in label:
            return "name", self.name
        if "日期" in label:
            return "visit", f"{self.visit.month}月{self.visit.day}日"
        return None


def make_persona(guide: ServiceGuide, rng: random.Random, today: date, kind: str | None = None) -> Persona:
    audience = " ".join(guide.audience)
    both = "自然人" in audience and bool(re.search(r"法人|组织|机关|单位|企业", audience))
    org_only = bool(audience) and "自然人" not in audience
    kind = kind or ("单位" if org_only else (rng.choice(["个人", "单位"]) if both else "个人"))
    names = [material_key(m.name) for m in guide.materials if material_key(m.name) not in {"", "无"}]
    has = [n for n in names if rng.random() < 0.6]
    start = rng.choice([f"我要办理{guide.name}", f"我想申请{guide.name}", f"帮我办一下{guide.name}"])
    return Persona(
        guide=guide,
        kind=kind,
        name=rng.choice(_NAMES),
        id_number=_id_number(rng),
        phone=_phone(rng),
        company=rng.choice(_COMPANIES),
        uscc=_uscc(rng),
        visit=_visit_day(rng, today),
        has=has,
        start=start,
    )


@dataclass
class Outcome:
    guide_id: str
    kind: str
    success: bool
    turns: int
    budget: int
    questions: int
    fields: int
    checklist_equal: bool
    missing_correct: bool
    field_accuracy: float
    failure: str = ""
    transcript: list[tuple[str, str]] = field(default_factory=list)


def _answer_choices(p: Persona, reply: Reply) -> tuple[str, str]:
    """(kind of step, what the person says) when the reply offers buttons."""
    choices = reply.choices
    if "确认提交" in choices:
        return "confirm", "确认提交"  # the button
    if "都准备好了" in choices:
        shown = [c for c in choices if c not in {"都准备好了", "其余还没有，继续"}]
        ready = [c for c in shown if c in p.has]
        if ready and len(ready) == len(shown):
            return "materials", "都准备好了"
        if not ready:
            return "materials", "都还没有准备"
        return "materials", "、".join(ready) + "准备好了，其他的还没有"
    if any(c.startswith("个人") for c in choices) and any(c.startswith("单位") for c in choices):
        return "question", "以个人名义申请" if p.kind == "个人" else "以我们公司的名义申请"
    if any("委托" in c or "代办" in c for c in choices):
        return "question", "委托别人代办"
    if any(c.startswith("是") for c in choices) and any(c.startswith("否") for c in choices):
        return "question", "符合" if "条件" in reply.text else "是的"
    # a service to pick (disambiguation, or "我要办…" offered after an answer): the person knows the name,
    # and which department / variant they need
    named = [c for c in choices if p.guide.name in c]
    for extra in (p.guide.department, p.guide.sub_name, p.guide.region):
        narrowed = [c for c in named if extra and extra in c]
        if narrowed:
            named = narrowed
    if named:
        return "pick", named[0]
    return "unknown", choices[0]


def simulate(
    manager: DialogueManager,
    p: Persona,
    submit: Callable[[ApplicationDraft], str] | None = None,
) -> Outcome:
    """One person's conversation until the 预审 receipt (or a failure)."""
    st = DialogueState(session_id=f"sim-{p.guide.id}")
    text = p.start
    transcript: list[tuple[str, str]] = []
    turns = questions = 0
    draft: ApplicationDraft | None = None
    last_prompt, repeats = "", 0
    said: dict[str, str] = {}
    failure = ""
    for _ in range(MAX_TURNS):
        turns += 1
        result = manager.handle(st, text)
        st = result.state
        reply = result.reply
        transcript.append((text, reply.text))
        if result.submission is not None:
            draft = result.submission
            app_id = submit(draft) if submit else f"SIM-{turns:04d}"
            receipt = manager.on_submitted(st, app_id, draft).reply.text
            transcript.append(("", receipt))
            if "预审" not in receipt:
                failure = "receipt does not say it is a pre-check"
            break
        prompt = reply.text.strip().splitlines()[-1] if reply.text.strip() else ""
        repeats = repeats + 1 if prompt == last_prompt else 0
        last_prompt = prompt
        if repeats >= 2:
            failure = f"stuck: {prompt[:60]}"
            break
        if reply.form is not None and reply.form.service_id != p.guide.id:
            failure = f"wrong service {reply.form.service_id}"
            break
        if reply.choices:
            step, text = _answer_choices(p, reply)
            if step == "question":
                questions += 1
            if step == "unknown":
                failure = f"unexpected choices {reply.choices[:4]}"
                break
            continue
        m = _ASK_FIELD_RE.search(prompt) or _ASK_FIELD_RE.search(reply.text)
        wanted = p.value_for(m.group(1)) if m else None
        if wanted is None:
            failure = f"no idea what to say to: {prompt[:60]}"
            break
        key, value = wanted
        if key == "name" and "name" not in said and "id_number" not in said and p.kind == "个人":
            text = f"我叫{p.name}，身份证号{p.id_number}"  # people often give both at once
            said["id_number"] = p.id_number
        else:
            text = value
        said[key] = value
    else:
        failure = failure or "too many turns"
    if draft is None:
        return Outcome(
            p.guide.id, p.kind, False, turns, 0, questions, 0, False, False, 0.0, failure, transcript
        )
    record = [material_key(m.name) for m in p.guide.materials if material_key(m.name) not in {"", "无"}]
    submitted = [material_key(m["name"]) for m in draft.materials]
    expected_missing = sorted(n for n in record if n not in p.has and _required(draft, n))
    n_fields = len(draft.fields)
    correct = _field_accuracy(p, draft)
    return Outcome(
        guide_id=p.guide.id,
        kind=p.kind,
        success=not failure,
        turns=turns,
        budget=n_fields + questions + 3,
        questions=questions,
        fields=n_fields,
        checklist_equal=sorted(submitted) == sorted(record),
        missing_correct=sorted(material_key(n) for n in draft.missing_materials) == expected_missing,
        field_accuracy=correct,
        failure=failure,
        transcript=transcript,
    )


def _required(draft: ApplicationDraft, name: str) -> bool:
    return any(material_key(m["name"]) == name and m.get("required", True) for m in draft.materials)


def _field_accuracy(p: Persona, draft: ApplicationDraft) -> float:
    expected = {
        "applicant_name": p.name,
        "applicant_id_number": p.id_number,
        "applicant_phone": p.phone,
        "org_name": p.company,
        "org_uscc": p.uscc,
        "contact_name": p.name,
        "contact_phone": p.phone,
        "visit_date": p.visit.isoformat(),
    }
    checked = [k for k in draft.fields if k in expected]
    if not checked:
        return 0.0
    return sum(str(draft.fields[k]) == expected[k] for k in checked) / len(checked)


def sample_guides(
    guides: Sequence[ServiceGuide], n: int, seed: int = 7, flows: Any = None
) -> list[ServiceGuide]:
    """N random real (non-sample), published guides that have a pre-check flow of their own (not one of the
    authored sample flows that links them)."""
    from guides.generic import applicability

    pool = [g for g in guides if not g.is_sample and applicability(g).applicable]
    by_service = getattr(flows, "for_service", None)
    if callable(by_service):
        pool = [g for g in pool if (f := by_service(g.id)) is not None and f.origin != "authored"]
    rng = random.Random(seed)
    return rng.sample(pool, min(n, len(pool)))


def run_precheck_eval(
    manager: DialogueManager, guides: Sequence[ServiceGuide], *, n: int = 50, seed: int = 7
) -> dict[str, Any]:
    rng = random.Random(seed)
    today = date.today()
    picked = sample_guides(guides, n, seed, manager.flows)
    outcomes: list[Outcome] = []
    latencies: list[float] = []
    for g in picked:
        t0 = time.perf_counter()
        out = simulate(manager, make_persona(g, rng, today))
        latencies.append((time.perf_counter() - t0) / max(out.turns, 1))
        outcomes.append(out)
    ok = [o for o in outcomes if o.success]
    n_out = len(outcomes) or 1
    return {
        "n": len(outcomes),
        "persons": sum(o.kind == "个人" for o in outcomes),
        "companies": sum(o.kind == "单位" for o in outcomes),
        "success_rate": round(len(ok) / n_out, 3),
        "mean_turns": round(statistics.mean(o.turns for o in ok), 2) if ok else None,
        "mean_budget": round(statistics.mean(o.budget for o in ok), 2) if ok else None,
        "within_budget_rate": round(sum(o.turns <= o.budget for o in ok) / len(ok), 3) if ok else 0.0,
        "checklist_equal_rate": round(sum(o.checklist_equal for o in ok) / len(ok), 3) if ok else 0.0,
        "missing_correct_rate": round(sum(o.missing_correct for o in ok) / len(ok), 3) if ok else 0.0,
        "field_accuracy": round(statistics.mean(o.field_accuracy for o in ok), 3) if ok else 0.0,
        "turn_latency_ms_mean": round(1000 * statistics.mean(latencies), 1) if latencies else None,
        "failures": [
            {"guide": o.guide_id, "kind": o.kind, "why": o.failure} for o in outcomes if not o.success
        ],
        "outcomes": outcomes,
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        "网上预审模拟评测 (pre-check simulation over random real guides)",
        f"  guides: {report['n']}  (个人 {report['persons']}, 单位 {report['companies']})",
        f"  success_rate: {report['success_rate']:.1%}",
        f"  mean_turns: {report['mean_turns']}  mean budget (fields + questions + 3): {report['mean_budget']}"
        f"  within budget: {report['within_budget_rate']:.1%}",
        f"  checklist == guide record: {report['checklist_equal_rate']:.1%}"
        f"  missing materials correct: {report['missing_correct_rate']:.1%}",
        f"  field_accuracy: {report['field_accuracy']:.1%}  turn latency mean: {report['turn_latency_ms_mean']} ms",
    ]
    for f in report["failures"][:10]:
        lines.append(f"  ✘ {f['guide']} ({f['kind']}): {f['why']}")
    return "\n".join(lines)
