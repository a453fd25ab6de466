"""The question-answer path: one retrieval call per question, the passage that answers it, and a decision
on that evidence: answer / ask a clarifying question with the 2-3 best candidates / refuse and route on.

Pure: the host (the DialogueManager) injects every outside call. Region rules: guides of the place the
person names come first, else those of the home region and its parents; another place's facts are always
labelled with their region.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.nlg.answer import (
    Aspect,
    detect_aspects,
)
from assistant.nlu.deadline import (
    asks_deadline,
    asks_wait,
    deadline_act,
    period_asked,
    sets_deadline_to_act,
    states_deadline,
    states_wait,
)
from assistant.nlu.groups import for_unasked_group
from assistant.nlu.offices import of_offices, office_singled_out
from assistant.nlu.residue import residue
from assistant.nlu.situation import asks_may
from assistant.nlu.text import compact
from assistant.policy.agreed_facts import (
    asks_named_office,
    listed_alike,
    office_choices,
    office_fact,
    office_pick,
    pair_set_aside,
)
from assistant.policy.answer_common import AnswerHost, Events, emit
from assistant.policy.answer_evidence import EvidenceLookup
from assistant.policy.candidate_filters import (
    about_the_matter,
    exam_passed,
    for_an_exam,
    name_little,
    of_the_capital,
    of_the_grade,
    pair_text,
    past_the_exam,
    past_the_review,
    without_side_services,
)
from assistant.policy.evidence import (
    CLARIFY_CONFIDENCE,
    CLOSE,
    FAQ_SWITCH,
    FAQ_TOP,
    NAME_COVER,
    STANDOUT_FLOOR,
    TOP_K,
    Candidate,
    asks_guide_only,
    asks_office_fact,
    asks_sanction,
    imposes_sanction,
    name_cover,
)
from assistant.policy.faq_evidence import answers_lookup, asks_official, faq_offer, tells_matter
from assistant.policy.faq_order import faq_candidates, within_guides
from assistant.policy.focus_questions import FocusQuestions, tells_situation_asked
from assistant.policy.guide_choice import GuideChoice
from assistant.policy.guide_fit import GuideFit
from assistant.policy.guide_leads import GuideLeads
from assistant.policy.guide_replies import GuideReplies
from assistant.policy.law_replies import LawReplies
from assistant.policy.linking import (
    asks_auxiliary,
    looks_up_progress,
    progress_lookup,
    record_lookup,
    tracks_matter_named,
)
from assistant.policy.name_words import (
    first_step_first,
    lacking_matter,
    names_step_thing,
    step_not_served,
    steps_asked,
    tells_problem_thing,
    without_offices,
    without_places,
)
from assistant.policy.negated_variants import ruled_out
from assistant.policy.service_pick import (
    holder,
    resident_variant,
    same_destination,
    standout,
    step_server,
    told_lead,
    worded_lead,
)
from assistant.policy.variants import (
    for_household,
    for_ordinary_residents,
    names_home_office,
    ordinary_counterparts,
    provincial_terms,
    same_service_once,
    twin_asked,
)
from assistant.state import DialogueState, Reply
from retrieval.aspects import OTHERS, cue_spans
from retrieval.paraphrase import ParaphraseScorer, load_paraphrase_scorer
from retrieval.passages import Passage
from retrieval.regions import (
    HOME_REGION_DEFAULT,
    foreign_countries,
    in_home_province,
    law_holds_in,
    local_law_holds_in,
    named_places,
    office_there,
)
from retrieval.types import DocKind, Hit, SearchResult

# guides looked through when variants for groups the question does not name fill the first TOP_K
GROUP_DEPTH = 24

# people a follow-up may name ("小孩也要本人去吗", "老人不方便去可以吗"): those who may go in one's place, and more
_PEOPLE_RE = re.compile(rf"{OTHERS}|小孩|孩子|细路|宝宝|bb|老人家?|长辈|屋企人|本人|自己")
# how to get a service done, asked in any words ("低保点样申请", "怎么去办")
# (or what it is: "我想了解下低保", "低保系咩嚟")
_HOW_TO_DO_RE = re.compile(
    r"(?:怎么|如何|怎样|点样|点|咋)(?:去|才能|先)?(?:办|申请|申领|申办|弄|搞|整|登记|注册|领|拿|攞)"
    r"|了解|介绍(?:一?下)|咨询|是什么|是啥|系咩|系乜"
)


def asks_beside_service(t: str, aspects: list[Aspect]) -> bool:
    """The question asks no aspect of a service and not how to get it done: something beside it (a refusal's
    remedy, a duty while receiving it)."""
    return not [a for a in aspects if a is not Aspect.OVERVIEW] and not _HOW_TO_DO_RE.search(compact(t))


_FOLLOWUP_RE = re.compile(r"[呢吗]\s*[?？]?\s*$|^那")


class Answerer(FocusQuestions, GuideFit, GuideLeads, EvidenceLookup, GuideChoice, GuideReplies, LawReplies):
    def __init__(self, host: AnswerHost) -> None:
        self.host = host
        self.home_region: tuple[str, ...] = HOME_REGION_DEFAULT
        self.search_errors = 0  # failed retrieval calls since start (logged each time)
        self._known_units: frozenset[str] | None = None
        self._passage_cache: dict[str, tuple[Any, list[Passage]]] = {}
        self.paraphrase: ParaphraseScorer | None = load_paraphrase_scorer()

    # --- entry points -------------------------------------------------------------------------------

    def _aspects(self, st: DialogueState, t: str) -> list[Aspect]:
        aspects = detect_aspects(t)
        # "那低保呢" asks the last question of another service; "可以按年交吗" asks its own (whether one may)
        if not aspects and st.last_aspects and _FOLLOWUP_RE.search(t) and not asks_may(t):
            aspects = [Aspect(a) for a in st.last_aspects]
        return aspects

    def service_question(self, st: DialogueState, t: str, events: Events) -> Reply:
        aspects = self._aspects(st, t)
        # "要不要带户口本" names a document, not another service: a follow-up
        residue = "" if self._names_only_document(t) else self.residue(t)
        focus = self.host.get_guide(st.current_service_id) if st.current_service_id else None
        if focus is not None and lacking_matter(t) is None:
            # a later step asked of it, no thing named, that it does not serve ("丢了怎么办" after 居住证申领)
            silent = self._focus_later_step(st, t, focus, events)
            if silent is not None:
                return silent
        # what is left names nothing, or only a word of the service in focus ("要去哪里登记" after 登记失业…)
        if focus is not None and (len(residue) < 2 or (len(residue) <= 4 and residue in focus.name)):
            law = self._silent_focus_law(st, t, focus, aspects, events)
            if law is not None:
                return law
            emit(events, "followup", service_id=focus.id)
            return self.guide_reply(st, focus, aspects, t, events)
        followup = self._focus_followup(st, t, focus, events) if focus is not None else None
        if followup is not None:
            return followup
        if len(residue) < 2 and st.current_policy_id and st.last_subject:
            # a statute answered the last question ("结婚登记在哪里办" -> 婚姻登记条例第四条): "要带什么" asks
            # about the same matter
            emit(events, "law_followup", policy_id=st.current_policy_id)
            asked = f"{st.last_subject}{t}"
            return self.answer(st, asked, events, self._aspects(st, asked))
        if len(residue) < 2:  # "要什么材料？" with no service in context: ask which one
            return self._ask_which_service(aspects)
        return self.answer(st, t, events, aspects)

    def unsignalled(self, st: DialogueState, t: str, events: Events) -> Reply:
        if st.current_service_id and (
            (_FOLLOWUP_RE.search(t) and len(self.residue(t)) < 2) or self._names_only_document(t)
        ):
            # a follow-up on the service in focus, however it is worded ("是不是要房东签名" after 居住证)
            return self.service_question(st, t, events)
        aspects = detect_aspects(t)  # its own cue: "那低保呢" inherits the aspect, yet names another service
        guide = self.host.get_guide(st.current_service_id) if st.current_service_id else None
        followup = self._focus_followup(st, t, guide, events) if guide is not None else None
        if followup is not None:
            return followup
        if guide is not None and aspects:
            # no intent cue, yet an aspect of the service in focus asked, naming only people or the service
            # ("小孩也要本人去吗" after 护照; not "居住证要本人去吗" after 护照)
            rest = _PEOPLE_RE.sub("", self.residue(cue_spans(t)))
            if all(ch in guide.name for ch in rest):
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
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
        said = self.residue(t)
        if len(said) >= 2:
            st.last_subject = said
        fixed = self.fix_typos(t, events)
        if fixed != t:
            t, aspects = fixed, self._aspects(st, fixed)  # "补帖上限" asks an amount once read as 补贴
        result = self.search(t, None, top_k=TOP_K, chunks_per_hit=64, faq_top=FAQ_TOP, article_top=4)
        if result is None:
            emit(events, "search_failed")
            flow_guide = self._flow_guide(t, events)
            if flow_guide is not None:
                return self.guide_reply(st, flow_guide, aspects, t, events)
            return self.unknown(st, events, None, failed=True)
        result = self._past_offices(t, result)
        emit(events, "retrieval", confidence=round(result.confidence, 3))
        guide_hits = self._named_first(t, [h for h in result.hits if h.kind is DocKind.GUIDE])
        # no later step asked ("残疾证"): the later-step variants give way before the candidates are cut to a few
        guide_hits = first_step_first(t, guide_hits, lambda h: h.title)
        named = named_places(t, self.known_units())
        uncovered = [p for p in named if not self._kb_covers(p)]
        # variants for a group of applicants the question does not name give way to the next guides
        # (and variants for another household registration than the one the question names)
        cands = self._candidates(t, aspects, guide_hits[:4], result, named)
        if len(for_household(t, for_ordinary_residents(t, cands))) < len(cands):
            wider = self._candidates(t, aspects, guide_hits[:TOP_K], result, named)
            cands = for_household(t, for_ordinary_residents(t, wider))[:4]
        if cands and all(for_unasked_group(c.guide.name, t) for c in cands):
            # only variants for groups the question does not name ("驾照分扣完了怎么办" and 持军队驾驶证申领 …):
            # the guides for everyone further down, or none (no choice between other people's services)
            wider = self._candidates(t, aspects, guide_hits[:TOP_K], result, named)
            cands = [c for c in wider if not for_unasked_group(c.guide.name, t)][:4]
            if not cands and all(for_unasked_group(h.title, t) for h in guide_hits):
                # the variants fill every hit ("在广州开律师事务所审批要几天" and eight 香港、澳门律师事务所…联营
                # guides): the guides for everyone are looked for further down the ranking
                cands = self._past_group_variants(t, aspects, named)
        if exam_passed(t) and cands and all(for_an_exam(c) for c in cands):
            # only guides for the exam the person has passed ("已经通过了国家统一法律职业资格考试，想…当执业律师"): what
            # follows it is looked for further down the ranking
            cands = self._candidates(t, aspects, guide_hits[:TOP_K], result, named)
        cands = past_the_review(t, past_the_exam(t, same_destination(t, cands)))
        # a city of the province whose own office of the province's the guides found name is covered by them ("湛江
        # 嗰边嘅特种设备检测院…有冇电话" and 湛江检测院工作动态查询 of 省特种设备检测研究院湛江检测院); its guides then
        # go before the other cities' offices (揭阳检测院's are no choice there), and a refusal still says the place
        # is not covered ("在江门市区养狗…" is no question for an office there)
        named_uncovered, there = uncovered, _offices_there(uncovered, cands)
        if there:
            uncovered = [p for p in uncovered if not _offices_there([p], there)]
            cands = there
        # the office the question singles out, none of whose guides is among the first: its own guides found further
        # down go first ("想睇下省农科院有啲乜嘢科研平台…" and 广东省农业科学院's 科研条件查询, not its institutes')
        # (a guide whose name says the office counts as its: 广东省立中山图书馆图书续借 is filed under 文化和旅游厅)
        own = self._singled_out_hits(t, guide_hits)
        offices = {d for _, d in own}
        if own and not any(of_offices(c.guide.name, c.guide.department, offices) for c in cands):
            cands = self._candidates(t, aspects, [h for h, _ in own[:4]], result, named)
        # (nor are the guides for another grade, or for domestic capital when the firm's is foreign)
        cands = of_the_capital(t, of_the_grade(t, cands))[:4]
        # a name holding the question's word only inside a word of another meaning names nothing asked
        # ("小孩几岁可以办身份证" and 中国税收居民身份证明的开具)
        # (nor does a guide never mentioning the thing a problem is told of: "社保卡密码忘了怎么办" and 社会保障卡补换)
        cands = about_the_matter(
            t, cands, lambda c: " ".join([c.guide.name, *(p.text for p in self._passages(c.guide))])
        )
        faq = self._best_faq(t, aspects, result, named)
        # the person names a place the KB covers (or the province in its own terms, or an office of here that
        # serves a zone: "喺空港经济区新建一栋楼")
        placed = bool(named or provincial_terms(t) or names_home_office(t, cands)) and not uncovered
        if (
            faq is not None
            and faq.best is not None
            and placed
            and faq.rank >= 2
            and faq.best.lexical < FAQ_SWITCH
        ):
            # the person names a place the KB covers: another place's pair sharing few words is about that place's
            # rules, no answer here ("…去广东税务局备案的时候，外文合同要不要附中文译本" and 衡阳's pair on 学历认证)
            faq = None
        if (
            faq is not None
            and faq.best is not None
            and asks_official(t, faq.guide.faqs[int(faq.best.passage.key)])
        ):
            # an official question asked (nearly) word for word wants its own answer, not a guide's field or a
            # choice between guides ("税务信息为什么是人工核验？")
            # (a person naming the home region still gets a statute in force here first)
            law = self._law_over_guide(st, t, result, faq, aspects, events, named=named)
            if law is not None:
                return law
            emit(events, "passage_evidence", service_id=faq.guide.id)
            return self._answer_from(st, faq, aspects, t, events, named, uncovered, result)
        focus = self.host.get_guide(st.current_service_id) if st.current_service_id else None
        if self._asks_step_only(t):
            # a lost document, an expired card or a later step that none of the guides found serves ("营业执照丢了
            # 怎么补", "驾驶证丢了" and 持境外驾驶证申领 …): the statute on it, or an honest "don't know"; not a choice
            # between guides for other matters, nor an article that merely shares a word
            # (nor the service in focus when it does not serve it either: "出生证丢了怎么办" after 新生儿出生一件事)
            served = [c for c in cands if self._serves_step(t, c)]
            if focus is not None and self._guide_serves_step(t, focus):
                served.append(focus)
            if not served and not (faq is not None and faq.best is not None and self._serves_step(t, faq)):
                law = self._article_reply(st, t, result, events, formal_shared=True)
                if law is not None:
                    return law
                foreign = foreign_countries(t)
                if foreign:  # "在美国驾照过期了去DMV怎么续": whose rules these would be, and where to ask
                    return self._foreign_reply(st, foreign, events)
                if cands:
                    emit(events, "no_fit", service_id=cands[0].guide.id)
                return self._read_or_refuse(st, t, events, result, aspects, lacking_matter(t))
        top_is_policy = bool(result.hits) and result.hits[0].kind is DocKind.POLICY
        # the official answer of the place the person names says more than the national statute
        local_faq = faq is not None and bool(named) and faq.rank == 0
        if (
            (prefer_policy or top_is_policy)
            and result.confident
            and not local_faq
            and not asks_guide_only(aspects)
        ):
            law = self._law_reply(st, t, result, events, fallback=not prefer_policy and bool(cands))
            if law is not None:
                return law
        if not local_faq and asks_sanction(t) and result.articles:
            # a fine asked: no guide states one, so the article imposing it answers however unconfident the search
            # ("没请监理会被罚多少钱": the article sanctioning the breach of the duty found); the law's articles imposing
            # one first, retrieved or not ("帮人冒名开药…会受到什么处罚" finds 第十五条 on 冒名购药, 第四十条 fines it)
            law = self._article_reply(
                st, t, result, events, paraphrase=True, must_say=imposes_sanction
            ) or self._article_reply(st, t, result, events, paraphrase=True)
            if law is not None:
                return law
        period = period_asked(t)
        if (
            period
            and not local_faq
            and result.articles
            and not any(period[-3:] in c.guide.name for c in cands)
        ):
            # a period's length asked ("工伤停工留薪期最长多久"): a statute naming it sets it; a guide not named for it
            # states only the office's time to handle its service
            # (_article_reply holds it to an article stating the period's length)
            law = self._article_reply(st, t, result, events, paraphrase=True)
            if law is not None:
                return law
        if (
            asks_wait(t)
            and not local_faq
            and result.articles
            and not any(states_wait(c.guide.conditions) for c in cands[:1])
        ):
            # how long must pass before one may act ("工伤…距离上次鉴定要过多久才能申请"): a statute setting the
            # wait, when the guide found first states none (its time limit is the office's, not the wait)
            law = self._article_reply(st, t, result, events, paraphrase=True, must_say=states_wait)
            if law is not None:
                return law
        if (
            asks_deadline(t)
            and not local_faq
            and result.articles
            and not any(states_deadline(c.guide.conditions) for c in cands[:1])
        ):
            # by when the person must act ("社保登记信息变了，要在多少天内去…办变更"): a statute setting that deadline,
            # when the guide found first states none (its time limit is the office's)
            acts = deadline_act(t)
            law = self._article_reply(
                st, t, result, events, paraphrase=True, must_say=lambda text: sets_deadline_to_act(text, acts)
            )
            if law is not None:
                return law
        subject = self._subject(t, named)
        chosen = self._choose(st, t, result, cands, faq, events, subject)
        if isinstance(chosen, Reply):
            return chosen
        if chosen is not None and focus is not None:
            kept = self._focus_unstated(st, t, focus, events, chosen.guide)
            if kept is not None:
                return kept
        if chosen is not None:
            law = self._law_over_guide(st, t, result, chosen, aspects, events, subject=subject, named=named)
            if law is not None:
                return law
            before = len(events)
            reply = self._answer_from(st, chosen, aspects, t, events, named, uncovered, result)
            lead = self._named_lead(t, cands, guide_hits) if _refused(events, before) else None
            if lead is not None and lead.rank < chosen.rank:
                # another place's official pair that does not fit after all: the guide of a nearer place found
                # first by a clear lead, most of whose name the question says ("…X2签证要换发，学校…开什么证明")
                del events[before:]
                emit(events, "named_lead", service_id=lead.guide.id)
                return self._answer_from(st, lead, aspects, t, events, named, uncovered, result)
            return reply
        # a guide found first ahead of the next by NAMED_LEAD, that e5 reads as what is asked, goes before an article
        # merely sharing words when what is asked is a guide's fact: its office's time, place, phone or web entry
        # ("明天开车过港珠澳大桥…想先打电话问问桥上路况" and …港珠澳大桥路况查询, not an article on roads); a whether or
        # a who keeps the article (measured: asked of conditions too, it gained seven dev lines and lost five law answers)
        if asks_office_fact(aspects):
            read = self._read_alone(t, cands, guide_hits)
            answered = self._lead_reply(st, read, aspects, t, events, named, uncovered, result)
            if answered is not None:
                return answered
        law = self._article_reply(st, t, result, events)
        if law is not None:
            return law
        if uncovered and len(uncovered) == len(named):
            law = self._place_law(st, t, result, events, uncovered)
            if law is not None or not in_home_province(uncovered, self.home_region):
                return law or self._uncovered_reply(st, uncovered, events, result)
        flow_guide = self._flow_guide(t, events, guide_hits)
        if flow_guide is not None and asks_beside_service(t, aspects):
            # a flow's service named in a question about something its guide does not cover ("申请低保俾民政局驳回…
            # 可以点样去争取返", "弟弟介绍了工作都不去，会不会影响领低保"): the article e5 reads as the question, when
            # one stands out, answers rather than the service's overview
            read = self._read_article_reply(st, t, events, result) or self._article_reply(
                st, t, result, events, paraphrase=True
            )
            if read is not None:
                return read
        if flow_guide is not None:
            note = self._region_note(flow_guide, named, uncovered)
            return self.guide_reply(st, flow_guide, aspects, t, events, region_note=note)
        if st.current_service_id:
            guide = self.host.get_guide(st.current_service_id)
            # a follow-up names nothing else, or tells the person's situation in the guide's own terms
            # ("我家三口人，每月收入3000，可以申请吗" after 低保: 收入 is in its conditions)
            if guide is not None and (
                (signalled and len(self.residue(t)) <= 4) or tells_situation_asked(t, guide, aspects)
            ):
                emit(events, "followup", service_id=guide.id)
                return self.guide_reply(st, guide, aspects, t, events)
        named_cands = [c for c in cands if c.rank == 0]
        if len(named_cands) == 1 and result.confidence >= CLARIFY_CONFIDENCE:
            # the one candidate of the place the person named: no need to ask
            return self._answer_from(st, named_cands[0], aspects, t, events, named, uncovered, result)
        # the same service of several places is no real choice: the one of the place asked / the home region
        distinct = same_service_once(cands, t)
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
        lead = standout(t, cands, result.confidence, subject)
        if lead is None and result.confidence >= STANDOUT_FLOOR:
            # the one name holding all the question names is lexical evidence, like a standout: the same floor
            # ("办护照可以在网上先预约吗": 门诊网上预约 scores as high, so the confidence stays low)
            lead = holder(self.residue(t), cands, aux_ok=asks_auxiliary(t), home_only=True)
        if lead is not None:
            lead = twin_asked(t, lead, cands)
            emit(events, "standout", service_id=lead.guide.id)
            return self._answer_from(st, lead, aspects, t, events, named, uncovered, result)
        # candidates for another step than the one asked, or for that step of another thing, are no choice to offer
        # ("驾驶证到期换证" and 持境外驾驶证申领; "营业执照地址变更" and 律师执业变更审核)
        if steps_asked(t):
            # (a case's progress asked: its lookup stays, whatever step the case is at)
            cands = [
                c
                for c in cands
                if (not step_not_served(t, c.guide.name) and names_step_thing(t, c.guide.name))
                or looks_up_progress(t, c.guide.name)
            ]
        # a notary's guide or a supporting service (查询 / 预约) is no choice for a question asking neither
        # ("个体户执照要几耐先攞到": not 证书（执照）公证指引 nor 个体户资质查询)
        # (the one left answers when the question tells most of its name: "小朋友打完疫苗有异常反应，申请补偿…")
        # (and one left that is no answer either is no choice: "房产证加名字怎么办" and 不动产物权公证指引)
        if result.confidence >= CLARIFY_CONFIDENCE and signalled:
            cands, lone = without_side_services(t, cands)
            if lone is not None:
                emit(events, "base_variant", service_id=lone.guide.id)
                return self._answer_from(st, lone, aspects, t, events, named, uncovered, result)
        unnamed = name_little(t, subject, cands[:3])
        if len(cands) >= 2 and result.confidence >= CLARIFY_CONFIDENCE and signalled and not unnamed:
            asked = ordinary_counterparts(t, cands[:3])
            if len(asked) == 1 and [a for a in aspects if a is not Aspect.OVERVIEW]:
                # the other choices were its public-sector variants: nothing to ask
                emit(events, "base_variant", service_id=asked[0].guide.id)
                return self._answer_from(st, asked[0], aspects, t, events, named, uncovered, result)
            # a later step asked ("保安证烂咗想换张新") that one of the variants alone serves: no need to ask
            serving = step_server(t, asked, self._serves_step)
            if serving is not None:
                emit(events, "step_served", service_id=serving.guide.id)
                return self._answer_from(st, serving, aspects, t, events, named, uncovered, result)
            # variants the question rules out by a negation are no choice ("拿了块带方案出让嘅工业地" and …不带方案…)
            out = ruled_out(t, [c.guide.name for c in asked])
            asked = [c for k, c in enumerate(asked) if k not in out] or asked
            if len(asked) == 1:
                emit(events, "worded_lead", service_id=asked[0].guide.id)
                return self._answer_from(st, asked[0], aspects, t, events, named, uncovered, result)
            resident = resident_variant(t, asked)
            if resident is not None:
                emit(events, "group_variant", service_id=resident.guide.id)
                return self._answer_from(st, resident, aspects, t, events, named, uncovered, result)
            told = told_lead(t, asked)
            if told is not None:
                emit(events, "told_lead", service_id=told.guide.id)
                return self._answer_from(st, told, aspects, t, events, named, uncovered, result)
            worded = worded_lead(t, asked) or self._said_among(t, asked)
            if worded is not None:
                emit(events, "worded_lead", service_id=worded.guide.id)
                return self._answer_from(st, worded, aspects, t, events, named, uncovered, result)
            # the progress of a case asked, and one of them alone looks it up ("我妈申请了低保…查查审核到哪一步了" and
            # 最低生活保障业务进度查询 beside …申请 / …申请预约), or something to check that one alone looks up ("想查下
            # 佢系咪真嘅基层法律服务工作者" and 基层法律服务工作者信息查询 beside …注销 / …执业申请)
            names = [c.guide.name for c in asked]
            lookup = progress_lookup(t, names)
            lookup = record_lookup(t, names) if lookup is None else lookup
            if lookup is not None:
                emit(events, "worded_lead", service_id=asked[lookup].guide.id)
                return self._answer_from(st, asked[lookup], aspects, t, events, named, uncovered, result)
            # one found far ahead of the others, that e5 reads as what is asked, is no choice to offer ("在香港律所…
            # 代表处上班，老板想请个外国人做助理…备案" and …代表处聘用外籍辅助人员告知性备案, 26% ahead)
            # (nor is one leading by CLEAR_LEAD, most of its name said, as it answers when the search is less sure:
            # "…单位推荐我评先进个人，省自然资源厅审批要几耐" and 海洋系统先进集体和个人表彰, 49% ahead)
            wide = self._wide_read(t, asked, guide_hits) or self._clear_lead(t, asked, guide_hits)
            answered = self._lead_reply(st, wide, aspects, t, events, named, uncovered, result)
            if answered is not None:
                return answered
            # the one of the office the question names, stating what is asked, is no choice to offer either
            office = self._office_answer(st, t, asked, aspects, events, named, uncovered, result)
            return office or self._clarify(st, asked, t, events, result)
        if uncovered:
            law = self._place_law(st, t, result, events, uncovered)
            # (another city of the province: the province's guides and official pairs may still answer, "我哋要喺
            # 肇庆起厂房…省地震局有冇电话")
            if law is not None or not in_home_province(uncovered, self.home_region):
                return law or self._uncovered_reply(st, uncovered, events, result)
        scorer = self.paraphrase
        found = faq_candidates(
            t,
            aspects,
            result,
            self.host.get_guide,
            self._passages,
            lambda g: self._rank(g, named),
            scorer.similarity if scorer else None,
        )
        found = [
            f
            for f in within_guides(found)
            if answers_lookup(t, f.candidate) and tells_problem_thing(t, pair_text(f.candidate))
        ]
        foreign = foreign_countries(t)
        if foreign and not set(named) - set(uncovered):
            # says whose rules these would be, and where to ask (unless a place of here is named too: "带样机去德国
            # 参展…在广东是哪个单位负责办的" asks about a service here)
            return self._foreign_reply(st, foreign, events)
        # a guide found first far ahead of any other service, whose name the question says or e5 reads as what is
        # asked, goes before a statute merely paraphrased ("…申请拖带审批要满足什么条件" and 大型设施、移动式平台、超限
        # 物体水上拖带审批, not 广东省海域使用管理条例)
        # (or the one of the first three that looks up a case's progress, when that is asked: "交咗…换证申请，想…问下
        # 办到边一步" and 药品生产类行政许可事项办理进度查询)
        lookup = progress_lookup(t, [c.guide.name for c in cands[:3]])
        if lookup is not None and tracks_matter_named(t, cands[lookup].guide.name):
            emit(events, "worded_lead", service_id=cands[lookup].guide.id)
            return self._answer_from(st, cands[lookup], aspects, t, events, named, uncovered, result)
        clear = self._clear_lead(t, cands, guide_hits)
        answered = self._lead_reply(st, clear, aspects, t, events, named, uncovered, result)
        if answered is not None:
            return answered
        # the last try: a statute the question paraphrases in a citizen's words ("经济补偿怎么算"), before near-miss
        # pairs are offered (measured: offering them first cost two right answers on the dev sets); not before the
        # guides of the office the question names, found first, when it asks that office's time, place, phone or web
        # entry ("…想问省林业局最近病虫害嘅情况…要等几耐" and 林业有害生物…咨询, not an article on 林权争议's mediation)
        of_office = asks_named_office(t, cands, aspects)
        law = None if of_office else self._article_reply(st, t, result, events, paraphrase=True)
        if law is not None:
            return law
        # nor a statute: offer the official questions that read like it (each naming something it names)
        scorer = self.paraphrase
        offered = faq_offer(
            found, question=t, paraphrase=scorer.similarity if scorer else None, spread=self._word_spread()
        )
        if offered and all(c.rank >= 2 for c in offered):
            # only other places' pairs to offer: the guide of here found first by a clear lead, most of whose name
            # the question says, answers first ("新建厂房要办高压用电报装，网上在哪里申请" and 高压报装), or the one
            # found first whose name e5 reads clearly closer to the question than any of the pairs ("…开发利用一个
            # 没人住的小海岛，材料交到哪个窗口" and 无居民海岛开发利用审批, not 芙蓉区's "公租房在哪里申请？")
            lead = self._named_lead(t, cands, guide_hits) or self._read_lead(t, cands, guide_hits, offered)
            # (a guide that does not fit after all leaves the pairs still worth offering)
            here = lead if lead is not None and lead.rank <= 1 else None
            answered = self._lead_reply(st, here, aspects, t, events, named, uncovered, result)
            if answered is not None:
                return answered
        # (nor another province's pairs sharing only words of asking with it: "…诊所…打哪个电话可以咨询" and 长沙's
        # "是否能够提供…报装咨询电话"; nor of another office than the one it names, whose guides are found)
        # (and only pairs whose guide's name or official question says a telling word of the question: not
        # "开办运输企业一件事有没有帮代办服务？" for "…办事大厅…有没有义务提供手语", sharing words of its answer)
        spread = self._word_spread()
        offered = [
            c
            for c in offered
            if not pair_set_aside(t, cands, c) and tells_matter(t, c, spread, asked_only=True)
        ]
        if placed or uncovered:
            # (another province's pairs are no near misses to offer where the person names a place the KB covers, or
            # another city of the province)
            offered = [c for c in offered if c.rank < 2]
        if offered:
            read = self._read_over_pairs(st, t, aspects, events, result)
            return read or self._offer_faqs(st, offered, t, events, result)
        kept = self._focus_unstated(st, t, focus, events) if focus is not None else None
        if kept is not None:
            return kept
        # before refusing: the guide found first by a clear lead, most of whose name the question says (a long,
        # chatty question leaves the search unconfident: "…政府采购项目，质疑后还是不服…现场交材料的地址在哪？")
        # (or one leading by far whose name e5 reads as what is asked, however few of its words the question says:
        # "…认定为文物有异议，申请省文旅厅裁定要多长时间" and 文物认定争议的裁定)
        lead = self._last_lead(t, cands, guide_hits)
        if lead is not None:
            emit(events, "named_lead", service_id=lead.guide.id)
            return self._answer_from(st, lead, aspects, t, events, named, uncovered, result)
        # the close guides are one office's, named in the question, and state the same phone / address
        # (or are variants of one service that all list the paper asked of)
        wanted = [a for a in aspects if a is not Aspect.OVERVIEW]
        agreed = office_fact(t, cands, wanted) or listed_alike(t, cands, wanted)
        if agreed is not None:
            emit(events, "base_variant", service_id=agreed.guide.id)
            return self._answer_from(st, agreed, aspects, t, events, named, uncovered, result)
        lacking = lacking_matter(t)
        naming = [c for c in cands[:3] if lacking and lacking in c.guide.name]
        if len(naming) >= 2:
            # the thing a refusal would say is missing is named by guides found ("R字签证…弄坏了要换过" and 换发 /
            # 延期R字签证): ask which, rather than say the KB has nothing on it
            return self._clarify(st, naming, t, events, result)
        before = len(events)
        # (a place the KB does not cover gets its own reply below, not a choice of this place's guides)
        near = [] if uncovered else self._near_reads(t, cands, guide_hits)
        # (of the near misses to offer, the one of the office the question names that states what is asked answers)
        office = self._office_answer(st, t, near, aspects, events, named, uncovered, result) if near else None
        if office is not None:
            return office
        # (the guides found first of the office the question singles out are near misses too; of the province's own
        # offices when another city is named: "我在湛江养虾…向农业农村厅查询的话多久有答复")
        provincial = bool(cands) and cands[0].guide.region_path == list(self.home_region[:1])
        if not near and (not uncovered or provincial):
            near = office_choices(t, cands)
        reply = self._read_or_refuse(st, t, events, result, aspects, lacking, near)
        if named_uncovered and _refused(events, before):
            # another city of the province that nothing answered: say so plainly, with where to ask
            del events[before:]
            return self._uncovered_reply(st, named_uncovered, events, result)
        return reply

    def _read_over_pairs(
        self, st: DialogueState, t: str, aspects: list[Aspect], events: Events, result: SearchResult
    ) -> Reply | None:
        """Near-miss pairs about to be offered: the article e5 reads as the question, when it stands out among all the
        laws' articles, answers instead ("保姆…系咪一定要先做岗前培训" and 家政服务条例, not a Hunan pair on 合法合规
        报告; "住院分娩…可唔可以借亲戚嘅身份证" and 母婴保健管理条例, not "个体工商户一定要起名字吗"). None otherwise,
        and never for what only a guide states."""
        if asks_guide_only(aspects):
            return None
        return self._read_article_reply(st, t, events, result)

    def _lead_reply(
        self,
        st: DialogueState,
        lead: Candidate | None,
        aspects: list[Aspect],
        t: str,
        events: Events,
        named: list[str],
        uncovered: list[str],
        result: SearchResult,
    ) -> Reply | None:
        """The answer from a lead (a `named_lead` event), or None, the events as they were, when there is none or it
        does not fit after all (its reply would be the refusal)."""
        if lead is None:
            return None
        before = len(events)
        emit(events, "named_lead", service_id=lead.guide.id)
        reply = self._answer_from(st, lead, aspects, t, events, named, uncovered, result)
        if not _refused(events, before):
            return reply
        del events[before:]
        return None

    def _past_offices(self, t: str, result: SearchResult) -> SearchResult:
        """An office named with its place ("广东农业农村厅那一关…") draws the guides named for the office (its "…查询"
        pages) before the matter asked: an unconfident search is done again without it, and kept when that finds
        the matter more surely."""
        unofficed = without_offices(t)
        if result.confident or unofficed == compact(t):
            return result
        alt = self.search(unofficed, None, top_k=TOP_K, chunks_per_hit=64, faq_top=FAQ_TOP, article_top=4)
        return alt if alt is not None and alt.confidence > result.confidence else result

    def _past_group_variants(self, t: str, aspects: list[Aspect], named: list[str]) -> list[Candidate]:
        """The candidates for everyone among the next GROUP_DEPTH guides, when variants for groups the question
        does not name fill the first ones."""
        deeper = self.search(t, None, top_k=GROUP_DEPTH, chunks_per_hit=64, faq_top=0, article_top=0)
        if deeper is None:
            return []
        hits = [h for h in deeper.hits if h.kind is DocKind.GUIDE and not for_unasked_group(h.title, t)]
        return self._candidates(t, aspects, hits[:4], deeper, named) if hits else []

    # --- replies ------------------------------------------------------------------------------------

    def _place_law(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        events: Events,
        places: list[str],
        *,
        own: bool = False,
    ) -> Reply | None:
        """A place the KB has no guides of may have its own regulations in the KB ("深圳的幼儿园招生要考试吗":
        深圳经济特区学前教育条例): an article of one in force there that answers, before saying the KB does not
        cover the place. `own`: only regulations below the national level holding there, the place's own or its
        province's (a guide was found: a national statute says no more of the place's rules than it, "北京市的居住证
        怎么办"; 广东省失业保险条例 does, for "户口在湛江，在深圳交的社保…回湛江领失业金吗")."""
        holds = local_law_holds_in if own else law_holds_in
        return self._article_reply(
            st,
            t,
            result,
            events,
            paraphrase=True,
            holds=lambda d: any(holds(d.region, p) for p in places),
        )

    def _singled_out_hits(self, t: str, hits: list[Hit]) -> list[tuple[Hit, str | None]]:
        """The guide hits (with their office) of the office the question singles out by name."""
        out = []
        for h in hits[:TOP_K]:
            g = self.host.get_guide(h.doc_id)
            if g is not None and office_singled_out(t, g.department):
                out.append((h, g.department))
        return out

    def _office_answer(
        self,
        st: DialogueState,
        t: str,
        cands: list[Candidate],
        aspects: list[Aspect],
        events: Events,
        named: list[str],
        uncovered: list[str],
        result: SearchResult,
    ) -> Reply | None:
        """The answer from the one candidate of an office the question names (`agreed_facts.office_pick`), or None."""
        office = office_pick(t, cands, [a for a in aspects if a is not Aspect.OVERVIEW])
        if office is None:
            return None
        emit(events, "office_named", service_id=office.guide.id)
        return self._answer_from(st, office, aspects, t, events, named, uncovered, result)

    def _subject(self, t: str, named: list[str]) -> str:
        """What a question names: without its aspect cue, filler and place words ("广州办护照去哪个地方" -> 护照)."""
        return without_places(self.residue(cue_spans(t)), named)

    @staticmethod
    def residue(t: str) -> str:
        """What is left of a message without aspect and filler words (a service name, if any)."""
        return residue(t)


def _offices_there(places: list[str], cands: list[Candidate]) -> list[Candidate]:
    """The guides found, of here or the province, whose name or office names one of the places."""
    return [
        c
        for c in cands
        if c.rank <= 1 and any(office_there(p, c.guide.name, c.guide.department) for p in places)
    ]


def _refused(events: Events, since: int) -> bool:
    """The reply composed after `since` events is the honest refusal."""
    return any(e.type == "unanswered" for e in events[since:])
