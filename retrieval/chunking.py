"""Split guides and policy documents into retrievable chunks (pure functions).

Chunk ids are f"{doc_id}#{field}#{n}". A guide yields a rich "name" chunk (name, catalogue name, sub-item,
department) that carries most of the ranking signal, plus one chunk per content field. A law yields one
chunk per article with its chapter heading; a policy page one chunk per paragraph with its heading path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.types import Chunk, DocKind

MAX_CHARS = 400  # longer texts are split at sentence ends into pieces of about this size
GUIDE_FIELDS = (
    "name",
    "meta",
    "conditions",
    "materials",
    "location",
    "time",
    "basis",
    "process",
    "linked",
    "faq",
)
# One chunk per FAQ pair (question + answer), never split: chunk n is FAQ n of the guide.
UNSPLIT_FIELDS = frozenset({"name", "faq"})
_SENT_END = re.compile(r"(?<=[。；;！？!?\n])")


def chunk_id(doc_id: str, field: str, n: int) -> str:
    return f"{doc_id}#{field}#{n}"


def split_text(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Split at sentence ends into pieces of at most ~max_chars (a longer sentence is cut hard)."""
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    buf = ""
    for sent in (s for s in _SENT_END.split(text) if s.strip()):
        while len(sent) > max_chars:
            if buf:
                pieces.append(buf)
                buf = ""
            pieces.append(sent[:max_chars])
            sent = sent[max_chars:]
        if len(buf) + len(sent) > max_chars and buf:
            pieces.append(buf)
            buf = ""
        buf += sent
    if buf.strip():
        pieces.append(buf)
    return [p.strip() for p in pieces if p.strip()]


def guide_metadata(g: ServiceGuide) -> dict[str, str]:
    meta = {
        "kind": DocKind.GUIDE.value,
        "region": g.region or "",
        "department": g.department or "",
        "audience": "、".join(g.audience),
        "type": g.type or "",
        "level": g.level or "",
    }
    return meta


def guide_title_text(g: ServiceGuide) -> str:
    """The rich title: name, catalogue (parent item) name and sub-item name without repeats."""
    parts: list[str] = [g.name]
    for extra in (g.catalogue_name, g.sub_name):
        if extra and extra not in " ".join(parts):
            parts.append(extra)
    return "；".join(parts)


def _guide_fields(g: ServiceGuide) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = [("name", guide_title_text(g))]
    meta = [
        f"实施主体：{g.department}" if g.department else "",
        f"事项类型：{g.type}" if g.type else "",
        f"主题分类：{'、'.join(g.themes)}" if g.themes else "",
        f"服务对象：{'、'.join(g.audience)}" if g.audience else "",
        f"联办部门：{'、'.join(g.co_departments)}" if g.co_departments else "",
    ]
    fields.append(("meta", "；".join(m for m in meta if m)))
    if g.conditions:
        fields.append(("conditions", f"受理条件：{g.conditions}"))
    if g.materials:
        mats = "；".join(m.name + (f"（{m.situation}）" if m.situation else "") for m in g.materials)
        fields.append(("materials", f"申请材料：{mats}"))
    loc = [
        f"办理地点：{g.location}" if g.location else "",
        f"咨询电话：{g.consult_phone}" if g.consult_phone else "",
        f"监督投诉电话：{g.complaint_phone}" if g.complaint_phone else "",
    ]
    fields.append(("location", "；".join(x for x in loc if x)))
    time = [
        f"法定办结时限：{g.legal_time_limit.text}" if g.legal_time_limit else "",
        f"承诺办结时限：{g.promised_time_limit.text}" if g.promised_time_limit else "",
        f"到现场次数：{g.visits}次" if g.visits is not None else "",
        f"收费：{g.fees}" if g.fees else "",
    ]
    fields.append(("time", "；".join(x for x in time if x)))
    if g.legal_basis:
        fields.append(("basis", f"设定依据：{g.legal_basis}"))
    if g.process:
        fields.append(("process", "办理流程：" + "；".join(g.process)))
    if g.linked_items:
        fields.append(("linked", "联办事项：" + "；".join(x.name for x in g.linked_items)))
    fields += [("faq", f"问：{f.question} 答：{f.answer}") for f in g.faqs]
    return [(f, t) for f, t in fields if t.split("：", 1)[-1].strip()]


