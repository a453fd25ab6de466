"""A simulated citizen that sees only what a person sees: the reply text, the choice buttons and the form
panel. It answers from a persona file of facts written in its own words (colloquial Mandarin, Cantonese,
numbers in words, relative dates), independently of the flows' option labels and synonyms.

Persona file (YAML):

    id: hunan-courier                 # unique
    flow: linghuo-jiuye-canbao        # for scoring only; the citizen never reads the flow
    opening: 我想自己交社保，点搞？     # the first message
    apply: 好，帮我办                  # said when the bot offers to start the form
    service_words: [社保, 参保]        # recognise the service in a menu of buttons
    facts:                            # what the citizen knows, in their words
      - about: [户籍, 户口]            # words of a question this fact answers (a person's reading)
        say: 我户口喺湖南
        is: [外地, 湖南]               # words that truthfully describe it (to answer "…，对吗？")
        retry: 外地户口                # a rephrasing when the bot asks again
        first_say: …                  # optional: said first; the correction fixes it at the read-back
        correction: 电话打错咗，系13912345678
    question: {after: 3, say: 要带咩材料？}         # a mid-form question at the citizen's 4th answer
    abandon: {after: 4, detour: 低保要咩条件, resume: 继续刚才嘅}
    confirm: 行，就噉交啦                             # agreement at the read-back
    expect: {answers: {hukou: 否}, fields: {applicant_name: 陈志强, start_date: "today+1m:first"}}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

# What a person recognises in a reply (not internal state).
_ASK_RE = re.compile(r"[？?]|请提供|请重新提供|请选择|请问")
_CONFIRM_Q_RE = re.compile(r"对吗[？?]?$|是吗[？?]?$|还是“[^”]+”[？?]$")
_READ_BACK_RE = re.compile(r"确认提交吗|请核对以下信息")
_RECEIPT_RE = re.compile(r"申请已提交，申请编号")
_REJECTED_RE = re.compile(r"有误|无法识别|没有听明白|不是.{0,10}有效选项|还需要确认一下|应为")
_OFFER_RE = re.compile(r"我要办")
# a button phrased as a question (an official question offered beside an answer), not a service to pick
_QUESTION_LABEL_RE = re.compile(r"[？?]|吗|哪些|怎么|怎样|如何|多久|多长时间|什么|是否|能否")


@dataclass
class Fact:
    about: list[str]
    say: str
    is_: list[str] = field(default_factory=list)
    retry: str | None = None
    first_say: str | None = None
    correction: str | None = None


@dataclass
class Persona:
    id: str
    flow: str
    opening: str
    facts: list[Fact]
    expect: dict[str, dict[str, Any]]
    apply: str = "好，帮我办"
    service_words: list[str] = field(default_factory=list)
    question: dict[str, Any] | None = None
    abandon: dict[str, Any] | None = None
    confirm: str = "确认"
    lang: str = "mandarin"
    split: str = "tune"


def load_persona(path: Path, split: str) -> Persona:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = [
        Fact(
            about=list(f["about"]),
            say=str(f["say"]),
            is_=[str(w) for w in f.get("is", [])],
            retry=f.get("retry"),
            first_say=f.get("first_say"),
            correction=f.get("correction"),
        )
        for f in data["facts"]
    ]
    return Persona(
        id=data["id"],
        flow=data["flow"],
        opening=data["opening"],
        facts=facts,
        expect=data.get("expect", {}),
        apply=data.get("apply", "好，帮我办"),
        service_words=list(data.get("service_words", [])),
        question=data.get("question"),
        abandon=data.get("abandon"),
        confirm=data.get("confirm", "确认"),
        lang=data.get("lang", "mandarin"),
        split=split,
    )


def load_personas(folder: Path) -> list[Persona]:
    out: list[Persona] = []
    for split in ("tune", "heldout"):
        for path in sorted((folder / split).glob("*.yaml")):
            out.append(load_persona(path, split))
    return out


# --- expected dates, computed independently of the assistant's parser -------------------------------


def expected_value(raw: Any, today: date) -> Any:
    """ "today-2d", "today-6m", "today-1y", "today-1m:end" (end of last month), "today+1m:first" (the first
    of next month), "day:7" (the latest 7th not after today) -> ISO date; anything else unchanged."""
    if not isinstance(raw, str):
        return raw
    if m := re.fullmatch(r"(lastyear|thisyear)-(\d{2})-(\d{2})", raw):
        year = today.year - (m.group(1) == "lastyear")
        return date(year, int(m.group(2)), int(m.group(3))).isoformat()
    if m := re.fullmatch(r"day:(\d{1,2})", raw):
        d = int(m.group(1))
        y, mo = today.year, today.month
        while True:
            try:
                cand = date(y, mo, d)
            except ValueError:
                cand = None
            if cand is not None and cand <= today:
                return cand.isoformat()
            y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
    m = re.fullmatch(r"today(?:([+-])(\d+)([dmy]))?(?::(first|end))?", raw)
    if not m:
        return raw
    sign = -1 if m.group(1) == "-" else 1
    n = int(m.group(2) or 0) * sign
    unit = m.group(3)
    if unit == "d":
        return (today + timedelta(days=n)).isoformat()
    months = n * (12 if unit == "y" else 1) if unit else 0
    k = today.year * 12 + today.month - 1 + months
    y, mo = k // 12, k % 12 + 1
    if m.group(4) == "first":
        return date(y, mo, 1).isoformat()
    nxt = date(y + (mo == 12), mo % 12 + 1, 1)
    last = (nxt - timedelta(days=1)).day
    if m.group(4) == "end":
        return date(y, mo, last).isoformat()
    return date(y, mo, min(today.day, last)).isoformat()


# --- what the citizen sees and says ---------------------------------------------------------------


@dataclass
class Seen:
    text: str
    choices: list[str]
    form_open: bool  # the form panel is shown

    @property
    def ask(self) -> str:
        """The line that asks something (the last one with a question or a request)."""
        lines = [ln.strip() for ln in self.text.split("\n") if ln.strip()]
        asking = [ln for ln in lines if _ASK_RE.search(ln)]
        return asking[-1] if asking else (lines[-1] if lines else "")

    @property
    def is_confirmation(self) -> bool:
        return bool(_CONFIRM_Q_RE.search(self.ask)) and not self.is_read_back

    @property
    def is_read_back(self) -> bool:
        return bool(_READ_BACK_RE.search(self.text)) or "确认提交" in self.choices

    @property
    def is_receipt(self) -> bool:
        return bool(_RECEIPT_RE.search(self.text))

    @property
    def rejected(self) -> bool:
        return bool(_REJECTED_RE.search(self.text))

    @property
    def services(self) -> list[str]:
        """The buttons that name something to do, not a question to read ("…有哪些咨询途径？")."""
        return [c for c in self.choices if not _QUESTION_LABEL_RE.search(c)]

    @property
    def offers(self) -> bool:
        return any(_OFFER_RE.match(c) for c in self.choices) or "边聊边办" in self.text


def best_fact(persona: Persona, ask: str) -> Fact | None:
    """The fact a person would give for this question: the most (and longest) topic words it shares."""
    scored = []
    for i, f in enumerate(persona.facts):
        score = sum(len(w) for w in f.about if w and w in ask)
        if score:
            scored.append((score, -i, f))
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return scored[0][2]


def yes_or_no(persona: Persona, seen: Seen) -> str:
    """Answer a targeted confirmation truthfully from the facts ("系啊" / "唔系" in Cantonese)."""
    ask = seen.ask
    yes, no = ("系啊", "唔系") if persona.lang == "cantonese" else ("对的", "不是")
    fact = best_fact(persona, ask)
    candidates = [fact] if fact is not None else persona.facts
    if "还是" in ask:  # "请问是A，还是B？": say the one that describes us
        for f in candidates:
            for option in re.findall(r"“([^”]+)”", ask):
                if any(w in option for w in f.is_):
                    return option
    for f in candidates:
        if f.is_ and any(w in ask for w in f.is_):
            return yes
    return no
