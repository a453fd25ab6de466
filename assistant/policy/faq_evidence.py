"""Evidence from official FAQ pairs: which pair of the whole KB answers a question, and which near
misses to offer when none clearly does (pure functions; the Answerer passes the record getters in)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.nlg.answer import Aspect
from assistant.nlu.residue import residue
from assistant.nlu.text import compact
from assistant.policy.article_filters import certificate_applied_for
from assistant.policy.evidence import (
    FAQ_ACCEPT,
    FAQ_ACCEPT_LEXICAL,
    FAQ_GAP,
    FAQ_GAP_LEXICAL,
    FAQ_GUIDE_LEAD,
    FAQ_LEXICAL,
    FAQ_NAMES_SERVICE,
    FAQ_OFFER_LEXICAL,
    FAQ_OFFER_PARAPHRASE,
    FAQ_OFFER_PARAPHRASE_LEXICAL,
    FAQ_OFFER_QUESTION,
    FAQ_OFFER_SPREAD,
    FAQ_OFFICIAL,
    FAQ_OFFICIAL_WORDS,
    FAQ_ONE_GUIDE_MARGIN,
    FAQ_ONE_GUIDE_QUESTION,
    FAQ_ONE_GUIDE_RERANK,
    FAQ_PARAPHRASE,
    FAQ_RAW,
    FAQ_RELATED,
    FAQ_TELLING_ALONE,
    FAQ_TELLING_MIN_GUIDES,
    FAQ_TELLING_SHARE,
    LOOKUP_WORDS,
    Candidate,
    question_words,
)
from assistant.policy.faq_order import (
    FaqCandidate,
    asks_only_what,
    asks_only_whether,
    asks_what,
    e5_tie_break,
    faq_candidates,
    named_guide_first,
    official_read,
    pair_key,
    shared_heading,
    within_guides,
)
from assistant.policy.linking import asks_auxiliary
from assistant.policy.name_words import (
    GENERIC_BIGRAMS,
    asks_later_step,
    certificate_unnamed,
    serves_later_step,
    synonym_table,
    tells_lapse,
    tells_problem_thing,
    without_places,
)
from knowledge.schema import FAQ, ServiceGuide
from retrieval.aspects import cue_spans, detect_aspects
from retrieval.passages import Passage, content_bigrams
from retrieval.regions import mentioned_units
from retrieval.types import SearchResult
from retrieval.word_spread import WordSpread

# an official answer that is only a verdict ("不需要。"), and the wordings that ask whether (Mandarin, Cantonese)
_BARE_VERDICT = re.compile(r"(?:不?(?:可以|能|需要|要|用|是|对|行|必须)|是的|否|无需|有|没有)[。.!！]?")
_ASKS_WHETHER = re.compile(
    r"吗|么|[能可要需用是有会算行得使系]不[能可要需用是有会算行得使系]|是否|能否|可否|有没|"
    r"[可要使得会系有]唔|系咪|有冇|冇|未[?？]?$|不[?？]?$|[?？]\s*$"
)


def bare_verdict(answer: str) -> bool:
    """The official answer says only yes or no."""
    return bool(_BARE_VERDICT.fullmatch(compact(answer)))


def asks_whether(question: str) -> bool:
    """The question asks whether (or is at least asked as a question): only such a one a bare verdict answers."""
    return bool(_ASKS_WHETHER.search(compact(question)))


def best_faq(
    t: str,
    aspects: list[Aspect],
    result: SearchResult,
    get_guide: Callable[[str], ServiceGuide | None],
    passages_of: Callable[[ServiceGuide], list[Passage]],
    rank_of: Callable[[ServiceGuide], int],
    paraphrase: Callable[[str, str], float] | None = None,
    spread: WordSpread | None = None,
) -> Candidate | None:
    """The official FAQ of the whole KB that answers the question (passage retrieval), or None.
    `paraphrase(question, official question)`: e5 cosine (retrieval.paraphrase), when available; `spread`: how
    widely words are used over the guides with pairs (a pair must share a telling one with the question)."""
    found = faq_candidates(t, aspects, result, get_guide, passages_of, rank_of, paraphrase)
    if not found:
        return None
    # each guide's pairs in their closer reading (`within`); when the pair leading that way does not answer,
    # the order of the re-ranked score decides as before
    closer = within_guides(found)
    best = _select(t, aspects, result, closer, paraphrase, spread)
    if best is None and closer != found:
        best = _select(t, aspects, result, found, paraphrase, spread)
    return replace(best, related=related_pairs(best, closer)) if best is not None else None


def _select(
    t: str,
    aspects: list[Aspect],
    result: SearchResult,
    found: list[FaqCandidate],
    paraphrase: Callable[[str, str], float] | None,
    spread: WordSpread | None,
) -> Candidate | None:
    best = _accepted(t, aspects, result, found, paraphrase)
    if best is None and shared_heading(found[0].candidate.guide, pair_key(found[0])):
        # a heading leads on its answer's words alone: when its pair does not answer, the pairs asked as
        # questions still may ("登记失业以后…会不会被注销": 办理失业登记注销需要什么条件？)
        rest = [f for f in found if not shared_heading(f.candidate.guide, pair_key(f))]
        best = _accepted(t, aspects, result, rest, paraphrase) if rest else None
    if best is not None and not search_leads(result, best.guide.id) and not tells_matter(t, best, spread):
        return None  # "开演唱会可以在这个体育比赛的联办里面一起申请吗" is not "…只申请高企认定可以吗？" for "申请"
    if best is not None and not answers_lookup(t, best):
        return None  # "我想查一下我的社保交了多少年" is no question on who may apply for a 社保卡
    lead = found[0].candidate
    if best is None and lead.best is not None and lead.best.lexical < FAQ_ACCEPT_LEXICAL:
        # the place asked about / the home region goes first, but a pair of theirs sharing next to no word with
        # the question does not hide another place's pair that answers ("个体户也要做年报吗": not the home
        # "个体工商户一定要起名字吗？")
        rest = [f for f in found if f.candidate.rank > lead.rank]
        best = _accepted(t, aspects, result, rest, paraphrase) if rest else None
    return best


# a plain how-to ("出生证怎么办", "点样办", "个体户怎么注册") asking nothing else, and a pair asking how (or what to do)
_HOWTO_RE = re.compile(r"(?:怎么|如何|怎样|点样)(?:办|办理|申请|申领|弄|搞|整|注册|登记)[?？]?$")
_HOWTO_PAIR_RE = re.compile(r"怎么|如何|怎样|怎么样|流程|步骤|程序|方式|途径|办理")


def whether_for_what(answer: str, question: str) -> bool:
    """An official answer saying only whether, for a question asking what / which / how and not whether ("护照被偷了
    …要去办什么证件" is not answered "不需要" by "…需要提供《留学回国人员证明》吗？")."""
    return bare_verdict(answer) and asks_only_what(question)


def plain_howto(question: str) -> bool:
    """The question asks only how to get the matter done ("个体户营业执照怎么办")."""
    return bool(_HOWTO_RE.search(compact(question)))


# words hedging a question ("一般要多久") or asking it ("哺乳期有几个月" and "…一共几个环节？") name no matter,
# however few pairs use them
# asking whether something is lawful names no matter ("老板…保管本护照…合唔合法" and 企业上市合法合规…'s pairs)
_LEGALITY_ASKED = re.compile(r"合(?:唔|不)合[法规]|是否合[法规]|合[法规](?:吗|嘛|咩|不|未|冇)")
# the 一件事 of a scenario's name ("…信息核查一件事": 查一 is no word of it)
_SCENARIO_SUFFIX = re.compile(r"[“”\"]?(?:高效办成)?一件事[“”\"]?$")
_HEDGES = frozenset({"一般", "通常", "大概", "大约", "平时", "几个", "多少", "什么", "哪些", "哪个", "怎么"})
# a pair about looking something up says so (its result too)
_LOOKUP_RE = re.compile(rf"{LOOKUP_WORDS}|结果")


def answers_lookup(t: str, c: Candidate) -> bool:
    """A question asking to look something up ("查一下…") is answered only by a pair about looking up; any
    pair answers other questions."""
    if not asks_auxiliary(t) or c.best is None or c.best.passage.field != "faq":
        return True
    pair = c.guide.faqs[int(c.best.passage.key)]
    return bool(_LOOKUP_RE.search(f"{pair.question}{pair.answer}"))


def asks_official(question: str, pair: FAQ) -> bool:
    """The question is the pair's official question (nearly) word for word: what the two name besides their aspect
    words overlaps by FAQ_OFFICIAL (Dice of content bigrams), and the question names enough for that to tell."""
    asked, official = content_bigrams(cue_spans(question)), content_bigrams(cue_spans(pair.question))
    if len(asked) < FAQ_OFFICIAL_WORDS:
        return False  # "需要什么材料？" names nothing: many official questions read the same
    return 2 * len(asked & official) / (len(asked) + len(official)) >= FAQ_OFFICIAL


def search_leads(result: SearchResult, guide_id: str) -> bool:
    """The search found this guide first, clearly ahead of the next (by FAQ_GUIDE_LEAD of its score): the
    question is about its matter even when it shares only common words with the pair."""
    hits = result.hits
    if not hits or hits[0].doc_id != guide_id:
        return False
    second = hits[1].score if len(hits) > 1 else 0.0
    return (hits[0].score - second) / max(hits[0].score, 1e-6) >= FAQ_GUIDE_LEAD


def tells_matter(question: str, c: Candidate, spread: WordSpread | None, *, asked_only: bool = False) -> bool:
    """The pair (its guide's name and region, its official question and answer) shares with the question, its
    formal terms counted, a word few guides with pairs use. Not judged on a KB with few such guides.
    `asked_only`: the word is in the guide's name, region or official question, not only in the answer."""
    if spread is None or spread.guides < FAQ_TELLING_MIN_GUIDES or c.best is None:
        return True
    pair = c.guide.faqs[int(c.best.passage.key)]
    name, answer = c.guide.name, pair.answer
    if asked_only:
        name, answer, question = _SCENARIO_SUFFIX.sub("", name), "", _LEGALITY_ASKED.sub(" ", question)
    said = content_bigrams(f"{name} {pair.question} {answer} {''.join(c.guide.region_path)}")
    shared = (question_words(cue_spans(question)) & said) - _HEDGES
    telling = [s for s in map(spread.share, shared) if s <= FAQ_TELLING_SHARE]
    return len(telling) > 1 or (len(telling) == 1 and telling[0] <= FAQ_TELLING_ALONE)


def related_pairs(best: Candidate, found: list[FaqCandidate], limit: int = FAQ_RELATED) -> tuple[int, ...]:
    """The answering pair's guide's next-closest pairs (best first): offered as one-tap follow-ups, since the
    pair a citizen meant is often the runner-up among one guide's similar official questions."""
    assert best.best is not None
    out: list[int] = []
    for f in found:
        n = pair_key(f)
        if f.candidate.guide.id == best.guide.id and n != int(best.best.passage.key) and n not in out:
            out.append(n)
    return tuple(out[:limit])


def _accepted(
    t: str,
    aspects: list[Aspect],
    result: SearchResult,
    found: list[FaqCandidate],
    paraphrase: Callable[[str, str], float] | None,
) -> Candidate | None:
    """The leading pair of `found` (best first) when it answers the question, else None."""
    if paraphrase is not None:
        found = e5_tie_break(t, found, paraphrase)
    found = named_guide_first(t, found)
    top_raw = result.passages[0].score
    second = result.passages[1].score if len(result.passages) > 1 else 0.0
    rerank, best = found[0].rerank, found[0].candidate
    assert best.best is not None
    sp = best.best
    if not [a for a in aspects if a is not Aspect.OVERVIEW] and not _asks_beyond_name(t, best.guide):
        return None  # a question naming only the service ("怎么办个体户") asks nothing of its pairs: the overview
    pair = best.guide.faqs[int(sp.passage.key)]
    official = pair.question
    if plain_howto(t) and (
        asks_only_whether(official)
        or (
            not _HOWTO_PAIR_RE.search(official)
            and not _says_more_than_name(t, best.guide, int(sp.passage.key))
        )
    ):
        # "个体户营业执照怎么办" asks how to get it, not "个体工商户一定要起名字吗？", nor "出生医学证明怎么办"
        # "出生医学证明可以邮寄吗？" (a pair on a problem asked of it says more of it: "合规报告…登唔入去点算")
        return None
    if whether_for_what(pair.answer, t):
        return None
    if _names_another_certificate(t, f"{best.guide.name}{official}{pair.answer}"):
        # the certificate asked to get, which the pair never names: it is on another matter ("…第一次办身份证，使唔使
        # 带户口簿" and 新生儿出生一件事's "户口簿去哪里打印？")
        return None
    if (
        not [a for a in aspects if a is not Aspect.OVERVIEW]
        and asks_only_whether(t)
        and sp.lexical < FAQ_LEXICAL
        and not asks_only_whether(official)
        and asks_another_aspect([Aspect.CONDITIONS], official)
    ):
        # "孩子户口可以跟妈妈吗" asks whether (what the conditions say), not where to print a household page
        # ("户口簿去哪里打印？…") on 户口 alone
        return None
    asked_other = bool([a for a in aspects if a is not Aspect.OVERVIEW]) and sp.aspect == 0
    stands_out = sp.chunk >= FAQ_RAW and (top_raw - second) / max(top_raw, 1e-6) >= FAQ_GAP
    few_words = (stands_out and sp.lexical >= FAQ_GAP_LEXICAL) or (
        rerank >= FAQ_ACCEPT and sp.lexical >= FAQ_ACCEPT_LEXICAL
    )
    strong = (
        (sp.chunk >= FAQ_RAW and sp.lexical >= FAQ_LEXICAL)
        # on few shared words, they must name the matter, not only what is asked about it ("…多长时间…")
        # ... and what the question asks besides the guide's name ("新生儿医保怎么办" is not "多胞胎怎么办理？"), and the
        # pair is about it, not only using its words ("退休年龄是多少" is not "办理失业登记注销需要什么条件？", whose
        # answer lists 已达到法定退休年龄)
        or (
            few_words
            and _same_thing(t, best.guide, int(sp.passage.key))
            and _says_more_than_name(t, best.guide, int(sp.passage.key))
            and _asks_of_pair(t, best.guide, int(sp.passage.key))
        )
    ) and not (
        # a pair on another aspect than the one asked is about something else, unless it shares enough words and
        # is about what the question names ("营业执照可以网上办吗" is not "怎么样才能办理档案的接收？", whose answer
        # mentions 营业执照 and 网上办理)
        asked_other
        and (
            sp.lexical < FAQ_LEXICAL
            or not _asks_of_pair(t, best.guide, int(sp.passage.key))
            # an official yes/no on another aspect answers no what / which / how much ("身份证什么情况下要换新的"
            # is not answered by "居民身份证换领是否可以在线上申请？": 可以)
            or (asks_only_whether(official) and asks_what(t))
        )
    )
    if (
        not strong
        and sp.aspect >= 1.0
        and not asked_other
        and [a for a in aspects if a is not Aspect.OVERVIEW]
    ):
        # exactly one FAQ of the pair's guide in the window answers the aspect asked, and the question is
        # about that guide: it names the service and nothing else ("<service> + <aspect>": "报装要不要给钱"), or
        # the search found the guide clearly first, however few words the question shares with the pair
        # ("旧车卖掉再买辆电车，政府最多能补我多少钱": 汽车以旧换新补贴's "补贴标准有哪些变化")
        on_aspect = [
            f.candidate
            for f in found
            if f.candidate.guide.id == best.guide.id and f.candidate.best and f.candidate.best.aspect >= 1.0
        ]
        strong = len(on_aspect) == 1 and (
            _names_only(t, best.guide) >= FAQ_NAMES_SERVICE or search_leads(result, best.guide.id)
        )
    # a question asking a specific aspect needs a pair that answers it
    on_aspect = sp.aspect >= 1.0 or not [a for a in aspects if a is not Aspect.OVERVIEW]
    if not strong and on_aspect and len({f.candidate.guide.id for f in found}) == 1:
        # every pair near the best is of one guide (the KB has one place for the matter), the best pair's
        # official question reads like the question and it stands clear of the guide's other pairs
        second_rr = found[1].rerank if len(found) > 1 else 0.0
        strong = (
            rerank >= FAQ_ONE_GUIDE_RERANK
            and found[0].dense_q >= FAQ_ONE_GUIDE_QUESTION
            and rerank - second_rr >= FAQ_ONE_GUIDE_MARGIN
            # the one guide near is about the matter: its name or the pair's question names something the
            # question names ("去领结婚证…带什么证件" is not 新生儿出生一件事's "户口簿去哪里打印？需要带什么资料？")
            and _same_thing(t, best.guide, int(sp.passage.key), with_answer=False)
            # ... and says something of what the question asks besides the guide's name ("个体户要交税吗" is not
            # 个体工商户设立登记's one pair "个体工商户一定要起名字吗？")
            and _says_more_than_name(t, best.guide, int(sp.passage.key))
        )
    # a paraphrase needs to answer one of the aspects asked, not all ("能顺带把哪些手续一起办掉" also reads as
    # a process question)
    some_aspect = sp.aspect > 0 or not [a for a in aspects if a is not Aspect.OVERVIEW]
    if not strong and some_aspect and paraphrase is not None:
        # the best pair's official question says what was asked in other words (e5 cosine; out-of-scope questions
        # of the dev sets stay below it)
        # ... about the same matter: its guide is among the guides found, or the pair names something the question
        # names (e5 reads "我想考C1驾照，报名要带咩材料" close to "申请从事道路货物运输经营许可的材料有什么": both ask
        # for an application's papers, but 开办运输企业一件事 was not found and nothing of it names a C1 licence)
        strong = paraphrase(t, best.guide.faqs[int(sp.passage.key)].question) >= FAQ_PARAPHRASE and (
            best.hit is not None or _same_thing(t, best.guide, int(sp.passage.key))
        )
    if strong and bare_verdict(best.guide.faqs[int(sp.passage.key)].answer) and not asks_whether(t):
        return None  # "不需要" answers whether, nothing else ("帮我把这段话翻译成英文" is no such question)
    if strong and not tells_problem_thing(t, f"{best.guide.name} {pair.question} {pair.answer}"):
        return None  # "社保卡密码忘了怎么办" is not "哪些人才能办理社会保障卡申领？"
    if strong and not tells_lapse(t, f"{pair.question} {pair.answer}"):
        return None  # nor is "社保断交了有什么影响"
    if strong and Aspect.VALIDITY in aspects and not _same_thing(t, best.guide, int(sp.passage.key)):
        return None  # "身份证有效期…" is not answered by another certificate's validity
    return best if strong else None


# an official how-to ("怎么样才能办理档案的接收？") answers how, on what conditions and whether online
_HOWTO_OFFICIAL_RE = re.compile(r"(?:怎么样|怎样|如何|怎么)才能")
_HOWTO_COVERS = {Aspect.PROCESS, Aspect.CONDITIONS, Aspect.ONLINE}


def asks_another_aspect(aspects: list[Aspect], official: str) -> bool:
    """The official question asks aspects of its own, none of those asked ("失业登记在哪里办" and "办理失业登记
    需要什么条件？")."""
    own = {a for a in detect_aspects(official) if a is not Aspect.OVERVIEW}
    if _HOWTO_OFFICIAL_RE.search(official):
        own |= _HOWTO_COVERS
    return bool(own) and not own & set(aspects)


def _names_another_certificate(question: str, said: str) -> bool:
    """The question asks to get a certificate that `said` never names, by the two characters saying which (居留 of
    居留证件) or a formal term of them (健康检查 for 体检证明)."""
    cert = certificate_applied_for(question)
    if not cert:
        return False
    which = cert[-3:-1]
    terms = [term for key, ts in synonym_table().items() if key in cert for term in ts]
    return which not in said and not any(term in said for term in terms)


def _same_thing(question: str, guide: ServiceGuide, n: int, *, with_answer: bool = True) -> bool:
    """The pair (or its guide's name) names something the question names besides its aspect words."""
    pair = guide.faqs[n]
    said = f"{guide.name} {pair.question} {pair.answer if with_answer else ''}"
    return bool(content_bigrams(cue_spans(question)) & content_bigrams(said))


def _asks_of_pair(question: str, guide: ServiceGuide, n: int) -> bool:
    """The pair's official question or its guide's name shares a word with the question (its formal terms
    counted, aspect words left out): what the pair is about, not only words its answer happens to use."""
    said = content_bigrams(f"{guide.name} {guide.faqs[n].question}")
    return bool(question_words(cue_spans(question)) & said)


def _says_more_than_name(question: str, guide: ServiceGuide, n: int) -> bool:
    """The pair shares with the question (its formal terms counted) a word besides the guide's name, when the
    question names more than that."""
    pair = guide.faqs[n]
    asked = question_words(cue_spans(question)) - content_bigrams(guide.name)
    return not asked or bool(asked & content_bigrams(f"{pair.question} {pair.answer}"))


def faq_offer(
    found: list[FaqCandidate],
    limit: int = 3,
    question: str = "",
    paraphrase: Callable[[str, str], float] | None = None,
    spread: WordSpread | None = None,
) -> list[Candidate]:
    """Near misses worth offering as "您是想问…" instead of a bare refusal: the best pairs when the best one's
    official question reads like the question and shares some of its words (by the embedding of the pair's
    question alone, or by e5 when `paraphrase(question, official question)` is given). `spread`: each offered pair
    shares a telling word with the question (not only 申请 / 咨询, which most pairs use)."""
    offered = _near_misses(found, limit, question, paraphrase)
    return [c for c in offered if spread is None or tells_matter(question, c, spread)]


def _near_misses(
    found: list[FaqCandidate],
    limit: int,
    question: str,
    paraphrase: Callable[[str, str], float] | None,
) -> list[Candidate]:
    if not found or found[0].candidate.best is None:
        return []
    # a pair not saying the certificate the question asks by name is no near miss ("驾驶证要多少钱" and
    # "申请普通道路货物运输车辆《道路运输证》的材料有什么")
    subject = residue(cue_spans(question))
    found = [
        f
        for f in found
        if certificate_unnamed(
            subject, f"{f.candidate.guide.name} {f.candidate.guide.faqs[pair_key(f)].question}", question
        )
        is None
    ]
    if question and asks_later_step(question):
        # a lost document or a later step asked: only pairs on that step are near misses ("营业执照丢了怎么补办" is
        # not offered "怎么样才能办理档案的接收？", whose answer names 营业执照)
        found = [
            f
            for f in found
            if serves_later_step(
                question, f"{f.candidate.guide.name} {f.candidate.guide.faqs[pair_key(f)].question}"
            )
        ]
    if not found:
        return []
    top = found[0]
    if top.dense_q >= FAQ_OFFER_QUESTION and top.candidate.best.lexical >= FAQ_OFFER_LEXICAL:
        # (naming something the question names, too: "老人去世了要办什么手续" is not offered "农用地转用手续的办理
        # 条件？" for sharing 手续)
        return [
            f.candidate
            for f in found
            if f.dense_q >= FAQ_OFFER_QUESTION - 0.1 and _same_thing(question, f.candidate.guide, pair_key(f))
        ][:limit]
    if paraphrase is None or top.candidate.best.lexical < FAQ_OFFER_PARAPHRASE_LEXICAL:
        return []
    read = [(f, official_read(question, f, paraphrase)) for f in found[:limit]]
    if read[0][1] < FAQ_OFFER_PARAPHRASE:
        return []
    # each offered pair names something the question names besides its aspect words: "包裹被海关扣了，要在哪个
    # app上处理" is not offered "开办运输企业一件事可以在手机APP上申请吗？" for sharing "app"
    return [
        f.candidate
        for f, r in read
        if r >= read[0][1] - FAQ_OFFER_SPREAD and _same_thing(question, f.candidate.guide, pair_key(f))
    ]


def _asks_beyond_name(question: str, guide: ServiceGuide) -> bool:
    """The question has content words besides the guide's name, its colloquial names ("个体户" for 个体工商户…)
    and the places it names."""
    q = compact(question)
    for key, terms in synonym_table().items():
        if terms and terms[0] in guide.name and key in q:
            q = q.replace(key, " ")
    q = without_places(q, [*mentioned_units(q), *guide.region_path])
    return bool(content_bigrams(q) - content_bigrams(guide.name))


def _names_only(question: str, guide: ServiceGuide) -> float:
    """Share of the question's content characters, aspect cue words left out, found in the guide's name; 0 when
    the name holds none of its words (its formal terms counted): "开餐厅要办…" shares only 开 and 办 with
    开办运输企业一件事."""
    spans = cue_spans(question)
    if not question_words(spans) & content_bigrams(guide.name):
        return 0.0
    chars = {ch for b in content_bigrams(spans) for ch in b}
    return len([ch for ch in chars if ch in guide.name]) / len(chars) if chars else 0.0


# words of asking and of the aspect asked, not of the matter ("打哪个电话可以咨询" and 长沙's "…报装咨询电话")
_ASKING_WORDS = frozenset(
    {
        "咨询",
        "查询",
        "了解",
        "请教",
        "电话",
        "号码",
        "热线",
        "网址",
        "网站",
        "地址",
        "时限",
        "条件",
        "流程",
        "费用",
        "收费",
    }
)


def found_for_asking_words(question: str, c: Candidate) -> bool:
    """The official pair of `c` shares words with the question, all of them words of asking or of the aspect asked
    ("咨询电话"), none of the matter. (A pair sharing no word at all was found for its meaning, which e5 read.)"""
    if c.best is None:
        return False
    pair = c.guide.faqs[int(c.best.passage.key)]
    shared = (content_bigrams(question) & content_bigrams(f"{pair.question}{pair.answer}")) - GENERIC_BIGRAMS
    return bool(shared) and shared <= _ASKING_WORDS
