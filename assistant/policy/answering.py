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
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from assistant import events as ev
from assistant.nlg.answer import (
    ASPECT_LABEL,
    Aspect,
    Composed,
    compose_guide_answer,
    compose_policy_answer,
    detect_aspects,
    unknown_answer,
)
from assistant.nlg.llm import LLMPhraser
from assistant.nlg.passage_answer import (
    asked_thing,
    compose_passage_answer,
    follow_up_choices,
    missing_answer,
)
from assistant.nlu.text import compact
from assistant.policy.evidence import (
    CLARIFY_CONFIDENCE,
    CLOSE,
    FAQ_LEXICAL,
    FAQ_LEXICAL_ALONE,
    FAQ_SWITCH,
    FAQ_TOP,
    LAW_ARTICLE_LEXICAL,
    LAW_ASPECT_COVER,
    LAW_ASPECT_MARGIN,
    LAW_OVER_GUIDE,
    LAW_OVER_GUIDE_COVER,
    NAME_COVER,
    TOP_K,
    Candidate,
    asks_same,
    base_variant,
    best_article,
    best_faq,
    distinct_pick,
    name_cover,
    passage_scores,
    same_answer,
)
from assistant.policy.linking import (
    asks_auxiliary,
    disambiguation_text,
    flow_by_words,
    flow_for_service,
    is_auxiliary,
    link_service,
)
from assistant.state import DialogueState, Intent, Reply
from guides.schema import Flow
from knowledge.schema import PolicyDocument, ServiceGuide
from retrieval.passages import Passage, ScoredPassage, guide_passages, score_passages
from retrieval.regions import HOME_REGION_DEFAULT, in_home_chain, label, named_places, region_rank
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
SEARCH_FAILED_TEXT = (
    "抱歉，检索服务暂时出现故障，这个问题我现在无法查询。请稍后再试，或拨打12345政务服务便民热线、"
    "到政务服务中心窗口咨询。"
)
# Decision thresholds (chosen on the tune half of the answer dev set; docs/BENCHMARKS.md)
Events = list[ev.Event]
_EVENTS: dict[str, Any] = {
    "followup": ev.Followup,
    "policy_over_guides": ev.PolicyOverGuides,
    "disambiguation": ev.Disambiguation,
    "answer": ev.Answered,
    "partial_match": ev.PartialMatch,
    "llm_rejected": ev.LLMRejected,
    "llm_phrased": ev.LLMPhrased,
    "flow_words": ev.FlowWords,
    "unanswered": ev.Unanswered,
    "retrieval": ev.Retrieved,
    "search_failed": ev.SearchFailed,
    "passage_evidence": ev.PassageEvidence,
    "region_preferred": ev.RegionPreferred,
    "base_variant": ev.BaseVariant,
    "no_fit": ev.NoFit,
    "law_fallback": ev.LawFallback,
    "clarify": ev.Clarified,
}


def emit(events: Events, kind: str, **data: Any) -> None:
    """Append one typed dialogue event (assistant.events) by its `type` name."""
    events.append(_EVENTS[kind](**data))


class AnswerHost(Protocol):
    """What the answer path needs from the manager (read at call time: tests may swap the phraser)."""

    retriever: Any
    get_guide: Callable[[str], ServiceGuide | None]
    get_policy: Callable[[str], PolicyDocument | None]
    flows: Mapping[str, Flow]
    phraser: LLMPhraser | None
    top_k: int


