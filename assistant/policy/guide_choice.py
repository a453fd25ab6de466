"""Which guide answers a question: the guide search links to, unless an official FAQ, a variant the question
names, the place asked about / the home region or a clarifying question between close variants says otherwise.

A mixin of the Answerer (assistant/policy/answering.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.nlg.answer import Aspect, compose_guide_answer, detect_aspects
from assistant.nlu.text import compact
from assistant.policy.agreed_facts import office_pick, pair_set_aside
from assistant.policy.answer_common import Events, emit
from assistant.policy.candidate_filters import name_little, none_say_certificate
from assistant.policy.evidence import (
    CHOICES_COVER,
    CLOSE,
    FAQ_LEXICAL,
    FAQ_SWITCH,
    LAW_ARTICLE_LEXICAL,
    NAMED_COVER,
    NAMED_TOLD,
    TOP_K,
    Candidate,
    base_variant,
    distinct_pick,
    name_cover,
    name_told,
    names_kind,
    nearest,
    same_answer,
    telling_pick,
)
from assistant.policy.faq_evidence import asks_official, plain_howto
from assistant.policy.linking import (
    AUX_RATIO,
    asks_auxiliary,
    asks_notary,
    is_auxiliary,
    is_notary,
    link_service,
    not_progress_lookups,
)
from assistant.policy.name_words import (
    QUALIFIER_RE,
    later_step_only,
    names_step_thing,
    sole_term_holder,
    step_not_served,
    step_thing,
    steps_asked,
)
from assistant.policy.named_lead import NAMED_SHARE, name_said, named_most, said_most, said_pick
from assistant.policy.service_pick import (
    close_step_server,
    holder,
    resident_variant,
    said_in_full,
    step_server,
    told_lead,
    worded_lead,
)
from assistant.policy.variants import (
    crossing_variant,
    named_place_variant,
    ordinary_counterparts,
    same_service_once,
    twin_asked,
    zones_unasked,
)
from assistant.state import DialogueState, Reply
from retrieval.regions import named_places
from retrieval.types import DocKind, SearchResult

# a wish and its verb before what is named ("想开个体户", "要办居住证")
_WISH_RE = re.compile(r"^(?:想|要|打算|准备)?(?:开|办|申请|办理|搞|整|做)?")
# a question word or mark: the message asks something, not only names what it is about
_ASKS_SOMETHING = re.compile(r"[吗呢？?]|怎|什么|如何|哪|几|多少|是否|能否|可否|可以|能不能|咩|点样|边度|唔")


# another place's pair sharing fewer of the question's words than this share ...
PAIR_FEW_WORDS = 0.25
# ... or next to none (fewer than this share)
PAIR_NO_WORDS = 0.1
# ... gives way to a named lead of here whose name e5 reads this much closer to the question than the pair's
# question (measured: the pair on 报装咨询电话 for "…营造林…资质…哪个电话能咨询", 0.906 against 0.952)
LEAD_OVER_PAIR = 0.02


# a guide name the pair's question holds whole is the service it is about, when at least this long
PAIR_NAMED_LEN = 6


def pair_names_guide(
    t: str, cands: list[Candidate], faq: Candidate, wanted: list[Aspect]
) -> Candidate | None:
    """Another place's official pair about a service a nearer place's guide found is named for, by its question
    ("科技成果转化暂不征收个人所得税备案办理地址如何查找？" of 长沙 and the province's …个人所得税备案): that guide,
    the first found, when the question says much of its name and the guide states the aspect asked; else None
    (the pair says who fills in the form, "…备案表，是给谁填的", and the guide does not)."""
    if faq.best is None or not wanted:
        return None
    pair = compact(faq.guide.faqs[int(faq.best.passage.key)].question)
    for c in cands:
        base = compact(QUALIFIER_RE.sub("", c.guide.name))
        if (
            c.rank < faq.rank
            and len(base) >= PAIR_NAMED_LEN
            and base in pair
            and name_said(t, base) >= NAMED_SHARE
            and not compose_guide_answer(c.guide, wanted).missing
        ):
            return c
    return None


class GuideChoice:
    """The choice between candidate guides; needs the Answerer's host, `disambiguate` (GuideReplies) and the leads
    of GuideLeads (`_named_lead`, `_read_alone`)."""

    @staticmethod
    def _asked(t: str) -> list[Aspect]:
        return detect_aspects(t)

    def _nearer_twin(
        self, t: str, result: SearchResult, faq: Candidate | None, cands: list[Candidate]
    ) -> Candidate | None:
        """The same service of a nearer place than the official pair's (花都区's 新生儿出生一件事 beside 长沙市's),
        found by the search: its overview answers a question asking nothing specific ("生小孩之后怎么报户口"), not
        the other place's pair, unless that pair is asked word for word. (An aspect asked still gets the pair that
        states it, labelled with its region.)"""
        if faq is None or faq.best is None or [a for a in self._asked(t) if a is not Aspect.OVERVIEW]:
            return None
        if asks_official(t, faq.guide.faqs[int(faq.best.passage.key)]):
            return None
        twin = next((c for c in cands if c.guide.name == faq.guide.name and c.rank < faq.rank), None)
        if twin is not None:
            return twin
        same = [
            h
            for h in result.hits
            if h.kind is DocKind.GUIDE and h.title == faq.guide.name and h.doc_id != faq.guide.id
        ]
        if not same:
            # the question's words did not find it: the pair's service name does
            by_name = self.search(faq.guide.name, [DocKind.GUIDE], top_k=TOP_K)
            hits = by_name.hits if by_name is not None else []
            same = [h for h in hits if h.title == faq.guide.name and h.doc_id != faq.guide.id]
        named = named_places(t, self.known_units())
        found = self._candidates(t, [], same, result, named) if same else []
        return next((c for c in found if c.rank < faq.rank), None)

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
        chosen = self._choose_among(st, t, result, cands, faq, events, subject)
        if isinstance(chosen, Candidate) and chosen is not faq:
            chosen = twin_asked(t, chosen, cands)  # the same service of several places: the one asked of
            chosen = named_place_variant(chosen, cands)
        if faq is not None and chosen is faq:
            twin = self._nearer_twin(t, result, faq, cands)
            if twin is not None:
                emit(events, "region_preferred", service_id=twin.guide.id, over=faq.guide.id)
                return replace(twin, vouched=True)
        return chosen

    def _lead_over_pair(
        self, t: str, result: SearchResult, cands: list[Candidate], faq: Candidate
    ) -> Candidate | None:
        """A guide of a nearer place found first by a clear lead, most of its name said, that e5 reads clearly
        closer to the question than another place's pair sharing few of its words; else None."""
        if faq.best is None or faq.best.lexical >= PAIR_FEW_WORDS:
            return None
        guide_hits = [h for h in result.hits if h.kind is DocKind.GUIDE]
        lead = self._named_lead(t, cands, guide_hits)
        if lead is not None and lead.rank < faq.rank and self._reads_closer(t, lead.guide.name, [faq]):
            return lead
        # a pair sharing next to no word gives way to a guide found first by a lead that e5 reads as asked (as it
        # would answer before a refusal), read closer than the pair at all ("…报水土保持方案给省里批…要交一份电子矢量
        # 数据" and 生产建设项目水土保持方案审批, 22% ahead, not 芙蓉区's "…是否只填写一份申请？")
        if faq.best.lexical >= PAIR_NO_WORDS:
            return None
        read = self._read_alone(t, cands, guide_hits)
        if read is None or read.rank >= faq.rank:
            return None
        return read if self._reads_closer(t, read.guide.name, [faq], margin=0.0) else None

    def _reads_closer(
        self, t: str, name: str, pairs: list[Candidate], margin: float = LEAD_OVER_PAIR
    ) -> bool:
        """e5 reads the guide name `margin` closer to the question than every pair's official question."""
        scorer = self.paraphrase
        questions = [c.guide.faqs[int(c.best.passage.key)].question for c in pairs if c.best is not None]
        if scorer is None or not questions:
            return False
        return scorer.similarity(t, name) - max(scorer.similarity(t, q) for q in questions) >= margin

    def _choose_among(
        self,
        st: DialogueState,
        t: str,
        result: SearchResult,
        cands: list[Candidate],
        faq: Candidate | None,
        events: Events,
        subject: str = "",
    ) -> Candidate | Reply | None:
        """_choose before the home region's twin of an official pair is looked for."""
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
        wanted = [a for a in self._asked(t) if a is not Aspect.OVERVIEW]

        # "出生证怎么办" names the matter only: the guide's overview, not one of its pairs
        # (so does a bare wish or name asking nothing: "我想开个体户", "开个体户")
        what = _WISH_RE.sub("", subject)
        howto = not wanted and len(what) <= 4 and (plain_howto(t) or not _ASKS_SOMETHING.search(t))

        def own(c: Candidate) -> Candidate:
            """The guide picked among close ones, or its own official pair when that one answers and no field of
            the guide states the aspect asked ("申报高新技术企业时，为啥纳税数据还要人去审？" names little of the
            guide: its overview would not fit, its pair "税务信息为什么是人工核验？" answers)."""
            if not (faq_ok and faq is not None and faq.guide.id == c.guide.id):
                return c
            if howto:
                return c
            on_field = bool(wanted) and c.best is not None and c.best.aspect >= 1.0
            return c if on_field else faq

        if link.ambiguous:
            choices = {k: v for k, v in link.choices.items() if v in by_id} or link.choices
            if not asks_notary(t):
                # a notary's guide is no choice for a question not about notarization ("出生证怎么办")
                choices = {
                    k: v for k, v in choices.items() if v not in by_id or not is_notary(by_id[v].guide.name)
                } or choices
            if steps_asked(t):
                # guides for another step than the one asked are no choice ("驾驶证到期换证" and 持境外驾驶证申领),
                # nor guides for that step of another thing ("营业执照怎么注销" and 律师执业证书注销审核)
                choices = {
                    k: v
                    for k, v in choices.items()
                    if v in by_id
                    and not step_not_served(t, by_id[v].guide.name)
                    and names_step_thing(t, by_id[v].guide.name)
                }
                if not choices:
                    return None
            # the same service of several places is no choice to offer: the one of the place asked / home region
            # (nor is a zone's own office beside the place's other offices, unless the zone is named)
            listed = zones_unasked(t, [by_id[v] for v in choices.values() if v in by_id])
            once = {c.guide.id for c in same_service_once(listed, t)}
            if once and len(once) < len(choices):
                dropped = next(v for v in choices.values() if v in by_id and v not in once)
                choices = {k: v for k, v in choices.items() if v in once or v not in by_id}
                if len(choices) == 1:
                    kept = by_id[next(iter(choices.values()))]
                    emit(events, "region_preferred", service_id=kept.guide.id, over=dropped)
                    return own(kept)
            # a public-sector variant beside its ordinary counterpart is no choice for a question naming neither
            # (when it asks something specific; a generic one must name the service it gets)
            listed = [by_id[v] for v in choices.values() if v in by_id]
            ordinary = {c.guide.id for c in ordinary_counterparts(t, listed)} if wanted else set()
            if ordinary and len(ordinary) < len(listed):
                choices = {k: v for k, v in choices.items() if v in ordinary or v not in by_id}
                if len(choices) == 1:
                    kept = by_id[next(iter(choices.values()))]
                    emit(events, "base_variant", service_id=kept.guide.id)
                    return own(kept)
            # a move across a city's or a province's bounds, and the one variant for it ("…从佛山的律所跳槽到广州…")
            crossing = crossing_variant(t, [by_id[v] for v in choices.values() if v in by_id])
            if crossing is not None:
                emit(events, "crossing_variant", service_id=crossing.guide.id)
                return own(crossing)
            same = same_answer(choices, by_id, wanted)
            if same is not None:
                # the same answer, but the reply names its guide: the one whose name the question says most of
                # ("我是大学法学老师，想申请兼职律师执业…多久": 兼职律师执业许可, not 专职律师执业许可(在外省转入…))
                same = named_most(t, [by_id[v] for v in choices.values() if v in by_id], same)
                emit(events, "base_variant", service_id=same.guide.id)
                return own(same)
            base = base_variant(t, choices) or distinct_pick(t, choices) or telling_pick(t, choices)
            if base is not None and base in by_id:
                emit(events, "base_variant", service_id=base)
                return own(by_id[base])
            # a later step asked that one of them alone serves ("律师执业证用旧了想换本新的": 补证、换证), or words
            # of one of them that no other has ("M字签证延期" among 延期M字 / L字 / G字签证; twins left as one)
            listed = same_service_once([by_id[v] for v in choices.values() if v in by_id], t)
            serving = step_server(t, listed, self._serves_step)
            if serving is not None:
                emit(events, "step_served", service_id=serving.guide.id)
                return own(serving)
            resident = resident_variant(t, listed) if len(listed) > 1 else None
            if resident is not None:
                emit(events, "group_variant", service_id=resident.guide.id)
                return own(resident)
            worded = worded_lead(t, listed) if len(listed) > 1 else None
            if worded is not None:
                emit(events, "worded_lead", service_id=worded.guide.id)
                return own(worded)
            told = told_lead(t, listed) if len(listed) > 1 else None
            if told is not None:
                # the question tells one name nearly whole ("想喺广东围垦一段河道" and 围垦河道 beside 河道管理范围内…)
                emit(events, "told_lead", service_id=told.guide.id)
                return own(told)
            sole = sole_term_holder(t, [c.guide.name for c in listed]) if len(listed) > 1 else None
            if sole is not None:
                # a term of the question only one of them holds ("我系现役军人，揸住部队发嘅摩托车驾驶证…")
                emit(events, "worded_lead", service_id=listed[sole].guide.id)
                return own(listed[sole])
            # one of them holds all the question names ("办居住证要带身份证吗" -> 居住证: not 居民身份证明的开具)
            picked = holder(subject, [by_id[v] for v in choices.values() if v in by_id])
            if picked is not None:
                emit(events, "base_variant", service_id=picked.guide.id)
                return own(picked)
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
                return own(by_id[preferred[0]])
            # none of the close guides names what was asked ("上下班路上出车祸算工伤吗" and 工伤…资格认证 /
            # …转诊转院): a statute that answers it goes before a choice between them
            listed = [by_id[v] for v in choices.values() if v in by_id]
            # (nor do notaries' guides name it for a question not about notarization: "离婚要带什么")
            # (nor do guides not saying the certificate asked by name: "健康证要多少钱" and 健康资讯)
            if listed and (
                all(name_cover(subject or t, c.guide, formal=True) < CHOICES_COVER for c in listed)
                # ... or the word the subject opens with, its kind ("失业保险金" and 养老保险待遇申领 …), is in none
                or not any(names_kind(subject, c.guide) for c in listed)
                or (not asks_notary(t) and all(is_notary(c.guide.name) for c in listed))
                or none_say_certificate(t, subject, listed)
            ):
                # another place's regulation does not go before a choice between guides of here
                law = self._article_reply(
                    st,
                    t,
                    result,
                    events,
                    on_aspect=bool(wanted),
                    min_lexical=LAW_ARTICLE_LEXICAL,
                    in_force_only=min(c.rank for c in listed) <= 1,
                    formal_shared=True,
                )
                if law is not None:
                    return law
                if name_little(t, subject, listed):
                    return None  # no choice between them ("小孩读小学要什么材料" and 中小学地方课程教材初审 / 复查 / 审定)
            # one of them the question says clearly most of is the one asked (not when it names the matter but not
            # the step asked)
            picked = said_pick(t, said_most(t, [c.guide.name for c in listed]), listed)
            if picked is not None:
                emit(events, "named_lead", service_id=picked.guide.id)
                return own(picked)
            # a service beside the lookup of its cases' progress, of a question asking no progress: the service
            kept = not_progress_lookups(t, [c.guide.name for c in listed])
            if len(listed) > 1 and len(kept) == 1:
                emit(events, "base_variant", service_id=listed[kept[0]].guide.id)
                return own(listed[kept[0]])
            office = office_pick(t, listed, wanted)
            if office is not None:
                emit(events, "office_named", service_id=office.guide.id)
                return own(office)
            return self.disambiguate(st, choices, t, "answer", events)
        chosen = by_id.get(link.service_id or "")
        if chosen is not None and steps_asked(t) and step_not_served(t, chosen.guide.name):
            # the guide linked is for another step than the one asked ("证书名打错了" and 遗失…证书补发申请): a
            # candidate serving it that retrieval ranks close (CLOSE) or higher, if any (更正职业资格证书信息申请)
            serving = [
                c
                for c in cands
                if not step_not_served(t, c.guide.name)
                and names_step_thing(t, c.guide.name)
                # (a close one only when the question says what the step is done to: "在广州换领中国驾驶证")
                and c.doc_score >= chosen.doc_score * (CLOSE if step_thing(t) is not None else 1.0)
            ]
            if serving:
                emit(events, "step_served", service_id=serving[0].guide.id)
                chosen = serving[0]
        if chosen is not None and is_notary(chosen.guide.name) and not asks_notary(t):
            # a notary's guide linked for a question not about notarization: the next close guide, if any
            plain = [
                c
                for c in cands
                if not is_notary(c.guide.name) and c.doc_score >= chosen.doc_score * AUX_RATIO
            ]
            chosen = plain[0] if plain else chosen
        if chosen is not None and len(subject) >= 2 and name_cover(subject, chosen.guide, formal=True) < 1.0:
            # the guide linked does not hold what the question names and exactly one candidate does
            named_one = holder(subject, [c for c in cands if asks_notary(t) or not is_notary(c.guide.name)])
            if named_one is not None:
                emit(events, "base_variant", service_id=named_one.guide.id)
                chosen = named_one
        said = said_in_full(t, chosen, cands) if chosen is not None else None
        if said is not None:
            emit(events, "named_lead", service_id=said.guide.id)
            chosen = said
        if chosen is None:
            # no confident guide: an official FAQ the question clearly asks still answers it, unless it is another
            # place's pair sharing few words and a guide of here leads clearly, most of its name said ("…营造林
            # 这方面的资质要求，林业局哪个电话能咨询" and 营造林资质咨询, not 长沙's pair on 报装咨询电话)
            lead = self._lead_over_pair(t, result, cands, faq) if faq_ok and faq is not None else None
            if lead is not None:
                emit(events, "named_lead", service_id=lead.guide.id)
                return lead
            named = pair_names_guide(t, cands, faq, wanted) if faq_ok and faq is not None else None
            if named is not None:
                emit(events, "region_preferred", service_id=named.guide.id, over=faq.guide.id)
                return own(named)
            # (not another province's pair sharing only words of asking with it: "楼下新开咗间诊所…打哪个电话可以咨询"
            # and 长沙's "是否能够提供…报装咨询电话")
            # (nor one of another office than the one the question names, behind that office's guides)
            if faq_ok and faq is not None and not pair_set_aside(t, cands, faq):
                emit(events, "passage_evidence", service_id=faq.guide.id)
                return faq
            # a later step asked that one close guide alone serves, its name saying the thing the step is done to
            # ("检疫证已经开咗，而家想改下证上面嘅资料" and 出省《植物检疫证书》变更, behind 引进林木种子、苗木检疫咨询)
            serving = close_step_server(t, cands)
            if serving is not None:
                emit(events, "step_served", service_id=serving.guide.id)
                return own(serving)
            # no guide is confident, but the one of the office the question names states what is asked ("想查珠江水利
            # 委员会作出的行政决定书…办理时限" and 决定书查询)
            office = office_pick(t, cands, wanted)
            if office is not None:
                emit(events, "office_named", service_id=office.guide.id)
                return own(office)
            return None
        if faq_ok and faq is not None and faq.best is not None:
            if faq.guide.id == chosen.guide.id:
                return chosen if howto else faq  # the linked guide's own official FAQ answers it
            # the linked guide says nothing on it: few of the question's words and no passage on the aspect
            # asked ("低保的申请条件" names 最低生活保障 by its short name; its conditions still answer)
            weak = chosen.best is None or (chosen.best.lexical < 0.25 and chosen.best.aspect < 1.0)
            # ... or it serves only a later step the question does not ask ("什么人可以申请办社会保障卡" and
            # 社会保障卡补换), and the pair does not
            pair = faq.guide.faqs[int(faq.best.passage.key)]
            later_only = (
                later_step_only(t, chosen.guide.name)
                and not later_step_only(t, f"{faq.guide.name} {pair.question}")
                and faq.best.lexical >= FAQ_LEXICAL
                and faq.best.aspect >= 1.0
            )
            # a question asking nothing specific would get only the linked guide's overview: an official
            # answer (labelled with its region) says more
            generic = not wanted
            # the official answer of the place the person names goes before another place's guide
            local = faq.rank == 0 < chosen.rank
            # another place's official answer does not replace the guide of a nearer place that the question
            # names ("社保卡丢了怎么办": 社会保障卡补换 here, not 员工录用 in 长沙)
            nearer_named = (
                faq.rank > chosen.rank
                and name_cover(t, chosen.guide, formal=True) >= NAMED_COVER
                and name_told(t, chosen.guide) >= NAMED_TOLD
            )
            # ... for a question asking nothing specific: the named guide's overview is the answer
            named_overview = generic and nearer_named
            if (
                local
                or later_only
                or (
                    faq.best.lexical >= FAQ_SWITCH
                    and (faq.rank <= chosen.rank or (weak and not named_overview))
                )
                or (
                    generic
                    and faq.best.aspect == 0.5
                    and faq.best.lexical >= FAQ_LEXICAL
                    and not nearer_named
                )
            ):
                emit(events, "passage_evidence", service_id=faq.guide.id, over=chosen.guide.id)
                return faq
        # region: a close candidate of the named place / home region wins over another place's guide
        close = [c for c in cands if c.doc_score >= chosen.doc_score * CLOSE]
        better = nearest(close)
        if better.rank < chosen.rank:
            emit(events, "region_preferred", service_id=better.guide.id, over=chosen.guide.id)
            chosen = better
        return chosen
