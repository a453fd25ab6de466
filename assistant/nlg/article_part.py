"""The part of a long law article an ordinary resident's question needs: its paragraphs (款) before the first one
addressed to a group of applicants (港澳台居民, 华侨, 外国人, 军人). 婚姻登记条例第五条 lists the papers of 内地居民, then of 香港/澳门/台湾居民,
华侨 and 外国人; a resident asking what to bring reads the first paragraph on a phone, not all four. The whole
article stays one tap away, in the citation's source panel. Paragraphs on the asker's own case (exceptions,
extensions, "但…") are never cut. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.nlu.groups import for_unasked_group, names_a_group

ARTICLE_BRIEF = 220  # an article this short is quoted whole
OPENING = 30  # characters of a paragraph that say whom it is for ("办理结婚登记的香港居民、澳门居民…")
# an enumerated item belongs to the paragraph that introduces it: "(一)…", "（二）…", "1.…", "一、…"
_ITEM = re.compile(r"^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|[一二三四五六七八九十]+、)")


@dataclass(frozen=True)
class ArticlePart:
    text: str  # an exact prefix of the article (whole paragraphs)
    shown: int  # paragraphs shown
    total: int  # paragraphs of the article

    @property
    def cut(self) -> bool:
        return self.shown < self.total


def paragraphs(text: str) -> list[str]:
    """The article's paragraphs, each with its enumerated items (lines kept as in the source)."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and (_ITEM.match(line) or not line.strip()):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def article_part(text: str, question: str | None) -> ArticlePart:
    """The article up to the first paragraph (after the first) for a group of applicants, when the question
    names none; the whole article when it is short, has one paragraph, opens for such a group, or no question
    is given."""
    paras = paragraphs(text)
    whole = ArticlePart(text, len(paras), len(paras))
    if not question or len(text) <= ARTICLE_BRIEF or len(paras) < 2:
        return whole
    if names_a_group(question) or for_unasked_group(paras[0][:OPENING], question):
        # the person is one of a group (their paragraph may come after another group's), or the article is
        # about such a group throughout (华侨权益保护条例)
        return whole
    for n, para in enumerate(paras[1:], 1):
        if for_unasked_group(para[:OPENING], question):
            return ArticlePart("\n".join(paras[:n]), n, len(paras))
    return whole