class Answerer:
    def __init__(self, host: AnswerHost) -> None:
        self.host = host
        self.home_region: tuple[str, ...] = HOME_REGION_DEFAULT
        self.search_errors = 0  # failed retrieval calls since start (logged each time)
        self._known_units: frozenset[str] | None = None
        self._passage_cache: dict[str, tuple[Any, list[Passage]]] = {}

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
        cands = self._candidates(t, aspects, guide_hits, result, named)
        faq = self._best_faq(t, aspects, result, named)
        top_is_policy = bool(result.hits) and result.hits[0].kind is DocKind.POLICY
        if (prefer_policy or top_is_policy) and result.confident:
            law = self._law_reply(st, t, result, events, fallback=not prefer_policy and bool(cands))
            if law is not None:
                return law
        chosen = self._choose(st, t, result, cands, faq, events)
        if isinstance(chosen, Reply):
            return chosen
        if chosen is not None:
            law = self._law_over_guide(st, t, result, chosen, aspects, events)
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
        if len(cands) >= 2 and result.confidence >= CLARIFY_CONFIDENCE and signalled:
            return self._clarify(st, cands[:3], t, events, result)
        if uncovered:
            return self._uncovered_reply(st, uncovered, events, result)
        return self.unknown(st, events, result)

    def _law_over_guide(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        chosen: Candidate,
        aspects: list[Aspect],
        events: Events,
    ) -> Reply | None:
        """An article answers instead of the guide found when the guide does not name what was asked and the
        article uses the question's words, or when the guide's passage for the aspect asked shares none of
        its words and an article about that aspect does ("单位要在多少天内申请工伤认定")."""
        if chosen.best is not None and chosen.best.passage.field == "faq":
            return None
        cover = name_cover(t, chosen.guide)
        if cover < LAW_OVER_GUIDE_COVER:
            # the guide found does not name what was asked; an article that uses its words answers
            return self._article_reply(st, t, result, events, min_lexical=LAW_OVER_GUIDE)
        wanted = [a for a in aspects if a is not Aspect.OVERVIEW]
        if wanted and cover < LAW_ASPECT_COVER:
            own = chosen.best.lexical if chosen.best is not None else 0.0
            return self._article_reply(
                st, t, result, events, min_lexical=own + LAW_ASPECT_MARGIN, on_aspect=True
            )
        return None

    def _kb_covers(self, place: str) -> bool:
        from retrieval.regions import matches_place

        return matches_place(tuple(self.known_units()), place)

    def _best_faq(
        self, t: str, aspects: list[Aspect], result: SearchResult, named: list[str]
    ) -> Candidate | None:
        return best_faq(
            t, aspects, result, self.host.get_guide, self._passages, lambda g: self._rank(g, named)
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
        for h in hits[:4]:
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
    ) -> Candidate | Reply | None:
        """The guide to answer from, a clarifying question, or None (no guide answers)."""
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
            if (faq.best.lexical >= FAQ_SWITCH and (faq.rank <= chosen.rank or weak)) or (
                generic and faq.best.aspect == 0.5 and faq.best.lexical >= FAQ_LEXICAL
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
        generic = not [a for a in aspects if a is not Aspect.OVERVIEW]
        if generic and not (c.best and c.best.passage.field == "faq") and name_cover(t, c.guide) < NAME_COVER:
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

    def _region_note(self, g: ServiceGuide, named: list[str], uncovered: list[str]) -> str:
        home = label(self.home_region)
        if uncovered:
            where = "、".join(uncovered)
            head = f"本知识库收录的是{home}及其上级（广州市、广东省）的办事指南，没有{where}的指南。"
            if in_home_chain(g.region_path, self.home_region):
                return head + f"以下是{label(g.region_path)}的规定，仅供参考，请向{where}当地咨询："
            return head + f"以下是{label(g.region_path) or '其他地区'}的规定，仅供参考："
        if g.region_path and not in_home_chain(g.region_path, self.home_region):
            if any(p in g.region_path or p in label(g.region_path) for p in named):
                return f"以下为{label(g.region_path)}的办事指南内容："
            return (
                f"以下为{label(g.region_path)}的办事指南内容（不是{home}的规定），仅供参考，"
                "办理前请向当地咨询："
            )
        return ""

    def _uncovered_reply(
        self, st: DialogueState, places: list[str], events: Events, result: SearchResult | None
    ) -> Reply:
        where = "、".join(places)
        home = label(self.home_region)
        emit(events, "unanswered", confidence=None if result is None else round(result.confidence, 3))
        text = (
            f"本知识库收录的是{home}及其上级（广州市、广东省）的办事指南，没有{where}的办事指南，"
            f"无法告诉您{where}的具体规定。建议拨打当地12345政务服务便民热线，或到{where}的政务服务中心咨询。"
        )
        return Reply(text=text, intent=Intent.OUT_OF_SCOPE, confident=False)

    def _law_reply(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        events: Events,
        *,
        fallback: bool,
    ) -> Reply | None:
        """Quote the law articles that answer the question (法规名 + 条号); None when none does."""
        hits = [h for h in result.hits if h.kind is DocKind.POLICY]
        if not hits:
            return None
        composed = compose_policy_answer(hits, self.host.get_policy, question=t)
        if composed is None:
            return None
        reply = self._policy_reply(st, composed, t, events)
        if fallback:
            emit(events, "policy_over_guides", policy_id=composed.policy_id)
            reply.text = f"没有找到与您的问题直接对应的办事指南，相关法规的规定如下：\n{reply.text}"
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
    ) -> Reply | None:
        """No guide answers: the one law article of the KB that does (法规名 + 条号), if it stands out."""
        picked = best_article(t, result, self.host.get_policy, min_lexical=min_lexical, on_aspect=on_aspect)
        if picked is None:
            return None
        top, doc = picked
        hit = Hit(doc_id=doc.id, kind=DocKind.POLICY, title=doc.title, score=top.score, chunks=[top])
        composed = compose_policy_answer([hit], self.host.get_policy, question=t, max_articles=1)
        if composed is None:
            return None
        emit(events, "law_fallback", policy_id=doc.id, article=top.chunk.field)
        reply = self._policy_reply(st, composed, t, events)
        reply.text = f"没有找到直接对应的办事指南，相关法规的规定如下：\n{reply.text}"
        return reply

    def _clarify(
        self, st: DialogueState, cands: list[Candidate], t: str, events: Events, result: SearchResult
    ) -> Reply:
        choices: dict[str, str] = {}
        for c in cands:
            name = c.guide.name
            if c.rank >= 2 and c.guide.region_path:
                name = f"{name}（{label(c.guide.region_path)}）"
            choices.setdefault(name, c.guide.id)
        reply = self.disambiguate(st, choices, t, "answer", events)
        shown = list(choices)
        emit(events, "clarify", candidates=shown, confidence=round(result.confidence, 3))
        reply.text = "没有把握确定您问的是哪个事项。" + reply.text
        reply.confident = False  # a near miss: content staff see it in the unanswered queue
        return reply

    # --- replies ------------------------------------------------------------------------------------

    def no_flow_reply(self, st: DialogueState, guide: ServiceGuide, t: str, events: Events) -> Reply:
        reply = self.guide_reply(st, guide, [Aspect.ONLINE, Aspect.LOCATION, Aspect.MATERIALS], t, events)
        reply.text = f"「{guide.name}」暂不支持在这里边聊边办，您可以按以下方式办理：\n{reply.text}"
        reply.intent = Intent.APPLY
        return reply

    def disambiguate(
        self, st: DialogueState, choices: dict[str, str], t: str, purpose: str, events: Events
    ) -> Reply:
        st.pending_choices = dict(choices)
        st.pending_purpose = purpose
        st.pending_query = t
        emit(events, "disambiguation", choices=list(choices.values()))
        intent = Intent.APPLY if purpose == "apply" else Intent.SERVICE_QUESTION
        return Reply(text=disambiguation_text(list(choices)), choices=list(choices), intent=intent)

    def _compose(
        self,
        guide: ServiceGuide,
        aspects: Sequence[Aspect],
        question: str,
        scored: ScoredPassage | None,
        region_note: str,
    ) -> Composed:
        """Answer-first from the passage that answers; the overview for a generic question.

        An official FAQ answers when the question uses its words (and asks its aspect, if any); otherwise
        the guide field of the one aspect asked; several aspects are answered field by field."""
        wanted = [a for a in aspects if a is not Aspect.OVERVIEW]
        ranked = score_passages(question, wanted, self._passages(guide), None, common=[guide.name])
        if scored is not None and scored.passage.doc_id == guide.id:
            ranked = [scored, *(r for r in ranked if r.passage.id != scored.passage.id)]
        if scored is not None and scored.passage.field == "faq" and scored.passage.doc_id == guide.id:
            faqs = [scored]  # chosen on retrieval evidence (_best_faq)
        else:
            faqs = [
                r
                for r in ranked
                if r.passage.field == "faq"
                and (
                    (
                        r.lexical >= FAQ_LEXICAL_ALONE
                        and (not wanted or r.aspect > 0 or r.lexical >= FAQ_SWITCH)
                    )
                    # an FAQ asking the same aspect in the same words ("…多久能办完" for "…多长时间能办好")
                    or (
                        wanted
                        and r.aspect > 0
                        and asks_same(question, guide.faqs[int(r.passage.key)].question, guide)
                    )
                )
            ]
        pick = max(faqs, key=lambda r: r.score) if faqs else None
        if pick is None and len(wanted) == 1:
            pick = next((r for r in ranked if r.passage.field != "faq" and r.aspect > 0), None)
        if pick is not None:
            composed = compose_passage_answer(guide, pick.passage, wanted, question, region_note=region_note)
            if composed is not None:
                composed.basis = pick.passage.field
                return composed
            wanted = [a for a in wanted if a in pick.passage.aspects] or wanted
        if wanted and all(a in ASPECT_LABEL for a in wanted):
            offered = {a for p in self._passages(guide) for a in p.aspects}
            if not offered & set(wanted):
                composed = missing_answer(guide, wanted, region_note=region_note)
                composed.basis = "missing"
                return composed
        composed = compose_guide_answer(guide, wanted, question=None)
        composed.basis = "aspects" if wanted else "overview"
        if region_note:
            composed.text = f"{region_note}\n{composed.text}"
        return composed

    def guide_reply(
        self,
        st: DialogueState,
        guide: ServiceGuide,
        aspects: Sequence[Aspect],
        question: str,
        events: Events,
        *,
        check_fit: bool = False,
        scored: ScoredPassage | None = None,
        region_note: str = "",
    ) -> Reply:
        """`check_fit`: the guide was found by searching the question, so say so when it is only a
        supporting service (进度查询 / 预约) of what was asked, and mark the answer as not confident; a
        generic question that only such a service matched gets no facts, only a pointer to it."""
        generic = not [a for a in aspects if a is not Aspect.OVERVIEW]
        if check_fit and generic and is_auxiliary(guide.name) and not asks_auxiliary(question):
            emit(events, "partial_match", service_id=guide.id)
            reply = self.unknown(st, events, None)
            reply.text = (
                f"没有找到与您的问题完全对应的办事指南，相关的只有「{guide.name}」。"
                f"如果您要办的正是它，请说出事项名称再问我。\n{reply.text}"
            )
            return reply
        st.current_service_id = guide.id
        st.current_policy_id = None
        st.last_aspects = [a.value for a in aspects if a is not Aspect.OVERVIEW]
        # every path (follow-ups, "我要办…" without a flow) labels another place's facts with its region
        region_note = region_note or self._region_note(guide, [], [])
        composed = self._compose(guide, aspects, question, scored, region_note)
        text = self._phrase(composed, question, events)
        choices = follow_up_choices(list(aspects))
        flow = flow_for_service(guide.id, self.host.flows)
        if flow is not None and not st.flow_id:
            how = "网上预审（边聊边办）" if flow.kind == "precheck" else "边聊边办"
            text += f"\n本事项支持{how}，回复“我要办{flow.title}”即可开始在线填写。"
            choices = [f"我要办{flow.title}"]
        emit(events, "answer", service_id=guide.id, missing=composed.missing)
        confident = composed.grounded
        if check_fit and is_auxiliary(guide.name) and not asks_auxiliary(question):
            emit(events, "partial_match", service_id=guide.id)
            text = (
                f"没有找到与您的问题完全对应的办事指南，找到的相关事项是「{guide.name}」，以下信息仅供参考：\n"
                f"{text}\n如需办理，建议拨打12345政务服务便民热线，或到政务服务中心窗口咨询确认。"
            )
            confident = False
        return Reply(
            text=text,
            citations=composed.citations,
            choices=choices,
            intent=Intent.SERVICE_QUESTION,
            confident=confident,
        )

    def _policy_reply(self, st: DialogueState, composed: Composed, question: str, events: Events) -> Reply:
        st.current_policy_id = composed.policy_id
        text = self._phrase(composed, question, events)
        emit(events, "answer", policy_id=composed.policy_id)
        return Reply(text=text, citations=composed.citations, intent=Intent.POLICY_QUESTION)

    def _phrase(self, composed: Composed, question: str, events: Events) -> str:
        if self.host.phraser is None or not composed.grounded:
            return composed.text
        text, violations = self.host.phraser.render(composed.text, composed.citations, question)
        if violations:
            emit(events, "llm_rejected", violations=violations)
        else:
            emit(events, "llm_phrased")
        return text

    def _flow_guide(self, t: str, events: Events) -> ServiceGuide | None:
        """The guide of a flow whose curated words the message uses ("开个小店"), when retrieval has none."""
        flow = flow_by_words(t, self.host.flows, fuzzy=True)
        guide = self.host.get_guide(flow.service_id) if flow is not None else None
        if guide is not None and flow is not None:
            emit(events, "flow_words", flow_id=flow.id)
        return guide

    def _ask_which_service(self, aspects: Sequence[Aspect]) -> Reply:
        what = "、".join(ASPECT_LABEL[a] for a in aspects if a in ASPECT_LABEL) or "相关信息"
        titles = [f.title for f in self.host.flows.values()][:4]
        return Reply(
            text=f"请问您想了解哪个事项的{what}？请告诉我事项名称，例如“居住证申领”“社保卡补办”。",
            choices=titles,
            intent=Intent.SERVICE_QUESTION,
        )

    def unknown(
        self, st: DialogueState, events: Events, result: SearchResult | None = None, *, failed: bool = False
    ) -> Reply:
        emit(events, "unanswered", confidence=None if result is None else round(result.confidence, 3))
        text = SEARCH_FAILED_TEXT if failed else unknown_answer().text
        return Reply(text=text, intent=Intent.OUT_OF_SCOPE, confident=False)

    @staticmethod
    def residue(t: str) -> str:
        """What is left of a message without aspect and filler words (a service name, if any)."""
        rest = _ASPECT_WORDS_RE.sub("", compact(t))
        return _FILLER_RE.sub("", rest)
