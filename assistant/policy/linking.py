"""Service linking: from retrieval hits (or the words of a message) to one guide or one flow.

When the top guides are too close to call, or are variants of one catalogue item, the user is asked
"您要办理的是 A 还是 B？" and the reply is matched back to a choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from assistant.nlu.offices import of_offices, office_singled_out
from assistant.nlu.text import cn_to_int, compact
from assistant.policy.name_words import (
    GENERIC_BIGRAMS,
    before_bracket,
    first_step_first,
    first_time,
    later_step_only,
    name_bigrams,
    name_chars,
    query_bigrams,
    sole_term_holder,
    term_in_name,
)
from assistant.policy.negated_variants import ruled_out
from guides.schema import Flow
from knowledge.schema import ServiceGuide
from retrieval.regions import mentioned_units
from retrieval.types import DocKind, Hit, SearchResult

T = TypeVar("T")  # a candidate of any kind (search hits, guide candidates)

# Close call: a runner-up within this share of the top score, or within this absolute gap.
CLOSE_RATIO = 0.9
CLOSE_GAP = 0.05
# Variants of the top guide's catalogue item are offered down to this share of the top score.
VARIANT_RATIO = 0.6
# An auxiliary guide (进度查询 / 预约) the query does not ask for gives way to a plain one scoring this share.
AUX_RATIO = 0.7
MAX_CHOICES = 4

# Guides that only support another service (checking progress, booking a slot, looking up records).
# (checking that a certificate held is genuine supports it too: 教师资格证证书验证)
_AUX_NAME_RE = re.compile(
    r"(?:进度|信息|记录|结果)查询|查询$|预约$|预约[（(]|[（(][^）)]*预约[^）)]*[）)]$|证书验证$|证书核验$"
)
# a thing said as lacked ("没有单位", "冇工作"), not as asked for ("有没有补贴" asks about one)
_LACKED_RE = re.compile(r"(?<!有)(?:没有|没|冇)([\u4e00-\u9fff]{2})")
# A query that asks for such a supporting service itself.
# (not one found out: "畀人查到仲唔停手会罚几多")
_AUX_QUERY_RE = re.compile(
    r"查询|查一下|查一查|查查|进度|进展|预约|约号|排号|到哪一步|怎么查|(?<![被人])查到|约(?:个|一个|一下)?(?:时间|日子|号)|验证|核验|验真|真伪|"
    # in everyday words ("我想查下我的社保交了多少年", "点样查")
    r"查下|查吓|查看|想查|帮我查|(?:点样|点|如何|哪里|在哪|去哪|边度)查|"
    # figures, a list or published results wanted ("想了解全省供销社系统今年的经营数据", "…研究成果"): what a lookup gives
    r"(?:了解|知道|看看|睇下|睇吓|看下)[^，,。？?]{0,16}?(?:数据|统计|名单|名录|赛程|排名|目录|成果|动态|资讯)|"
    # a looking-up someone requires ("设计院话要查地震动参数区划图")
    r"(?:要|需要|得)查(?!封|处|办|出)|查(?:不|唔)到|"
    # whether it can be looked up, or checked to be genuine ("有没有网站可以查", "核实一下是不是真的")
    r"(?:可以|能|能不能|可不可以|可唔可以|上网|网上|网站)查|核实|是不是真的|系唔系真|真假|"
    # a clause ending in the verb ("想去省教育厅窗口查，喺边度")
    r"(?<![被人])查(?=[，,。？?！!]|$)|"
    # a result to look up ("想到现场查审批结果")
    r"(?<![被人])查(?:下|吓|一下)?[\u4e00-\u9fff]{0,4}?结果"
)


def is_auxiliary(name: str) -> bool:
    """A guide that supports another service (进度查询, 预约, 信息查询) rather than granting it. A 一件事
    ("家政信用信息查询一件事") bundles whole services, whatever its name ends in."""
    return "一件事" not in name and bool(_AUX_NAME_RE.search(compact(name)))


# the progress of a case asked ("审核到哪一步了", "办到边", "进度"), not only a looking-up
_PROGRESS_QUERY_RE = re.compile(r"进度|进展|(?:审核|审批|批|办|处理)到(?:哪|边)|到(?:哪|边)一步")


def progress_lookup(query: str, names: Sequence[str]) -> int | None:
    """The one of `names` that looks up a case's progress (…进度查询), when the query asks a case's progress and
    no other of them does ("我妈申请了低保…查查审核到哪一步了" and 最低生活保障业务进度查询 beside …申请 / …申请预约)."""
    if not _PROGRESS_QUERY_RE.search(compact(query)):
        return None
    lookups = [i for i, n in enumerate(names) if "进度" in n and is_auxiliary(n)]
    return lookups[0] if len(lookups) == 1 else None


def not_progress_lookups(query: str, names: Sequence[str]) -> list[int]:
    """The indexes of `names` that are no progress lookup (…进度查询), when the query asks no case's progress: a
    choice offered between a service and the lookup of its cases' progress is no choice ("想核实下个安防公司有冇…
    资格证" and …资格证企业信息查询 beside …资格证办理事项进度查询)."""
    if _PROGRESS_QUERY_RE.search(compact(query)):
        return list(range(len(names)))
    return [i for i, n in enumerate(names) if not ("进度" in n and is_auxiliary(n))]


