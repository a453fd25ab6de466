"""Replies built from a guide (answer-first from the passage that answers, the overview for a generic
question), clarifying questions, region notes and the honest "cannot answer" reply.

A mixin of the Answerer (assistant/policy/answering.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.nlg.answer import (
    ASPECT_LABEL,
    Aspect,
    Composed,
    compose_guide_answer,
    unknown_answer,
)
from assistant.nlg.passage_answer import (
    compose_passage_answer,
    follow_up_choices,
    missing_answer,
)
from assistant.nlu.deadline import asks_deadline, asks_wait, states_deadline, states_wait
from assistant.nlu.held import held_certificates
from assistant.policy.answer_common import SEARCH_FAILED_TEXT, AnswerHost, Events, emit
from assistant.policy.evidence import (
    FAQ_LEXICAL_ALONE,
    FAQ_RELATED,
    FAQ_SWITCH,
    Candidate,
    asks_same,
)
from assistant.policy.faq_evidence import asks_another_aspect, whether_for_what
from assistant.policy.linking import (
    asks_auxiliary,
    disambiguation_text,
    flow_by_words,
    flow_for_service,
    is_auxiliary,
)
from assistant.policy.name_words import asks_ending, ends_matter, step_not_served
from assistant.policy.named_lead import NAMED_SHARE, RIVALS, name_said
from assistant.policy.office_facts import office_fact_answer, office_kin
from assistant.state import DialogueState, Intent, Reply
from knowledge.schema import ServiceGuide
from retrieval.aspects import MUST_GO_TO_WINDOW
from retrieval.passages import ScoredPassage, score_passages
from retrieval.regions import home_levels_over, in_home_chain, label, province_serves
from retrieval.types import Hit, SearchResult

_UNIT_RE = re.compile(r"(?:省|市|区|县|州)$")
# a guide silent on the aspect asked quotes its conditions when they hold this share of the question's words
# (measured on the dev sets' silent replies: the conditions answering 0.23-0.27, the others 0.05 at most)
SILENT_CONDITIONS_LEXICAL = 0.2
# conditions that speak of papers to hand in or show
_PAPERS_SAID_RE = re.compile(r"材料|资料|提交|提供|携带|凭")
# whether one must go to a window, or may do it by phone or online ("需不需要去窗口申请", "可以打电话或者网上问吗，
# 还是必须到窗口"): conditions naming the ways to do it answer that
_CHANNEL_ASKED_RE = re.compile(MUST_GO_TO_WINDOW)
_CHANNEL_SAID_RE = re.compile(r"电话|网上|网站|线上|登录|窗口|现场")


def _conditions_answer(
    guide: ServiceGuide, told: ScoredPassage, question: str, region_note: str, opening: str
) -> Composed | None:
    """The guide's conditions quoted after `opening`, as the answer to a question its fields do not answer."""
    composed = compose_passage_answer(
        guide, told.passage, [Aspect.CONDITIONS], question, region_note=region_note, opening=opening
    )
    if composed is not None:
        composed.basis, composed.key = "conditions", ""
    return composed


