"""A place the KB has no guides of may still have its own regulations in the KB (深圳经济特区…条例). A question
about that place gets the article of a law in force there that answers, before the honest "the KB does not cover
深圳"; the place's name alone is no evidence that an article answers (real e5 paraphrase check, authored law
texts in the shape of the bundled ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import article_hit, article_result

from assistant.policy.evidence import Candidate
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Article, Material, PolicyDocument, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.regions import law_holds_in, mentioned_units, place_names_in
from retrieval.types import DocKind, Hit

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


SHENZHEN_DATA = PolicyDocument(
    id="law-sample-sz-data",
    title="深圳经济特区数据条例（示例）",
    level="市",
    region="深圳市",
    articles=[
        Article(
            number="第二十八条",
            text="自然人可以向数据处理者要求查阅、复制其个人数据，数据处理者应当按照有关规定及时提供，并不得收取费用。",
        )
    ],
)
RESIDENCE = PolicyDocument(
    id="law-sample-residence",
    title="居住证暂行条例（示例）",
    level="国家",
    region="全国",
    articles=[
        Article(
            number="第三条",
            text="居住证是持证人在居住地居住、作为常住人口享受基本公共服务和便利、申请登记常住户口的证明。",
        )
    ],
)


def _answer_from_home_guide(
    tmp_path: Path, guide: ServiceGuide, law: PolicyDocument, question: str, place: str
):
    """The answer path's last step: a guide of the home city was chosen, the person names only `place` (no guides of
    it), and retrieval found `law`'s first article."""
    m = build_manager([guide], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())
    candidate = Candidate(guide, Hit(guide.id, DocKind.GUIDE, guide.name, 3.0, []), None, 1)
    result = article_result(question, article_hit(law, law.articles[0], 0.45), confidence=0.1)
    return m.answering._answer_from(
        DialogueState(session_id="p"),
        candidate,
        detect_aspects(question),
        question,
        [],
        [place],
        [place],
        result,
    )


def test_a_guide_of_here_gives_way_to_the_named_place_s_own_regulation(tmp_path: Path) -> None:
    guide = ServiceGuide(
        id="gz-personal-info",
        name="个人信息查询",
        region="广东省广州市",
        department="示例政务服务数据管理局",
        materials=[Material(name="居民身份证")],
    )
    q = "我在深圳，想让某个APP把它收集的我的个人数据给我查阅、复制一份，它能收费吗？"
    reply = _answer_from_home_guide(tmp_path, guide, SHENZHEN_DATA, q, "深圳市")
    assert [c.id for c in reply.citations] == ["policy:law-sample-sz-data#第二十八条"]
    assert "不得收取费用" in reply.text


def test_a_national_statute_says_no_more_of_another_place_s_rules_than_a_guide_of_here(
    tmp_path: Path,
) -> None:
    guide = ServiceGuide(
        id="gz-residence",
        name="居住证申领",
        region="广东省广州市",
        department="示例公安局",
        materials=[Material(name="居民身份证")],
    )
    reply = _answer_from_home_guide(tmp_path, guide, RESIDENCE, "北京市的居住证怎么办", "北京市")
    assert not reply.citations
    assert "没有北京市的办事指南" in reply.text


def test_a_short_place_name_before_its_institutions_names_the_place() -> None:
    assert mentioned_units("我发现深圳公共信用平台上关于我的信息有错") == ["深圳市"]
    assert mentioned_units("深圳有些地方进出只能刷脸") == ["深圳市"]
    assert mentioned_units("我想去深圳公共图书馆") == []  # where one goes, not where one asks about


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