def guide_chunks(g: ServiceGuide, max_chars: int = MAX_CHARS) -> list[Chunk]:
    meta = guide_metadata(g)
    out: list[Chunk] = []
    counters: dict[str, int] = {}
    for field, text in _guide_fields(g):
        for piece in [text] if field in UNSPLIT_FIELDS else split_text(text, max_chars):
            n = counters.get(field, 0)
            counters[field] = n + 1
            out.append(
                Chunk(
                    id=chunk_id(g.id, field, n),
                    doc_id=g.id,
                    kind=DocKind.GUIDE,
                    field=field,
                    title=g.name,
                    heading=g.catalogue_name if field == "name" else None,
                    text=piece,
                    metadata={**meta, "field": field},
                )
            )
    return out


def policy_metadata(d: PolicyDocument) -> dict[str, str]:
    return {
        "kind": DocKind.POLICY.value,
        "region": d.region or "",
        "department": d.issuer or "",
        "audience": "",
        "type": d.kind,
        "level": d.level or "",
    }


def policy_chunks(d: PolicyDocument, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """A title chunk, then one chunk per article (laws) or paragraph (pages), long ones split."""
    meta = policy_metadata(d)
    title_bits = [d.title, d.issuer or "", d.doc_number or ""]
    out = [_policy_chunk(d, "title", 0, " ".join(b for b in title_bits if b), None, meta)]
    articles = [(a.number, a.chapter, a.text) for a in d.articles]
    if not articles and d.preamble:
        paras = [p for p in re.split(r"\n\s*\n|\n", d.preamble) if p.strip()]
        articles = [(f"p{i + 1}", None, p) for i, p in enumerate(paras)]
    elif d.preamble:
        out.append(_policy_chunk(d, "preamble", 0, d.preamble[:max_chars], None, meta))
    counters: dict[str, int] = {}
    for number, chapter, text in articles:
        field = number or "p"
        for piece in split_text(text, max_chars):
            n = counters.get(field, 0)
            counters[field] = n + 1
            out.append(_policy_chunk(d, field, n, piece, chapter, meta))
    return out


def article_chunk(d: PolicyDocument, article: Article) -> Chunk:
    """The chunk of one whole article, as policy_chunks names it (used to score an article retrieval did not
    return)."""
    return _policy_chunk(d, article.number, 0, article.text, article.chapter, policy_metadata(d))


def _policy_chunk(
    d: PolicyDocument, field: str, n: int, text: str, heading: str | None, meta: dict[str, str]
) -> Chunk:
    return Chunk(
        id=chunk_id(d.id, field, n),
        doc_id=d.id,
        kind=DocKind.POLICY,
        field=field,
        title=d.title,
        heading=heading,
        text=text,
        metadata={**meta, "field": field},
    )


def index_text(c: Chunk) -> str:
    """What BM25 and the embedder see: the chunk text with its document context."""
    if c.kind == DocKind.GUIDE:
        return c.text if c.field == "name" else f"{c.title}：{c.text}"
    if c.field in {"title", "preamble"}:
        return c.text if c.field == "title" else f"{c.title}：{c.text}"
    head = f"{c.title} {c.heading}" if c.heading else c.title
    num = c.field if c.field.startswith("第") else ""
    return f"{head} {num} {c.text}".strip()


DENSE_SKIP_FIELDS = frozenset({"meta", "location", "time"})  # addresses, phones, dates: BM25 only
DENSE_MAX_CHARS = 256


def dense_text(c: Chunk) -> str | None:
    """What the embedder sees, or None for chunks that carry no meaning worth a vector."""
    if c.kind == DocKind.GUIDE and c.field in DENSE_SKIP_FIELDS:
        return None
    return index_text(c)[:DENSE_MAX_CHARS]


def content_hash(text: str, salt: str = "") -> str:
    return hashlib.sha1(f"{salt}\x00{text}".encode()).hexdigest()[:16]


def chunk_documents(guides: Iterable[ServiceGuide], policies: Iterable[PolicyDocument] = ()) -> list[Chunk]:
    out: list[Chunk] = []
    for g in guides:
        out += guide_chunks(g)
    for d in policies:
        out += policy_chunks(d)
    return out
