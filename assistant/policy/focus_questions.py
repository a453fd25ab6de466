"""Questions that follow up on the service in focus however they are worded: whether one may get it, told with
one's situation; a document it lists, asked about or lacked (a mixin of the Answerer)."""

from __future__ import annotations

import re

from assistant.nlg.answer import Aspect, compose_unstated, detect_aspects
from assistant.nlg.passage_answer import asked_thing, lists_material
from assistant.nlu.residue import residue
from assistant.nlu.situation import (
    asks_may,
    names_only_situation,
    only_tells,
    situation_terms,
    tells_situation,
)
from assistant.nlu.text import compact
from assistant.policy.answer_common import Events, emit
from assistant.policy.evidence import FAQ_TOP, LAW_ARTICLE_LEXICAL, NAMED_TOLD, TOP_K, name_cover, name_told
from assistant.policy.linking import is_auxiliary
from assistant.policy.name_words import step_said
from assistant.policy.variants import office_words
from assistant.state import DialogueState, Intent, Reply
from knowledge.schema import ServiceGuide
from retrieval.aspects import cue_spans
from retrieval.passages import content_bigrams
from retrieval.types import DocKind

# whether one may get it, the thing left unsaid ("我儿子智力残疾，能不能领"): it is the service in focus
_BARE_MAY_RE = re.compile(
    r"(?:能不能|可不可以|可以|能否|能)去?(?:领|办|申请|拿|享受|参加)(?:吗|么|呢|不)?[?？。！!]?$"
)


# a message naming a zone whose committee grants services a city bureau grants too (22 of the KB's 24 same-place
# twins are 广州空港经济区管理委员会's); other messages ask no twin and cost no search
_OFFICE_HINT_RE = re.compile(r"空港|经济区|开发区|新区|高新区|保税区|管委会|管理委员会")


def tells_situation_asked(t: str, guide: ServiceGuide, aspects: list[Aspect]) -> bool:
    """An eligibility question whose words besides the aspect's are about the guide's conditions (收入, 户籍 …)."""
    return Aspect.CONDITIONS in aspects and tells_situation(t, guide)


