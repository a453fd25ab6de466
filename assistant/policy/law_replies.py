"""Answers from law articles (法规名 + 条号): when an article answers instead of, or in the absence of, a guide.

A mixin of the Answerer (assistant/policy/answering.py); the evidence itself is weighed in
assistant/policy/evidence.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from assistant.nlg.answer import (
    Aspect,
    Composed,
    compose_policy_answer,
)
from assistant.nlu.deadline import period_asked, sets_period
from assistant.policy.answer_common import AnswerHost, Events, emit
from assistant.policy.article_filters import asks_advice, national_asked
from assistant.policy.article_reading import READ_OVER, read_article
from assistant.policy.evidence import (
    CLOSE,
    FAQ_LEXICAL,
    LAW_ARTICLE_LEXICAL,
    LAW_ASPECT_COVER,
    LAW_ASPECT_MARGIN,
    LAW_OVER_GUIDE,
    LAW_OVER_GUIDE_COVER,
    Candidate,
    article_opening,
    asks_guide_only,
    best_article,
    name_cover,
)
from assistant.policy.linking import is_auxiliary
from assistant.policy.name_words import names_a_term, without_places
from assistant.policy.named_lead import NAMED_WHOLE, name_said
from assistant.state import DialogueState, Intent, Reply
from knowledge.schema import PolicyDocument
from retrieval.aspects import article_aspects, detect_aspects
from retrieval.paraphrase import ParaphraseScorer
from retrieval.regions import (
    label,
    law_applies,
    law_of_place,
    matches_place,
    named_places,
    national_law,
    place_names_in,
)
from retrieval.types import Chunk, ChunkHit, DocKind, Hit, SearchResult

_MONEY_ASPECTS = frozenset({Aspect.FEES, Aspect.AMOUNT})


class LawReplies:
    """Law-article replies; needs the Answerer's host and phrasing."""

    host: AnswerHost
    paraphrase: ParaphraseScorer | None
    home_region: tuple[str, ...]
    # the articles e5 reads, their openings and their laws (kept until the index changes)
    _openings: tuple[tuple[Chunk, ...], tuple[str, ...], list[str]] | None = None

    def _applies(self, t: str) -> Callable[[PolicyDocument], bool]:
        """Whether a law holds where the person is (national, the home region's, or of a place they name)."""
        return lambda d: law_applies(d.region, self.home_region, t)

    def _law_head(self, policy_id: str | None, t: str, head: str) -> str:
        """The line before the quote: another place's local regulation is said to be one, never as applying."""
        d = self.host.get_policy(policy_id) if policy_id else None
        if d is None or self._applies(t)(d):
            return f"{head}相关法规的规定如下："
        return f"{head}以下为{d.region}的地方性法规（不是{label(self.home_region)}的规定），仅供参考："

    def _law_over_guide(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        chosen: Candidate,
        aspects: list[Aspect],
        events: Events,
        subject: str = "",
        named: Sequence[str] = (),
    ) -> Reply | None:
        """`subject`: the question without its aspect, filler and place words (what it names); `named`: the
        places it names.
        An article answers instead of the guide found when the guide does not name what was asked and the
        article uses the question's words, or when the guide's passage for the aspect asked shares none of
        its words and an article about that aspect does ("单位要在多少天内申请工伤认定")."""
        if chosen.best is not None and chosen.best.passage.field == "faq":
            if chosen.rank >= 2 and any(matches_place(self.home_region, p) for p in named):
                # the person says they ask here ("花都农村批宅基地…"): a statute in force here that answers comes
                # before another place's official answer (or one e5 reads as the question, standing out among all
                # the laws' articles: "…广东对我们这样的少数民族学生有资助吗" and 广东省散居少数民族权益保障条例, not
                # 芙蓉区's pair on 助学贷款)
                law = self._article_reply(
                    st, t, result, events, min_lexical=LAW_ARTICLE_LEXICAL, retrieved_only=True
                )
                return law or self._read_article_reply(st, t, events, result, in_force_only=True)
            if chosen.rank >= 2 and chosen.best.lexical < FAQ_LEXICAL:
                # another place's pair sharing few of the question's words, taken on e5's reading alone: a statute
                # in force here that uses most of them answers first ("我是农村的，准备到老婆家结婚落户，她是独生女…
                # 同等的村民待遇" and 广东省人口与计划生育条例第三十八条, not 暮云街道's "非农村村民能购买宅基地吗？")
                return self._article_reply(
                    st,
                    t,
                    result,
                    events,
                    min_lexical=LAW_ARTICLE_LEXICAL,
                    retrieved_only=True,
                    in_force_only=True,
                )
            return None
        # "广州办护照去哪个地方" names 护照: the place and the aspect's words say nothing about which service
        # (only ever in the guide's favour: aspect cue words can be words of its name, "资格认证")
        cover = max(
            name_cover(t, chosen.guide, formal=True), name_cover(subject or t, chosen.guide, formal=True)
        )
        if names_a_term(subject or t, chosen.guide.name):
            # a long name holding a term of the question ("伤残津贴") names the matter however little of it is said
            cover = max(cover, LAW_ASPECT_COVER)
        wanted = [a for a in aspects if a is not Aspect.OVERVIEW]
        # a statute that is to go before a guide of here must be in force here (not another city's regulation)
        here = chosen.rank <= 1
        if cover < LAW_OVER_GUIDE_COVER:
            # the guide found does not name what was asked; an article that uses its words answers
            law = self._article_reply(
                st, t, result, events, min_lexical=LAW_OVER_GUIDE, retrieved_only=True, in_force_only=here
            )
            if law is not None or not wanted:
                return law
        if wanted and not self._states_aspect(chosen.guide, wanted):
            # the guide is silent on what was asked ("该指南未载明受理条件"): a statute that states it answers (for a
            # booking or lookup found in the service's stead, the formal terms of the question's words count: "结婚要
            # 带什么" and 结婚登记预约 / 办理结婚登记…应当出具下列证件)
            law = self._article_reply(
                st,
                t,
                result,
                events,
                min_lexical=LAW_ARTICLE_LEXICAL,
                on_aspect=True,
                in_force_only=here,
                formal_shared=is_auxiliary(chosen.guide.name),
            )
            if law is not None:
                return law
        if wanted and cover < LAW_ASPECT_COVER and name_said(t, chosen.guide.name) < NAMED_WHOLE:
            # (not when the question says nearly all of the guide's name: "劳动能力再次鉴定一般多长时间出结论" asks
            # 劳动能力再次鉴定申请's time limit, though 工伤保险条例 sets the office's period too)
            own = chosen.best.lexical if chosen.best is not None else 0.0
            return self._article_reply(
                st,
                t,
                result,
                events,
                min_lexical=own + LAW_ASPECT_MARGIN,
                on_aspect=True,
                retrieved_only=True,
                in_force_only=here,
            )
        return None

    def _law_reply(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        events: Events,
        *,
        fallback: bool,
    ) -> Reply | None:
        """Quote the law articles that answer the question (法规名 + 条号); None when none does (nor for advice on
        what pays off, which no article gives: `article_filters.asks_advice`)."""
        hits = [h for h in result.hits if h.kind is DocKind.POLICY]
        if not hits or asks_advice(t):
            return None
        applies = self._applies(t)
        here = [h for h in hits if (d := self.host.get_policy(h.doc_id)) is not None and applies(d)]
        if here and here[0] is not hits[0] and here[0].score >= hits[0].score * CLOSE:
            # a close law that holds here goes before another place's local regulation
            hits = [*here, *(h for h in hits if h not in here)]
        composed = compose_policy_answer(hits, self.host.get_policy, question=t)
        if composed is None:
            return None
        reply = self._policy_reply(st, composed, t, events)
        quoted = self.host.get_policy(composed.policy_id) if composed.policy_id else None
        if fallback:
            emit(events, "policy_over_guides", policy_id=composed.policy_id)
            head = self._law_head(composed.policy_id, t, "没有找到与您的问题直接对应的办事指南，")
            reply.text = f"{head}\n{reply.text}"
        elif quoted is not None and not applies(quoted):
            reply.text = f"{self._law_head(quoted.id, t, '')}\n{reply.text}"
        return reply

    def _article_reply(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        events: Events,
        *,
        min_lexical: float = 0.0,
        on_aspect: bool = False,
        retrieved_only: bool = False,
        paraphrase: bool = False,
        in_force_only: bool = False,
        formal_shared: bool = False,
        must_say: Callable[[str], bool] | None = None,
        holds: Callable[[PolicyDocument], bool] | None = None,
    ) -> Reply | None:
        """No guide answers: the one law article of the KB that does (法规名 + 条号), if it stands out.
        `paraphrase`: the last try before refusing; an article the question paraphrases answers too.
        `in_force_only`: only a law in force where the person is (it is to go before a guide of here).
        `formal_shared`: see best_article (the guides found do not name the matter); `must_say(text)`: only an
        article for which it holds answers; `holds(law)`: only such a law's article (one in force in a place the KB has
        no guides of)."""
        scorer = self.paraphrase if paraphrase else None
        period = period_asked(t)
        if period and must_say is None:
            # a period's length asked is answered only by an article stating it ("哺乳期有几个月" is not answered by
            # one listing 哺乳期 among the cases a contract may not be ended in)
            must_say = partial(sets_period, period=period)
        applies = holds or self._applies(t)
        in_force_only = in_force_only or holds is not None
        # the places named say where, not what: every article of a place's regulations shares its name ("深圳有什么
        # 好玩的地方" is not answered by 深圳经济特区社会信用条例)
        places = [*named_places(t, self.known_units()), *place_names_in(t)]
        asked = without_places(t, places)
        # (or the state's rules, when asked: "国家对失业保险金的标准有什么规定")
        theirs = (
            (lambda d: any(law_of_place(d.region, p) for p in places))
            if places
            else (lambda d: national_law(d.region))
            if national_asked(t)
            else None
        )
        picked = best_article(
            asked,
            result,
            self.host.get_policy,
            min_lexical=min_lexical,
            on_aspect=on_aspect,
            retrieved_only=retrieved_only,
            paraphrase=scorer.similarity if scorer is not None else None,
            applies=applies,
            in_force_only=in_force_only,
            formal_shared=formal_shared,
            must_say=must_say,
            named_law=theirs,
        )
        if picked is None:
            return None
        if retrieved_only:
            # a retrieved article showed that the law answers; the article quoted may be another one of that law
            # on the aspect asked ("办理结婚登记…应当出具下列证件" rather than the one on checking them)
            whole = best_article(
                asked,
                result,
                self.host.get_policy,
                min_lexical=min_lexical,
                on_aspect=on_aspect,
                applies=applies,
                in_force_only=in_force_only,
                formal_shared=formal_shared,
                must_say=must_say,
                named_law=theirs,
            )
            if whole is not None and whole[1].id == picked[1].id:
                picked = whole
        top, doc = picked
        read = self._read_over(t, top.chunk)
        if read is not None:
            top, doc = read
        return self._quote_article(st, t, events, top, doc)

    def _quote_article(
        self, st: DialogueState, t: str, events: Events, top: ChunkHit, doc: PolicyDocument
    ) -> Reply | None:
        """The reply quoting one article (法规名 + 条号) when no guide answers; None for advice on what pays off
        ("提前还房贷划算还是拿去理财划算": no article gives it, however close e5 reads one)."""
        if asks_advice(t):
            return None
        hit = Hit(doc_id=doc.id, kind=DocKind.POLICY, title=doc.title, score=top.score, chunks=[top])
        composed = compose_policy_answer([hit], self.host.get_policy, question=t, max_articles=1)
        if composed is None:
            return None
        emit(events, "law_fallback", policy_id=doc.id, article=top.chunk.field)
        reply = self._policy_reply(st, composed, t, events)
        reply.text = f"{self._law_head(doc.id, t, '没有找到直接对应的办事指南，')}\n{reply.text}"
        return reply

    def _read_articles(self, t: str) -> tuple[tuple[Chunk, ...], np.ndarray, list[str]] | None:
        """Every law article of the KB, e5's cosine of the question with each one's opening (-1 for those not
        warmed up yet) and each one's law; None without e5."""
        scorer, retriever = self.paraphrase, self.host.retriever
        if scorer is None or not hasattr(retriever, "article_chunks"):
            return None
        chunks = retriever.article_chunks()
        if self._openings is None or self._openings[0] is not chunks:
            openings = tuple(article_opening(c.text) for c in chunks)
            self._openings = (chunks, openings, [c.doc_id for c in chunks])
        _, openings, laws = self._openings
        return chunks, scorer.similarities(t, openings), laws

    def _read_over(self, t: str, chosen: Chunk) -> tuple[ChunkHit, PolicyDocument] | None:
        """The article e5 reads as the question (when it stands out) instead of the one the words chose, when e5
        reads the chosen one READ_OVER less close; else None."""
        read = self._read_articles(t)
        if read is None:
            return None
        chunks, sims, laws = read
        picked = read_article(sims, laws)
        if picked is None or chunks[picked].id == chosen.id:
            return None
        own = next((float(sims[i]) for i, c in enumerate(chunks) if c.id == chosen.id), None)
        if own is None or own < 0 or sims[picked] - own < READ_OVER:
            return None
        money = _MONEY_ASPECTS & set(detect_aspects(t))
        if money and not money & set(article_aspects(chunks[picked].text, t)):
            # what something costs or pays is answered only by an article stating money ("补领要唔要俾钱": the one on
            # 工本费, not the one on where to get the certificate again, however close e5 reads it)
            return None
        doc = self.host.get_policy(chunks[picked].doc_id)
        return None if doc is None else (ChunkHit(chunks[picked], 1.0, {}), doc)

    def _read_or_refuse(
        self,
        st: DialogueState,
        t: str,
        events: Events,
        result: SearchResult | None,
        aspects: Sequence[Aspect],
        lacking: str | None,
        near: Sequence[Candidate] = (),
    ) -> Reply:
        """The honest refusal, unless the article e5 reads as the question stands out among all the laws' articles
        ("肚子里的宝宝是男是女，在广东合法吗" and 禁止…胎儿性别鉴定; never for what only a guide states, a phone
        number or an address), or unless near-miss guides (`near`) can be offered as a choice, with where to ask
        if none is meant."""
        read = None if asks_guide_only(aspects) else self._read_article_reply(st, t, events, result)
        if read is not None:
            return read
        if near and result is not None:
            return self._clarify(st, list(near), t, events, result, routed=True)  # type: ignore[attr-defined]
        return self.unknown(st, events, result, lacking=lacking)  # type: ignore[attr-defined]

    def _read_article_reply(
        self,
        st: DialogueState,
        t: str,
        events: Events,
        result: SearchResult | None = None,
        *,
        in_force_only: bool = False,
    ) -> Reply | None:
        """The article e5 reads as the question over every law article of the KB, when one stands out
        (assistant/policy/article_reading.py; one of `result`'s articles needs less); the last try before a
        refusal. `in_force_only`: only an article of a law in force where the person is."""
        read = self._read_articles(t)
        if read is None:
            return None
        chunks, sims, laws = read
        ids = {c.chunk.id for c in result.articles} if result is not None else set()
        found = {i for i, c in enumerate(chunks) if c.id in ids}
        picked = read_article(sims, laws, found)
        if picked is None:
            return None
        doc = self.host.get_policy(chunks[picked].doc_id)
        if doc is None or (in_force_only and not self._applies(t)(doc)):
            return None
        return self._quote_article(st, t, events, ChunkHit(chunks[picked], 1.0, {}), doc)

    def _policy_reply(self, st: DialogueState, composed: Composed, question: str, events: Events) -> Reply:
        st.current_policy_id = composed.policy_id
        text = self._phrase(composed, question, events)
        emit(events, "answer", policy_id=composed.policy_id)
        return Reply(text=text, citations=composed.citations, intent=Intent.POLICY_QUESTION)
