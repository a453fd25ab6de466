"""A place the KB has no guides of may still have its own regulations in the KB (深圳经济特区…条例). A question
about that place gets the article of a law in force there that answers, before the honest "the KB does not cover
深圳"; the place's name alone is no evidence that an article answers (real e5 paraphrase check, authored law
texts in the shape of the bundled ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument
from retrieval.embedders import HashEmbedder
from retrieval.regions import law_holds_in, place_names_in

# sample data: authored for these tests, worded like the bundled Shenzhen regulations
SHENZHEN_KINDERGARTEN = PolicyDocument(
    id="law-sample-sz-kindergarten",
    title="深圳经济特区学前教育条例（示例）",
    level="市",
    region="深圳市",
    articles=[
        Article(
            number="第五十四条",
            text="普惠性幼儿园招生实行免试就近入园制度，除健康检查外，招生、编班不得进行任何形式的考试、测评。",
        ),
        Article(
            number="第七十七条",
            text="公共管理机构设立本市名单的，应当具有本市地方性法规的依据，并由本市地方性法规规定其认定标准。",
        ),
    ],
)


@pytest.mark.parametrize(
    ("region", "place", "holds"),
    [
        ("全国", "深圳市", True),
        (None, "深圳市", True),
        ("广东省", "深圳市", True),  # a province's regulation holds in its cities
        ("深圳市", "深圳市", True),
        ("汕头市", "深圳市", False),
        ("广州市", "深圳市", False),  # the home city's regulation does not hold in another city
        ("广东省", "长沙市", False),
    ],
)
def test_which_laws_hold_in_a_place(region: str | None, place: str, holds: bool) -> None:
    assert law_holds_in(region, place) is holds


def test_every_place_name_of_a_message_is_found_however_it_is_said() -> None:
    assert place_names_in("深圳有什么好玩的地方") == ["深圳"]
    assert set(place_names_in("我在深圳市宝安区上班")) == {"深圳市", "宝安区"}
    assert place_names_in("今晚会不会下雨") == []


def test_a_question_about_a_place_without_guides_gets_that_place_s_regulation(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[SHENZHEN_KINDERGARTEN], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="sz"), "深圳的普惠性幼儿园收小朋友，会不会先考一下试？").reply
    assert [c.id for c in reply.citations] == ["policy:law-sample-sz-kindergarten#第五十四条"]
    assert "不得进行任何形式的考试" in reply.text


def test_a_place_s_name_alone_is_no_evidence_that_its_regulation_answers(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[SHENZHEN_KINDERGARTEN], embedder=HashEmbedder())
    for q in ("深圳有什么好玩的地方", "深圳的地方小吃有哪些"):
        reply = m.handle(DialogueState(session_id="x"), q).reply
        assert not reply.citations, q
