"""The question-answer path: one retrieval call per question, the passage that answers it, and a decision
on that evidence: answer / ask a clarifying question with the 2-3 best candidates / refuse and route on.

Pure: the host (the DialogueManager) injects every outside call. Region rules: guides of the place the
person names come first, else those of the home region and its parents; another place's facts are always
labelled with their region.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.nlg.answer import (
    Aspect,
    detect_aspects,
)
from assistant.nlg.passage_answer import (
    asked_thing,
)
from assistant.nlu.text import compact
from assistant.policy.answer_common import AnswerHost, Events, emit
from assistant.policy.evidence import (
    CLARIFY_CONFIDENCE,
    CLOSE,
    FAQ_LEXICAL,
    FAQ_SWITCH,
    FAQ_TOP,
    LAW_ARTICLE_LEXICAL,
    NAME_COVER,
    TOP_K,
    Candidate,
    base_variant,
    distinct_pick,
    for_ordinary_residents,
    name_cover,
    passage_scores,
    same_answer,
    same_service_once,
)
from assistant.policy.faq_evidence import best_faq, faq_candidates, faq_offer
from assistant.policy.guide_replies import GuideReplies
from assistant.policy.law_replies import LawReplies
from assistant.policy.linking import (
    asks_auxiliary,
    is_auxiliary,
    link_service,
)
from assistant.policy.service_pick import holder, standout
from assistant.state import DialogueState, Reply
from knowledge.schema import ServiceGuide
from retrieval.aspects import cue_spans
from retrieval.paraphrase import ParaphraseScorer, load_paraphrase_scorer
from retrieval.passages import Passage, guide_passages, score_passages
from retrieval.regions import (
    HOME_REGION_DEFAULT,
    about_abroad,
    foreign_countries,
    named_places,
    region_rank,
    short_name,
)
from retrieval.types import DocKind, Hit, SearchResult

log = logging.getLogger(__name__)

_FOLLOWUP_RE = re.compile(r"[呢吗]\s*[?？]?\s*$|^那")
# Words removed to see whether a question names a service of its own or follows up on the current one.
_FILLER_RE = re.compile(
    r"那么|那|这个|这|它|该|要|需要|请问|想问|问一下|一下|我|的|了|吗|呢|啊|呀|吧|可以|能|是|有|没有|办|办理|去|带|"
    r"怎么|如何|什么|哪些|多少|几|呢|还|也|都|就|得|在|和|与|及|或|[?？!！,，。.、\s]"
)
_ASPECT_WORDS_RE = re.compile(
    r"材料|资料|证件|准备|提交|多久|多长时间|几天|时限|时间|地点|在哪|哪里|地址|电话|联系方式|热线|条件|资格|符合|"
    r"费用|收费|多少钱|要钱|免费|流程|步骤|程序|手续|跑几次|几次|网上|网办|线上|依据|部门|窗口|预约|快递|邮寄|号码"
)


class Answerer(GuideReplies, LawReplies):
    def __init__(self, host: AnswerHost) -> None:
        self.host = host
        self.home_region: tuple[str, ...] = HOME_REGION_DEFAULT
        self.search_errors = 0  # failed retrieval calls since start (logged each time)
        self._known_units: frozenset[str] | None = None
        self._passage_cache: dict[str, tuple[Any, list[Passage]]] = {}
        self.paraphrase: ParaphraseScorer | None = load_paraphrase_scorer()

    def _passages(self, g: ServiceGuide) -> list[Passage]:
        """guide_passages, cached per guide version (a turn looks at the same few guides several times)."""
        key = (g.id, g.version, g.updated_at)
        hit = self._passage_cache.get(g.id)
        if hit is None or hit[0] != key:
            if len(self._passage_cache) > 512:
                self._passage_cache.clear()
            hit = (key, guide_passages(g))
            self._passage_cache[g.id] = hit
        return hit[1]

    # --- retrieval ------------------------------------------------------------------------------------

    def search(self, query: str, kinds: Sequence[DocKind] | None, **extra: Any) -> SearchResult | None:
        """One retrieval call; a failure is logged and counted, and the caller says so in its reply."""
        retriever = self.host.retriever
        try:
            if extra and not self._accepts(retriever, extra):
                extra = {}
            top_k = extra.pop("top_k", self.host.top_k)
            return retriever.search(query, top_k=top_k, kinds=list(kinds) if kinds else None, **extra)
        except Exception:
            self.search_errors += 1
            log.exception("retrieval failed (%d failures so far)", self.search_errors)
            return None

    @staticmethod
    def _accepts(retriever: Any, extra: Mapping[str, Any]) -> bool:
        try:
            params = inspect.signature(retriever.search).parameters
        except (TypeError, ValueError):
            return False
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return True
        return all(k in params for k in extra if k != "top_k")

    def known_units(self) -> frozenset[str]:
        """Region units of the indexed guides ("湖南省", "长沙市" ...) for recognising named places."""
        if self._known_units is None:
            units: set[str] = set(self.home_region)
            regions = getattr(self.host.retriever, "regions", None)
            try:
                for r in regions() if callable(regions) else []:
                    from retrieval.regions import parse_region_path

                    units.update(parse_region_path(r))
            except Exception:
                log.exception("could not read the regions of the index")
            self._known_units = frozenset(units)
        return self._known_units

    # --- entry points -------------------------------------------------------------------------------

    def _aspects(self, st: DialogueState, t: str) -> list[Aspect]:
        aspects = detect_aspects(t)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        return aspects

    def service_question(self, st: DialogueState, t: str, events: Events) -> Reply:
        aspects = self._aspects(st, t)
        residue = self.residue(t)
        thing = asked_thing(t)
        if thing and len(self.residue(t.replace(thing, ""))) < 2:
            residue = ""  # "要不要带户口本" names a document, not another service: a follow-up
        if st.current_service_id and len(residue) < 2:
            guide = self.host.get_guide(st.current_service_id)
            if guide is not None:
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
        if len(residue) < 2:  # "要什么材料？" with no service in context: ask which one
            return self._ask_which_service(aspects)
        return self.answer(st, t, events, aspects)

    def unsignalled(self, st: DialogueState, t: str, events: Events) -> Reply:
        if st.current_service_id and _FOLLOWUP_RE.search(t) and len(self.residue(t)) < 2:
            return self.service_question(st, t, events)
        return self.answer(st, t, events, self._aspects(st, t), signalled=False)

    def policy(self, st: DialogueState, t: str, events: Events) -> Reply:
        if (st.current_service_id and len(self.residue(t)) < 2) or (
            not self.residue(t) and detect_aspects(t)
        ):
            return self.service_question(st, t, events)
        return self.answer(st, t, events, self._aspects(st, t), prefer_policy=True)

    # --- the decision -------------------------------------------------------------------------------

    def answer(
        self,
        st: DialogueState,
        t: str,
        events: Events,
        aspects: list[Aspect],
        *,
        signalled: bool = True,
        prefer_policy: bool = False,
    ) -> Reply:
        result = self.search(t, None, top_k=TOP_K, chunks_per_hit=64, faq_top=FAQ_TOP, article_top=4)
        if result is None:
            emit(events, "search_failed")
            flow_guide = self._flow_guide(t, events)
            if flow_guide is not None:
                return self.guide_reply(st, flow_guide, aspects, t, events)
            return self.unknown(st, events, None, failed=True)
        emit(events, "retrieval", confidence=round(result.confidence, 3))
        guide_hits = [h for h in result.hits if h.kind is DocKind.GUIDE]
        named = named_places(t, self.known_units())
        uncovered = [p for p in named if not self._kb_covers(p)]
        # variants for a group of applicants the question does not name give way to the next guides
        cands = self._candidates(t, aspects, guide_hits[:4], result, named)
        if len(for_ordinary_residents(t, cands)) < len(cands):
            cands = for_ordinary_residents(
                t, self._candidates(t, aspects, guide_hits[:TOP_K], result, named)
            )[:4]
        faq = self._best_faq(t, aspects, result, named)
        top_is_policy = bool(result.hits) and result.hits[0].kind is DocKind.POLICY
        # the official answer of the place the person names says more than the national statute
        local_faq = faq is not None and bool(named) and faq.rank == 0
        if (prefer_policy or top_is_policy) and result.confident and not local_faq:
            law = self._law_reply(st, t, result, events, fallback=not prefer_policy and bool(cands))
            if law is not None:
                return law
        subject = self._subject(t, named)
        chosen = self._choose(st, t, result, cands, faq, events, subject)
        if isinstance(chosen, Reply):
            return chosen
        if chosen is not None:
            law = self._law_over_guide(
                st, t, result, chosen, aspects, events, subject=self._subject(t, named)
            )
            if law is not None:
                return law
            return self._answer_from(st, chosen, aspects, t, events, named, uncovered, result)
        law = self._article_reply(st, t, result, events)
        if law is not None:
            return law
        if uncovered and len(uncovered) == len(named):
            return self._uncovered_reply(st, uncovered, events, result)
        flow_guide = self._flow_guide(t, events)
        if flow_guide is not None:
            return self.guide_reply(st, flow_guide, aspects, t, events)
        if signalled and st.current_service_id and len(self.residue(t)) <= 4:
            guide = self.host.get_guide(st.current_service_id)
            if guide is not None:
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
        named_cands = [c for c in cands if c.rank == 0]
        if len(named_cands) == 1 and result.confidence >= CLARIFY_CONFIDENCE:
            # the one candidate of the place the person named: no need to ask
            return self._answer_from(st, named_cands[0], aspects, t, events, named, uncovered, result)
        # the same service of several places is no real choice: the one of the place asked / the home region
        distinct = same_service_once(cands)
        if (
            len(distinct) < len(cands)
            and distinct
            and distinct[0].rank <= 1
            and (len(distinct) == 1 or distinct[1].doc_score < distinct[0].doc_score * CLOSE)
            and result.confidence >= CLARIFY_CONFIDENCE
            and name_cover(t, distinct[0].guide, formal=True) >= NAME_COVER
        ):
            emit(events, "region_preferred", service_id=distinct[0].guide.id, over=cands[0].guide.id)
            return self._answer_from(st, distinct[0], aspects, t, events, named, uncovered, result)
        lead = standout(t, cands, result.confidence)
        if lead is None and result.confidence >= CLARIFY_CONFIDENCE:
            lead = holder(self.residue(t), cands, aux_ok=asks_auxiliary(t), home_only=True)
        if lead is not None:
            emit(events, "standout", service_id=lead.guide.id)
            return self._answer_from(st, lead, aspects, t, events, named, uncovered, result)
        if len(cands) >= 2 and result.confidence >= CLARIFY_CONFIDENCE and signalled:
            return self._clarify(st, cands[:3], t, events, result)
        if uncovered:
            return self._uncovered_reply(st, uncovered, events, result)
        offered = faq_offer(
            faq_candidates(
                t, aspects, result, self.host.get_guide, self._passages, lambda g: self._rank(g, named)
            )
        )
        foreign = foreign_countries(t) if offered else []
        if foreign and not any(about_abroad(o.guide.name) for o in offered):
            return self._foreign_reply(st, foreign, events)
        if offered:
            return self._offer_faqs(st, offered, t, events, result)
        return self.unknown(st, events, result)

    def _kb_covers(self, place: str) -> bool:
        from retrieval.regions import matches_place

        return matches_place(tuple(self.known_units()), place)

    def _best_faq(
        self, t: str, aspects: list[Aspect], result: SearchResult, named: list[str]
    ) -> Candidate | None:
        scorer = self.paraphrase
        return best_faq(
            t,
            aspects,
            result,
            self.host.get_guide,
            self._passages,
            lambda g: self._rank(g, named),
            scorer.similarity if scorer is not None else None,
        )

    def _rank(self, g: ServiceGuide, named: list[str]) -> int:
        return region_rank(g.region_path, self.home_region, named)

    @staticmethod
    def _asked(t: str) -> list[Aspect]:
        return detect_aspects(t)

    def _candidates(
        self, t: str, aspects: list[Aspect], hits: list[Hit], result: SearchResult, named: list[str]
    ) -> list[Candidate]:
        scores = passage_scores(result)
        out = []
        for h in hits:
            g = self.host.get_guide(h.doc_id)
            if g is None:
                continue
            fields = [p for p in self._passages(g) if p.field != "faq"]  # FAQs: _best_faq vets them
            ranked = score_passages(t, aspects, fields, scores, common=[g.name])
            rank = region_rank(g.region_path, self.home_region, named)
            out.append(Candidate(g, h, ranked[0] if ranked else None, rank))
        return out

    def _choose(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        cands: list[Candidate],
        faq: Candidate | None,
        events: Events,
        subject: str = "",
    ) -> Candidate | Reply | None:
        """The guide to answer from, a clarifying question, or None (no guide answers). `subject`: what the
        question names (without its aspect and place words)."""
        faq_ok = faq is not None and faq.best is not None
        if not cands:
            return faq if faq_ok else None
        guide_only = SearchResult(
            query=result.query,
            hits=[c.hit for c in cands if c.hit is not None],
            confident=result.confident,
            confidence=result.confidence,
        )
        link = link_service(guide_only, self.host.get_guide, query=t, prefer_id=st.current_service_id)
        by_id = {c.guide.id: c for c in cands}
        if link.ambiguous:
            choices = {k: v for k, v in link.choices.items() if v in by_id} or link.choices
            same = same_answer(choices, by_id, [a for a in self._asked(t) if a is not Aspect.OVERVIEW])
            if same is not None:
                emit(events, "base_variant", service_id=same.guide.id)
                return same
            base = base_variant(t, choices) or distinct_pick(t, choices)
            if base is not None and base in by_id:
                emit(events, "base_variant", service_id=base)
                return by_id[base]
            # one of them holds all the question names ("办居住证要带身份证吗" -> 居住证: not 居民身份证明的开具)
            picked = holder(subject, [by_id[v] for v in choices.values() if v in by_id])
            if picked is not None:
                emit(events, "base_variant", service_id=picked.guide.id)
                return picked
            # only supporting services (预约 / 进度查询) are close and the question asks neither: an official
            # answer that fits says more than a choice between them
            if faq_ok and faq is not None and not asks_auxiliary(t) and all(is_auxiliary(n) for n in choices):
                emit(events, "passage_evidence", service_id=faq.guide.id)
                return faq
            # the question asks one candidate's own FAQ: no need to ask which
            if (
                faq is not None
                and faq.guide.id in choices.values()
                and faq.best
                and faq.best.lexical >= FAQ_SWITCH
            ):
                return faq
            # one of the close variants is of the place asked about / the home region: no need to ask
            ranks = {by_id[v].rank for v in choices.values() if v in by_id}
            best_rank = min(ranks) if ranks else 3
            preferred = [v for v in choices.values() if v in by_id and by_id[v].rank == best_rank]
            if len(ranks) > 1 and len(preferred) == 1:
                return by_id[preferred[0]]
            return self.disambiguate(st, choices, t, "answer", events)
        chosen = by_id.get(link.service_id or "")
        if chosen is not None and len(subject) >= 2 and name_cover(subject, chosen.guide, formal=True) < 1.0:
            # the guide linked does not hold what the question names and exactly one candidate does
            named_one = holder(subject, cands)
            if named_one is not None:
                emit(events, "base_variant", service_id=named_one.guide.id)
                chosen = named_one
        if chosen is None:
            # no confident guide: an official FAQ the question clearly asks still answers it
            if faq_ok and faq is not None:
                emit(events, "passage_evidence", service_id=faq.guide.id)
                return faq
            return None
        if faq_ok and faq is not None and faq.best is not None:
            if faq.guide.id == chosen.guide.id:
                return faq  # the linked guide's own official FAQ answers it
            # the linked guide says nothing on it: few of the question's words and no passage on the aspect
            # asked ("低保的申请条件" names 最低生活保障 by its short name; its conditions still answer)
            weak = chosen.best is None or (chosen.best.lexical < 0.25 and chosen.best.aspect < 1.0)
            # a question asking nothing specific would get only the linked guide's overview: an official
            # answer (labelled with its region) says more
            generic = not [a for a in self._asked(t) if a is not Aspect.OVERVIEW]
            # the official answer of the place the person names goes before another place's guide
            local = faq.rank == 0 < chosen.rank
            if (
                local
                or (faq.best.lexical >= FAQ_SWITCH and (faq.rank <= chosen.rank or weak))
                or (generic and faq.best.aspect == 0.5 and faq.best.lexical >= FAQ_LEXICAL)
            ):
                emit(events, "passage_evidence", service_id=faq.guide.id, over=chosen.guide.id)
                return faq
        # region: a close candidate of the named place / home region wins over another place's guide
        close = [c for c in cands if c.doc_score >= chosen.doc_score * CLOSE]
        better = min(close, key=lambda c: (c.rank, -c.doc_score))
        if better.rank < chosen.rank:
            emit(events, "region_preferred", service_id=better.guide.id, over=chosen.guide.id)
            chosen = better
        return chosen

    def _answer_from(
        self,
        st: DialogueState,
        c: Candidate,
        aspects: list[Aspect],
        t: str,
        events: Events,
        named: list[str],
        uncovered: list[str],
        result: SearchResult | None = None,
    ) -> Reply:
        if uncovered and len(uncovered) == len(named):
            # only places the KB does not cover: say so plainly rather than state other places' facts
            return self._uncovered_reply(st, uncovered, events, None)
        foreign = foreign_countries(t)
        if (
            foreign
            and c.rank >= 2
            and not about_abroad(c.guide.name + (c.best.passage.text if c.best else ""))
        ):
            # another Chinese place's guide says nothing about a foreign country's matters (unless it is about
            # matters abroad: "在英国读的硕士…学历认证")
            return self._foreign_reply(st, foreign, events)
        generic = not [a for a in aspects if a is not Aspect.OVERVIEW]
        if (
            generic
            and not (c.best and c.best.passage.field == "faq")
            and name_cover(t, c.guide, formal=True) < NAME_COVER
        ):
            emit(events, "no_fit", service_id=c.guide.id)
            law = self._article_reply(st, t, result, events) if result is not None else None
            return law if law is not None else self.unknown(st, events, None)
        if result is not None and is_auxiliary(c.guide.name) and not asks_auxiliary(t):
            # only a supporting service (预约 / 查询) matched: an article that answers comes first
            law = self._article_reply(st, t, result, events, min_lexical=LAW_ARTICLE_LEXICAL)
            if law is not None:
                return law
        note = self._region_note(c.guide, named, uncovered)
        return self.guide_reply(
            st, c.guide, aspects, t, events, check_fit=True, scored=c.best, region_note=note
        )

    # --- replies ------------------------------------------------------------------------------------

    def _subject(self, t: str, named: list[str]) -> str:
        """What a question names: without its aspect cue, filler and place words ("广州办护照去哪个地方" -> 护照)."""
        rest = self.residue(cue_spans(t))
        for place in named:
            rest = rest.replace(place, "").replace(short_name(place), "")
        return rest

    @staticmethod
    def residue(t: str) -> str:
        """What is left of a message without aspect and filler words (a service name, if any)."""
        rest = _ASPECT_WORDS_RE.sub("", compact(t))
        return _FILLER_RE.sub("", rest)