def looks_up_progress(query: str, name: str) -> bool:
    """The query asks a case's progress and the guide named `name` looks progress up."""
    return progress_lookup(query, [name]) == 0


# what a progress lookup's name adds to the matter it tracks ("…办理进度查询", "…业务进度报告查询")
_PROGRESS_NAME_RE = re.compile(r"(?:网上)?(?:受理)?(?:业务|事项)?(?:办理|办证|办件)?进度(?:报告)?查询")


def tracks_matter_named(query: str, name: str) -> bool:
    """A progress lookup named for a matter the question names a term of ("药品生产许可证换证…办到边一步" and
    药品生产类行政许可事项办理进度查询), not one sharing only the looking-up ("海事法院…审判进度" and 质检院网上受理
    业务进度报告查询)."""
    return term_in_name(query, _PROGRESS_NAME_RE.sub("", compact(name))) is not None


# what a lookup's name adds to the thing it looks up ("…信息查询", "…资格查询" keeps 资格)
_LOOKUP_NAME_RE = re.compile(r"(?:基本)?(?:信息)?查询$")


def record_lookup(query: str, names: Sequence[str]) -> int | None:
    """The one of `names` that looks something up (…信息查询, …资质查询), when the question asks to look up or check
    something (not a case's progress) and names a term of what it looks up, and no other of them looks anything up
    ("想查下佢系咪真嘅基层法律服务工作者" and 基层法律服务工作者信息查询 beside …注销 / …执业申请)."""
    q = compact(query)
    if not asks_auxiliary(q) or _PROGRESS_QUERY_RE.search(q):
        return None
    lookups = [i for i, n in enumerate(names) if is_auxiliary(n) and "查询" in n]
    if len(lookups) != 1:
        return None
    i = lookups[0]
    return i if term_in_name(q, _LOOKUP_NAME_RE.sub("", compact(names[i]))) is not None else None


def names_aux_matter(query: str, aux: str, plain: str) -> bool:
    """The question names a term of the auxiliary guide's name that the plain guide's name lacks: what is looked up
    is then the service asked ("教师资格考试合格证明…窗口喺边度" and 教师资格考试合格证明查询, not 高等学校教师资格认定);
    else the looking-up is a side service of what is asked ("第一次办港澳通行证要带什么" and 往来港澳通行证签发)."""
    term = term_in_name(query, aux)
    return term is not None and compact(aux)[term[0] : term[1]] not in compact(plain)


def auxiliary_word(query: str) -> str:
    """The words by which the query asks to check / book / look up ("核验", "查到"); empty when it asks none."""
    m = _AUX_QUERY_RE.search(compact(query))
    return m.group(0) if m else ""


def asks_auxiliary(query: str) -> bool:
    """The query itself asks to check progress / book / look something up."""
    return bool(auxiliary_word(query))


def is_notary(name: str) -> bool:
    """A notary office's guide (不动产物权公证指引): it tells how to get a notarial certificate about a matter, not
    how to get the matter itself done."""
    return "公证" in name


