"""Passages: the units an answer quotes (one FAQ pair, one guide field, one material, one law article),
and their scores against a question (pure functions).

A passage's score mixes the retriever's hybrid signal of the chunk that holds it (dense + BM25, already
fused per chunk), its lexical match with the question (character bigrams, with the words every passage of
the guide shares, like the service name, weighted down) and whether it answers the aspect asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.schema import Material, PolicyDocument, ServiceGuide
from retrieval.aspects import MAIL_STEP_RE, Aspect, aspect_overlap, detect_aspects
from retrieval.tokenize import normalize
from retrieval.types import DocKind

# weights of the passage score (chosen on the tune half of the answer dev set, see docs/BENCHMARKS.md)
W_CHUNK = 0.35
W_LEXICAL = 0.4
W_ASPECT = 0.25

_PUNCT = re.compile(r"[\s，。？?！!、,.：:；;“”\"'（）()《》【】\[\]…·-]")
# question words that say nothing about content ("请问…怎么…吗")
_FILLER = re.compile(
    r"请问|想问|问一下|咨询一下|我想|我要|我们|你好|您好|怎么办理|怎么办|办理|怎么|如何|什么|哪些|哪个|哪里|是否|能不能|可不可以|"
    r"可以|需要|要不要|需不需要|有没有|多少|多久|一下|的话|的|了|吗|呢|啊|呀|吧|么|嘛|我|你|他|她|是|有|在|去|就|还|也|都"
)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    kind: DocKind
    field: str  # "faq", "conditions", "material", "time", "fees", ... or a law article number
    key: str  # FAQ index, material index, article number; "" for one-of-a-kind fields
    text: str  # what is matched against the question
    quote: str  # the exact source text quoted and cited
    aspects: frozenset[Aspect] = field(default_factory=frozenset)
    title: str = ""
    chunk_field: str = ""  # the retrieval chunk field that holds it (for the hybrid signal)

    @property
    def id(self) -> str:
        return f"{self.doc_id}#{self.field}" + (f"#{self.key}" if self.key else "")


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float
    lexical: float
    aspect: float
    chunk: float


# a place of business that is a website or an app ("广东政务服务网在线办理", "住房公积金网上服务平台")
_ONLINE_PLACE = re.compile(r"在线办理|网上办理|网上服务平台|政务服务网|网上平台|小程序|[Aa][Pp][Pp]")


def _p(
    g: ServiceGuide, fld: str, text: str, quote: str, aspects: Iterable[Aspect], chunk: str, key: str = ""
) -> Passage:
    return Passage(g.id, DocKind.GUIDE, fld, key, text, quote, frozenset(aspects), g.name, chunk)


_PROXY_MATERIAL = re.compile(r"代办|代理人|受托人|委托书|授权委托")


def proxy_material(m: Material) -> bool:
    """A material for someone acting on the applicant's behalf ("代办人身份证及委托书"): one may send someone."""
    return bool(_PROXY_MATERIAL.search(f"{m.name} {m.situation or ''}"))


