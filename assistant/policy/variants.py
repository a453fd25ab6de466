"""Variants of one service: for a group of applicants (外国人, 现役军人, 机关事业单位人员 …) or for another place.
A question that names no group comes from an ordinary resident, and one service is offered once (pure)."""

from __future__ import annotations

import os
import re

from assistant.nlu.groups import for_unasked_group
from assistant.nlu.text import compact
from assistant.policy.evidence import Candidate
from assistant.policy.name_words import QUALIFIER_RE
from retrieval.regions import crossed_levels, household_code


def for_ordinary_residents(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Candidates without the variants for a group of applicants (外国人, 港澳台居民, 现役军人 …) the question does
    not name ("考驾照可以网上预约吗" is not asked by a foreigner); all of them when none is left."""
    kept = [c for c in cands if not for_unasked_group(c.guide.name, question)]
    return kept or cands


# Variants of one service by where the applicant's household is registered (出入境 签注, 通行证 …), most specific
# first: a person who says where their 户口 is gets that variant, not one for another household.
_HOUSEHOLD_VARIANTS: tuple[tuple[str, str], ...] = (
    ("广州市户籍", "4401"),
    ("广东省内户籍", "44"),
    ("全国通办", ""),
)


def for_household(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Candidates without the variants for another household registration than the one the question names
    ("我系清远户口…团队游签注": the 广东省内户籍居民 variant, not the 广州市户籍居民 one); all of them when the question
    names none, or when none of them is the variant for that household."""
    code = household_code(question)
    if code is None:
        return cands
    mine = next(marker for marker, prefix in _HOUSEHOLD_VARIANTS if code.startswith(prefix))
    if not any(mine in c.guide.name for c in cands):
        return cands
    others = [marker for marker, _ in _HOUSEHOLD_VARIANTS if marker != mine]
    return [c for c in cands if not any(m in c.guide.name for m in others)]


# Public-sector staff have pension and insurance schemes of their own (机关事业单位…); a question that names no
# public-sector word is about the ordinary scheme of the same service.
_PUBLIC_SECTOR = re.compile(r"机关事业单位|机关事业")
_ASKS_PUBLIC_SECTOR = re.compile(r"机关|事业单位|事业编|公务员|编制|体制内|参公")
COUNTERPART_SHARE = (
    0.6  # names ending alike over this share of the shorter one are one service for two groups
)


def ordinary_counterparts(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Candidates without the public-sector variants whose ordinary counterpart is among them
    ("机关事业单位人员领取养老保险待遇资格认证" beside "企业职工领取养老保险待遇资格认证"), unless the question
    names the public sector. Only a true counterpart (the names end alike) replaces a variant."""
    if _ASKS_PUBLIC_SECTOR.search(compact(question)):
        return cands

    def counterpart(a: str, b: str) -> bool:
        common = len(os.path.commonprefix([a[::-1], b[::-1]]))
        return common >= COUNTERPART_SHARE * min(len(a), len(b))

    ordinary = [c.guide.name for c in cands if not _PUBLIC_SECTOR.search(c.guide.name)]
    return [
        c
        for c in cands
        if not (_PUBLIC_SECTOR.search(c.guide.name) and any(counterpart(c.guide.name, o) for o in ordinary))
    ]


# the province's own words, and those of a city or district (which ask of the nearer office)
_PROVINCE_WORDS = re.compile(
    # (an office of it named: "省自然资源厅", "省民宗委", "向省公安报批")
    r"广东|粤|省(?:里|级|厅|局|直|政府|上|内|公安)|(?<![节反])省[\u4e00-\u9fff]{1,6}?(?:厅|局|委)"
    # (a body of the whole province: "全省性的联谊会")
    r"|全省"
    # (a 厅 is a province's department, cities have 局: "材料交上去以后司法厅一般多久能批下来")
    r"|(?:司法|公安|民政|财政|教育|科技|科学技术|交通|交通运输|水利|商务|文旅|文化和旅游|自然资源|生态环境|住建|住房和城乡建设"
    r"|人社|人力资源和社会保障|农业农村|工信|工业和信息化|退役军人事务|应急管理)厅"
)
# (a count of cities is no city: "又跨了两个市", "各市")
_LOCAL_WORDS = re.compile(
    r"广州|花都|[\u4e00-\u9fff](?<![个各])[\u4e00-\u9fff](?<![个各])[市区县]|市(?:里|级|局|政府)|区(?:里|级|局|政府)"
)


def provincial_terms(question: str) -> bool:
    """The question names the province (or its offices) and no city, district or county."""
    q = compact(question)
    return bool(_PROVINCE_WORDS.search(q)) and not _LOCAL_WORDS.search(q)


# the committee of a development zone serves that zone only
_ZONE_OFFICE = re.compile(r"管理委员会|管委会")


def office_words(department: str | None) -> str:
    """What tells an office apart: 广州空港经济区管理委员会 -> 空港经济区 (the place and its kind of office left out)."""
    d = re.sub(r"^(?:广东省?|广州市?|[\u4e00-\u9fff]{2}[市区县])", "", department or "")
    return re.sub(r"(?:管理委员会|管委会|人民政府|局|委员会|厅|办公室)$", "", d)


# a zone said short ("白云机场空港区" for 空港经济区)
_ZONE_KIND_RE = re.compile(r"(?:经济|开发|高新技术产业开发)区$")


def office_named(department: str | None, question: str) -> bool:
    """The question names the office by its telling words, or a zone's office by the zone's short name ("空港区"
    for 广州空港经济区管理委员会)."""
    words = office_words(department)
    q = compact(question)
    short = _ZONE_KIND_RE.sub("区", words)
    return bool(words) and (words in q or (short != words and len(short) >= 3 and short in q))


def names_home_office(question: str, cands: list[Candidate]) -> bool:
    """The question names by its telling words the office of a home-region candidate that serves a zone
    ("喺空港经济区新建一栋楼" and 广州空港经济区管理委员会): it asks about here."""
    return any(
        c.rank <= 1
        and _ZONE_OFFICE.search(c.guide.department or "")
        and len(office_words(c.guide.department)) >= 3
        and office_named(c.guide.department, question)
        for c in cands
    )


_BRACKETS_RE = re.compile(r"[()（）\s]")


def same_service_once(cands: list[Candidate], question: str = "") -> list[Candidate]:
    """Candidates with one entry per service name: of guides with the same name (新生儿出生一件事 of 长沙市 and of
    花都区), the one of the place asked about / the home region, in the original order; of two of the same rank, the
    nearer one (律师事务所设立许可 of 广州市 rather than of 广东省 for a 花都区 resident: the deeper region); of two
    offices of one place, the one the question names, else the one serving the whole place (广州市规划和自然资源局, not
    广州空港经济区管理委员会, which serves its zone only)."""

    # a question put in the province's terms ("省里批的…去省工信厅哪里办", "在广东…") asks of the province's office
    province = provincial_terms(question)

    def key(c: Candidate) -> tuple[int, int, bool, bool]:
        named = office_named(c.guide.department, question)
        depth = len(c.guide.region_path)
        return (
            c.rank,
            depth if province else -depth,
            not named,
            bool(_ZONE_OFFICE.search(c.guide.department or "")),
        )

    # (names told apart by their brackets only are one: "律师执业变更审核(（市内转所（执业机构变更））)" of 广州市司法局
    # and "…(市内转所（执业机构变更）)" of 广东省司法厅)
    best: dict[str, Candidate] = {}
    for c in cands:
        name = _BRACKETS_RE.sub("", c.guide.name)
        held = best.get(name)
        if held is None or key(c) < key(held):
            best[name] = c
    keep = {id(c) for c in best.values()}
    return [c for c in cands if id(c) in keep]


def zones_unasked(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Candidates without those of a zone's own office (管理委员会) when others of the same place's offices are among
    them and the question does not name the zone ("在南沙…规划许可证…延期" and 空港经济区管委会's 延期使用 beside the
    city bureau's 延期使用（建筑）); all of them otherwise."""
    q = compact(question)

    def zone(c: Candidate) -> bool:
        dept = c.guide.department or ""
        return bool(_ZONE_OFFICE.search(dept)) and not office_named(dept, q)

    rest = [c for c in cands if not zone(c)]
    places = {c.guide.region for c in cands if zone(c)}
    return rest if rest and places <= {c.guide.region for c in rest} else cands


def twin_asked(question: str, chosen: Candidate, cands: list[Candidate]) -> Candidate:
    """Of the same service of several places of one rank, the one same_service_once keeps for the question (the
    province's for a question in its terms: "…海域使用金，省自然资源厅审批要多少个工作日"); else `chosen`."""
    # (names told apart by their brackets only are twins too, as in same_service_once)
    own = _BRACKETS_RE.sub("", chosen.guide.name)
    twins = [c for c in cands if _BRACKETS_RE.sub("", c.guide.name) == own and c.rank == chosen.rank]
    if chosen not in twins or len(twins) < 2:
        return chosen
    return same_service_once(twins, question)[0]


def named_place_variant(chosen: Candidate, cands: list[Candidate]) -> Candidate:
    """The guide of the place the question names (rank 0) when `chosen` is another place's variant of that very
    service (the same name before its bracket: "…在广州搞合伙联营" and 广州's 香港、澳门律师事务所与广东境内律师事务所联营
    设立许可, not the province's "…(…合伙联营设立审核)"); else `chosen`."""
    if chosen.rank == 0:
        return chosen
    base = QUALIFIER_RE.sub("", chosen.guide.name)
    named = [c for c in cands if c.rank == 0 and QUALIFIER_RE.sub("", c.guide.name) == base]
    return named[0] if named else chosen


# a move said ("跳槽到", "转嚟", "调去"), and the variant names for a move across a city's or a province's bounds
_MOVE_RE = re.compile(r"转|调|跳槽|迁|搬")
_CROSSING_NAME = {"省": re.compile(r"跨省|省外|外省"), "市": re.compile(r"跨市|跨地市")}


def crossing_variant(question: str, cands: list[Candidate]) -> Candidate | None:
    """Of close variants, the one for a move across the bounds the question's move crosses ("我从佛山的律所跳槽到
    广州一家所" and 律师执业变更审核(跨市转所…), not (市内转所…)); None when none or every one is for it."""
    if len(cands) < 2 or not _MOVE_RE.search(question):
        return None
    levels = crossed_levels(question)
    for level in ("省", "市"):
        if level not in levels:
            continue
        holders = [c for c in cands if _CROSSING_NAME[level].search(c.guide.name)]
        if holders and len(holders) < len(cands):
            return holders[0]
    return None
