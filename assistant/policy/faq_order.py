"""The order of the official FAQ pairs found for a question: which pairs are close to the best retrieved one,
how they are re-ranked (the place asked about / home region, the question's words, the aspect asked, the sides'
embeddings), how each guide's own pairs are read more closely, and the tie-breaks between near-equal leads.
Whether the leading pair answers is judged in faq_evidence (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.nlg.answer import Aspect
from assistant.nlu.text import compact
from assistant.policy.evidence import (
    FAQ_E5_TIE,
    FAQ_W_ASPECT,
    FAQ_W_LEXICAL,
    FAQ_W_QWORDS,
    FAQ_W_SIDES,
    FAQ_WINDOW,
    FAQ_WITHIN_ASPECT,
    FAQ_WITHIN_E5,
    FAQ_WITHIN_FORM,
    FAQ_WITHIN_LEXICAL,
    FAQ_WITHIN_SIDES,
    NAMED_TOLD,
    Candidate,
    idf_match,
    name_told,
)
from knowledge.schema import ServiceGuide
from retrieval.aspects import asks_definition
from retrieval.passages import Passage, ScoredPassage, content_bigrams, score_passages
from retrieval.types import ChunkHit, SearchResult

# a question asking whether, and one asking how or what
_YES_NO_RE = re.compile(r"吗|是否|能否|可否|有没有|[能可要需用是会]不[能可要需用是会]")
_WH_RE = re.compile(r"怎|如何|哪|什么|多少|几|谁|何")


def asks_only_whether(question: str) -> bool:
    """A question asking only whether ("出生医学证明可以邮寄吗？"), not how or what."""
    q = compact(question)
    return bool(_YES_NO_RE.search(q)) and not _WH_RE.search(q)


def asks_what(question: str) -> bool:
    """A question asking how / what / which (perhaps whether too)."""
    return bool(_WH_RE.search(compact(question)))


def asks_only_what(question: str) -> bool:
    """A question asking how / what / which and not whether ("开一间货运公司要满足什么条件才给批")."""
    q = compact(question)
    return bool(_WH_RE.search(q)) and not _YES_NO_RE.search(q)


@dataclass(frozen=True)
class FaqCandidate:
    rerank: float  # retrieval score + words + aspect (what acceptance is judged on)
    candidate: Candidate
    dense_q: float  # cosine of the question with the pair's official question alone
    within: float = 0.0  # the order among the pairs of one guide (see faq_candidates)


def faq_candidates(
    t: str,
    aspects: list[Aspect],
    result: SearchResult,
    get_guide: Callable[[str], ServiceGuide | None],
    passages_of: Callable[[ServiceGuide], list[Passage]],
    rank_of: Callable[[ServiceGuide], int],
    paraphrase: Callable[[str, str], float] | None = None,
) -> list[FaqCandidate]:
    """The FAQ pairs close to the best retrieved one, best first: the place asked about / home region,
    then the retrieval score with the question's words in the pair, the aspect it answers, the
    embeddings of its question alone and answer alone and (`paraphrase`, e5) its official question read as a
    paraphrase."""
    if not result.passages:
        return []
    top_raw = result.passages[0].score
    window: list[tuple[ChunkHit, ServiceGuide, Passage]] = []
    lead = result.passages[0].chunk.doc_id
    for c in result.passages:
        # close to the best, or another pair of the best pair's guide (its pairs compete on their own words)
        if c.score < top_raw - FAQ_WINDOW and c.chunk.doc_id != lead:
            continue
        g = get_guide(c.chunk.doc_id)
        n = c.chunk.id.rsplit("#", 1)[-1]
        if g is None or not n.isdigit() or int(n) >= len(g.faqs):
            continue
        window.append((c, g, next(p for p in passages_of(g) if p.field == "faq" and p.key == n)))
    # the words that tell a guide's pairs apart: the question's words in each official question, weighted by
    # their rarity among the window's official questions (the service name in all of them weighs nothing);
    # a heading shared by several pairs tells nothing, so its answer stands in for it (words and embedding)
    asked = content_bigrams(t)
    headings = [shared_heading(g, int(faq.key)) for _, g, faq in window]
    told = idf_match(
        asked,
        [
            content_bigrams(g.faqs[int(faq.key)].answer if heading else g.faqs[int(faq.key)].question)
            for (_, g, faq), heading in zip(window, headings, strict=True)
        ],
    )
    found: list[tuple[float, float, Candidate, float, float]] = []
    defining = asks_definition(t)
    what = asks_only_what(t)
    for (c, g, faq), own, heading in zip(window, told, headings, strict=True):
        sp = score_passages(t, aspects, [faq], None, common=[g.name])[0]
        sp = ScoredPassage(sp.passage, c.score, sp.lexical, sp.aspect, c.score)
        hit = next((h for h in result.hits if h.doc_id == g.id), None)
        # retrieval score, then the question's words in the pair and the aspect it answers: an FAQ
        # slightly behind on retrieval that asks what was asked wins ("初次申请所需材料" for "要准备哪些东西")
        rerank = c.score + FAQ_W_LEXICAL * sp.lexical + FAQ_W_ASPECT * sp.aspect
        if defining and asks_definition(g.faqs[int(faq.key)].question):
            rerank += FAQ_W_ASPECT * 0.5  # "…是干什么的" answered by "…简介": as an aspect match (0.5 -> 1)
        # the pair's question alone and answer alone pick among close pairs; they do not make one acceptable
        sides = (c.scores.get("dense_q", 0.0) + c.scores.get("dense_a", 0.0)) / 2
        if heading:
            sides = c.scores.get("dense_a", 0.0)
        order = rerank + FAQ_W_SIDES * sides + FAQ_W_QWORDS * own
        # within a guide: the words and aspect once more, and e5 reading the official question as a paraphrase
        within = rerank + FAQ_WITHIN_SIDES * sides + FAQ_W_QWORDS * own
        within += FAQ_WITHIN_LEXICAL * sp.lexical + FAQ_WITHIN_ASPECT * sp.aspect
        if paraphrase is not None:
            within += FAQ_WITHIN_E5 * paraphrase(t, g.faqs[int(faq.key)].question)
        if what and asks_only_whether(g.faqs[int(faq.key)].question):
            # an official question asking only whether is a poor reading of one asking what ("…要满足什么条件才给批"
            # and "暂时没有货运车辆可以申请…吗？" beside "…经营许可的条件有什么")
            within -= FAQ_WITHIN_FORM
        found.append((rerank, order, Candidate(g, hit, sp, rank_of(g)), c.scores.get("dense_q", 0.0), within))
    # the place asked about / home region first, then the re-ranked score
    found.sort(key=lambda x: (x[2].rank, -x[1]))
    return [FaqCandidate(rr, c, dq, within) for rr, _, c, dq, within in found]


def within_guides(found: list[FaqCandidate]) -> list[FaqCandidate]:
    """`found` with each guide keeping the places its pairs hold, its own pairs ordered among themselves on
    `within` (the words and aspect once more, and e5 reading the official question as a paraphrase)."""
    own: dict[str, list[FaqCandidate]] = {}
    for f in sorted(found, key=lambda f: -f.within):
        own.setdefault(f.candidate.guide.id, []).append(f)
    taken = {gid: iter(fs) for gid, fs in own.items()}
    return [next(taken[f.candidate.guide.id]) for f in found]


def shared_heading(guide: ServiceGuide, n: int) -> bool:
    """The pair's official question heads other pairs of its guide too ("申请就业救助遇到的问题" over several
    answers): a heading, not a question; only its answer tells the pairs apart."""
    asked = guide.faqs[n].question.strip()
    return sum(f.question.strip() == asked for f in guide.faqs) > 1


def e5_tie_break(
    t: str, found: list[FaqCandidate], paraphrase: Callable[[str, str], float]
) -> list[FaqCandidate]:
    """Of two leading pairs of the same region rank and nearly the same re-ranked score, the one whose official
    question e5 reads closer to the question leads ("行政处罚信息咋修复" -> "如何修复行政处罚信息？", not
    "…由哪里受理？"): word overlap cannot tell such pairs apart, e5 reads the paraphrase."""
    if len(found) < 2:
        return found
    a, b = found[0], found[1]
    if b.candidate.rank != a.candidate.rank or a.rerank - b.rerank > FAQ_E5_TIE:
        return found
    if official_read(t, b, paraphrase) > official_read(t, a, paraphrase):
        return [b, a, *found[2:]]
    return found


def named_guide_first(t: str, found: list[FaqCandidate]) -> list[FaqCandidate]:
    """Guides reuse each other's pairs (社会救助“一件事” carries 公租房 questions): of the pairs asking the
    leading pair's official question word for word, the one whose guide's name shares most words with the
    question leads ("公租房去哪里申请" -> 申请公租房“一件事”). And a leading pair of a guide the question does not
    name at all yields to a close pair (same region rank, within FAQ_E5_TIE) of a guide it does name
    ("办社会救助需要带户口簿吗": 社会救助“一件事”, not 新生儿出生一件事's 户口簿 pair)."""
    if len(found) < 2:
        return found
    asked = pair_question(found[0])
    same = [f for f in found if f.candidate.rank == found[0].candidate.rank and pair_question(f) == asked]
    words = content_bigrams(t)
    lead = max(same, key=lambda f: len(words & content_bigrams(f.candidate.guide.name)))  # first of equals
    if lead is found[0] and name_told(t, found[0].candidate.guide) < NAMED_TOLD / 2:
        close = [
            f
            for f in found[1:]
            if f.candidate.rank == found[0].candidate.rank
            and found[0].rerank - f.rerank <= FAQ_E5_TIE
            and name_told(t, f.candidate.guide) >= NAMED_TOLD
        ]
        lead = close[0] if close else lead
    return found if lead is found[0] else [lead, *[f for f in found if f is not lead]]


def pair_question(f: FaqCandidate) -> str:
    return f.candidate.guide.faqs[pair_key(f)].question.strip()


def official_read(t: str, f: FaqCandidate, paraphrase: Callable[[str, str], float]) -> float:
    return paraphrase(t, pair_question(f))


def pair_key(f: FaqCandidate) -> int:
    sp = f.candidate.best
    assert sp is not None
    return int(sp.passage.key)
