"""Faults a blind set of unseen guides showed (blind19, read in the fifteenth session)."""

from __future__ import annotations

from assistant.policy.evidence import Candidate
from assistant.policy.service_pick import told_lead
from knowledge.schema import ServiceGuide


def _guide(gid: str, name: str, region_path: list[str]) -> ServiceGuide:
    return ServiceGuide(id=gid, name=name, region=region_path[-1], region_path=region_path)


# sample data, in the shape of real variants of one provincial service and its city twin
SET_UP = _guide("set-up", "技工学校的设立审批(省属技工学校设立审批)（示例）", ["广东省"])
CLOSE = _guide("close", "技工学校的设立审批(省属技工学校终止办学)（示例）", ["广东省"])
CITY = _guide("city", "技工学校的设立审批（示例）", ["广东省", "广州市"])


def test_of_names_told_whole_the_one_holding_the_other_s_told_words_and_more_is_asked() -> None:
    cands = [Candidate(g, None, None, 1) for g in (CLOSE, CITY, SET_UP)]
    picked = told_lead("我们想在广东设立一所省属技工学校，审批承诺多少个工作日？", cands)
    assert picked is not None and picked.guide is SET_UP
    # without the qualifier's words the plain name is told whole and the qualified one is not: no variant singled
    # out by what the question does not say
    picked = told_lead("技工学校设立审批要多少个工作日？", cands)
    assert picked is not None and picked.guide is CITY


def test_names_told_alike_without_one_holding_the_others_are_still_a_choice() -> None:
    a = _guide("a", "河道采砂许可（示例）", ["广东省"])
    b = _guide("b", "河道许可审批（示例）", ["广东省"])
    cands = [Candidate(a, None, None, 1), Candidate(b, None, None, 1)]
    assert told_lead("河道采砂许可审批示例", cands) is None
    # one told whole and far more than the other still leads
    picked = told_lead("河道采砂许可示例", [Candidate(a, None, None, 1), Candidate(CITY, None, None, 1)])
    assert picked is not None and picked.guide is a
