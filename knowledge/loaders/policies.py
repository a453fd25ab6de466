"""Loader for raw policy web pages (plain text with page navigation left in).

Cleans boilerplate, finds title / date / issuer / 文号, splits paragraphs into Articles "p1", "p2"...
with the heading path ("一、…", "(一)…", "第一部分") as chapter, and converts traditional pages to
simplified (the original kept in Article.text_original).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowledge.loaders.cntext import CN_NUM, find_dates, squash_spaces
from knowledge.loaders.files import read_utf8
from knowledge.loaders.page_noise import is_footer_marker, is_noise_line
from knowledge.loaders.report import LoaderError, LoadReport
from knowledge.loaders.textfix import clean_text, is_traditional, to_simplified
from knowledge.schema import Article, PolicyDocument, PolicyKind, PolicyLevel

CHAPTER_SEP = " / "

_LABEL = r"(?:发布日期|发布时间|成文日期|印发日期|更新时间|文章来源|信息来源|来源|发布机构|发文机关|发文单位|发文字号|文号|索引号)"
_META_LINE = re.compile(_LABEL + r"\s*[:：]")
_META_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|印发日期)\s*[:：]\s*(\S+)")
_META_ISSUER = re.compile(r"(?:发布机构|发文机关|发文单位)\s*[:：]\s*([^\s【】\[\]]+)")
_META_SOURCE = re.compile(r"(?:文章来源|信息来源|来源)\s*[:：]\s*([^\s【】\[\]]+)")
_META_NUMBER = re.compile(r"(?:发文字号|文号)\s*[:：]\s*([^\s【】\[\]]+)")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号")
_DATE_ONLY = re.compile(
    r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)$"
)
_ORG_SUFFIX = r"(?:人民政府办公室|人民政府|办公室|管理局|委员会|局|厅|办|中心|政府)"
_ISSUER_IN_TITLE = re.compile(rf"^(.{{2,40}}?{_ORG_SUFFIX})(?=关于|\s*\d{{4}}\s*年|印发|转发)")
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fff()（）]{{2,40}}{_ORG_SUFFIX}(?:秘书科)?$")
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(?:第[{CN_NUM}]+部分|[{CN_NUM}]+、)")),
    (2, re.compile(rf"^[(（][{CN_NUM}]+[)）]")),
    (3, re.compile(r"^\d{1,2}(?:、|[.．](?!\d))")),
)
_MAX_HEADING = 40
_MAX_PLAIN_HEADING = 24
_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！!？?]")
_REGION = re.compile(
    r"^(?P<prov>[\u4e00-\u9fff]{2,3}省)?(?P<city>[\u4e00-\u9fff]{2,4}?市)?(?P<dist>[\u4e00-\u9fff]{2,3}?[区县])?"
)
_REPORT = re.compile(r"工作报告|年度报告|年报|工作总结|总结")


@dataclass
class PageMeta:
    title: str | None = None
    published: date | None = None
    issuer: str | None = None
    source: str | None = None
    doc_number: str | None = None


@dataclass
class _Token:
    kind: str  # "h" heading, "p" paragraph, "date" signature date
    text: str
    level: int = 0
    merged: bool = False


@dataclass
class _Page:
    meta: PageMeta = field(default_factory=PageMeta)
    tokens: list[_Token] = field(default_factory=list)


def _read_meta(line: str, meta: PageMeta) -> None:
    m = _META_DATE.search(line)
    if m and meta.published is None:
        ds = find_dates(line[m.start() :])
        meta.published = ds[0] if ds else None
    if (m := _META_ISSUER.search(line)) and meta.issuer is None:
        meta.issuer = m.group(1)
    if (m := _META_SOURCE.search(line)) and meta.source is None and m.group(1) not in {"本网", "本站"}:
        meta.source = m.group(1)
    if (m := _META_NUMBER.search(line)) and meta.doc_number is None:
        meta.doc_number = m.group(1)


def _looks_like_title(s: str) -> bool:
    return (
        6 <= len(s) <= 80
        and "。" not in s
        and not s.endswith((":", "："))
        and s.count(",") + s.count("，") <= 1
        and bool(re.search(r"[\u4e00-\u9fff]", s))
        and not any(rx.match(s) for _, rx in _HEADINGS)
    )


def _heading_level(s: str) -> int | None:
    for level, rx in _HEADINGS:
        if rx.match(s) and len(s) <= _MAX_HEADING:
            return level
    if len(s) <= _MAX_PLAIN_HEADING and not _SENTENCE_PUNCT.search(s) and re.search(r"[\u4e00-\u9fff]", s):
        return 0  # an unnumbered heading line, e.g. "做好“全”字文章"
    return None


def scan_page(lines: list[str]) -> _Page:
    """First pass: metadata, title and a token stream of headings / paragraphs / signature dates."""
    page = _Page()
    meta = page.meta
    in_body = False
    for raw in lines:
        s = squash_spaces(raw)
        if not s:
            continue
        if is_footer_marker(s) and in_body:
            break
        if _META_LINE.search(s) and (not in_body or _META_LINE.match(s.lstrip("•· "))):
            _read_meta(s, meta)
            continue
        if is_noise_line(s):
            continue
        core = s.lstrip("•· ").strip()
        if _DATE_ONLY.match(core):
            if not in_body and meta.published is None:
                meta.published = find_dates(core)[0] if find_dates(core) else None
            elif in_body:
                page.tokens.append(_Token("date", core))
            continue
        if not in_body and meta.doc_number is None and _DOC_NUMBER.fullmatch(core):
            meta.doc_number = core
            continue
        if not in_body and meta.title is None and _looks_like_title(core):
            meta.title = core
            continue
        if meta.title and core == meta.title:
            continue
        in_body = True
        level = _heading_level(core)
        if level is None:
            page.tokens.append(_Token("p", core))
        else:
            page.tokens.append(_Token("h", core.rstrip("。:：;；"), level))
    return page


def _drop_signatures(tokens: list[_Token]) -> list[_Token]:
    """Remove signature blocks: a date line and the organisation name line right before it."""
    out: list[_Token] = []
    for tok in tokens:
        if tok.kind == "date":
            if out and _ORG_LINE.match(out[-1].text):
                out.pop()
            continue
        out.append(tok)
    return out


def build_articles(tokens: list[_Token]) -> list[tuple[str, str | None]]:
    """(paragraph text, heading path) pairs; a heading with nothing under it becomes a paragraph itself."""
    out: list[tuple[str, str | None]] = []
    path: list[_Token] = []
    pending: _Token | None = None  # last heading not yet followed by a paragraph

    def chapter(upto: list[_Token]) -> str | None:
        return CHAPTER_SEP.join(t.text for t in upto) or None

    for tok in _drop_signatures(tokens):
        if tok.kind == "h":
            # a two-line heading: "做好“全”字文章" + "提升政务服务能力"
            if (
                tok.level == 0
                and pending is not None
                and pending is path[-1]
                and pending.level == 0
                and not pending.merged
            ):
                pending = path[-1] = _Token("h", f"{pending.text} {tok.text}", 0, merged=True)
                continue
            if pending is not None and tok.level <= pending.level:
                out.append((pending.text, chapter(path[:-1])))
            path = [t for t in path if t.level < tok.level] + [tok]
            pending = tok
        else:
            out.append((tok.text, chapter(path)))
            pending = None
    if pending is not None:
        out.append((pending.text, chapter(path[:-1])))
    return out


def _region_level(*texts: str | None) -> tuple[PolicyLevel | None, str | None]:
    for text in texts:
        if not text:
            continue
        m = _REGION.match(text)
        if m and m.group("dist"):
            return ("县" if m.group("dist").endswith("县") else "区"), m.group("dist")
        if m and m.group("city"):
            return "市", m.group("city")
        if m and m.group("prov"):
            return "省", m.group("prov")
    return None, None


def _title_from_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    t = re.split(r"\s[(（]|[,，;；]|\s—|\sand\s", hint, maxsplit=1)[0]
    t = re.sub(r"(?:\s+[A-Za-z][A-Za-z'’-]*)+$", "", t)
    t = re.sub(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])", "", t).strip()
    return t or None


def parse_policy_page(
    text: str, *, doc_id: str, title_hint: str | None = None, source_path: str | None = None
) -> PolicyDocument:
    """Parse one policy page. Raises ValueError when no body text remains after cleaning."""
    lines = [clean_text(x) for x in text.split("\n")]
    traditional = is_traditional("\n".join(lines))
    page = scan_page(lines)
    meta = page.meta
    pairs = build_articles(page.tokens)
    if not pairs:
        raise ValueError("清理页面导航后没有正文")

    def simp(s: str | None) -> str | None:
        return to_simplified(s) if (s and traditional) else s

    articles = [
        Article(
            number=f"p{i}",
            text=simp(body) or body,
            chapter=simp(chap),
            text_original=body if traditional else None,
        )
        for i, (body, chap) in enumerate(pairs, start=1)
    ]
    title = simp(meta.title) or _title_from_hint(title_hint) or (articles[0].text[:30] + "…")
    issuer = simp(meta.issuer)
    if issuer is None:
        m = _ISSUER_IN_TITLE.match(title)
        issuer = m.group(1) if m else simp(meta.source)
    level, region = _region_level(title, issuer)
    kind: PolicyKind = "report" if _REPORT.search(title) else "policy"
    return PolicyDocument(
        id=doc_id,
        title=title,
        kind=kind,
        issuer=issuer,
        doc_number=meta.doc_number,
        published=meta.published,
        level=level,
        region=region,
        articles=articles,
        source_path=source_path,
        converted_from_traditional=traditional,
    )


_SIDECAR_LINE = re.compile(r"^\s*[-*]\s+`?([^\s`]+)`?\s+[—–-]+\s+(.+?)\s*$")


def sidecar_titles(directory: Path) -> dict[str, str]:
    """File name → description from a SOURCE.md in `directory` ("- 000_x.txt — 标题 (…)"), if any."""
    src = directory / "SOURCE.md"
    if not src.is_file():
        return {}
    try:
        text = src.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return {m.group(1): m.group(2) for line in text.split("\n") if (m := _SIDECAR_LINE.match(line))}


def policy_id(path: Path) -> str:
    stem = path.stem
    if re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", stem):
        return f"policy-{stem}"
    return "policy-" + hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:12]


def load_policy_file(path: Path | str, title_hint: str | None = None) -> LoadReport:
    path = Path(path)
    text = read_utf8(path)
    hint = title_hint or sidecar_titles(path.parent).get(path.name)
    try:
        doc = parse_policy_page(text, doc_id=policy_id(path), title_hint=hint, source_path=str(path))
    except ValueError as e:
        raise LoaderError(str(path), None, str(e)) from e
    return LoadReport(policies=[doc], files=[str(path)])
