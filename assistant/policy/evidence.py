"""Evidence for the answer path: thresholds and pure functions that weigh passages, FAQs, law articles
and service variants for one question (no I/O; the Answerer passes the record getters in)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.nlg.answer import ASPECT_LABEL, Aspect, compose_guide_answer, detect_aspects
from assistant.nlu.deadline import asks_deadline, deadline_act, sets_deadline_to_act
from assistant.nlu.groups import for_unasked_group
from assistant.nlu.text import compact
from assistant.policy.article_filters import (
    certificate_applied_for,
    defines,
    lists_as_paper,
    procedure_named,
    subject_unsaid,
    term_defined,
)
from assistant.policy.linking import auxiliary_word, bare_label
from assistant.policy.name_words import (
    GENERIC_BIGRAMS,
    asks_later_step,
    before_bracket,
    serves_later_step,
    serves_step,
    sole_term_holder,
    steps_asked,
    synonym_table,
)
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.aspects import article_aspects, aspect_overlap, cue_spans
from retrieval.chunking import article_chunk, policy_chunks
from retrieval.passages import ScoredPassage, content_bigrams, lexical_match
from retrieval.regions import national_law
from retrieval.tokenize import expand_synonyms
from retrieval.types import ChunkHit, DocKind, Hit, SearchResult

# Decision thresholds (chosen on the tune half of the answer dev set; docs/BENCHMARKS.md)
TOP_K = 8  # documents per search: guides and policies of one call
CLOSE = 0.9  # a candidate guide within this share of the chosen one's score may win on region
# An official FAQ answers when its chunk's fused retrieval score (dense + BM25 over question + answer) is at
# least FAQ_RAW and the question uses enough of its content words (FAQ_LEXICAL), or it stands out from the
# next FAQ by FAQ_GAP. Without retrieval scores (a follow-up on the current guide) FAQ_LEXICAL_ALONE applies.
FAQ_RAW = 0.55
FAQ_OFFICIAL = 0.8  # a question reading as an official one: Dice of what both name (content bigrams)
FAQ_OFFICIAL_WORDS = 3  # ... when the question names at least this many
FAQ_GUIDE_LEAD = 0.25  # the search's first guide ahead of the second by this share of its score
FAQ_LEXICAL = 0.25
FAQ_GAP = 0.25
FAQ_GAP_LEXICAL = 0.15  # even a standing-out FAQ must share some content words with the question
FAQ_WINDOW = 0.2  # FAQ chunks within this fused score of the best are re-ranked with ...
FAQ_W_LEXICAL = 0.5  # ... the question's words in the pair
FAQ_W_ASPECT = 0.3  # ... and whether it answers the aspect asked
FAQ_W_SIDES = 2.0  # ... and the embeddings of its question alone and its answer alone (retrieval.faq_sides)
FAQ_W_QWORDS = 0.7  # ... and the question's words in its official question, rare ones weighing most
# Among one guide's own pairs (`within`): the sides weigh more, the words and aspect count once more and e5 reads
# the official question as a paraphrase. Fitted on the tune splits' pairs of the gold guide (114 -> 119 of 128
# first there, 225 -> 233 of 270 on the other splits); end to end +6 / -2 over the sets (docs/BENCHMARKS.md)
FAQ_WITHIN_SIDES = 3.0
FAQ_WITHIN_LEXICAL = 0.5
FAQ_WITHIN_ASPECT = 0.3
FAQ_WITHIN_E5 = 8.0
# ... less this for an official question asking only whether, when the question asks only what (over the dev sets'
# 368 lines with several pairs of the gold guide found: 322 -> 328 with the gold pair first, none lost)
FAQ_WITHIN_FORM = 0.5
# a re-ranked score this high answers too (in-scope right FAQs p10 0.98, out-of-scope questions p90 0.82 on
# the tune halves of both answer sets), when the pair shares a few of the question's words
FAQ_ACCEPT = 0.9
FAQ_ACCEPT_LEXICAL = 0.1
# all pairs near the best are of one guide: the best answers when its re-ranked score, its official question's
# cosine with the question and its lead over the guide's next pair reach these (out-of-scope questions of the
# dev sets with a one-guide window: question cosine p90 0.41)
FAQ_ONE_GUIDE_RERANK = 0.7
FAQ_ONE_GUIDE_QUESTION = 0.5
FAQ_ONE_GUIDE_MARGIN = 0.1
# e5 cosine of the question with the best pair's official question that accepts the pair (retrieval.paraphrase;
# dev sets: out-of-scope questions p95 0.886, max 0.896 (two naming uncovered places); right pairs median 0.917)
FAQ_PARAPHRASE = 0.9
# the two leading pairs this close on the re-ranked score (same region rank): the one whose official question e5
# reads closer to the question leads (all answer sets: +11 right first pairs of 409, 4 lost)
FAQ_E5_TIE = 0.1
# an official FAQ answers: this many of its guide's next-closest pairs are offered as buttons (wrong-pair answers
# of all answer sets: the pair meant is the runner-up in 17 of 41, third in 9)
FAQ_RELATED = 2
FAQ_NAMES_SERVICE = 0.3  # a question naming only the service and an aspect: this share of it in the name
# no pair answers: offer the best ones ("您是想问…") when the closest official question reads like the question
# (out-of-scope questions of the tune halves reached 0.5 only for places the KB does not cover, which get
# their own reply first) and shares some words
FAQ_OFFER_QUESTION = 0.5
FAQ_OFFER_LEXICAL = 0.1
# ... or when e5 reads the closest official question this close to the question (a paraphrase in other words,
# which the two above miss) and it shares a few words; offered pairs then stay within FAQ_OFFER_SPREAD of it
# (all answer sets: 21 of 71 in-scope refusals become offers, 11 with the right pair among them; of 101
# out-of-scope questions none, since places and countries the KB does not cover get their own reply first)
FAQ_OFFER_PARAPHRASE = 0.88
FAQ_OFFER_PARAPHRASE_LEXICAL = 0.05
FAQ_OFFER_SPREAD = 0.03
# a pair answers only when it shares with the question a word that tells its matter: one at most this share of the
# guides with FAQ pairs use ("体育" tells, "申请" / "时间" / "要求" do not). Judged when the KB has enough such guides.
# All answer sets: 5 answers of another guide's pair turned away, no right answer lost (docs/BENCHMARKS.md)
FAQ_TELLING_SHARE = 1 / 3
# ... and a lone such word is rarer still ("支持", used by a fifth of them, tells no matter of "…装光伏板…支持吗")
FAQ_TELLING_ALONE = 0.15
FAQ_TELLING_MIN_GUIDES = 6
FAQ_LEXICAL_ALONE = 0.45
FAQ_SWITCH = 0.6  # an FAQ of another guide wins over the linked guide's own passages when this lexical
TELLING_MIN = 2  # telling characters a question must say of the variant it picks (telling_pick)
FAQ_TOP = 12  # best FAQ chunks of the whole KB considered besides the hits' own
CLARIFY_CONFIDENCE = 0.15  # below the confident threshold but above this: offer the best candidates
NAME_COVER = 0.5  # a question asking nothing specific must name the service this much ...
# ... or describe it in its own words: e5 cosine of the question with the guide's name (dev sets: the questions the
# name check turned away, right guides 0.90-0.93, wrong ones and out-of-scope questions up to 0.913)
NAME_PARAPHRASE = 0.915
NAMED_COVER = 0.6  # a question names a guide clearly when this much of it is in the name (name_cover) ...
NAMED_TOLD = 0.5  # ... and it tells this much of the name (name_told)
# a guide this many times ahead of every other one answers below the confident threshold, when the question
# names it and the confidence is at least STANDOUT_FLOOR
STANDOUT = 1.6
STANDOUT_FLOOR = 0.05
NAMED_LAW_CLOSE = 0.9  # a named place's law article goes before another one scoring at most this much more
LAW_RAW = 0.5  # a law article answers on its own from this fused chunk score ...
LAW_ARTICLE_LEXICAL = 0.2  # ... when the question uses this share of its content words
LAW_MIN_SHARED = 2  # an article must share at least this many content bigrams with the question
LAW_WORDS = 0.5  # or whatever its score when the question uses this share of them
# or, before refusing, when the e5 cosine of the question with the article is this high (dev sets: right articles
# median 0.92; out-of-scope questions up to 0.89 except places the KB does not cover, which are answered first)
LAW_PARAPHRASE = 0.9
RUNNERS_UP = 3  # the next articles of the top one's law the paraphrase check also reads
LAW_RUNNER_LEXICAL = 0.1  # each sharing at least this share of the question's words
# overruling the words' ranking takes a closer paraphrase than confirming it (measured over the dev sets: at 0.9
# five refusals became wrong articles, at this bar none did)
LAW_RUNNER_PARAPHRASE = 0.915
LAW_PARAPHRASE_CHARS = 120  # the article's opening states its rule; e5 costs ~1 ms a character on 2 cores
# article ranking inside the retrieved laws: retrieval score, rare question words, aspect of its wording
W_ART_CHUNK = 0.2
W_ART_RARE = 0.5
W_ART_ASPECT = 0.3
W_ART_LIST = 0.1  # a question asking for a list ("有哪些…") and an article that enumerates ("下列…：(一)")
# whether something is against the law ("拆掉尾气净化装置违法吗", "露天烧电线犯法吗", "合唔合法"): an article that
# forbids it answers; e5 reads such a citizen's question as close to it a little less often
_ASKS_LEGALITY = re.compile(r"违法|犯法|合法|合唔合法|违规|违反规定")
_FORBIDS = re.compile(r"禁止|不得|严禁")
LAW_LEGALITY_PARAPHRASE = 0.85
_ASKS_LIST = re.compile(r"哪些|哪几|几类|几种|什么(?:材料|证件|东西|条件|情况|情形)|带什么|要什么")
_CLAUSE_RE = re.compile(r"[。；;：:\n]")  # sentences and list items, not the clauses of one sentence
# characters of the words for a loss, a later step or a loan (补领, 遗失, 换证, 注销, 贷款 …): word pairs holding one name the
# step, not the thing it is done to
_STEP_CHARS_RE = re.compile(r"[补挂遗失丢换迁注销变更延续歇停领发办贷]")
_STATUTE_ASPECTS = frozenset(
    {
        Aspect.MATERIALS,
        Aspect.TIME,
        Aspect.LOCATION,
        Aspect.FEES,
        Aspect.AMOUNT,
        Aspect.CONDITIONS,
        Aspect.ONLINE,
    }
)
# what only a guide states: statutes give no phone numbers, online entries, visit counts or bundled items
GUIDE_ONLY_ASPECTS = frozenset(
    {Aspect.PHONE, Aspect.ONLINE, Aspect.VISITS, Aspect.STATUS, Aspect.LINKED, Aspect.PROXY}
)


def asks_office_fact(aspects: Sequence[Aspect]) -> bool:
    """The question asks only what the office handling a service states of it: what a guide alone states, or its
    time limit or place ("…几耐先批", "去边度交")."""
    wanted = {a for a in aspects if a is not Aspect.OVERVIEW}
    return bool(wanted) and wanted <= GUIDE_ONLY_ASPECTS | {Aspect.TIME, Aspect.LOCATION}


def asks_guide_only(aspects: Sequence[Aspect]) -> bool:
    """The question asks only what a guide states ("补办离婚证有冇咨询电话"): no law article answers it."""
    wanted = {a for a in aspects if a is not Aspect.OVERVIEW}
    return bool(wanted) and wanted <= GUIDE_ONLY_ASPECTS


_ENUMERATES = re.compile(r"下列|以下|[(（]一[)）]")
LAW_OVER_GUIDE = 0.6  # an article beats a confident guide the question does not name (cover below
LAW_OVER_GUIDE_COVER = 0.4  # this) when the question uses this share of the article's words
# ... or, when the question asks an aspect the guide's passage answers in none of its words (cover below
# LAW_ASPECT_COVER), an article about that aspect using this much more of them than the passage does
LAW_ASPECT_COVER = 0.6
# close guides to choose between, none of whose names holds this share of what the question names: an article that
# answers (on the aspect asked, LAW_ARTICLE_LEXICAL of its words) goes before the choice (all sets: +2 / -1)
CHOICES_COVER = 0.6
LAW_ASPECT_MARGIN = 0.3


@dataclass
class Candidate:
    guide: ServiceGuide
    hit: Hit | None  # None for a guide found through one of its FAQ passages only
    best: ScoredPassage | None
    rank: int  # region rank (0 named place, 1 home chain, 2 elsewhere)
    # an official FAQ answering: the guide's next-closest pairs (indices), offered as follow-up buttons
    related: tuple[int, ...] = ()
    # the same service of another place answered with its official pair: the question is about this service
    # however little of its name it says (guide_choice._nearer_twin)
    vouched: bool = False
    # found first far ahead of any other service, e5 reading its name as what is asked (guide_leads._read_alone):
    # the question describes it in its own words
    read: bool = False

    @property
    def doc_score(self) -> float:
        return self.hit.score if self.hit is not None else 0.0


def passage_scores(result: SearchResult) -> dict[tuple[str, str, int], float]:
    """(doc id, chunk field, n) -> fused chunk score of the hits' chunks and the KB-wide FAQ chunks, scaled
    by the best of them."""
    chunks = [c for h in result.hits for c in h.chunks] + list(result.passages)
    best = max((c.score for c in chunks), default=0.0) or 1.0
    out: dict[tuple[str, str, int], float] = {}
    for c in chunks:
        n = c.chunk.id.rsplit("#", 1)[-1]
        out[(c.chunk.doc_id, c.chunk.field, int(n) if n.isdigit() else 0)] = c.score / best
    return out


def _bigrams(text: str) -> set[str]:
    t = compact(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def base_variant(question: str, choices: Mapping[str, str]) -> str | None:
    """Among variants "办理往来港澳通行证" / "…逗留签注" / "…探亲签注": the plain item whose name the others
    extend, when the question uses none of the words that make the others different."""
    # (labels made unique by their place are one service: "…审批（广东省·广东省生态环境厅）"; a long name the others
    # hold in order, words set between, is their base too: 海洋工程建设项目海洋环境影响报告书审批 extends 建设项目环境
    # 影响报告书审批)
    bare = {label: bare_label(label) for label in choices}
    names = list(dict.fromkeys(bare.values()))
    for base in names:
        others = [n for n in names if n != base]
        if not others or not all(_extends(n, base) for n in others):
            continue
        extra = set().union(*(_bigrams(n.replace(base, "|")) for n in others)) - _bigrams(base)
        if not (extra & _bigrams(question)):
            return choices[next(label for label, b in bare.items() if b == base)]
    return None


# a base name this long may be held in two parts with words set between (each part a word or more)
_SPREAD_BASE = 6
_SPREAD_PART = 2


def _extends(name: str, base: str) -> bool:
    """`name` holds `base` whole, or (a long base) in two parts in order with words set between them."""
    if base in name:
        return True
    if len(base) < _SPREAD_BASE:
        return False
    for cut in range(_SPREAD_PART, len(base) - _SPREAD_PART + 1):
        head, tail = base[:cut], base[cut:]
        at = name.find(head)
        if at >= 0 and tail in name[at + len(head) + 1 :]:
            return True
    return False


def distinct_pick(question: str, choices: Mapping[str, str]) -> str | None:
    """The one variant whose own characters (in no other variant's name) the question uses: "去香港探亲签注"
    picks 往来港澳通行证探亲签注 over 往来台湾通行证探亲签注; "高中教师资格" picks 高级中学… over 高等学校…."""
    # the one named by a formal term of a colloquial word the question says in other characters ("自由职业者…交社保"
    # -> 灵活就业人员参保登记, not 企业职工社会保险… for its 职 and 社; 社保 -> 社会保险 tells nothing more)
    # (a term of the question said whole goes first: "旧楼…做外立面整饰" says 外立面整饰, whatever 旧楼's formal term
    # 既有住宅 names)
    # (of variants of one service only: of different services the term may be the matter they share in other words)
    labels = list(choices)
    bare_labels = [bare_label(label) for label in labels]
    one_service = len({before_bracket(label) for label in bare_labels}) == 1
    sole = sole_term_holder(question, bare_labels) if one_service else None
    if sole is not None:
        return choices[labels[sole]]
    q = compact(question)
    terms = [
        ts[0]
        for key, ts in synonym_table().items()
        if ts and key in q and len(set(ts[0]) & set(q)) < len(set(ts[0])) / 2
    ]
    formal = [label for label in choices if any(t in compact(label) for t in terms)]
    if len(formal) == 1:
        return choices[formal[0]]
    # (the words asking the aspect tell no variant: "…能不能在网上查到证书" says no 网上 of 学位证书网上查询; nor
    # does the speaker's own firm: "我哋公司想设个对讲机中继台" says no 公 of 公众移动通信基站)
    asked = {ch for b in content_bigrams(_SPEAKER_RE.sub(" ", cue_spans(question))) for ch in b}
    names = {label: set(compact(label)) for label in choices}
    picked = []
    for label, chars in names.items():
        others = set().union(*(c for lbl, c in names.items() if lbl != label))
        if (chars - others) & asked:
            picked.append(label)
    return choices[picked[0]] if len(picked) == 1 else None


# the speaker said as their firm or body ("我们公司", "我哋单位", "本厂")
_SPEAKER_RE = re.compile(r"(?:我们|我哋|我|本)(?:公司|单位|企业|厂|机构)")


def telling_pick(question: str, choices: Mapping[str, str]) -> str | None:
    """Of variants of one service (one name before the bracket), the one whose telling characters (those not in
    every variant's name) the question says clearly most of: at least TELLING_MIN and one more than any other ("武警
    部队退下来…大客车驾驶证" picks 退役武警…（大中型客货车）: 退, 大, 客 over 现役…（大中型客货车）'s 大, 客)."""
    labels = list(choices)
    if len(labels) < 2 or len({before_bracket(label) for label in labels}) > 1:
        return None
    chars = {label: set(compact(label)) for label in labels}
    common = set.intersection(*chars.values())
    # (the words asking the aspect tell no variant: "…楼高要在什么范围内才算中小型" says no 范围内 of 产业区块范围内…)
    asked = {ch for b in content_bigrams(cue_spans(question)) for ch in b}
    said = sorted(((len((c - common) & asked), label) for label, c in chars.items()), reverse=True)
    (best, label), (second, _) = said[0], said[1]
    return choices[label] if best >= TELLING_MIN and best > second else None


def asks_same(question: str, faq_question: str, guide: ServiceGuide) -> bool:
    """The FAQ's own question words (beyond the service name and the aspect's own cue words) are mostly in
    the question; an FAQ that only asks the aspect of the service ("X多久能办完") asks the same as "X办好要几天"."""
    stripped = cue_spans(faq_question)
    own = content_bigrams(stripped) - content_bigrams(guide.name)
    if len(own) <= 1:
        return True
    return len(own & content_bigrams(question)) / len(own) >= 0.5


def name_cover(question: str, guide: ServiceGuide, *, formal: bool = False) -> float:
    """Share of the question's content characters found in the guide's names (a generic "X怎么办" must
    name the service; "明天彩票开什么号" does not name 体育彩票网点征召). `formal`: a colloquial word of the
    synonym table whose first formal term is in the name counts as found ("个体户" for 个体工商户…, "自由职业"
    for 灵活就业…); the question's own characters stay the measure."""
    chars = {ch for b in content_bigrams(question) for ch in b}
    names = "".join(x for x in (guide.name, guide.catalogue_name, guide.sub_name) if x)
    found = {ch for ch in chars if ch in names}
    if formal:
        q = compact(question)
        for key, terms in synonym_table().items():
            if terms and key in q and terms[0] in names:
                found |= set(key) & chars
    return len(found) / len(chars) if chars else 0.0


def names_kind(subject: str, guide: ServiceGuide) -> bool:
    """The guide's names hold the word a subject opens with, which says its kind ("失业保险金": 失业, not the 业 of
    事业单位), or a formal term of the colloquial word opening it; True for a subject too short to tell."""
    s = compact(subject)
    ordered = sorted(content_bigrams(s), key=s.find)
    if len(s) < 4 or not ordered:
        return True
    names = "".join(x for x in (guide.name, guide.catalogue_name, guide.sub_name) if x)
    terms = [t for key, ts in synonym_table().items() if s.startswith(key) for t in ts]
    return ordered[0] in names or any(t in names for t in terms)


def name_told(question: str, guide: ServiceGuide) -> float:
    """Share of the guide name's content characters the question uses, the formal terms of its colloquial words
    included ("社保卡丢了" tells most of 社会保障卡补换; "医疗救助…费用" little of 工伤医疗/康复/辅助器具配置费用申报):
    name_cover's other direction."""
    name = _name_chars(guide)
    return len(told_chars(question, guide)) / len(name) if name else 0.0


def told_chars(question: str, guide: ServiceGuide) -> frozenset[str]:
    """The guide name's content characters the question uses (name_told's numerator)."""
    q = compact(question)
    told = q + "".join(terms[0] for key, terms in synonym_table().items() if terms and key in q)
    return frozenset(ch for ch in _name_chars(guide) if ch in told)


# the state's name in a certificate's title ("《中华人民共和国残疾人证》换领") names nothing one asks about, nor does
# the genre word closing a notary office's guide ("离婚协议公证指引": nobody asks for a 指引)
_UNTOLD_NAME_RE = re.compile(r"中华人民共和国|指引$")


def _name_chars(guide: ServiceGuide) -> set[str]:
    return {ch for b in content_bigrams(_UNTOLD_NAME_RE.sub("", guide.name)) for ch in b}


def same_answer(
    choices: Mapping[str, str], by_id: Mapping[str, Candidate], wanted: list[Aspect]
) -> Candidate | None:
    """Close variants that give the same answer to what was asked (the same time limit, the same phone):
    answer from the best one instead of asking which."""
    if not wanted or any(a not in ASPECT_LABEL for a in wanted):
        return None
    cands = [by_id[v] for v in choices.values() if v in by_id]
    if len(cands) < 2 or len(cands) != len(choices):
        return None
    answers = set()
    for c in cands:
        composed = compose_guide_answer(c.guide, wanted)
        if composed.missing:
            return None
        answers.add(tuple(sorted(x.quote for x in composed.citations)))
    return nearest(cands) if len(answers) == 1 else None


def nearest(cands: Iterable[Candidate]) -> Candidate:
    """The candidate of the nearest place (named place, then the home chain), the stronger hit first."""
    return min(cands, key=lambda c: (c.rank, -c.doc_score))


def idf_match(question: set[str], texts: list[set[str]]) -> list[float]:
    """Share of the question's content bigrams in each text, each bigram weighted by its rarity among the
    texts (a law's own name in every article weighs little; "证件" in one article decides)."""
    n = len(texts)
    if not question or not n:
        return [0.0] * n
    w = {b: math.log((n + 1) / (sum(b in t for t in texts) + 0.5)) for b in question}
    total = sum(w.values()) or 1.0
    return [sum(v for b, v in w.items() if b in t) / total for t in texts]


def question_words(t: str) -> set[str]:
    """The question's content bigrams plus those of the formal terms its colloquial words stand for
    (retrieval's synonym table: "改名字" -> 姓名变更, "低保" -> 最低生活保障): statutes use the formal terms."""
    extra = expand_synonyms(t, synonym_table())
    return content_bigrams(t) | (content_bigrams(" ".join(extra)) if extra else set())


def article_opening(text: str) -> str:
    """What e5 reads of an article (or of a long article's later piece) for the paraphrase check."""
    return text[:LAW_PARAPHRASE_CHARS]


def article_openings(docs: Iterable[PolicyDocument]) -> list[str]:
    """The openings the paraphrase check may read, one per article chunk of the laws and pages: embedded after
    start, so no turn pays ~150 ms for one (retrieval.paraphrase)."""
    return [
        article_opening(c.text)
        for d in docs
        for c in policy_chunks(d)
        if c.field not in ("title", "preamble")
    ]


_LATER_STEP_RE = re.compile(r"注销|补领|补发|换领|换发|挂失|遗失|迁出|迁入|吊销|撤销")


def _only_later_step(text: str, things: set[str], first_terms: Iterable[str] = ()) -> bool:
    """Every sentence of `text` naming the thing asked about (one of its word pairs) names a later step of it, and
    none says the first step by a formal term of the question's words (婚姻登记条例第二十一条's "办理婚姻登记或者补领
    结婚证…应当交纳工本费" answers "结婚证要多少钱")."""
    naming = [c for c in _CLAUSE_RE.split(text) if any(w in c for w in things)]
    firsts = [f for f in first_terms if len(f) >= 4]
    return (
        bool(naming)
        and all(_LATER_STEP_RE.search(c) for c in naming)
        and not any(re.search(rf"(?<!补领)(?<!换领){re.escape(f)}", c) for c in naming for f in firsts)
    )


def _states_step(question: str, text: str, things: set[str]) -> bool:
    """A sentence (or list item) of `text` names the thing asked about (one of its word pairs) and the later step
    asked of it."""
    return any(
        serves_later_step(question, clause) and any(w in clause for w in things)
        for clause in _CLAUSE_RE.split(text)
    )


# an article on sanctions (法律责任), and the questions that ask about them
_LIABILITY = re.compile(r"行政处分|给予处分|追究刑事责任|处[^。；]{0,20}罚款|给予处罚|批评教育")
_ASKS_LIABILITY = re.compile(
    r"罚|处分|违法|合法|犯法|责任|后果|会怎样|会怎么样|会点|冒领|骗取|扣押|扣住|举报|投诉|赔"
)
# a question about the penalty for doing something ("养危险犬俾人举报咗会点样处罚"), answered by the article setting it
_ASKS_PENALTY = re.compile(r"罚|处分|后果")
# a fine or a sanction asked of an act ("没请监理会被罚多少钱"): guides state none, statutes do
# (a consequence asked, not one told: "罚款在哪里交", "被罚款后…信用修复" are a service's questions)
_ASKS_SANCTION = re.compile(
    r"(?:会|要|将)被?(?:罚|处罚|处分|吊销)|罚(?:款|金|钱)?(?:多少|几多|几钱)"
    r"|(?:怎么|怎样|如何|点样?|什么|咩)(?:处罚|处分|罚)"
)


def asks_sanction(t: str) -> bool:
    """The question asks what fine or sanction an act draws."""
    return bool(_ASKS_SANCTION.search(compact(t)))


def imposes_sanction(text: str) -> bool:
    """An article imposing a fine or a sanction (法律责任)."""
    return bool(_LIABILITY.search(text))


# a transitional provision (cases from before the statute took effect), and the questions about the old rules
_TRANSITIONAL = re.compile(r"本(?:条例|办法|法|规定|细则)(?:施行|实施)(?:前|之前|以前)")
_ASKS_BEFORE = re.compile(r"以前|之前|施行前|实施前|原来|老规定|旧规定|过渡")
# an article (or official pair) on looking something up, booking or progress says so
LOOKUP_WORDS = "查|进度|预约|记录"
_LOOKUP_RE = re.compile(LOOKUP_WORDS)


def best_article(
    t: str,
    result: SearchResult,
    get_policy: Callable[[str], PolicyDocument | None],
    *,
    min_lexical: float = 0.0,
    on_aspect: bool = False,
    retrieved_only: bool = False,
    paraphrase: Callable[[str, str], float] | None = None,
    applies: Callable[[PolicyDocument], bool] | None = None,
    in_force_only: bool = False,
    formal_shared: bool = False,
    must_say: Callable[[str], bool] | None = None,
    named_law: Callable[[PolicyDocument], bool] | None = None,
) -> tuple[ChunkHit, PolicyDocument] | None:
    """The law article of the whole KB that answers the question (法规名 + 条号), if it stands out.
        `applies(law)`: the law holds where the person is; such a law's best article that answers goes before
        another place's local regulation (`in_force_only`: only such a law's).
        `on_aspect`: only an article whose wording addresses the aspect asked ("…日内" for "多少天内");
        `retrieved_only`: only the articles retrieval returned (an article that is to beat a guide must have been
        found on its own); `paraphrase(question, article)`: e5 cosine, which accepts the best article when the
        question shares too few of its words (a citizen's words for a statute's); `formal_shared`: the guides found
        are no answer, so the formal terms of the question's colloquial words count as its words; `must_say(text)`: only
        an article for which it holds answers (one listing the cases asked: "有下列情形之一的"); `named_law(law)`: the
    law is of a place the question names, and its article goes before a close one of another law ("广东法规怎么规定的").

        The laws are those of the best retrieved articles; every article of them is a candidate (retrieval
        returns only a few chunks per law, often not the one about what was asked), ranked by the retrieval
        score, the question's rare words in it and whether its wording addresses the aspect asked."""
    if not result.articles:
        return None
    # the formal terms of colloquial words help pick the article; whether one answers at all is judged on
    # the question's own words (a pension question about Canada shares "养老金" with 社会保险法 only so)
    # getting a certificate is its procedure, which statutes name by the formal term ("办结婚证要带什么" reads
    # 结婚登记: 第五条 on the papers to register, not 第七条, which says the certificate is issued)
    read = procedure_named(t)
    q, formal = content_bigrams(read), question_words(read)
    asked = [a for a in detect_aspects(t) if a is not Aspect.OVERVIEW]
    # aspects a statute states in telling words ("应当出具下列证件", "…日内"); "审查" / "部门" tell little
    specific = [a for a in asked if a in _STATUTE_ASPECTS]
    top_score = result.articles[0].score or 1.0
    retrieved = {(c.chunk.doc_id, c.chunk.field): c for c in result.articles}
    law_score: dict[str, float] = {}
    law_floor: dict[str, float] = {}  # an article retrieval did not return ranks as its law's weakest one
    for c in result.articles:
        if c.score >= top_score * 0.8:
            law_score.setdefault(c.chunk.doc_id, c.score)
        law_floor[c.chunk.doc_id] = min(law_floor.get(c.chunk.doc_id, c.score), c.score)
    laws = list(law_score)[:2]
    found_ids = {c.chunk.id for c in result.articles}
    here_law = _law_found_here(result, laws, get_policy, applies)
    if here_law is not None:
        # the best articles are all of another place's regulation (深圳's 任免条例 says 市人大常委会 where 广东's
        # 人事任免办法 says 常务委员会): the law in force here that retrieval found competes with its own articles
        laws.append(here_law.doc_id)
        articles = _article_hits(here_law)
        for c in articles:
            retrieved[(c.chunk.doc_id, c.chunk.field)] = c
            found_ids.add(c.chunk.id)
        law_score[here_law.doc_id] = max(c.score for c in articles)
        law_floor[here_law.doc_id] = min(c.score for c in articles)
    cands: list[tuple[ChunkHit, PolicyDocument, set[str]]] = []
    penalty = bool(_ASKS_PENALTY.search(t))
    punishing: set[str] = set()  # chunk ids of articles imposing the penalty for breaching a retrieved one
    for doc_id in laws:
        d = get_policy(doc_id)
        if d is None:
            continue
        for a in d.articles:
            hit = retrieved.get((d.id, a.number))
            breached = (
                _breached(a.text, d, retrieved) if penalty and hit is None and not retrieved_only else None
            )
            if breached is not None:
                # the penalty asked is in the article sanctioning the duty found, which cites it by number
                # ("违反本条例第二十条规定的…并处…罚款"): it ranks with that article and shares its words
                duty_hit, duty_text = breached
                chunk = article_chunk(d, a)
                punishing.add(chunk.id)
                cands.append((ChunkHit(chunk, duty_hit.score, {}), d, content_bigrams(a.text + duty_text)))
                continue
            if hit is None and (retrieved_only or not (specific or must_say is not None)):
                # the law's other articles compete only to answer an aspect statutes word plainly (or to list the
                # cases asked or told)
                continue
            if hit is None:
                hit = ChunkHit(article_chunk(d, a), law_floor[d.id], {})
            cands.append((hit, d, content_bigrams(a.text)))
    if must_say is not None:
        cands = [x for x in cands if must_say(x[0].chunk.text)]
    if not cands:
        return None
    # a later step asked ("结婚证补办…") is answered by an article on that step (补领), not one on another
    # (the papers for a divorce) when the law has one
    steps = steps_asked(t)
    if steps:
        cands = [x for x in cands if any(serves_step(s, x[0].chunk.text) for s in steps)] or cands
    later = asks_later_step(t)
    if not later:
        # no later step asked ("办营业执照要多久"): an article saying the thing only with a later step of it (…营业执照、
        # 税务…等各类注销业务申请) is about that step
        things = {w for w in formal if w not in GENERIC_BIGRAMS and not _STEP_CHARS_RE.search(w)}
        # (the formal terms of the question's own words, not those words: "结婚证" -> 婚姻登记)
        firsts = [f for f in expand_synonyms(t, synonym_table()) if f not in compact(t)]
        cands = [x for x in cands if not _only_later_step(x[0].chunk.text, things, firsts)] or cands
    if later:
        # a lost document or a later step is answered only by an article saying it of the thing named ("驾驶证丢了"
        # is not answered by 居住证暂行条例's "换领、补领居民身份证" nor "营业执照丢了怎么补" by a clause on 营业执照)
        things = {w for w in formal if w not in GENERIC_BIGRAMS and not _STEP_CHARS_RE.search(w)}
        cands = [x for x in cands if _states_step(t, x[0].chunk.text, things)]
    # a law for a group the question does not name (广东省华侨权益保护条例) gives way to the law for everyone
    cands = [x for x in cands if not for_unasked_group(x[1].title, t)] or cands
    if not _ASKS_BEFORE.search(compact(t)):
        # the old rules answer only a question about them ("失业金一个月能领多少" is not answered by 第四十七条 on
        # those insured under the former scheme)
        cands = [x for x in cands if not _TRANSITIONAL.search(x[0].chunk.text)] or cands
    if asks_sanction(t):
        # a fine asked is set by the article imposing it, not by the duty breached ("帮人冒名开药…会受到什么处罚" and
        # 第十五条 forbidding 冒名购药 beside 第四十条 fining it)
        cands = [x for x in cands if imposes_sanction(x[0].chunk.text)] or cands
    if not _ASKS_LIABILITY.search(compact(t)):
        # an article on penalties answers a question about them only ("结婚登记要钱吗" is not answered by the
        # sanctions for registrars who overcharge)
        cands = [x for x in cands if not _LIABILITY.search(x[0].chunk.text)]
    applied = certificate_applied_for(t)
    if applied:
        # the certificate asked to get is not answered by an article listing it among the papers for another
        # matter ("办结婚证要带什么": 第五条 on registering a marriage, not 第十一条 on the papers for a divorce)
        cands = [x for x in cands if not lists_as_paper(x[0].chunk.text, applied)] or cands
    terms = term_defined(t)
    if terms:
        # what a term covers asked is answered by the article defining it ("这个培训费具体包括哪些" and 劳动合同法实施
        # 条例 第十六条, not 劳动合同法 第二十二条 naming 培训费用 only)
        cands = [x for x in cands if defines(x[0].chunk.text, terms)] or cands
    aux = auxiliary_word(t)
    if aux:
        # a lookup asked ("养老金怎么查") is answered only by an article on looking up, not one on the pension
        # (or one saying the check asked: "取卵…要核验本人身份吗" and …实人实名核验)
        said = aux if len(aux) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", aux) else ""
        cands = [x for x in cands if _LOOKUP_RE.search(x[0].chunk.text) or (said and said in x[0].chunk.text)]
    idf = idf_match(formal, [words for _, _, words in cands])
    wants_list = bool(_ASKS_LIST.search(t))
    legality = bool(_ASKS_LEGALITY.search(t))
    acts = deadline_act(t) if asks_deadline(t) else set()
    scored = []
    for (c, d, words), rare in zip(cands, idf, strict=True):
        asp = aspect_overlap(asked, article_aspects(c.chunk.text, t)) if asked else 0.0
        # one shared word ("附近", "餐厅") is a coincidence, not an answer (`formal_shared`: an article on the
        # aspect asked may count the formal terms of the question's colloquial words, "离婚要带什么": 离婚登记)
        # (or any article, for a later step: only one saying that step of the thing is left by now)
        # (and the regulation of the place the person names: "在江门禁烟的地方抽烟" for 在禁止吸烟场所吸烟)
        theirs = named_law is not None and named_law(d)
        own = formal if (formal_shared and (asp >= 1.0 or later)) or theirs else q
        if len(own & (words | content_bigrams(d.title))) < LAW_MIN_SHARED:
            continue
        lex = lexical_match(q, words, content_bigrams(d.title))
        lex_formal = lexical_match(formal, words, content_bigrams(d.title))
        if c.chunk.id not in found_ids and asp <= 0 and must_say is None and c.chunk.id not in punishing:
            continue
        listed = W_ART_LIST if wants_list and _ENUMERATES.search(c.chunk.text) else 0.0
        forbids = W_ART_ASPECT if legality and _FORBIDS.search(c.chunk.text) else 0.0
        # by when one must act, for an article setting such a deadline ("我自己几耐内可以申请" and 第十七条)
        within = W_ART_ASPECT if acts and sets_deadline_to_act(c.chunk.text, acts) else 0.0
        # the penalty asked, for the article imposing one rather than the one stating the duty
        punishes = W_ART_ASPECT if penalty and _LIABILITY.search(c.chunk.text) else 0.0
        rank = (
            W_ART_CHUNK * c.score / top_score
            + W_ART_RARE * rare
            + W_ART_ASPECT * asp
            + listed
            + forbids
            + within
            + punishes
        )
        # an article on the aspect asked may count the formal terms of the question's colloquial words
        # ("报户口" for 出生登记); one on another aspect only the question's own words (unless `formal_shared`)
        gate = max(lex, lex_formal) if asp >= 1.0 or formal_shared or theirs else lex
        scored.append((rank, gate, asp, c, d))
    if not scored:
        return None

    def top_of(xs: list[tuple[float, float, float, ChunkHit, PolicyDocument]]):
        top = max(xs, key=lambda x: x[0])
        if named_law is None or named_law(top[4]):
            return top
        # the person asks for the rules of a place they name: its law's article, when nearly as close
        theirs = [x for x in xs if named_law(x[4]) and x[0] >= top[0] * NAMED_LAW_CLOSE]
        return max(theirs, key=lambda x: x[0]) if theirs else top

    best = top_of(scored)
    here = [s for s in scored if applies(s[4])] if applies is not None else []
    if in_force_only and not here:
        return None
    first = top_of(here) if here else best
    if in_force_only:
        best = first
    for _, lex, asp, top, doc in [first] if first is best else [first, best]:
        if on_aspect and asp <= 0:
            continue
        if asp <= 0 and {Aspect.FEES, Aspect.AMOUNT} & set(asked):
            # what something costs or pays is answered only by an article stating money ("驾驶证要多少钱" is not
            # answered by 居住证暂行条例's list of conveniences that names 申领机动车驾驶证)
            continue
        if specific and asp <= 0 and applies is not None and not applies(doc):
            # another place's regulation answers only the aspect asked ("办健康证去哪里" is not answered by 深圳
            # 学前教育条例's article on staff health checks)
            continue
        # the law's retrieval evidence with some shared words, or most of the question's words in the article
        law_raw = law_score[doc.id]
        if lex < min_lexical:
            continue
        elsewhere = applies is not None and named_law is None and not applies(doc)
        if not national_law(doc.region) and subject_unsaid(
            formal, doc.title, top.chunk.text, whole_law=elsewhere
        ):
            # a local regulation's article on its subject answers only a question saying it ("…申请保护航标的奖励，审批
            # 要几天" is not answered by 广州市幼儿园条例's article on reporting a kindergarten, however close e5 reads
            # it); a national law's subject is broader than the words a citizen uses (劳动合同法 for "经济补偿怎么算")
            continue
        if (law_raw >= LAW_RAW and lex >= LAW_ARTICLE_LEXICAL) or lex >= LAW_WORDS:
            return top, doc
        if paraphrase is not None:
            # "经济补偿怎么算" for 第四十七条 "经济补偿按劳动者在本单位工作的年限…"; whether it is lawful, for an
            # article forbidding it that uses the question's words
            close = paraphrase(t, article_opening(top.chunk.text))
            forbidden = legality and lex >= LAW_ARTICLE_LEXICAL and bool(_FORBIDS.search(top.chunk.text))
            if close >= LAW_PARAPHRASE or (forbidden and close >= LAW_LEGALITY_PARAPHRASE):
                return top, doc
            # the words rank a neighbour of the article the question paraphrases first ("劝阻…威胁要打我" ranks the
            # list of uncivil acts above 第十九条 on threats to those who dissuade): the law's next ones, by e5
            nearby = [
                (paraphrase(t, article_opening(c.chunk.text)), c)
                for c in _runners_up(scored, top, doc, min_lexical)
            ]
            best_close, closest = max(nearby, key=lambda x: x[0], default=(0.0, None))
            if closest is not None and best_close >= LAW_RUNNER_PARAPHRASE:
                return closest, doc
    return None


def _law_found_here(
    result: SearchResult,
    laws: list[str],
    get_policy: Callable[[str], PolicyDocument | None],
    applies: Callable[[PolicyDocument], bool] | None,
) -> Hit | None:
    """The best law in force here among the documents found (with its scored articles), when none of `laws`
    (those of the best articles) is in force here."""
    if applies is None:
        return None
    for doc_id in laws:
        d = get_policy(doc_id)
        if d is not None and applies(d):
            return None
    for h in result.hits:
        if h.kind is not DocKind.POLICY or h.doc_id in laws:
            continue
        d = get_policy(h.doc_id)
        if d is not None and d.articles and applies(d) and _article_hits(h):
            return h
    return None


def _article_hits(h: Hit) -> list[ChunkHit]:
    """A law hit's scored article chunks (not its title or preamble)."""
    return [c for c in h.chunks if c.chunk.field.startswith("第")]


_BREACH_RE = re.compile(r"违反本(?:条例|办法|规定|法)第([一二三四五六七八九十百零]+)条")


def _breached(
    text: str, law: PolicyDocument, retrieved: dict[tuple[str, str], ChunkHit]
) -> tuple[ChunkHit, str] | None:
    """The retrieved article (its hit and text) a liability article sanctions breaching, if any."""
    if not _LIABILITY.search(text):
        return None
    for m in _BREACH_RE.finditer(text):
        hit = retrieved.get((law.id, f"第{m.group(1)}条"))
        if hit is not None:
            return hit, hit.chunk.text
    return None


def _runners_up(
    scored: list[tuple[float, float, float, ChunkHit, PolicyDocument]],
    top: ChunkHit,
    doc: PolicyDocument,
    min_lexical: float,
) -> list[ChunkHit]:
    """The next articles of the top article's law by rank (RUNNERS_UP of them), each sharing words enough."""
    same = sorted((x for x in scored if x[4].id == doc.id and x[3] is not top), key=lambda x: -x[0])
    return [x[3] for x in same[:RUNNERS_UP] if x[1] >= max(min_lexical, LAW_RUNNER_LEXICAL)]
