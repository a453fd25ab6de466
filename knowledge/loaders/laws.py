"""Loader for law / regulation Markdown (LawRefBook format).

Format: `# 标题`, history lines (公布/修订/施行 dates, 文号) up to `<!-- INFO END -->`, then `## 第X章`
(`### 第X节`) headings and articles starting `第X条` (or `第X条之一`), possibly over several paragraphs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowledge.loaders.cntext import CN_NUM, find_dates, squash_spaces
from knowledge.loaders.files import read_utf8
from knowledge.loaders.report import LoaderError, LoadReport
from knowledge.schema import Article, PolicyDocument, PolicyKind, PolicyLevel

INFO_END = "<!-- INFO END -->"
CHAPTER_SEP = " / "

_TITLE = re.compile(r"^#\s+(.+?)\s*$")
_HEADING = re.compile(r"^(#{2,6})\s*(.+?)\s*$")
_ARTICLE = re.compile(rf"^(第[{CN_NUM}\d]+条(?:之[{CN_NUM}]+)?)(?:[\s\u3000]+(.*)|$)")
_FILE_DATE = re.compile(r"[(（](\d{4}-\d{2}-\d{2})[)）]")
_DOC_NUMBER = re.compile(rf"(?:中华人民共和国)?([\u4e00-\u9fff]{{0,10}}令)\s*第\s*([\d{CN_NUM}]+)\s*号")
_SESSION = re.compile(r"第[一二三四五六七八九十百\d]+届")
_NPC = re.compile(r"([\u4e00-\u9fff]*?人民代表大会(?:常务委员会)?)")
_STATE_COUNCIL = re.compile(r"国务院(?:令|第\s*\d+\s*次常务会议|批准)")
_PUBLISHER = re.compile(r"^([\u4e00-\u9fff、]{2,30}?)(?:发布|公布)")
_EFFECTIVE_IN_TEXT = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起施行")
_CITY = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(市|经济特区)")
_REGULATION_SUFFIXES = ("办法", "条例", "规定", "细则", "规则", "决定", "意见", "通知", "规程")

_CATEGORY_LEVEL: dict[str, PolicyLevel] = {"national": "国家"}


@dataclass
class LawMeta:
    """What the history lines before `<!-- INFO END -->` state."""

    issuer: str | None = None
    doc_number: str | None = None
    promulgated: date | None = None  # latest 公布/发布/通过/修正/修订/批准 date
    effective: date | None = None  # a date followed by 施行
    events: list[tuple[date, str]] = field(default_factory=list)


def _segments(text: str) -> list[tuple[date, str]]:
    """Split history text into (date, text following that date up to the next date)."""
    rx = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
    marks = list(rx.finditer(text))
    out: list[tuple[date, str]] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        ds = find_dates(m.group(0))
        if ds:
            out.append((ds[0], squash_spaces(text[m.end() : end])))
    return out


def _issuer(events: list[tuple[date, str]]) -> str | None:
    for _, txt in events:
        m = _NPC.search(_SESSION.sub("", txt))
        if m:
            return m.group(1)
        if _STATE_COUNCIL.search(txt):
            return "国务院"
    for _, txt in events:
        m = _PUBLISHER.match(txt)
        if m and "会议" not in m.group(1):
            return m.group(1)
    return None


def parse_law_meta(lines: list[str]) -> LawMeta:
    text = " ".join(squash_spaces(x) for x in lines if x.strip())
    events = _segments(text)
    meta = LawMeta(events=events, issuer=_issuer(events))
    numbers = [f"{m.group(1)}第{m.group(2)}号" for m in _DOC_NUMBER.finditer(text)]
    meta.doc_number = numbers[-1] if numbers else None
    for d, txt in events:
        if txt.startswith("施行") or re.match(r"^起?施行", txt):
            meta.effective = d
        elif re.search(r"公布|发布|通过|修正|修订|批准", txt):
            meta.promulgated = d if meta.promulgated is None else max(meta.promulgated, d)
    return meta


def law_kind(title: str) -> PolicyKind:
    t = re.sub(r"[（(][^）)]*[)）]$", "", title).strip()
    if t.endswith(_REGULATION_SUFFIXES):
        return "regulation"
    return "law" if t.endswith("法") else "regulation"


def law_level(title: str, category: str | None) -> tuple[PolicyLevel | None, str | None]:
    """(level, region) from the folder (national/guangdong) and the title."""
    if category in _CATEGORY_LEVEL or title.startswith("中华人民共和国"):
        return "国家", "全国"
    m = _CITY.match(title)
    if m and not title.startswith("广东省"):
        return "市", m.group(1) + "市"
    if category == "guangdong" or title.startswith("广东省"):
        return "省", "广东省"
    return None, None


def law_id(file_name: str, category: str | None) -> str:
    key = f"{category}/{file_name}" if category else file_name
    return "law-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class _Draft:
    number: str
    chapter: str | None
    lines: list[str]

    def build(self) -> Article:
        return Article(number=self.number, text="\n".join(self.lines), chapter=self.chapter)


def parse_articles(lines: list[str]) -> tuple[list[Article], str | None]:
    """Articles (with heading path as chapter) and the text before the first article (preamble)."""
    path: list[tuple[int, str]] = []
    articles: list[Article] = []
    preamble: list[str] = []
    draft: _Draft | None = None
    for raw in lines:
        s = raw.strip()
        if not s:
            continue
        h = _HEADING.match(s)
        if h:
            if draft:
                articles.append(draft.build())
                draft = None
            level = len(h.group(1))
            path = [p for p in path if p[0] < level] + [(level, squash_spaces(h.group(2)))]
            continue
        a = _ARTICLE.match(s)
        if a:
            if draft:
                articles.append(draft.build())
            chapter = CHAPTER_SEP.join(p[1] for p in path) or None
            first = (a.group(2) or "").strip()
            draft = _Draft(number=a.group(1), chapter=chapter, lines=[first] if first else [])
        elif draft:
            draft.lines.append(s)
        else:
            preamble.append(s)
    if draft:
        articles.append(draft.build())
    return articles, ("\n".join(preamble) or None)


def _effective_from_articles(articles: list[Article]) -> date | None:
    for art in reversed(articles[-3:]):
        m = _EFFECTIVE_IN_TEXT.search(art.text)
        if m:
            ds = find_dates(m.group(1))
            return ds[0] if ds else None
    return None


def parse_law_markdown(
    text: str, *, file_name: str, category: str | None = None, source_path: str | None = None
) -> PolicyDocument:
    """Parse one law Markdown text. Raises ValueError when it has neither a title nor articles."""
    lines = text.split("\n")
    title: str | None = None
    start = 0
    for i, line in enumerate(lines):
        if line.strip():
            m = _TITLE.match(line.strip())
            if m:
                title, start = squash_spaces(m.group(1)), i + 1
            break
    rest = lines[start:]
    marker = next((i for i, x in enumerate(rest) if INFO_END in x), None)
    if marker is not None:
        meta_lines, body = rest[:marker], rest[marker + 1 :]
    else:
        first_struct = next(
            (i for i, x in enumerate(rest) if _HEADING.match(x.strip()) or _ARTICLE.match(x.strip())),
            len(rest),
        )
        head = rest[:first_struct]
        meta_lines = [x for x in head if find_dates(x)]
        body = [x for x in head if not find_dates(x)] + rest[first_struct:]
    articles, preamble = parse_articles(body)
    stem = Path(file_name).stem
    if not title:
        if not articles:
            raise ValueError("不是法规 Markdown：没有标题行（# …）也没有条文")
        title = _FILE_DATE.sub("", stem).strip() or stem
    meta = parse_law_meta(meta_lines)
    fm = _FILE_DATE.search(stem)
    version = find_dates(fm.group(1))[0] if fm and find_dates(fm.group(1)) else None
    published = version or meta.promulgated
    effective = meta.effective
    if effective is None:
        stated = _effective_from_articles(articles)
        if stated and (published is None or stated >= published):
            effective = stated
    level, region = law_level(title, category)
    return PolicyDocument(
        id=law_id(file_name, category),
        title=title,
        kind=law_kind(title),
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        published=published,
        effective=effective,
        level=level,
        region=region,
        articles=articles,
        preamble=preamble,
        source_path=source_path,
    )


def load_law_file(path: Path | str) -> LoadReport:
    """Load one law Markdown file; the parent folder name (national/guangdong) sets the level."""
    path = Path(path)
    text = read_utf8(path)
    category = path.parent.name if path.parent.name in {"national", "guangdong"} else None
    try:
        doc = parse_law_markdown(text, file_name=path.name, category=category, source_path=str(path))
    except ValueError as e:
        raise LoaderError(str(path), None, str(e)) from e
    return LoadReport(policies=[doc], files=[str(path)])