class FocusQuestions:
    """Needs the Answerer's search and guide_reply."""

    def _focus_followup(self, st: DialogueState, t: str, focus: ServiceGuide, events: Events) -> Reply | None:
        """The service in focus answers, however the question is worded: its materials for a document it lists,
        its 受理条件 for whether one may get it, another office's guide of the same name the question names ("我住
        空港经济区呢"); None when none is asked."""
        twin = self._office_twin(t, focus)
        if twin is not None:
            aspects = [a for a in detect_aspects(t) if a is not Aspect.OVERVIEW] or [
                Aspect(a) for a in st.last_aspects
            ]
            emit(events, "followup", service_id=twin.id)
            note = f"以下为{twin.department}的办事指南："
            return self.guide_reply(st, twin, aspects, t, events, region_note=note)
        if self._focus_lists_thing(t, focus):
            aspects = [Aspect.MATERIALS]
        elif self._may_get_focus(t, focus):
            aspects = [Aspect.CONDITIONS]
        else:
            return None
        emit(events, "followup", service_id=focus.id)
        return self.guide_reply(st, focus, aspects, t, events)

    def _office_twin(self, t: str, focus: ServiceGuide) -> ServiceGuide | None:
        """Another office's guide of the same name as the one in focus, of an office the message names
        (广州空港经济区管理委员会 for "我住空港经济区呢")."""
        q = compact(t)
        if not _OFFICE_HINT_RE.search(q):
            return None
        found = self.search(focus.name, None, top_k=TOP_K, chunks_per_hit=3, faq_top=0, article_top=0)
        for h in found.hits if found is not None else []:
            twin = self.host.get_guide(h.doc_id) if h.title == focus.name and h.doc_id != focus.id else None
            office = office_words(twin.department) if twin is not None else ""
            if twin is not None and len(office) >= 2 and office in q and twin.department != focus.department:
                return twin
        return None

    def _focus_unstated(
        self,
        st: DialogueState,
        t: str,
        focus: ServiceGuide,
        events: Events,
        found: ServiceGuide | None = None,
    ) -> Reply | None:
        """A short question on the service in focus, naming nothing else: an aspect of it asked gets its guide's
        answer; a may-question its guide never speaks of ("可以停交吗", "中途可以暂停吗" after 灵活就业) the guide's
        silence and its phone, rather than another service sharing one word (`found`: 用电服务暂停, unless the question
        names it) or the general refusal. None otherwise."""
        said = residue(t)
        # an aspect of it asked ("几时可以攞到钱", "要父母一齐去吗"): its guide answers, or says it is silent
        asked = [a for a in detect_aspects(t) if a not in (Aspect.OVERVIEW, Aspect.CONDITIONS)]
        if not (asks_may(t) or asked) or not 2 <= len(said) <= 4:
            return None
        if found is not None and (
            found.id == focus.id
            or name_cover(said, found, formal=True) >= 1.0
            or name_told(t, found) >= NAMED_TOLD
        ):
            return None
        if asked:
            emit(events, "followup", service_id=focus.id)
            return self.guide_reply(st, focus, asked, t, events)
        text = " ".join(p.text for p in self._passages(focus))
        if any(b in text for b in content_bigrams(said)):
            return None  # the guide speaks of it: the usual path answers
        return self._unstated_reply(st, focus, said, events)

    def _silent_focus_law(
        self, st: DialogueState, t: str, focus: ServiceGuide, aspects: list[Aspect], events: Events
    ) -> Reply | None:
        """A follow-up asking what the guide in focus does not state ("要带咩" after 结婚登记预约, a booking): the
        article of a statute in force here that states it for the matter asked before (婚姻登记条例第五条), if one
        does; None otherwise (the guide's "not stated" follows)."""
        wanted = {a for a in aspects if a is not Aspect.OVERVIEW}
        if not wanted or not st.last_subject or self._states_aspect(focus, wanted):
            return None
        asked = f"{st.last_subject}{t}"
        result = self.search(asked, None, top_k=TOP_K, chunks_per_hit=64, faq_top=FAQ_TOP, article_top=4)
        if result is None:
            return None
        return self._article_reply(
            st,
            asked,
            result,
            events,
            on_aspect=True,
            min_lexical=LAW_ARTICLE_LEXICAL,
            in_force_only=True,
            formal_shared=is_auxiliary(focus.name),
        )

    def _focus_later_step(
        self, st: DialogueState, t: str, focus: ServiceGuide, events: Events
    ) -> Reply | None:
        """A later step asked of the service in focus, the thing left unsaid ("丢了怎么办" after 居住证申领), that its
        guide does not serve: the guide is silent on it, not its overview. None otherwise."""
        step = step_said(t)
        if step is None or self._guide_serves_step(t, focus):
            return None
        return self._unstated_reply(st, focus, step, events)

    def _unstated_reply(self, st: DialogueState, focus: ServiceGuide, asked: str, events: Events) -> Reply:
        composed = compose_unstated(focus, asked)
        emit(events, "followup", service_id=focus.id)
        emit(events, "unanswered", confidence=None)
        st.current_service_id = focus.id
        return Reply(
            text=composed.text, citations=composed.citations, intent=Intent.SERVICE_QUESTION, confident=False
        )

    def _focus_lists_thing(self, t: str, focus: ServiceGuide) -> bool:
        """A document asked about or lacked that the service in focus lists ("我住公司宿舍没有租房合同怎么办" after
        居住证: its 合法稳定住所证明 accepts a 租赁合同), the rest naming no other service ("办社保卡要带身份证吗"
        after 居住证 asks of 社保卡)."""
        thing = asked_thing(t)
        if not thing or not lists_material(focus, thing):
            return False
        rest = compact(t).replace(thing, "")
        if len(residue(cue_spans(rest))) < 2:
            return True
        found = self.search(rest, [DocKind.GUIDE], top_k=TOP_K)
        return found is None or not found.confident or found.hits[0].doc_id == focus.id

    def _may_get_focus(self, t: str, focus: ServiceGuide) -> bool:
        """Whether one may get it, the thing left unsaid, told with one's situation: asked of the service in focus
        when the situation is in its conditions' words ("我儿子智力残疾，能不能领" after 残疾人两项补贴, not another
        place's pair sharing 残疾) or the search names no other service ("我是外地人，住了一年，可不可以办" after 居住证)."""
        c = compact(t)
        bare = bool(_BARE_MAY_RE.search(c))
        if bare and tells_situation(t, focus):
            return True  # (checked first: no search needed)
        if asks_may(t) and names_only_situation(t):
            return True  # whether one in a situation may, naming nothing else ("我系外地户口得唔得" after 灵活就业)
        # whether one may do a thing the conditions speak of ("爸爸是外地户口可以上在妈妈这边吗" after 新生儿: 户籍),
        # or one's situation told and nothing asked ("我老婆没工作，我一个月三千，两个小孩" after 低保: 收入, 家庭)
        # (nothing else asked of it: "…可以在线上申请吗" asks the online entry, whatever words of its conditions it uses)
        other = [a for a in detect_aspects(t) if a not in (Aspect.OVERVIEW, Aspect.CONDITIONS)]
        told = (
            not other
            and (asks_may(t) or (only_tells(t) and bool(situation_terms(t))))
            and tells_situation(t, focus)
        )
        if not (bare or told):
            return False
        found = self.search(t, [DocKind.GUIDE], top_k=TOP_K)
        if found is None or not found.confident:
            return True
        # (a service named is asked of, not the one in focus: "外地户口可以办社保卡吗" after 居住证)
        return told and found.hits[0].doc_id == focus.id

    @classmethod
    def _names_only_document(cls, t: str) -> bool:
        """The question names one document (or signature) asked about and nothing else ("要不要带户口本",
        "是不是要房东签名")."""
        thing = asked_thing(t)
        return bool(thing) and len(residue(t.replace(thing, ""))) < 2