def guide_passages(g: ServiceGuide) -> list[Passage]:
    """Every quotable passage of a guide, with the aspects it can answer."""
    A = Aspect
    out: list[Passage] = []
    for i, f in enumerate(g.faqs):
        # a generic FAQ question ("申请助学贷款遇到的问题"): the aspect its answer opens with
        asked = detect_aspects(f.question) or detect_aspects(f.answer[:60]) or [A.OVERVIEW]
        out.append(_p(g, "faq", f"{f.question} {f.answer}", f.answer, asked, "faq", str(i)))
    if g.conditions:
        out.append(_p(g, "conditions", g.conditions, g.conditions, [A.CONDITIONS], "conditions"))
    for i, m in enumerate(g.materials):
        extra = " ".join(x for x in (m.situation, m.notes, m.copies, m.source) if x)
        # a material for someone acting on the applicant's behalf says that one may ("代办人身份证及委托书")
        proxy = [A.PROXY] if proxy_material(m) else []
        text = f"{m.name} {extra}".strip()
        out.append(_p(g, "material", text, m.name, [A.MATERIALS, *proxy], "materials", str(i)))
    if g.materials:
        names = "；".join(m.name for m in g.materials)
        out.append(_p(g, "materials", names, names, [A.MATERIALS], "materials"))
    times = [t for t in (g.legal_time_limit, g.promised_time_limit) if t is not None]
    if times:
        raw = "；".join(t.raw for t in times)
        out.append(_p(g, "time", f"办结时限 {raw}", raw, [A.TIME], "time"))
    has_online = bool(g.online_url or g.platform or g.online_booking is not None or g.courier is not None)
    if g.visits is not None:
        # no trip to make and no online entry recorded: "不用去现场" is what the record says to "可以网上办吗"
        asked = [A.VISITS, A.ONLINE] if g.visits == 0 and not has_online else [A.VISITS]
        out.append(_p(g, "visits", f"到现场次数 {g.visits}次", str(g.visits), asked, "time"))
    if g.fees:
        out.append(_p(g, "fees", f"收费 {g.fees}", g.fees, [A.FEES], "time"))  # never an amount
    if g.location:
        # a place that is a website ("…，或广东政务服务网在线办理") answers "可以网上办吗" when no online entry is recorded
        online_place = not has_online and bool(_ONLINE_PLACE.search(g.location))
        asked = [A.LOCATION, A.ONLINE] if online_place else [A.LOCATION]
        out.append(_p(g, "location", f"办理地点 {g.location}", g.location, asked, "location"))
    phones = "；".join(x for x in (g.consult_phone, g.complaint_phone) if x)
    if phones:
        out.append(_p(g, "phone", f"咨询电话 {phones}", phones, [A.PHONE], "location"))
    online = [x for x in (g.online_url, g.platform) if x]
    if has_online:
        text = "网上办理 " + " ".join(online)
        out.append(_p(g, "online", text, "；".join(online), [A.ONLINE], "meta"))
    if g.process:
        steps = "；".join(g.process)
        # a step mailing the result ("制卡后现场领取或邮寄") answers "可以寄到家吗" when no online record does
        mailed = [A.ONLINE] if not has_online and any(MAIL_STEP_RE.search(s) for s in g.process) else []
        out.append(_p(g, "process", f"办理流程 {steps}", steps, [A.PROCESS, *mailed], "process"))
    if g.legal_basis:
        out.append(_p(g, "basis", g.legal_basis, g.legal_basis, [A.BASIS], "basis"))
    if g.department:
        out.append(_p(g, "department", f"实施部门 {g.department}", g.department, [A.DEPARTMENT], "meta"))
    if g.linked_items:
        names = "；".join(x.name for x in g.linked_items)
        out.append(_p(g, "linked", f"联办事项 {names}", names, [A.LINKED, A.RESULT], "linked"))
    return out


def policy_passages(doc: PolicyDocument, numbers: Iterable[str] | None = None) -> list[Passage]:
    wanted = set(numbers) if numbers is not None else None
    return [
        Passage(doc.id, DocKind.POLICY, a.number, a.number, a.text, a.text, frozenset(), doc.title, a.number)
        for a in doc.articles
        if wanted is None or a.number in wanted
    ]


def content_bigrams(text: str) -> set[str]:
    """The text's content bigrams (and single-character runs), filler words left out. A fresh set: callers may
    change it."""
    return set(_content_bigrams(text))


@lru_cache(maxsize=4096)
def _content_bigrams(text: str) -> frozenset[str]:
    # the same guide fields and law articles are read on every turn: normalizing them once saves a chat turn's
    # largest share of pure-Python time
    t = _FILLER.sub(" ", normalize(text))
    runs = [r for r in _PUNCT.split(t) for r in r.split() if r]
    return frozenset(
        {r[i : i + 2] for r in runs for i in range(len(r) - 1)} | {r for r in runs if len(r) == 1}
    )


def lexical_match(question: set[str], passage: set[str], common: set[str]) -> float:
    """Share of the question's content bigrams found in the passage; bigrams every passage of the document
    shares (the service name) count a quarter, so the distinctive words decide."""
    if not question or question <= common:
        return 0.0  # nothing asked beyond the service's own name ("新生儿出生一件事怎么办")
    weight = {b: (0.25 if b in common else 1.0) for b in question}
    total = sum(weight.values())
    return sum(w for b, w in weight.items() if b in passage) / total if total else 0.0


def score_passages(
    question: str,
    asked: Sequence[Aspect],
    passages: Sequence[Passage],
    chunk_scores: Mapping[tuple[str, str, int], float] | None = None,
    common: Iterable[str] = (),
) -> list[ScoredPassage]:
    """Passages best first. `chunk_scores`: (doc id, chunk field, n) -> the retriever's fused chunk score
    scaled to [0, 1]; `common`: text shared by all the passages (the document title)."""
    q = content_bigrams(question)
    shared = set().union(*(content_bigrams(c) for c in common)) if common else set()
    out = []
    for p in passages:
        lex = lexical_match(q, content_bigrams(p.text), shared)
        asp = aspect_overlap(asked, p.aspects)
        n = int(p.key) if p.field == "faq" and p.key.isdigit() else 0
        ch = 0.0
        if chunk_scores:
            ch = chunk_scores.get((p.doc_id, p.chunk_field, n), 0.0)
        score = W_CHUNK * ch + W_LEXICAL * lex + W_ASPECT * asp
        out.append(ScoredPassage(p, score, lex, asp, ch))
    out.sort(key=lambda s: -s.score)
    return out