# 公证 typed by its sound as 公正 after the matter notarized ("无犯罪记录公正", "丧偶未再婚嘅公正"), not fairness
# ("办事公正吗", "发券公平公正")
_NOTARY_TYPO_RE = re.compile(r"(?:记录|婚|证明|单身|出生|关系|学历|的|嘅|个|份)公正(?![平性义])")


def asks_notary(query: str) -> bool:
    """The query asks for notarization ("已婚公证", "公证书", "无犯罪记录公正")."""
    q = compact(query)
    return "公证" in q or bool(_NOTARY_TYPO_RE.search(q))


@dataclass
class LinkResult:
    service_id: str | None = None  # one clear guide
    choices: dict[str, str] = field(default_factory=dict)  # label -> guide id when ambiguous
    confident: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.choices) > 1


def _guide_hits(result: SearchResult) -> list[Hit]:
    return [h for h in result.hits if h.kind is DocKind.GUIDE]


def _label(guide: ServiceGuide | None, hit: Hit) -> str:
    if guide is None:
        return hit.title
    if guide.sub_name and guide.sub_name not in guide.name:
        return f"{guide.name}（{guide.sub_name}）"
    return guide.name


# what _unique_labels adds to tell the same service of two places or offices apart ("（广东省广州市·…局）")
_PLACE_SUFFIX_RE = re.compile(r"（[^（）]*·[^（）]*）$|（[\u4e00-\u9fff]{0,12}[省市区县]）$")


def bare_label(label: str) -> str:
    """A choice's label without the place or office _unique_labels added to it."""
    return _PLACE_SUFFIX_RE.sub("", label)


def _unique_labels(items: list[tuple[str, Hit, ServiceGuide | None]]) -> dict[str, str]:
    """label -> id; labels made unique with the region / department when names repeat."""
    counts: dict[str, int] = {}
    for label, _, _ in items:
        counts[label] = counts.get(label, 0) + 1
    out: dict[str, str] = {}
    for label, hit, guide in items:
        if counts[label] > 1 and guide is not None:
            where = guide.region or guide.department or guide.id
            if guide.department and guide.region and guide.department not in label:
                where = f"{guide.region}·{guide.department}"
            label = f"{label}（{where}）"
        while label in out:
            label = f"{label}（{hit.doc_id}）"
        out[label] = hit.doc_id
    return out


