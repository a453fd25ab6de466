"""Facts close guides state alike: the answer whichever of them was meant.

- An office's phone or address: a question to an office ("想打电话问问省典当行业协会") often names no one service
  of it; when the office's close guides all state the same phone or address, that is the answer.
- A paper asked of a service's variants: "要附上学校董事会的决议吗" is answered "需要" when every close variant
  of the service lists it; so is one asked of an office the question names, when all its close services list it.

The reply still names the guide it quotes. Pure functions; the Answerer calls them as its last try before a
refusal."""

from __future__ import annotations

from assistant.nlg.answer import Aspect, compose_guide_answer
from assistant.nlg.passage_answer import asked_thing, lists_material
from assistant.nlu.offices import office_said, office_singled_out
from assistant.policy.evidence import CLOSE, TOP_K, Candidate, asks_office_fact, same_answer
from assistant.policy.faq_evidence import found_for_asking_words
from assistant.policy.linking import AUX_RATIO
from assistant.policy.name_words import service_stem, without_offices
from assistant.policy.named_lead import SAID_LEAD, name_said, named_most

# what an office states the same for all its services: its phone, its address
_OFFICE_ASPECTS = frozenset({Aspect.PHONE, Aspect.LOCATION})


def office_fact(t: str, cands: list[Candidate], wanted: list[Aspect]) -> Candidate | None:
    """No guide is clearly the one asked, but the close ones are one office's and state the same phone or address
    ("想打电话问问省典当行业协会" and 典当业务咨询 / 绝当品名车查询 / 绝当品名表查询): that is the answer whichever
    of them was meant. The one whose name the question says most of answers; None otherwise."""
    if not wanted or not set(wanted) <= _OFFICE_ASPECTS or len(cands) < 2:
        return None
    top = cands[0]
    if not office_said(t, top.guide.department):
        return None  # (a football match asked of is no question to a sports office: "世界杯下一届在哪里办")
    close = [
        c
        for c in cands[:TOP_K]
        if c.guide.department == top.guide.department and c.doc_score >= top.doc_score * AUX_RATIO
    ]
    # (those silent on it say nothing against it: 典当业务咨询 lists no phone)
    stating = [c for c in close if not compose_guide_answer(c.guide, wanted).missing]
    if len(stating) < 2:
        return None
    same = same_answer({c.guide.id: c.guide.id for c in stating}, {c.guide.id: c for c in stating}, wanted)
    return None if same is None else named_most(t, stating, same)


def office_pick(t: str, cands: list[Candidate], wanted: list[Aspect]) -> Candidate | None:
    """The one candidate of an office the question names ("想查广东交通集团嘅招标信息" and 招标信息查询 of 广东省交通集团
    beside 水利厅's 招标投标 lookups), when it states the aspect asked; None when no office is said, or several
    candidates of the named offices none of which the question names clearly most of."""
    said = [c for c in cands if office_said(t, c.guide.department)]
    if 1 < len(said) < len(cands):
        said = _said_clearly_most(t, said, wanted)
    if len(cands) < 2 or len(said) != 1:
        return None
    c = said[0]
    if c.best is None or (wanted and c.best.aspect < 1.0):
        return None
    return c


def _said_clearly_most(t: str, said: list[Candidate], wanted: list[Aspect]) -> list[Candidate]:
    """Of several candidates of the office named that answer differently, the one whose name the question says
    clearly most of ("核实…普通货车，打交通运输厅哪个电话" and 普通货运车辆查询 beside 超限运输车辆跨省行驶公路审批); all
    of them when none stands out or they answer alike (then which one is decided elsewhere)."""
    if same_answer({c.guide.id: c.guide.id for c in said}, {c.guide.id: c for c in said}, wanted) is not None:
        return said
    asked = without_offices(t)
    share = {c.guide.id: name_said(asked, c.guide.name) for c in said}
    best = max(said, key=lambda c: share[c.guide.id])
    lead = share[best.guide.id] - max(share[c.guide.id] for c in said if c is not best)
    return [best] if lead >= SAID_LEAD else said


def office_elsewhere(t: str, cands: list[Candidate], pair: Candidate) -> bool:
    """The question names the office of another candidate, not the official pair's own ("…送去省医学实验动物中心检一检
    …多久会有回复" and 张家界's pair on 开办运输企业's time limit): it asks of that office, not of the pair's matter."""
    # (this office, not only its kind: "区里体育局" names no 广东省体育局 to set 芙蓉区's pair aside)
    return not office_said(t, pair.guide.department) and any(
        office_singled_out(t, c.guide.department) for c in cands if c.guide.id != pair.guide.id
    )


def pair_set_aside(t: str, cands: list[Candidate], pair: Candidate) -> bool:
    """Another province's official pair (rank 2 or more) that is no answer to offer: found for words of asking alone
    (长沙's "…报装咨询电话" for "…打哪个电话可以咨询"), or behind the guides of an office the question singles out."""
    return pair.rank >= 2 and (found_for_asking_words(t, pair) or office_elsewhere(t, cands, pair))


def asks_named_office(t: str, cands: list[Candidate], aspects: list[Aspect]) -> bool:
    """The question asks the time, place, phone or web entry of the office it names, whose guide is found first
    ("…想问省林业局最近病虫害嘅情况…要等几耐" and 林业有害生物发生动态咨询): its guides answer, not a statute."""
    return bool(cands) and asks_office_fact(aspects) and office_said(t, cands[0].guide.department)


def office_choices(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Of the first three candidates, those of the office the question singles out, when the first and at least one
    other are: near misses to offer rather than a refusal ("…想听省体育局搞嘅运动健康讲座…有冇咩条件" and two of
    体育局's services; "区里体育局" names only a kind of office, none of the province's)."""
    said = [c for c in cands[:3] if office_singled_out(t, c.guide.department)]
    return said if len(said) >= 2 and said[0] is cands[0] else []


def listed_alike(t: str, cands: list[Candidate], wanted: list[Aspect]) -> Candidate | None:
    """A yes/no question on one paper, the close guides being variants of one service (or services of one office
    the question names) that all list it: the one whose name the question says most of answers; or, among variants,
    only one lists it and the question says no clearly less of its name ("民办高职…到外市再开一个校区…要附上学校董事会
    的决议吗" and …设置异地校区 beside …设置审核); else None."""
    if wanted != [Aspect.MATERIALS] or len(cands) < 2:
        return None
    thing = asked_thing(t)
    top = cands[0]
    if not thing:
        return None
    close = [c for c in cands[:TOP_K] if c.doc_score >= top.doc_score * CLOSE]
    stem = service_stem(top.guide.name)
    if len(close) < 2:
        return None
    variants = stem != top.guide.name and all(service_stem(c.guide.name) == stem for c in close)
    listing = [c for c in close if lists_material(c.guide, thing)]
    # (an office's close services that all list it answer alike too: "去自然资源厅问…那片海…填咨询单…要带身份证
    # 复印件吗" and 海洋功能区划政策咨询 / …成果查询)
    one_office = len({c.guide.department for c in close}) == 1 and office_said(t, top.guide.department)
    if len(listing) == len(close) and (variants or one_office):
        return named_most(t, close, top)
    if not variants:
        return None
    # only one lists it: it answers unless the question says clearly more of another's name ("到外市再开一个校区":
    # 设置异地校区, not 设置审核)
    if len(listing) != 1:
        return None
    return listing[0] if named_most(t, close, listing[0]) is listing[0] else None
