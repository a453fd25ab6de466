"""The guide an unconfident search singles out before a refusal or a paraphrased statute: a clear lead the question
names (named_lead), the close hit it says clearly most of, one leading by far that e5 reads as asked, the variant of
the service found first that the question's words set apart, one e5 reads closer than another place's pairs; and
the near misses offered as a choice instead of a refusal (a mixin of the Answerer; the pure tests are in
policy/named_lead.py)."""

from __future__ import annotations

from dataclasses import replace

from assistant.nlu.offices import department_said, office_said, without_departments
from assistant.nlu.text import compact
from assistant.policy.evidence import Candidate
from assistant.policy.linking import singled_out
from assistant.policy.name_words import (
    QUALIFIER_RE,
    later_step_only,
    name_bigrams,
    service_stem,
    without_offices,
)
from assistant.policy.named_lead import (
    NAMED_LEAD,
    NAMED_SHARE,
    NAMED_WHOLE,
    name_said,
    named_lead,
    nearest_named,
    said_lead,
    said_most,
    said_pick,
)
from assistant.policy.variants import twin_asked
from retrieval.aspects import cue_spans
from retrieval.paraphrase import ParaphraseScorer
from retrieval.types import Hit

# the first guide hit leading the next other service by this share of its score ...
READ_LEAD = 0.25
# ... whose name e5 reads this close to the question answers before a refusal (measured over the dev sets'
# refusals: right guides 0.905-0.921 with such a lead; the out-of-scope and wrong ones with it up to 0.899)
READ_NAME = 0.905
# ... or by NAMED_LEAD when e5 reads it this close (dev sets' refusals: 7 right first guides, 2 wrong)
READ_NAME_STRONG = 0.915
# the share of a service's name (without its variant's qualifier) a question picking one of its variants by their
# own words must say (measured: 0.27-0.36 for the right ones on blind29, 0 for an out-of-scope question)
STEM_SAID = 0.25
# a refusal becomes a choice of the first candidates when e5 reads one of the first three guide names this close
# to the question and the question says this share of its name (measured over the dev sets' refusals: 46 in-scope
# refusals became such a choice, 35 of them offering the right guide; no out-of-scope line but those naming another
# place or country, which get their own replies first; the closest other out-of-scope names read 0.899 and 0.898)
NEAR_READ = 0.905
NEAR_SAID = 0.15
# the question's own pairs of a name it must say to pick it among those a clarifying question would offer
SAID_PAIRS = 4
# a first guide hit leading the next other service by this share of its score goes before a paraphrased statute
# (0.4 until the eighteenth session; 0.3 gained two dev lines and lost none)
CLEAR_LEAD = 0.3


def _leads(guide_hits: list[Hit]) -> tuple[float, float]:
    """The first hit's lead (a share of its score, > 0) over the next other service and over the next other name:
    variants of one service ("无线电台…审批（新申请）(公众移动通信基站…)" and its other kinds of station) are one service
    to lead, and the first must still stand out among them."""
    first = guide_hits[0]
    stem = service_stem(first.title)
    other = next((h.score for h in guide_hits if service_stem(h.title) != stem), 0.0)
    variant = next((h.score for h in guide_hits if h.title != first.title), 0.0)
    return (first.score - other) / first.score, (first.score - variant) / first.score


def _nearest(t: str, name: str, cands: list[Candidate]) -> Candidate | None:
    """Of the candidates named `name`, the nearest place's; of twins of one rank, the one asked of ("向省公安报批"
    asks the province's 弩的进口审批, not the city's)."""
    lead = nearest_named(name, cands)
    return twin_asked(t, lead, cands) if lead is not None else None