def link_service(
    result: SearchResult,
    get_guide: Callable[[str], ServiceGuide | None],
    *,
    query: str | None = None,
    prefer_id: str | None = None,
    ratio: float = CLOSE_RATIO,
    gap: float = CLOSE_GAP,
    max_choices: int = MAX_CHOICES,
) -> LinkResult:
    """One guide, a disambiguation, or nothing (`confident=False`) from guide hits.

    The user is asked to choose only between guides that are genuinely close and plausible: scores
    within `ratio` / `gap` of the top (or variants of the top's catalogue item), and, when the query is
    known, not ruled out by it. With a `query`:
    - an auxiliary guide (进度查询 / 预约) gives way to a plain guide scoring at least AUX_RATIO of it
      unless the query asks to check / book;
    - a candidate whose official FAQ the query asks wins;
    - a candidate named in full, or the only one whose distinctive words the query uses, wins;
    - a candidate sharing far fewer words with the query than the best-matching one is dropped.
    `prefer_id`: the guide already being talked about; kept when it is among the close hits.
    """
    hits = _guide_hits(result)
    if not hits or not result.confident:
        return LinkResult()
    guides: dict[str, ServiceGuide | None] = {}

    def guide_of(h: Hit) -> ServiceGuide | None:
        if h.doc_id not in guides:
            guides[h.doc_id] = get_guide(h.doc_id)
        return guides[h.doc_id]

    def name_of(h: Hit) -> str:
        g = guide_of(h)
        return g.name if g is not None else h.title

    if query and not asks_auxiliary(query):
        plain = [h for h in hits if not is_auxiliary(name_of(h))]
        if (
            plain
            and plain[0].score >= hits[0].score * AUX_RATIO
            and not names_aux_matter(query, name_of(hits[0]), name_of(plain[0]))
        ):
            hits = plain
    if query:
        hits = first_step_first(query, hits, name_of)
    top = hits[0]
    close = [h for h in hits if h.score >= top.score * ratio or top.score - h.score <= gap]
    top_guide = guide_of(top)
    # Variants of one catalogue item (新申请/延续/变更 ...) are offered even when less close.
    if top_guide is not None and top_guide.catalogue_id:
        for h in hits[1:]:
            if h in close:
                continue
            g = guide_of(h)
            if (
                g is not None
                and g.catalogue_id == top_guide.catalogue_id
                and h.score >= top.score * VARIANT_RATIO
            ):
                close.append(h)
    if query and len(close) > 1:
        # no later step asked: a close guide of the plain step goes before one replacing or changing the thing
        # ("我要办结婚证": 结婚登记预约, not 补领结婚证预约 for holding 结婚证)
        close = [h for h in close if not later_step_only(query, name_of(h))] or close
        # (nor a variant the question rules out by a negation: "拿了块带设计方案出让的地" and …不带方案出让…)
        out = ruled_out(query, [name_of(h) for h in close])
        close = [h for k, h in enumerate(close) if k not in out] or close
        # (nor another office's guide beside those of the office the question singles out by name: "向国家统计局
        # 广东调查总队申请查询…农民收入" and 农村居民收支情况查询, not 海关总署广东分署海关统计数据查询 for 统计 / 广东)
        # (its name saying the office counts: 广东省立中山图书馆读者办卡须知 is filed under 文化和旅游厅)
        singled = {d for h in close for d in [_department(guide_of(h))] if office_singled_out(query, d)}
        close = [h for h in close if of_offices(name_of(h), _department(guide_of(h)), singled)] or close
    if query and len(close) > 1:
        picked = _named_by_query(query, close, guide_of, name_of)
        if picked is not None:
            return LinkResult(service_id=picked, confident=True)
        close = plausible(query, close, name_of)
    close = close[:max_choices]
    if len(close) == 1:
        return LinkResult(service_id=close[0].doc_id, confident=True)
    if prefer_id and any(h.doc_id == prefer_id for h in close):
        return LinkResult(service_id=prefer_id, confident=True)
    items = [(lbl, h, g) for h in close for g in [guide_of(h)] for lbl in [_label(g, h)]]
    return LinkResult(choices=_unique_labels(items), confident=True)


def _department(guide: ServiceGuide | None) -> str | None:
    return guide.department if guide is not None else None


def _named_by_query(
    query: str,
    close: list[Hit],
    guide_of: Callable[[Hit], ServiceGuide | None],
    name_of: Callable[[Hit], str],
) -> str | None:
    """The one candidate the query singles out: by its FAQ, its full name, or its distinctive words."""
    from assistant.nlg.answer import match_faq  # answer imports nothing from here; keep linking light

    with_faq = [h.doc_id for h in close for g in [guide_of(h)] if g is not None and match_faq(g, query)]
    if len(with_faq) == 1:
        return with_faq[0]
    q = compact(query)
    # a candidate named in full wins ("居住证签注" among 居住证 items); the longest name if nested
    named = sorted(
        (
            (len(compact(name_of(h))), h.doc_id)
            for h in close
            if len(compact(name_of(h))) >= 3 and compact(name_of(h)) in q
        ),
        reverse=True,
    )
    if len(named) == 1 or (len(named) > 1 and named[0][0] > named[1][0]):
        return named[0][1]
    names = [name_of(h) for h in close]
    # among variants of one service, a term of the question only one holds names it ("我系现役军人，揸开部队嘅大货车"
    # and 现役军人持军队（大中型客货车）…, not 现役武警持武装警察部队… for its 部队)
    # (of the first one's variants: other services may say the term in other words)
    stem = before_bracket(names[0]) if names else ""
    variants = [i for i, n in enumerate(names) if before_bracket(n) == stem]
    sole = sole_term_holder(query, [names[i] for i in variants]) if len(variants) > 1 else None
    one = None if sole is None else variants[sole]
    if one is None:
        one = singled_out(query, names)
    if one is None or names.count(names[one]) > 1:
        # (the same service of several offices is not picked by its words: which one is the place's choice)
        one = first_time(query, names)
    return None if one is None else close[one].doc_id


