"""Scenario flows (情形引导) as data: situation questions, the materials they imply, the application form.

One YAML file a service under guides/flows/. Loaded and validated by guides.loader.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.schema import SAMPLE_MARK

FieldType = Literal[
    "text", "id_number", "phone", "uscc", "date", "amount", "enum", "address", "int", "name", "workday_date"
]
FIELD_TYPES: frozenset[str] = frozenset(get_args(FieldType))

# Where a flow comes from: authored YAML (the sample services), derived from a guide record at load time
# (generic 预审), or a content-staff record that started from either.
FlowOrigin = Literal["authored", "generic", "curated"]

# A condition: every key (a question id) must have one of the listed answers.
When = dict[str, list[str]]


def matches(when: When | None, answers: dict[str, str]) -> bool:
    """True when `answers` satisfies `when` (None or empty = always)."""
    if not when:
        return True
    return all(answers.get(qid) in allowed for qid, allowed in when.items())


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str
    label: str
    synonyms: list[str] = Field(default_factory=list)  # words a user may type for this choice
    # Implications: regex fragments whose presence implies this choice although its words are not used
    # ("我户口在湖南" -> 外地). `{class}` names a word class of assistant/nlu/data/vocab.yaml.
    cues: list[str] = Field(default_factory=list)
    confirm: str | None = None  # a targeted confirmation when the choice is only inferred ("您是外地户籍，对吗？")


class Question(BaseModel):
    """A 情形 question asked before the form."""

    model_config = ConfigDict(extra="forbid")
    id: str
    ask: str
    choices: list[Choice] = Field(min_length=2)
    when: When | None = None


class FlowMaterial(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    required: bool = True
    when: When | None = None
    copies: str | None = None
    source: str | None = None
    notes: str | None = None


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # identifier, e.g. applicant_id_number
    label: str  # 中文 label, e.g. 申请人身份证号
    type: FieldType = "text"
    required: bool = True
    choices: list[str] = Field(default_factory=list)  # for type enum
    when: When | None = None
    min: float | None = None  # amounts / ints / dates (as yyyymmdd) bounds
    max: float | None = None
    hint: str | None = None
    aliases: list[str] = Field(default_factory=list)  # words a user may use for this field ("电话", "手机")
    synonyms: dict[str, list[str]] = Field(default_factory=dict)  # enum: choice -> words a user may type
    no_future: bool = False  # dates: reject dates after today (birth dates ...)

    @model_validator(mode="after")
    def _check_synonyms(self) -> FormField:
        unknown = set(self.synonyms) - set(self.choices)
        if unknown:
            raise ValueError(f"synonyms refer to unknown choices {sorted(unknown)}")
        return self


def condition_cycle(questions: list[Question]) -> list[str]:
    """A chain of question ids whose `when` conditions depend on each other in a circle ([] when none):
    such questions could never be asked."""
    deps = {q.id: list((q.when or {}).keys()) for q in questions}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(qid: str) -> list[str]:
        if state.get(qid) == 2 or qid not in deps:
            return []
        if state.get(qid) == 1:
            return [*path[path.index(qid) :], qid]
        state[qid] = 1
        path.append(qid)
        for dep in deps[qid]:
            found = visit(dep)
            if found:
                return found
        path.pop()
        state[qid] = 2
        return []

    for qid in deps:
        found = visit(qid)
        if found:
            return found
    return []


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str  # slug, equals the file stem
    title: str
    kind: Literal["single", "onething", "precheck"] = "single"  # precheck: 网上预审, not an official filing
    origin: FlowOrigin = "authored"
    service_id: str  # the main guide in the knowledge base
    related_service_ids: list[str] = Field(default_factory=list)  # linked items of a 一件事
    department: str | None = None
    summary: str | None = None
    sample_note: str  # SAMPLE_MARK for authored content; the pre-check note for flows derived from a guide
    keywords: list[str] = Field(default_factory=list)  # how people name this service
    # regular expressions for how people describe wanting it without naming it ("开间糖水铺" -> 个体工商户设立);
    # used only when retrieval finds nothing (never over a question's own match)
    cues: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    materials: list[FlowMaterial] = Field(default_factory=list)
    form: list[FormField] = Field(min_length=1)
    next_steps: list[str] = Field(default_factory=list)
    # 预审 extras (generic and curated flows): ask "这些材料您准备好了吗？" as a step of its own, the
    # conditions shown (not asked) when their text allows no yes/no check, the place and the online entry.
    checklist_step: bool = False
    conditions_shown: str | None = None
    location: str | None = None
    online_url: str | None = None
    notes: list[str] = Field(default_factory=list)  # clear notes about the guide's data (no materials ...)

    @model_validator(mode="after")
    def _check(self) -> Flow:
        if self.origin == "authored" and self.sample_note != SAMPLE_MARK:
            raise ValueError(f"sample_note must be '{SAMPLE_MARK}'")
        if not self.sample_note.strip():
            raise ValueError("sample_note must not be blank")
        for cue in self.cues:
            try:
                re.compile(cue)
            except re.error as exc:
                raise ValueError(f"bad cue {cue!r}: {exc}") from exc
        qids = [q.id for q in self.questions]
        if len(set(qids)) != len(qids):
            raise ValueError("duplicate question ids")
        fids = [f.name for f in self.form]
        if len(set(fids)) != len(fids):
            raise ValueError("duplicate form field names")
        known = {q.id: {c.value for c in q.choices} for q in self.questions}
        conds = (
            [q.when for q in self.questions] + [m.when for m in self.materials] + [f.when for f in self.form]
        )
        for when in conds:
            for qid, allowed in (when or {}).items():
                if qid not in known:
                    raise ValueError(f"condition refers to unknown question '{qid}'")
                bad = set(allowed) - known[qid]
                if bad:
                    raise ValueError(f"condition on '{qid}' uses unknown choices {sorted(bad)}")
        for f in self.form:
            if f.type == "enum" and not f.choices:
                raise ValueError(f"enum field '{f.name}' needs choices")
        cycle = condition_cycle(self.questions)
        if cycle:
            raise ValueError("circular condition: " + " -> ".join(cycle))
        return self

    def active_questions(self, answers: dict[str, str]) -> list[Question]:
        return [q for q in self.questions if matches(q.when, answers)]

    def active_fields(self, answers: dict[str, str]) -> list[FormField]:
        return [f for f in self.form if matches(f.when, answers)]

    def materials_for(self, answers: dict[str, str]) -> list[FlowMaterial]:
        return [m for m in self.materials if matches(m.when, answers)]
