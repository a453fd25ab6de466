"""Whether the guide chosen answers the question: a lost document, a later step, a notary's guide, a name saying
too little of a generic question, a certificate it does not name; the statute or an honest refusal when it does
not, its region labelled when it does (a mixin of the Answerer; pure apart from the host's calls)."""

from __future__ import annotations

import re

from assistant.nlg.answer import Aspect
from assistant.nlg.passage_answer import asked_thing
from assistant.nlu.situation import asks_may
from assistant.nlu.text import compact
from assistant.policy.answer_common import Events, emit
from assistant.policy.evidence import (
    LAW_ARTICLE_LEXICAL,
    NAME_COVER,
    TOP_K,
    Candidate,
    asks_guide_only,
    name_cover,
    name_told,
)
from assistant.policy.linking import asks_auxiliary, asks_notary, is_auxiliary, is_notary, looks_up_progress
from assistant.policy.name_words import (
    after_loss,
    asks_ending,
    asks_later_step,
    before_bracket,
    certificate_unnamed,
    ends_matter,
    lacking_matter,
    later_step_only,
    lost_but_not_replaced,
    names_a_term,
    names_step_holder,
    names_whole_matter,
    renewal_not_served,
    serves_later_step,
    step_not_served,
    step_thing,
    steps_asked,
    thing_named,
    without_places,
)
from assistant.policy.named_lead import NAMED_SHARE, name_said
from assistant.state import DialogueState, Reply
from knowledge.schema import ServiceGuide
from retrieval.aspects import cue_spans
from retrieval.passages import content_bigrams
from retrieval.regions import about_abroad, foreign_countries, province_serves
from retrieval.types import DocKind, Hit, SearchResult

# the hits looked through for another variant of a service, for the step asked
SIBLINGS = 4
# a thing asked about that is a document (not "开律师事务所")
_DOCUMENT_RE = re.compile(r"(?:合同|协议|证明|复印件|原件|证书|执照|证|本|簿|照片|发票|卡|表|书)$")
# a yes/no question ("能不能…", "…吗"): asked of a service, its conditions answer it
_YES_NO_RE = re.compile(r"能不能|可不可以|要不要|需不需要|是否|(?:吗|么|不)[?？。]?$")

# the cases in which one may do a thing ("公积金提取有哪些情形", "什么情况下能把公积金取出来"), not its conditions
_CASES_RE = re.compile(r"(?:哪些|哪几种|哪种|什么|啥|乜)(?:情形|情况)|(?:情形|情况)(?:有|是)?(?:哪些|哪几种)")
# ... which an article listing them answers ("有下列情形之一的，可以提取…")
_LISTS_CASES_RE = re.compile(r"下列(?:情形|情况)|(?:情形|情况)之一")

# an item of an article's list ("(二)离休、退休的；")
_ITEM_RE = re.compile(r"^\s*[(（][一二三四五六七八九十]+[)）][^\n]*", re.M)


def _lists_told_case(article: str, words: set[str]) -> bool:
    """One of the question's words is in an item of the article's list (退休 in "(二)离休、退休的；")."""
    items = " ".join(m.group(0) for m in _ITEM_RE.finditer(article))
    return any(w in items for w in words)


