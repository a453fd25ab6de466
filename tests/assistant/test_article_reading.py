"""The last try before a refusal: the article e5 reads as the question over every law article of the KB, when one
stands out (real e5 vectors, authored law text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from given_scorer import GivenScorer

from assistant.policy.article_reading import (
    AGREED_ARTICLE,
    AGREED_MARGIN,
    NEXT_MARGIN,
    OTHER_LAW_MARGIN,
    READ_ARTICLE,
    READ_OVER,
    read_article,
)
from assistant.policy.evidence import article_openings
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument
from retrieval.embedders import HashEmbedder


def test_an_article_is_read_only_when_it_stands_out() -> None:
    laws = ["a", "a", "b"]
    top = READ_ARTICLE + 0.01
    # ahead of the other law's best by the margin: read, though its own law's next is close
    assert read_article(np.array([top, top - 0.001, top - OTHER_LAW_MARGIN - 0.001]), laws) == 0
    # ahead of the next article, of whichever law, by its margin: read
    assert read_article(np.array([top - OTHER_LAW_MARGIN, top, top - NEXT_MARGIN - 0.001]), laws) == 1
    # close to another law's article and to its own next: none
    assert read_article(np.array([top, top - 0.005, top - 0.01]), laws) is None
    # not close enough to the question, however far ahead
    assert read_article(np.array([READ_ARTICLE - 0.01, 0.5, 0.4]), laws) is None
    # one article alone is no evidence of standing out
    assert read_article(np.array([0.99]), ["a"]) is None
    # an article retrieval found by the words needs less
    agreed = np.array([AGREED_ARTICLE + 0.001, AGREED_ARTICLE - AGREED_MARGIN - 0.001, 0.5])
    assert read_article(agreed, laws) is None
    assert read_article(agreed, laws, found={0}) == 0
    assert read_article(agreed, laws, found={1}) is None


# sample data: authored for this test (articles of three made-up regulations)
HEALTH = PolicyDocument(
    id="law-sample-health",
    title="示例母婴保健条例",
    articles=[
        Article(number="第十八条", text="禁止进行非医学需要的胎儿性别鉴定或者选择性别的人工终止妊娠。"),
        Article(number="第十九条", text="医疗保健机构应当为产妇提供科学育儿、合理营养和母乳喂养的指导。"),
    ],
)
ROADS = PolicyDocument(
    id="law-sample-roads",
    title="示例公路条例",
    articles=[
        Article(number="第十条", text="在公路上增设平面交叉道口，应当经公路管理机构同意。"),
        Article(number="第十一条", text="任何单位和个人不得在公路用地范围内设置广告牌。"),
    ],
)
WATER = PolicyDocument(
    id="law-sample-water",
    title="示例水文条例",
    articles=[Article(number="第二十条", text="水文监测资料依法向社会公开，公众可以查阅。")],
)


def test_a_question_sharing_no_words_with_its_article_is_answered_by_it(tmp_path: Path) -> None:
    laws = [HEALTH, ROADS, WATER]
    m = build_manager([], {}, tmp_path / "idx", policies=laws, embedder=HashEmbedder())
    scorer = m.answering.paraphrase
    assert scorer is not None
    ask = "有没有医院能帮忙查一下肚子里的宝宝是男是女？这样做合法吗？"
    # no vectors warmed up yet: no article is read on the turn
    assert not m.handle(DialogueState(session_id="cold"), ask).reply.citations
    scorer.warm_up(article_openings(laws))
    reply = m.handle(DialogueState(session_id="warm"), ask).reply
    assert [c.id for c in reply.citations] == ["policy:law-sample-health#第十八条"]
    assert "非医学需要的胎儿性别鉴定" in reply.text
    # nothing of the KB is about the weather: still refused
    assert not m.handle(DialogueState(session_id="oos"), "今晚会不会下雨，要不要带伞").reply.citations


def test_a_question_only_a_guide_answers_gets_no_article_read(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[HEALTH, ROADS, WATER], embedder=HashEmbedder())
    m.answering.paraphrase = GivenScorer({HEALTH.articles[0].text: READ_ARTICLE + 0.05})
    lawful = m.handle(DialogueState(session_id="law"), "肚子里的宝宝是男是女，找医院查一下合法吗？").reply
    assert [c.id for c in lawful.citations] == ["policy:law-sample-health#第十八条"]
    # statutes give no phone numbers
    phone = m.handle(
        DialogueState(session_id="tel"), "肚子里的宝宝是男是女，想找医院查一下，打哪个电话？"
    ).reply
    assert not phone.citations


def test_an_article_read_clearly_closer_goes_before_the_one_the_words_chose(tmp_path: Path) -> None:
    laws = [HEALTH, ROADS, WATER]
    m = build_manager([], {}, tmp_path / "idx", policies=laws, embedder=HashEmbedder())
    chunks = {(c.doc_id, c.field): c for c in m.retriever.article_chunks()}
    chosen = chunks[("law-sample-roads", "第十条")]
    read = chunks[("law-sample-health", "第十八条")]
    top = READ_ARTICLE + 0.03
    m.answering.paraphrase = GivenScorer({read.text: top, chosen.text: top - READ_OVER - 0.005})
    over = m.answering._read_over("问题", chosen)
    assert over is not None and over[0].chunk.id == read.id and over[1].id == "law-sample-health"
    # the chosen one read nearly as close stays
    m.answering.paraphrase = GivenScorer({read.text: top, chosen.text: top - READ_OVER + 0.005})
    assert m.answering._read_over("问题", chosen) is None
    # nor does an article that does not stand out replace it
    m.answering.paraphrase = GivenScorer({read.text: READ_ARTICLE - 0.01, chosen.text: 0.6})
    assert m.answering._read_over("问题", chosen) is None
