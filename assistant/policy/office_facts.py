"""An office's own contact facts, read from its other services when the one asked of is silent.

A phone number or an address belongs to the office more than to one of its services: 广东科学中心 records
020-39348080 on 教育活动信息查询 and 科普电影查询 but none on 科学中心活动报名. When the service asked of records
none, the office's other services that agree on one value give it, labelled with the service it is read from.
Services of the office that disagree (a large department's many numbers) give nothing: the reply stays "未载明".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.nlg.answer import ASPECT_LABEL, Composed, compose_guide_answer
from assistant.nlu.text import compact
from knowledge.schema import ServiceGuide
from retrieval.aspects import Aspect
from retrieval.types import DocKind, SearchResult

# facts of the office, not of one service (online entries and time limits are the service's own)
OFFICE_FACTS = {Aspect.PHONE: "consult_phone", Aspect.LOCATION: "location"}
# the office's services read, closest to the question first
KIN = 8

Search = Callable[..., SearchResult | None]


def office_kin(
    guide: ServiceGuide,
    wanted: Sequence[Aspect],
    question: str,
    search: Search,
    get_guide: Callable[[str], ServiceGuide | None],
) -> ServiceGuide | None:
    """Another service of `guide`'s office (same department, same region) recording the one contact fact asked,
    when all of the office's services found that record it agree on it; the closest to the question first."""
    if len(wanted) != 1 or wanted[0] not in OFFICE_FACTS or not guide.department:
        return None
    attr = OFFICE_FACTS[wanted[0]]
    res = search(question, [DocKind.GUIDE], filters={"department": guide.department}, top_k=KIN)
    kin = [
        g
        for h in (res.hits if res else [])
        if h.doc_id != guide.id
        for g in [get_guide(h.doc_id)]
        if g is not None
        and g.department == guide.department
        and g.region_path == guide.region_path
        and (getattr(g, attr) or "").strip()
    ]
    values = {compact(getattr(g, attr)) for g in kin}
    return kin[0] if len(values) == 1 else None


def office_fact_answer(
    guide: ServiceGuide, kin: ServiceGuide, wanted: Sequence[Aspect], region_note: str = ""
) -> Composed:
    """Say the service asked of is silent, then give the office's fact as its other service records it."""
    what = "、".join(ASPECT_LABEL[a] for a in wanted)
    told = compose_guide_answer(kin, wanted, question=None)
    opening = f"「{guide.name}」未载明{what}；同一单位（{guide.department}）的其他事项载明如下。"
    text = "\n".join(x for x in (region_note, opening, told.text) if x)
    return Composed(text, told.citations, [], service_id=guide.id, basis="office")