# a stem of at least this many characters shared by every name: their tails tell the variants apart
TAIL_STEM = 6


def singled_out(query: str, names: Sequence[str], *, formal: bool = True) -> int | None:
    """The one name (its index) the query uses words of ("挂失", "探亲", "M字") that no other name has; failing
    that, by the official terms its colloquial words stand for ("自由职业" -> 灵活就业), unless not `formal`."""
    # the same name twice (two offices' twins) is one name: the first of them stands for it
    first = {n: i for i, n in reversed(list(enumerate(names)))}
    # the words after the stem all of them share: a pair across its end is no word ("执业药师注册之前失效" does not
    # say 注销 of 执业药师注销注册 by "师注")
    stem = len(os.path.commonprefix(list(first))) if len(first) > 1 else 0
    # (taken from every name alike: one name's pair must not turn distinct for another holding it elsewhere)
    junctions = set().union(*(_junction(n, stem) for n in first))
    grams = {n: _variant_words(n) - junctions for n in first}
    # a preposition before a word every name has is no word of one ("埋在公路底下的管道" says 在公 of "在公路上增设…"
    # only by its 在: 管道 names 埋设管道 among the 公路 permits)
    shared = set.intersection(*grams.values()) if grams else set()
    grams = {n: g - _bridging(n, shared) for n, g in grams.items()}
    # what the person says they lack names no service ("没有单位可以交社保吗" is not about 机关事业单位…)
    lacked = {m.group(1) for m in _LACKED_RE.finditer(compact(query))}
    # the question's own words first, then with the formal terms of its colloquial ones ("部队嘅小车驾驶证")
    readings = [name_bigrams(query) - GENERIC_BIGRAMS - lacked]
    if formal:
        readings.append(query_bigrams(query) - lacked)
    pointed = False
    for qgrams in readings:
        distinct = []
        for n, own in grams.items():
            others = set().union(*(g for o, g in grams.items() if o != n))
            if qgrams & (own - others):
                distinct.append(first[n])
        if len(distinct) == 1:
            return distinct[0]
        if distinct:  # the question's own words point at several: the synonyms do not decide
            pointed = True
            break
    # one name holds all the question's words that any other holds, and more ("M字签证延期" and 延期M字签证 among
    # 延期L字签证 / 换发M字签证)
    for qgrams in readings:
        told = {n: g & qgrams for n, g in grams.items()}
        best = max(told, key=lambda n: len(told[n]), default=None)
        if best is not None and len(told) > 1 and all(told[n] < told[best] for n in told if n != best):
            return first[best]
    opened = names[0][:stem] if names else ""
    # (not when the question's words point at several names: "退役士官" says 士官 of one and 退役士 of another)
    if (
        not pointed
        and stem >= TAIL_STEM
        and len(re.findall(r"[(（]", opened)) > len(re.findall(r"[)）]", opened))
    ):
        # the variants differ only inside their bracketed qualifier, after a stem that names them all ("…（业余
        # 编剧家、业余编舞家、业余作曲家）认定(广东省业余编剧家认定)"): three characters of the question only one tail
        # holds name it ("想申请认定做业余编剧家"; not 文物部门 for …(国际组织参观未开放的文物点审批))
        said = _trigrams(compact(query))
        tails = {n: _trigrams(n[stem:]) for n in first}
        own = {n: g - set().union(*(o for m, o in tails.items() if m != n)) for n, g in tails.items()}
        distinct = [first[n] for n, g in own.items() if said & g]
        # (every tail has words of its own: not "…(业余)" beside "…(其他无线电台（站）…)", which repeats the stem)
        if len(distinct) == 1 and all(own.values()):
            return distinct[0]
        # (or the tail holding more of the question's words than every other does, two at least: "对演出机构嘅
        # 表彰奖励" and …(对艺术演出业绩突出的机构进行表彰奖励) beside the 个人 of 演出 and the 机构 of 展览 / 创作;
        # not one word the stem says too, "注册上面嘅名都改埋" and …(二级注册建筑师重新注册))
        told = {n: (name_bigrams(n[stem:]) - GENERIC_BIGRAMS) & readings[0] for n in first}
        best = max(told, key=lambda n: len(told[n]))
        # (words the stem says too tell a tail only as a combination the others hold part of: "律师执业变更" says the
        # 执业 and 变更 of 律师执业变更审核(执业类别变更) as the service's own name, not its variant)
        combined = all(told.values()) or told[best] - name_bigrams(opened)
        if len(told[best]) >= 2 and combined and all(told[n] < told[best] for n in told if n != best):
            return first[best]
    return None


