"""After a service's overview, everyday follow-ups stay on it: one's spouse told ("我老婆可以一起取吗") gets the
conditions and the paper listed for that situation, "要结婚证吗" the list's item, and how often one may do it
("一年能取几次") the honest "not stated" with the service's phone, not another place's FAQ on trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlg.passage_answer import told_materials
from assistant.nlu.situation import situation_terms
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from retrieval.embedders import HashEmbedder


def test_a_spouse_is_read_as_the_conditions_term() -> None:
    assert "配偶" in situation_terms("我老婆可以一起取吗")
    assert "配偶" in situation_terms("我老公是本地人")
    assert "配偶" not in situation_terms("我妈可以帮我办吗")


def test_materials_for_a_told_situation_only() -> None:
    guide = next(g for g in load_sample_guides() if g.name == "住房公积金租房提取")
    assert [m.name for m in told_materials(guide, "我老婆可以一起取吗")] == ["结婚证"]
    # asking the conditions in their own words tells no situation
    assert told_materials(guide, "什么情况下可以租房提取公积金") == []


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory):
    index: Path = tmp_path_factory.mktemp("spouse-index")
    return build_manager(load_sample_guides(), load_flows(), index, embedder=HashEmbedder())


def test_follow_ups_on_a_withdrawal(manager) -> None:
    st = DialogueState(session_id="spouse")

    def say(text: str):
        nonlocal st
        res = manager.handle(st, text)
        st = res.state
        return res.reply

    assert "住房公积金租房提取" in say("公积金租房提取怎么办").text
    spouse = say("我老婆可以一起取吗")
    assert "职工及配偶" in spouse.text and "「结婚证」" in spouse.text
    assert {c.id for c in spouse.citations} >= {
        "guide:sample-huadu-gongjijin-zufang-tiqu#conditions",
        "guide:sample-huadu-gongjijin-zufang-tiqu#materials",
    }
    paper = say("要结婚证吗")
    assert "结婚证（适用情形：配偶共同提取的）" in paper.text
    often = say("一年能取几次")
    assert "该指南未载明办理次数" in often.text and "12329" in often.text