class GuideFit:
    """Needs the Answerer's lookups and replies (search, residue, _subject, _article_reply, unknown, guide_reply …)."""

    home_region: tuple[str, ...]

    def _asks_step_only(self, t: str) -> bool:
        """The question asks a lost document, an expired card or a later step of a thing, and nothing else: not
        "中专毕业证丢了，开中职学力证明书要多长时间", which asks for the certificate standing in for it."""
        rest = after_loss(t)
        if rest is not None and len(self.residue(rest)) >= 4:
            return bool(steps_asked(t))
        return asks_later_step(t)

    def _named_first(self, t: str, hits: list[Hit]) -> list[Hit]:
        """A document asked about or lacked names no service ("办居住证没有租房合同怎么办" is not about 住房公积金租房
        提取): the guides the rest of the question finds come first."""
        thing = asked_thing(t)
        if not thing or not _DOCUMENT_RE.search(thing):
            return hits  # "开律师事务所" is no document
        if steps_asked(thing):
            return hits  # a step of the paper asked ("…还得专门申请注销执业证书") names the service
        rest = compact(t).replace(thing, "")
        if len(self.residue(cue_spans(rest))) < 2:
            return hits
        by_rest = self.search(rest, [DocKind.GUIDE], top_k=TOP_K)
        # (an unconfident search without it still goes first when the guide found first names only that paper: "去
        # 税务局查…公开的欠税信息，去查的时候需要带身份证吗" and 中国税收居民身份证明的开具)
        if by_rest is None or not (by_rest.confident or (hits and self._paper_named_only(t, hits[0].title))):
            return hits
        first = [h for h in by_rest.hits if h.kind is DocKind.GUIDE][:2]
        ids = {h.doc_id for h in first}
        return first + [h for h in hits if h.doc_id not in ids]

    @staticmethod
    def _paper_named_only(t: str, name: str) -> bool:
        """The question says of `name` mostly the paper it asks about ("要唔要带身份证明去" and 中国税收居民身份证明的
        开具): that names the paper, not the service."""
        thing = asked_thing(t)
        if not thing or not _DOCUMENT_RE.search(thing) or thing not in compact(name):
            return False
        return name_said(compact(t).replace(thing, ""), name) < NAMED_SHARE

    def _words_not_in(self, t: str, guide: ServiceGuide) -> set[str]:
        """The question's own words (content bigrams of what it names) that none of the guide's passages uses, nor
        its name in other order ("房租" for 住房公积金租房提取)."""
        text = "".join(p.text for p in self._passages(guide)) + guide.name
        return {
            w
            for w in content_bigrams(self.residue(t))
            if len(w) == 2 and w not in text and not set(w) <= set(guide.name)
        }

    @staticmethod
    def _serves_step(t: str, c: Candidate) -> bool:
        """The candidate (its official pair, when that is the answer) serves the later step the question asks."""
        pair = (
            c.guide.faqs[int(c.best.passage.key)].question if c.best and c.best.passage.field == "faq" else ""
        )
        return GuideFit._guide_serves_step(t, c.guide, pair)

    @staticmethod
    def _guide_serves_step(t: str, g: ServiceGuide, pair: str = "") -> bool:
        """The guide (by its name, the official question `pair` answering, and its materials) serves the later
        step the question asks; a case's progress asked, its lookup serves whatever step the case is at
        ("交咗…换证申请…办到边一步" and 药品生产类行政许可事项办理进度查询)."""
        if looks_up_progress(t, g.name):
            return True
        return serves_later_step(t, f"{g.name} {pair}".strip(), " ".join(m.name for m in g.materials))

    def _twin_note(self, g: ServiceGuide, result: SearchResult | None) -> str:
        """Another office's guide of the same name was found too (市规划和自然资源局 and 空港经济区管委会 each grant
        既有住宅增设电梯's permit, with different time limits): say whose guide answers."""
        if result is None or not g.department:
            return ""
        others = {
            o.department
            for h in result.hits
            if h.kind is DocKind.GUIDE
            and h.doc_id != g.id
            and h.title == g.name
            and (o := self.host.get_guide(h.doc_id)) is not None
            and o.department
            and o.department != g.department
            and o.region_path == g.region_path  # another place's twin is told by the region note
        }
        if not others:
            return ""
        return f"以下为{g.department}的办事指南；{'、'.join(sorted(others))}也办理同名事项，要求可能不同："

    def _step_sibling(
        self, t: str, c: Candidate, aspects: list[Aspect], result: SearchResult, named: list[str]
    ) -> Candidate | None:
        """Another variant of the guide's service (its name before the bracket) among the hits that serves the
        step asked: the nearest place's."""
        stem = before_bracket(c.guide.name)
        hits = [
            h
            for h in result.hits
            if h.kind is DocKind.GUIDE
            and h.title != c.guide.name
            and before_bracket(h.title) == stem
            and not _other_step(t, h.title, h.title)
            and (asks_ending(t) or not ends_matter(h.title))
        ]
        found = self._candidates(t, aspects, hits[:SIBLINGS], result, named) if hits else []
        return min(found, key=lambda x: x.rank, default=None)

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
        # a guide of the province applies in its other cities ("我在湛江养蚝，养殖证延期要几耐"); a supporting service,
        # 预约 / 查询, only when the question asks one ("深圳市南山区低保申请条件" is not answered by the province's
        # 最低生活保障业务申请预约)
        served = province_serves(c.guide.region_path, uncovered, self.home_region) and (
            asks_auxiliary(t) or not is_auxiliary(c.guide.name)
        )
        if uncovered and len(uncovered) == len(named) and not served:
            # only places the KB does not cover: their own regulation's article that answers, or say so plainly
            # rather than state other places' facts ("我在深圳…个人数据…能收费吗": 深圳经济特区数据条例)
            law = None if result is None else self._place_law(st, t, result, events, uncovered, own=True)
            return law or self._uncovered_reply(st, uncovered, events, None)
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
        own_faq = bool(c.best and c.best.passage.field == "faq")
        pair = c.guide.faqs[int(c.best.passage.key)].question if c.best is not None and own_faq else ""
        # "身份证丢了怎么办" and a guide (or official pair) that replaces nothing ("中国税收居民身份证明的开具",
        # "居民身份证换领是否可以在线上申请？"), or a later step the guide's name does not serve ("个体户注销…" and
        # 个体工商户设立登记): the statute on it answers, when one does; else a pair of another matter ("户口簿去哪里
        # 打印？" for a lost 户口本) or the other step's guide (its papers would send the person wrong) is no answer
        named_here = f"{c.guide.name} {pair}"
        lost = lost_but_not_replaced(t, named_here, " ".join(m.name for m in c.guide.materials))
        # (or that step of a certificate the name does not say: "身份证能不能在外地补办" and 残疾人证挂失补办)
        other_step = _other_step(t, named_here, c.guide.name) or (own_faq and later_step_only(t, pair))
        # (an official pair on a later step the question does not ask: "小朋友几岁可以办身份证" and "居民身份证换领
        # 是否可以在线上申请？")
        # a guide for ending the matter answers no question about anything else ("税务登记怎么办" and 注销税务登记)
        ending = not own_faq and ends_matter(c.guide.name) and not asks_ending(t)
        # (a case's progress asked: its lookup is the answer, whatever step the case is at)
        tracked = looks_up_progress(t, c.guide.name)
        if result is not None and not tracked and (other_step or ending) and not own_faq:
            # the variant of that service for the step asked, when the search found it ("刚拿到法律职业资格证书，想申请
            # 做专职律师" and 专职律师执业许可(申请专职执业), not its variant for re-applying after 注销)
            sibling = self._step_sibling(t, c, aspects, result, named)
            if sibling is not None:
                emit(events, "base_variant", service_id=sibling.guide.id)
                return self._answer_from(st, sibling, aspects, t, events, named, uncovered, result)
        if result is not None and ending:
            law = self._article_reply(st, t, result, events, in_force_only=True)
            if law is not None:
                return law
            emit(events, "no_fit", service_id=c.guide.id)
            return self._read_or_refuse(st, t, events, result, aspects, lacking_matter(t))
        # a notary's guide answers only a question about notarization: "不动产证要几天" is not answered by
        # 不动产物权公证指引's time limit
        notary = is_notary(c.guide.name) and not asks_notary(t)
        renewal = renewal_not_served(t, f"{named_here} {' '.join(m.name for m in c.guide.materials)}")
        if result is not None and not tracked and (lost or other_step or notary or renewal):
            # the guide is no answer: the formal terms of the question's colloquial words may find the statute
            # ("身份证过期" for 居民身份证 有效期满 … 换领)
            law = self._article_reply(st, t, result, events, formal_shared=True)
            if law is not None:
                return law
            if own_faq or other_step or notary or renewal:
                emit(events, "no_fit", service_id=c.guide.id)
                return self._read_or_refuse(st, t, events, result, aspects, lacking_matter(t))
        # a certificate asked by name that the guide's name does not say ("退役军人优待证怎么办" and a licence for
        # veterans' driving permits): no answer, however close e5 reads the two (nor an article sharing its words)
        other_card = (
            certificate_unnamed(self._subject(t, named), c.guide.name, t) if generic and not own_faq else None
        )
        if other_card is not None:
            emit(events, "no_fit", service_id=c.guide.id)
            return self.unknown(st, events, result, lacking=other_card if len(other_card) <= 8 else None)
        # a name holding only the later-step words ("驾照到期了怎么换" and "爆破作业人员许可(到期换发)") names nothing
        # the places it names say where, not what ("外地人怎么在广州落户" does not name "…(广州市户籍居民)")
        unplaced = without_places(t, named)
        if (
            generic
            and not own_faq
            and not c.vouched
            and (
                name_cover(unplaced, c.guide, formal=True) < NAME_COVER
                or name_cover(thing_named(unplaced), c.guide, formal=True) == 0.0
                # a lookup asked ("公积金余额怎么查") of a guide granting something else, naming part of it only
                or (
                    asks_auxiliary(t)
                    and not is_auxiliary(c.guide.name)
                    and name_cover(unplaced, c.guide, formal=True) < 1.0
                )
            )
            # a term of the name said whole ("实习期满考试") names the service however long the question
            and not names_a_term(unplaced, c.guide.name)
        ):
            if not (c.read or self._describes(t, c.guide)):
                emit(events, "no_fit", service_id=c.guide.id)
                law = self._article_reply(st, t, result, events) if result is not None else None
                return law if law is not None else self.unknown(st, events, None, lacking=lacking_matter(t))
            if _YES_NO_RE.search(compact(t)):
                # "…能不能借出来", "…要不要先备案": whether one can / must is what its conditions say
                aspects = [Aspect.CONDITIONS]
        if (
            result is not None
            and is_auxiliary(c.guide.name)
            and not asks_auxiliary(t)
            and not asks_guide_only(aspects)
        ):
            # only a supporting service (预约 / 查询) matched: an article that answers comes first
            law = self._article_reply(st, t, result, events, min_lexical=LAW_ARTICLE_LEXICAL)
            if law is None and generic:
                # a generic question gets no facts of such a service, only a pointer: the guides found are no
                # answer, so the formal terms of its colloquial words may find the statute ("身份证过期了还能用吗":
                # 居民身份证 有效期满 … 换领, not a pointer to 居民身份证办理进度查询)
                law = self._article_reply(st, t, result, events, formal_shared=True)
            if law is not None:
                return law
        # (the cases of the guide's own matter, named by a term of its name, are its conditions: "咩情况先可以向省
        # 自然资源厅申请临时海域使用" and 临时海域使用权审批)
        cases = bool(_CASES_RE.search(compact(t))) and not (
            c.guide.conditions and names_whole_matter(t, c.guide.name)
        )
        # (a case told is asked of whether or how one may do it, not of where, what papers or how long)
        untold = (
            self._words_not_in(t, c.guide)
            if not cases and not [a for a in aspects if a not in (Aspect.OVERVIEW, Aspect.CONDITIONS)]
            else set()
        )
        if result is not None and not own_faq and (cases or untold) and name_told(t, c.guide) < 1.0:
            # the cases of a matter asked, and a guide for one of them ("公积金提取有哪些情形" and 住房公积金租房提取):
            # the statute listing them answers, when one does; so does it when the question tells a case the guide
            # never mentions and the statute lists ("退休了公积金怎么取": (二)离休、退休的)

            def lists_them(article: str) -> bool:
                return bool(_LISTS_CASES_RE.search(article)) and (cases or _lists_told_case(article, untold))

            law = self._article_reply(
                st, t, result, events, formal_shared=True, paraphrase=True, must_say=lists_them
            )
            if law is not None:
                # ... and the guide for the one case stays a button away
                law.text = law.text.replace("没有找到直接对应的办事指南，", "", 1)
                law.text += f"\n另：相关事项「{c.guide.name}」有办事指南，点选下方按钮可查看。"
                law.choices = [c.guide.name, *law.choices]
                return law
        note = self._region_note(c.guide, named, uncovered)
        twin = self._twin_note(c.guide, result)
        note = f"{note}\n{twin}" if note and twin else note or twin
        scored = c.best
        if generic and not own_faq and c.guide.conditions and asks_may(t):
            # "租房可以提公积金吗", "外地人可以办居住证吗": whether one may is what its conditions say, not an overview
            # (nor the passage that scored best on the question's other words)
            aspects, scored = [Aspect.CONDITIONS], None
        return self.guide_reply(
            st,
            c.guide,
            aspects,
            t,
            events,
            check_fit=True,
            scored=scored,
            region_note=note,
            related=c.related,
        )


def _other_step(t: str, named_here: str, name: str) -> bool:
    """The guide (its name, and the official pair answering) is for another step than the one asked: a later step
    its name does not serve ("个体户注销…" and 个体工商户设立登记), or that step of a certificate the name does not say
    ("身份证能不能在外地补办" and 残疾人证挂失补办)."""
    stepped = step_thing(t)
    return step_not_served(t, named_here) is not None or (
        stepped is not None
        and certificate_unnamed(stepped[0], named_here, t) is not None
        and not names_step_holder(t, name)
    )