_PREPOSITIONS = frozenset("在于对向从把被将或和及与的")


def _bridging(name: str, shared: set[str]) -> set[str]:
    """The name's pairs of a preposition and the first character of a word in `shared` ("在公" of 在公路)."""
    t = name_chars(name)
    return {t[i : i + 2] for i in range(len(t) - 2) if t[i] in _PREPOSITIONS and t[i + 1 : i + 3] in shared}


def _trigrams(text: str) -> set[str]:
    return {
        text[i : i + 3] for i in range(len(text) - 2) if re.fullmatch(r"[\u4e00-\u9fff]{3}", text[i : i + 3])
    }


def _junction(name: str, stem: int) -> set[str]:
    """The pair across the end of the names' common stem, when a word of two characters or more follows it
    (执业药师|注销注册: "师注"; not 组织关系转|入, where the pair is the word)."""
    return {name[stem - 1 : stem + 1]} if stem >= 2 and len(name) - stem >= 2 else set()


def _variant_words(name: str) -> set[str]:
    """A name's word bigrams without those of the places it names: "喺广州办逗留签注" does not single out
    "…团队游签注(广州市户籍居民)" (a place in a question says where, not which applicants)."""
    grams = name_bigrams(name)
    for unit in mentioned_units(name):
        grams -= name_bigrams(unit)
    return grams


def plausible(query: str, close: list[T], name_of: Callable[[T], str]) -> list[T]:
    """Drop candidates whose names share far fewer of the query's words than the best-matching name (a far weaker
    one does not take a word from the others: "申请出国留学…评估" and 资产评估师资格全国统一考试)."""
    qgrams = name_bigrams(query) - GENERIC_BIGRAMS
    overlap = [len(qgrams & _variant_words(name_of(h))) for h in close]
    best = max(overlap, default=0)
    if best < 2:
        return close
    return [h for h, n in zip(close, overlap, strict=True) if n * 2 > best]


def disambiguation_text(choices: Sequence[str]) -> str:
    labels = list(choices)
    if len(labels) == 2:
        return f"您要办理的是「{labels[0]}」还是「{labels[1]}」？"
    listing = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, 1))
    return f"找到几个相近的事项，您要办理的是哪一个？\n{listing}\n（可回复序号或名称）"


# --- matching a reply to pending choices ------------------------------------------------------------

_ORDINAL_RE = re.compile(
    r"^(?:选|要|是)?第?([一二两三四五六七八九十\d]+)(?:个|项|种|条|号)?(?:吧|啊|呀|的)?$"
)
_FILLER_RE = re.compile(
    r"^(?:我(?:要|想)?(?:办|选|问)?的?是?|选|要|是|办|就是|应该是|那个|这个)+|(?:吧|啊|呀|吧。|的|那个|这个|。|！|!)+$"
)


