"""Two offices of one place grant a service of the same name (广州市规划和自然资源局 and 广州空港经济区管理委员会 each
grant 既有住宅增设电梯's planning permit, with different time limits): the one the question names answers, else
the one serving the whole place, and the reply says whose guide it is and that the other office grants it too."""

from __future__ import annotations

from pathlib import Path

from assistant.policy.evidence import Candidate
from assistant.policy.variants import same_service_once
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import DocKind, Hit

NAME = "建设工程规划许可证核发(既有住宅增设电梯工程)"  # the real name, shortened


def _guide(gid: str, department: str, days: int) -> ServiceGuide:
    # sample data in the shape of the two real Guangzhou guides
    return ServiceGuide(
        id=gid,
        name=NAME,
        region="广东省广州市",
        region_path=["广东省", "广州市"],
        department=department,
        promised_time_limit=TimeLimit(value=days, unit="工作日", raw=f"{days}(工作日)"),
    )


CITY = _guide("lift-city", "广州市规划和自然资源局", 9)
ZONE = _guide("lift-zone", "广州空港经济区管理委员会", 3)


def _cand(g: ServiceGuide) -> Candidate:
    return Candidate(g, Hit(g.id, DocKind.GUIDE, g.name, 3.4, []), None, 1)


def test_the_office_the_question_names_else_the_one_serving_the_whole_place() -> None:
    zone, city = _cand(ZONE), _cand(CITY)
    assert same_service_once([zone, city]) == [city]  # the zone's committee serves its zone only
    assert same_service_once([zone, city], "我住空港经济区，旧楼加装电梯去哪办") == [zone]
    assert same_service_once([city, zone], "旧楼加装电梯去哪办") == [city]


def test_the_reply_says_whose_guide_answers_when_another_office_grants_it_too(tmp_path: Path) -> None:
    m = build_manager([ZONE, CITY], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="t"), "既有住宅增设电梯工程规划许可证核发要多久").reply
    assert "9个工作日" in reply.text and "3个工作日" not in reply.text
    assert "以下为广州市规划和自然资源局的办事指南" in reply.text
    assert "广州空港经济区管理委员会也办理同名事项" in reply.text


def test_a_lift_added_to_an_old_building_reads_formally() -> None:
    terms = expand_synonyms("旧楼加装电梯要多久", synonym_table())
    assert "既有住宅增设电梯" in terms and "既有住宅" in terms


def test_naming_the_other_office_after_the_note_gets_its_guide(tmp_path: Path) -> None:
    m = build_manager([ZONE, CITY], {}, tmp_path / "idx", embedder=HashEmbedder())
    st = DialogueState(session_id="f")
    first = m.handle(st, "既有住宅增设电梯工程规划许可证核发要多久")
    assert "9个工作日" in first.reply.text
    then = m.handle(first.state, "我住空港经济区呢").reply
    assert "3个工作日" in then.text and "以下为广州空港经济区管理委员会的办事指南" in then.text
    assert [c.id for c in then.citations][:1] == ["guide:lift-zone#promised_time_limit"]
    # a follow-up naming no office of the twins stays on the guide in focus
    other = m.handle(first.state, "我住新华街呢").reply
    assert "3个工作日" not in other.text
