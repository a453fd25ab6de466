"""An official FAQ question asked (nearly) word for word gets that pair's answer, labelled with its region, even
when a guide of the home region shares its words (real 员工录用“一件事” of 长沙市 and the authored Huadu samples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.faq_evidence import asks_official
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import FAQ, ServiceGuide
from retrieval.embedders import HashEmbedder

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.fixture(scope="module")
def hiring() -> ServiceGuide:
    return load_scenario_json(FIXTURE / "43TCP0014_changsha.json").guides[0]


def test_a_question_reads_as_an_official_one_only_when_it_names_the_same_things() -> None:
    pair = FAQ(question="税务信息为什么是人工核验？", answer="…")
    assert asks_official("税务信息为什么是人工核验？", pair)
    assert asks_official("请问税务信息为什么是人工核验", pair)  # a polite opening, no question mark
    assert not asks_official("高企申报里税务那块不能自动核对吗，为什么要手工", pair)  # a paraphrase
    # a question naming nothing besides its aspect words reads like many official ones: never word for word
    assert not asks_official("需要什么材料？", FAQ(question="需要提交什么材料？", answer="…"))


def test_an_official_question_asked_word_for_word_gets_its_own_answer(
    hiring: ServiceGuide, tmp_path: Path
) -> None:
    asked = next(f for f in hiring.faqs if "社会保障卡" in f.question and f.question.startswith("哪些人"))
    samples = load_sample_guides()
    assert any("社会保障卡" in g.name for g in samples)  # the home region's card guide shares its words
    m = build_manager([hiring, *samples], load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="w"), asked.question).reply
    assert "".join(asked.answer.split())[:20] in "".join(reply.text.split())
    assert any(c.id == f"guide:{hiring.id}#faqs" for c in reply.citations)
    assert "湖南省长沙市" in reply.text  # another place's answer carries its region