class GuideLeads:
    """Needs the Answerer's e5 scorer, `_reads_closer` (GuideChoice) and `_paper_named_only` (GuideFit)."""

    paraphrase: ParaphraseScorer | None

    def _read_alone(self, t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """The candidate of the first guide hit when it leads the next other service by READ_LEAD and e5 reads its
        name READ_NAME close to the question (or by NAMED_LEAD, read READ_NAME_STRONG close), marked `read`."""
        scorer = self.paraphrase
        if scorer is None or not guide_hits or guide_hits[0].score <= 0:
            return None
        first = guide_hits[0]
        over_others, over_variants = _leads(guide_hits)
        if over_others < NAMED_LEAD or over_variants < NAMED_LEAD:
            return None
        read = scorer.similarity(t, first.title)
        if read < (READ_NAME if over_others >= READ_LEAD else READ_NAME_STRONG):
            return None
        lead = _nearest(t, first.title, cands)
        return replace(lead, read=True) if lead is not None else None

    def _wide_read(self, t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """_read_alone for a lead of READ_LEAD or more only: one service standing far ahead of those a clarifying
        question would offer, e5 reading its name as what is asked."""
        if not guide_hits or guide_hits[0].score <= 0 or _leads(guide_hits)[0] < READ_LEAD:
            return None
        return self._read_alone(t, cands, guide_hits)

    def _last_lead(self, t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """The guide answering before a refusal: found first by a clear lead, most of whose name the question says
        (named_lead), or the close one it says clearly most of, or one leading by far that e5 reads as asked; not one
        for a later step the question does not ask ("拿她的医保卡去药店帮她买药行不行" and 社会保障卡补换), nor one whose
        name holds only the paper asked about."""
        # the office said is who, not what ("南方联合产权交易中心有啲实物资产挂牌" and 实物资产信息查询, not 产权交易项目查询)
        asked = without_departments(t, [c.guide.department for c in cands])
        asked = t if asked == compact(t) else asked
        # ... and when one service found is that office's, that one ("走私案件由黄埔海关办理，想在网上查案件情况" and
        # 黄埔海关's 刑事案件查询 behind other offices' 案件查询), if the question says part of its name too ("黄埔海关几点
        # 下班" asks none of its services)
        # (the office said by its own name too: "送去省中药研究所检测…咨询一下检测服务的流程" and 中药研究所's
        # 检测/技术服务流程查看, not another office's 检测服务)
        theirs = {
            c.guide.name: c
            for c in cands
            if department_said(t, c.guide.department) or office_said(t, c.guide.department)
        }
        office = next(iter(theirs.values())) if len(theirs) == 1 else None
        if office is not None and name_said(asked, office.guide.name) < NEAR_SAID:
            office = None
        lead = (
            office
            or self._named_lead(asked, cands, guide_hits)
            or self._said_lead(asked, cands, guide_hits)
            # (e5 reads the question as said: it has embedded that text already)
            or self._read_alone(t, cands, guide_hits)
            or self._variant_said(asked, cands, guide_hits)
        )
        if (
            lead is None
            or later_step_only(asked, lead.guide.name)
            or self._paper_named_only(asked, lead.guide.name)
        ):
            return None
        return lead

    @staticmethod
    def _variant_said(t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """Of the variants of the service found first, leading other services by NAMED_LEAD, the one the question's
        own words set apart ("剧团的舞美设计想报名参加省艺术节的评奖" and 对广东省艺术节的表彰奖励(舞美设计表彰奖励)
        among its 舞剧类 / 编剧 … variants): the search is unsure only because the variants score alike."""
        if not guide_hits or guide_hits[0].score <= 0 or _leads(guide_hits)[0] < NAMED_LEAD:
            return None
        stem = service_stem(guide_hits[0].title)
        names = list(dict.fromkeys(h.title for h in guide_hits if service_stem(h.title) == stem))
        # (the service itself must be said in part: "煲老火汤一般要煲几耐" says only the 一般 of 火灾事故认定复核(对支队
        # 作出的一般火灾事故认定的复核))
        if len(names) < 2 or name_said(t, stem) < STEM_SAID:
            return None
        one = singled_out(cue_spans(t), names, formal=False)
        return None if one is None else _nearest(t, names[one], cands)

    def _clear_lead(self, t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """The candidate of the first guide hit when it leads the next other service by CLEAR_LEAD and the question
        says NAMED_SHARE of its name or e5 reads its name READ_NAME close."""
        if not guide_hits or guide_hits[0].score <= 0:
            return None
        first = guide_hits[0]
        over_others, over_variants = _leads(guide_hits)
        if over_others < CLEAR_LEAD or over_variants < NAMED_LEAD:
            return None
        scorer = self.paraphrase
        if name_said(t, first.title) < NAMED_SHARE and (
            scorer is None or scorer.similarity(t, first.title) < READ_NAME
        ):
            return None
        lead = _nearest(t, first.title, cands)
        if lead is None or later_step_only(t, lead.guide.name) or self._paper_named_only(t, lead.guide.name):
            return None
        return lead

    def _read_lead(
        self, t: str, cands: list[Candidate], guide_hits: list[Hit], offered: list[Candidate]
    ) -> Candidate | None:
        """The candidate of the first guide hit when e5 reads its name LEAD_OVER_PAIR closer to the question than
        the official question of every pair about to be offered."""
        if not guide_hits or any(c.best is None for c in offered):
            return None
        if not self._reads_closer(t, guide_hits[0].title, offered):
            return None
        return _nearest(t, guide_hits[0].title, cands)

    @staticmethod
    def _said_lead(t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """Of close guide hits, the candidate whose name the question says clearly most of (the nearest place's)."""
        return said_pick(t, said_lead(t, guide_hits, lambda h: h.title), cands)

    def _near_reads(self, t: str, cands: list[Candidate], guide_hits: list[Hit]) -> list[Candidate]:
        """The candidates to offer instead of a refusal: the first three, when e5 reads one of the first three
        guide hits NEAR_READ close to the question and the question says NEAR_SAID of its name (a near miss the
        person can pick in one tap: "…省作协办嘅文学杂志…电话几多号" and 省作协期刊查询 behind two 电话咨询 guides);
        [] otherwise."""
        scorer = self.paraphrase
        if scorer is None or len(cands) < 2:
            return []
        # (the share said first: e5 embeds a name it has not read before, which costs the turn time)
        near = any(
            name_said(t, h.title) >= NEAR_SAID and scorer.similarity(t, h.title) >= NEAR_READ
            for h in guide_hits[:3]
        )
        return cands[:3] if near else []

    @staticmethod
    def _said_among(t: str, cands: list[Candidate]) -> Candidate | None:
        """Of the candidates a clarifying question would offer, the one whose name the question says clearly most of
        and nearly whole, four pairs at least ("报名注册测绘师考试，资格审核那里有点问题" and 注册测绘师考试报名, not
        医师…报名资格审核; not 电话咨询(（个人）) for "…加装电梯的规划审批，有没有咨询电话")."""
        name = said_most(without_offices(t), [c.guide.name for c in cands])
        if name is None or name_said(t, name) < NAMED_WHOLE:
            return None
        pairs = name_bigrams(QUALIFIER_RE.sub("", name))
        if len(pairs & name_bigrams(t)) < SAID_PAIRS:
            return None
        return said_pick(t, name, cands)

    @staticmethod
    def _named_lead(t: str, cands: list[Candidate], guide_hits: list[Hit]) -> Candidate | None:
        """The candidate of the first guide hit when it leads clearly and the question says most of its name (of
        the same service of several places, the nearest's: "我在广州南沙有一片海域使用权" -> the city's)."""
        if not guide_hits or not named_lead(t, guide_hits, lambda h: h.title):
            return None
        return _nearest(t, guide_hits[0].title, cands)