def match_choice(text: str, choices: Mapping[str, str], *, loose: bool = True) -> str | None:
    """The id of the pending choice `text` selects (label, index "第一个"/"2", distinctive words), or None.
    `loose=False`: the label or its index only (buttons offered beside an answer, where the next message is as
    likely a new question sharing a word with one of them)."""
    if not choices:
        return None
    labels = list(choices)
    t = compact(text).strip("。.!！?？")
    if not t:
        return None
    for label in labels:
        if t == compact(label):
            return choices[label]
    if t in {"最后一个", "最后那个", "最后一项"}:
        return choices[labels[-1]]
    core = _FILLER_RE.sub("", t) or t
    m = _ORDINAL_RE.match(core) or _ORDINAL_RE.match(t)
    if m:
        n = cn_to_int(m.group(1))
        if n is not None and 1 <= n <= len(labels):
            return choices[labels[n - 1]]
        return None
    # The label is named inside the reply ("我要办居住证签注").
    inside = [label for label in labels if compact(label) in t]
    if len(inside) == 1:
        return choices[inside[0]]
    if len(inside) > 1:  # the longest name wins when one contains the other
        inside.sort(key=len, reverse=True)
        if compact(inside[1]) in compact(inside[0]):
            return choices[inside[0]]
    # The reply is a distinctive part of exactly one label ("签注", "延续").
    if loose and len(core) >= 2:
        sub = [label for label in labels if core in compact(label)]
        if len(sub) == 1:
            return choices[sub[0]]
        # Words of the reply that appear in only one label.
        distinct = _distinctive_parts(labels)
        scored = [(sum(1 for p in distinct[label] if p in core), label) for label in labels]
        scored.sort(reverse=True)
        if scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            return choices[scored[0][1]]
    return None


def _distinctive_parts(labels: Sequence[str]) -> dict[str, list[str]]:
    """For each label, its character bigrams that no other label contains."""
    grams = {label: {compact(label)[i : i + 2] for i in range(len(compact(label)) - 1)} for label in labels}
    out: dict[str, list[str]] = {}
    for label in labels:
        others = set().union(*(grams[o] for o in labels if o != label)) if len(labels) > 1 else set()
        out[label] = sorted(grams[label] - others)
    return out


# --- flows ------------------------------------------------------------------------------------------


def _loose_in(word: str, text: str, max_gap: int = 1) -> bool:
    """`word` appears in `text` in order with at most `max_gap` extra characters between its characters
    ("开小店" in "开个小店")."""
    pattern = f".{{0,{max_gap}}}".join(re.escape(ch) for ch in word)
    return re.search(pattern, text) is not None


@lru_cache(maxsize=256)
def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def flow_by_words(text: str, flows: Mapping[str, Flow], *, fuzzy: bool = False) -> Flow | None:
    """The flow whose title / keywords the message names (longest match wins; ties -> None).

    `fuzzy`: keywords of 3+ characters also match with one inserted character between their characters, and
    the flow's `cues` (how people describe wanting it: "开间糖水铺") match by their own length.
    """
    t = compact(text)
    best: list[tuple[int, Flow]] = []
    for flow in flows.values():
        words = [compact(w) for w in [flow.title, *flow.keywords, flow.id] if w]
        lengths = [len(w) for w in words if len(w) >= 2 and w in t]
        if not lengths and fuzzy:
            lengths = [len(w) - 1 for w in words if len(w) >= 3 and _loose_in(w, t)]
            lengths += [len(m.group(0)) for cue in flow.cues if (m := _cue(cue).search(t))]
        if lengths:
            best.append((max(lengths), flow))
    if not best:
        return None
    best.sort(key=lambda x: x[0], reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0] and best[0][1].id != best[1][1].id:
        return None
    return best[0][1]


def flow_for_service(service_id: str | None, flows: Mapping[str, Flow]) -> Flow | None:
    if not service_id:
        return None
    by_service = getattr(flows, "for_service", None)  # guides.registry.FlowRegistry: generic flows too
    if callable(by_service):
        return by_service(service_id)  # type: ignore[no-any-return]
    for flow in flows.values():
        if flow.service_id == service_id:
            return flow
    for flow in flows.values():
        if service_id in flow.related_service_ids:
            return flow
    return None


def link_flow(
    text: str,
    flows: Mapping[str, Flow],
    *,
    result: SearchResult | None = None,
    current_service_id: str | None = None,
) -> Flow | None:
    """The flow a user who wants to apply means: named words first, then the top confident guide hit,
    then the service already being talked about."""
    if not flows:
        return None
    named = flow_by_words(text, flows)
    if named is not None:
        return named
    if result is not None and result.confident:
        hits = _guide_hits(result)
        if hits:
            flow = flow_for_service(hits[0].doc_id, flows)
            if flow is not None:
                return flow
    return flow_for_service(current_service_id, flows)
