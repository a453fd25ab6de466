"""One office's fact: a phone or an address that every close guide of an office the question names states alike.

A question to an office ("想打电话问问省典当行业协会") often names no one service of it; when the office's close
guides all state the same phone or address, that is the answer whichever was meant (the reply still names the
guide it quotes). Pure functions; the Answerer calls office_fact as its last try before a refusal."""

from __future__ import annotations

import re

from assistant.nlg.answer import Aspect, compose_guide_answer
from assistant.nlu.text import compact
from assistant.policy.evidence import TOP_K, Candidate, same_answer
from assistant.policy.linking import AUX_RATIO
from assistant.policy.named_lead import named_most

# what an office states the same for all its services: its phone, its address
_OFFICE_ASPECTS = frozenset({Aspect.PHONE, Aspect.LOCATION})


def office_fact(t: str, cands: list[Candidate], wanted: list[Aspect]) -> Candidate | None:
    """No guide is clearly the one asked, but the close ones are one office's and state the same phone or address
    ("想打电话问问省典当行业协会" and 典当业务咨询 / 绝当品名车查询 / 绝当品名表查询): that is the answer whichever
    of them was meant. The one whose name the question says most of answers; None otherwise."""
    if not wanted or not set(wanted) <= _OFFICE_ASPECTS or len(cands) < 2:
        return None
    top = cands[0]
    if not office_named(t, top.guide.department):
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


_OFFICE_PLACE_RE = re.compile(r"^(?:中华人民共和国|中国|广东省|广州市|花都区)|[（(][^（()）]*[)）]")


def office_named(t: str, department: str) -> bool:
    """The question names the office, without its place ("省典当行业协会", "省总工会" for 广东省总工会)."""
    own = _OFFICE_PLACE_RE.sub("", department or "")
    return len(own) >= 3 and own in compact(t)