class GuideReplies:
    """Guide-based replies; needs the Answerer's host, home region and passage cache."""

    host: AnswerHost
    home_region: tuple[str, ...]

    def _region_note(self, g: ServiceGuide, named: list[str], uncovered: list[str]) -> str:
        home = label(self.home_region)
        # (another city of the province is served by a guide of the province: "我在湛江养蚝，养殖证要延期")
        if uncovered and not province_serves(g.region_path, uncovered, self.home_region):
            where = "、".join(uncovered)
            head = f"本知识库收录的是{home}及其上级（广州市、广东省）的办事指南，没有{where}的指南。"
            if in_home_chain(g.region_path, self.home_region):
                return head + f"以下是{label(g.region_path)}的规定，仅供参考，请向{where}当地咨询："
            return head + f"以下是{label(g.region_path) or '其他地区'}的规定，仅供参考："
        # (provinces, cities, districts and counties only: a region label's word such as 城乡 names no place)
        # (nor another district of the home city, for a guide of the city or the province, or another city of the
        # province, for a guide of the province: it applies there)
        elsewhere = [
            p
            for p in named
            if _UNIT_RE.search(p)
            and not any(p in h or h in p for h in self.home_region)
            and not in_home_chain(g.region_path, self.home_region[: home_levels_over(p, self.home_region)])
        ]
        if (
            elsewhere
            and in_home_chain(g.region_path, self.home_region)
            and not any(p in g.region_path or p in label(g.region_path) for p in elsewhere)
            # (unless the guide is of another place the person names: "我在湖南做过律师，现在想来广东执业")
            and not any(p in g.region_path for p in named)
        ):
            # the person is in a place the KB covers for other matters, not this one ("我在湖南长沙，怎么办居住证")
            where = "、".join(elsewhere)
            return f"知识库中没有{where}的这项办事指南。以下是{label(g.region_path)}的规定，仅供参考，请向{where}当地咨询："
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

    def _foreign_reply(self, st: DialogueState, countries: list[str], events: Events) -> Reply:
        """A matter of a foreign country that only another Chinese place's guide touched: no guide here is
        about it."""
        where = "、".join(countries)
        emit(events, "unanswered", confidence=None)
        text = (
            f"本知识库收录的是{label(self.home_region)}等地的政务服务办事指南，没有{where}的相关规定，无法回答。"
            f"请向{where}的有关部门或其驻华使领馆咨询；国内事项可拨打12345政务服务便民热线。"
        )
        return Reply(text=text, intent=Intent.OUT_OF_SCOPE, confident=False)

    def _clarify(
        self,
        st: DialogueState,
        cands: list[Candidate],
        t: str,
        events: Events,
        result: SearchResult,
        *,
        routed: bool = False,
    ) -> Reply:
        """A choice between close guides; `routed`: offered instead of a refusal, so it says where to ask when none
        of them is meant."""
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
        if routed:
            reply.text += "\n都不是的话，可拨打12345政务服务便民热线咨询，或到就近的政务服务中心窗口咨询。"
        reply.confident = False  # a near miss: content staff see it in the unanswered queue
        return reply

    def _offer_faqs(
        self, st: DialogueState, cands: list[Candidate], t: str, events: Events, result: SearchResult
    ) -> Reply:
        """No pair clearly answers, but the closest official questions read like it: offer them (a pick
        answers that pair) rather than a bare refusal; content staff see the near miss in the queue."""
        pairs = [(c.guide, int(c.best.passage.key)) for c in cands if c.best is not None]
        choices = faq_choices(pairs, self.home_region)
        st.pending_choices, st.pending_purpose, st.pending_query = dict(choices), "answer", t
        emit(events, "clarify", candidates=list(choices), confidence=round(result.confidence, 3))
        lines = "\n".join(f"{i}. {name}" for i, name in enumerate(choices, 1))
        text = f"没有把握确定您问的是哪一个问题。您是想问：\n{lines}\n（可回复序号；都不是的话，可拨打12345政务服务便民热线咨询）"
        return Reply(text=text, choices=list(choices), intent=Intent.SERVICE_QUESTION, confident=False)

    def faq_pick(self, st: DialogueState, value: str, events: Events) -> Reply | None:
        """The person picked an offered official question ("<guide id>#faq#<n>"): answer from that pair."""
        guide_id, _, n = value.partition("#faq#")
        guide = self.host.get_guide(guide_id)
        if guide is None or not n.isdigit() or int(n) >= len(guide.faqs):
            return None
        faq = next(p for p in self._passages(guide) if p.field == "faq" and p.key == n)
        scored = ScoredPassage(faq, 1.0, 1.0, 1.0, 1.0)
        return self.guide_reply(st, guide, [], guide.faqs[int(n)].question, events, scored=scored)

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
                and not whether_for_what(guide.faqs[int(r.passage.key)].answer, question)
                and (
                    (
                        r.lexical >= FAQ_LEXICAL_ALONE
                        and (
                            not wanted
                            or r.aspect > 0
                            # many shared words, yet not an official question on another aspect ("失业登记在哪里办"
                            # and "办理失业登记需要什么条件？")
                            or (
                                r.lexical >= FAQ_SWITCH
                                and not asks_another_aspect(wanted, guide.faqs[int(r.passage.key)].question)
                            )
                        )
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
        told = next((r for r in ranked if r.passage.field == "conditions"), None)
        if (
            pick is None
            and told is not None
            and _CHANNEL_ASKED_RE.search(question)
            and _CHANNEL_SAID_RE.search(told.passage.text)
        ):
            composed = _conditions_answer(
                guide, told, question, region_note, "受理条件中关于办理方式的规定如下。"
            )
            if composed is not None:
                return composed
        if pick is None and len(wanted) == 1:
            pick = next((r for r in ranked if r.passage.field != "faq" and r.aspect > 0), None)
        if pick is None and len(wanted) == 1:
            # no field states it but the guide's own official answers do ("补贴上限" and the pair
            # "…补贴标准有哪些变化"): quote the best of them (its official question is quoted with it)
            # rather than say the guide is silent
            pick = next(
                (
                    r
                    for r in ranked
                    if r.passage.field == "faq"
                    and wanted[0] in r.passage.aspects
                    and not whether_for_what(guide.faqs[int(r.passage.key)].answer, question)
                ),
                None,
            )
        if pick is not None:
            composed = compose_passage_answer(guide, pick.passage, wanted, question, region_note=region_note)
            if composed is not None:
                composed.basis, composed.key = pick.passage.field, pick.passage.key
                return composed
            wanted = [a for a in wanted if a in pick.passage.aspects] or wanted
        if wanted and all(a in ASPECT_LABEL for a in wanted):
            offered = {a for p in self._passages(guide) for a in p.aspects}
            if not offered & set(wanted) and wanted == [Aspect.PROCESS]:
                # "残疾证怎么申请" asks how to get it done: a guide without steps still says with what papers, where
                # and how long
                composed = compose_guide_answer(guide, [], question=None)
                composed.basis = "overview"
                lead = f"{region_note}\n" if region_note else ""
                composed.text = f"{lead}该指南未载明具体办理流程，办理要点如下：\n{composed.text}"
                return composed
            if wanted == [Aspect.LOCATION] and Aspect.LOCATION not in offered and Aspect.ONLINE in offered:
                # where, of a service the record gives no place of business for but a web entry ("…预付卡备案，
                # 去边度查" and …已备案企业查询): the entry is where it is done
                wanted = [Aspect.ONLINE]
            # (or, papers asked of a guide listing none, its conditions speak of papers: "无须提交办理材料，登录…即可
            # 查看", "提供申请人的姓名和身份证号码查询", "不是行政许可，无需受理资料")
            of_papers = (
                wanted == [Aspect.MATERIALS]
                and told is not None
                and bool(_PAPERS_SAID_RE.search(told.passage.text))
            )
            if (
                not offered & set(wanted)
                and told is not None
                and (told.lexical >= SILENT_CONDITIONS_LEXICAL or of_papers)
            ):
                # silent on what was asked, but its conditions share much of the question ("残疾证烂咗可以免费换个
                # 新嘅吗" and 换领's conditions on 免费换领): say so and quote them
                label = "、".join(ASPECT_LABEL[a] for a in wanted)
                opening = f"该指南未单列{label}，受理条件中与此有关的规定如下。"
                composed = _conditions_answer(guide, told, question, region_note, opening)
                if composed is not None:
                    return composed
            if not offered & set(wanted):
                kin = office_kin(guide, wanted, question, self.search, self.host.get_guide)
                if kin is not None:  # the office's number or address, as its other services record it
                    return office_fact_answer(guide, kin, wanted, region_note)
                composed = missing_answer(guide, wanted, region_note=region_note)
                composed.basis = "missing"
                return composed
        composed = compose_guide_answer(guide, wanted, question=None)
        composed.basis = "aspects" if wanted else "overview"
        if region_note:
            composed.text = f"{region_note}\n{composed.text}"
        return composed

    def _nearby_pairs(
        self, guide: ServiceGuide, question: str, aspects: Sequence[Aspect], answered: int
    ) -> tuple[int, ...]:
        """The guide's official pairs closest to the question after the one `answered`, on their words and the
        aspect they answer (an answer found without retrieval ranking its pairs: a follow-up, a pick)."""
        wanted = [a for a in aspects if a is not Aspect.OVERVIEW]
        faqs = [p for p in self._passages(guide) if p.field == "faq" and p.key != str(answered)]
        ranked = score_passages(question, wanted, faqs, None, common=[guide.name])
        return tuple(int(r.passage.key) for r in ranked if r.lexical > 0 or r.aspect > 0)[:FAQ_RELATED]

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
        related: Sequence[int] = (),
    ) -> Reply:
        """`check_fit`: the guide was found by searching the question, so say so when it is only a
        supporting service (进度查询 / 预约) of what was asked, and mark the answer as not confident; a
        generic question that only such a service matched gets no facts, only a pointer to it.
        `related`: pairs of the guide offered as buttons after its official answer (a tap answers that pair)."""
        generic = not [a for a in aspects if a is not Aspect.OVERVIEW]
        if check_fit and generic and is_auxiliary(guide.name) and not asks_auxiliary(question):
            emit(events, "partial_match", service_id=guide.id)
            reply = self.unknown(st, events, None)
            reply.text = (
                f"没有找到与您的问题完全对应的办事指南，相关的只有「{guide.name}」。"
                f"如果您要办的正是它，请说出事项名称再问我。\n{reply.text}"
            )
            return reply
        asked_time = Aspect.TIME in aspects or not [a for a in aspects if a is not Aspect.OVERVIEW]
        if asked_time and (
            (asks_deadline(question) and states_deadline(guide.conditions))
            or (asks_wait(question) and states_wait(guide.conditions))
        ):
            # by when the person must act is a condition of the guide ("届满七日前…申请"), not its time limit;
            # so is how long they must wait first ("通过A类半年后")
            aspects = [
                Aspect.CONDITIONS if a is Aspect.TIME else a for a in aspects if a is not Aspect.OVERVIEW
            ]
            aspects = aspects or [Aspect.CONDITIONS]
        st.current_service_id = guide.id
        st.current_policy_id = None
        st.last_aspects = [a.value for a in aspects if a is not Aspect.OVERVIEW]
        # every path (follow-ups, "我要办…" without a flow) labels another place's facts with its region
        region_note = region_note or self._region_note(guide, [], [])
        composed = self._compose(guide, aspects, question, scored, region_note)
        text = self._phrase(composed, question, events)
        choices = follow_up_choices(list(aspects))
        flow = flow_for_service(guide.id, self.host.flows)
        # (the forms are the home district's: not offered to a person asking of another place)
        if flow is not None and not st.flow_id and not region_note:
            how = "网上预审（边聊边办）" if flow.kind == "precheck" else "边聊边办"
            # a flow linked through a related service is another service: never "本事项" ("残疾人证" is not
            # the 两项补贴 it relates to)
            whose = "本事项" if flow.service_id == guide.id else f"相关事项「{flow.title}」"
            text += f"\n{whose}支持{how}，回复“我要办{flow.title}”即可开始在线填写。"
            choices = [f"我要办{flow.title}"]
        if composed.basis == "faq" and composed.key.isdigit() and not st.flow_id:
            # the official question meant is often the runner-up among the guide's similar ones: one tap away
            # (after the form's button, which a pick of theirs never matches)
            n = int(composed.key)
            related = related or self._nearby_pairs(guide, question, aspects, n)
            offered = faq_choices(
                [(guide, k) for k in related if k != n], None, answered=guide.faqs[n].question
            )
            if offered:
                st.pending_choices, st.pending_purpose, st.pending_query = offered, "related", question
                choices = [*(choices if flow is not None else []), *offered]
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

    def _phrase(self, composed: Composed, question: str, events: Events) -> str:
        if self.host.phraser is None or not composed.grounded:
            return composed.text
        text, violations = self.host.phraser.render(composed.text, composed.citations, question)
        if violations:
            emit(events, "llm_rejected", violations=violations)
        else:
            emit(events, "llm_phrased")
        return text

    def _flow_guide(self, t: str, events: Events, hits: Sequence[Hit] = ()) -> ServiceGuide | None:
        """The guide of a flow whose curated words the message uses ("开个小店"), when retrieval has none; not
        when the question says much of another guide's name among the `hits` found ("…开奶茶店，要找广东电网申请
        低压用电报装…" names 低压居民报装, not 个体工商户设立登记)."""
        flow = flow_by_words(t, self.host.flows, fuzzy=True)
        guide = self.host.get_guide(flow.service_id) if flow is not None else None
        if guide is not None and hits:
            bar = max(NAMED_SHARE, name_said(t, guide.name) + 0.01)
            if any(h.doc_id != guide.id and name_said(t, h.title) >= bar for h in hits[:RIVALS]):
                return None
            # (nor when a booking or a lookup is asked and the search found that supporting service of the matter:
            # "想预约申请低保，有没有电话" and 最低生活保障业务申请预约, not the flow's 最低生活保障申请)
            if (
                asks_auxiliary(t)
                and not is_auxiliary(guide.name)
                and any(is_auxiliary(h.title) and name_said(t, h.title) >= NAMED_SHARE for h in hits[:RIVALS])
            ):
                return None
        if guide is not None and (
            step_not_served(t, guide.name) or (ends_matter(guide.name) != asks_ending(t))
        ):
            # its words name the matter, not the step asked ("个体户营业执照地址变更要带什么" is not asked of 个体工商户设立
            # 登记, nor "个体户不做了怎么注销")
            return None
        if guide is not None and flow is not None:
            # a certificate the person holds is not asked for: its service is context ("开咗间租车铺，有营业执照，
            # 可唔可以…租出去" asks nothing of 个体工商户设立登记, which issues 营业执照)
            issued = f"{guide.name} {flow.summary or ''} {' '.join(guide.process)}"
            if any(c in issued for c in held_certificates(t)):
                return None
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
        self,
        st: DialogueState,
        events: Events,
        result: SearchResult | None = None,
        *,
        failed: bool = False,
        lacking: str | None = None,
    ) -> Reply:
        """The honest refusal; `lacking`: the matter the question asks that nothing found serves, named."""
        emit(events, "unanswered", confidence=None if result is None else round(result.confidence, 3))
        text = SEARCH_FAILED_TEXT if failed else unknown_answer(lacking=lacking).text
        return Reply(text=text, intent=Intent.OUT_OF_SCOPE, confident=False)


def faq_choices(
    pairs: Sequence[tuple[ServiceGuide, int]], home: Sequence[str] | None, answered: str = ""
) -> dict[str, str]:
    """Button labels for official questions -> "<guide id>#faq#<n>" (what a pick answers). A question asked by
    several pairs (or by the pair just `answered`) is told apart by its answer's opening; another place's pair
    is labelled with its region (unless `home` is None: the reply beside them already says whose they are)."""
    questions = [g.faqs[n].question for g, n in pairs]
    choices: dict[str, str] = {}
    for (g, n), q in zip(pairs, questions, strict=True):
        opening = "".join(g.faqs[n].answer.split())[:14]  # a button label is one line
        name = q if questions.count(q) == 1 and q != answered else f"{q}（{opening}…）"
        if home is not None and g.region_path and not in_home_chain(g.region_path, home):
            name = f"{name}（{label(g.region_path)}）"
        choices.setdefault(name, f"{g.id}#faq#{n}")
    return choices
