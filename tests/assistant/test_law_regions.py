"""Laws have places too: a national law or one of the home region (广东省, 广州市) holds for a Huadu citizen, a local
regulation of another city (清远市, 汕头经济特区) does not. An article of a law that holds goes before another
place's regulation when both answer, and another place's regulation is never quoted as if it applied: its reply
says whose it is. The law texts below are authored samples in the shape of the bundled laws."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_hits import article_hit, article_result

from assistant.policy.evidence import best_article
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument
from retrieval.embedders import HashEmbedder
from retrieval.regions import HOME_REGION_DEFAULT, law_applies, law_of_place
from retrieval.types import SearchResult

# sample data: authored for these tests, worded like the bundled regulations
QINGYUAN = PolicyDocument(
    id="law-sample-qingyuan",
    title="清远市住宅小区物业管理条例（示例）",
    level="市",
    region="清远市",
    articles=[
        Article(
            number="第二十条",
            text="住宅小区业主大会由全体业主组成，首次业主大会会议由街道办事处组织业主召开，选举产生业主委员会。",
        )
    ],
)
NATIONAL = PolicyDocument(
    id="law-sample-national",
    title="物业管理条例（示例）",
    level="国家",
    region="全国",
    articles=[
        Article(
            number="第十条",
            text="同一个物业管理区域内的业主，应当在物业所在地的区、县人民政府房地产行政主管部门或者街道办事处的"
            "指导下成立业主大会，并选举产生业主委员会。",
        )
    ],
)


@pytest.mark.parametrize(
    ("region", "text", "holds"),
    [
        ("全国", "", True),
        ("广东省", "", True),
        ("广州市", "", True),
        (None, "", True),  # no place recorded: not said to be another place's
        ("清远市", "小区业主大会怎么成立", False),
        ("汕头市", "辅警可以查身份证吗", False),
        ("清远市", "清远的小区业主大会怎么成立", True),  # the person asks about that place
        ("番禺区", "", False),  # a sibling district of the home one
    ],
)
def test_which_laws_hold_for_the_person(region: str | None, text: str, holds: bool) -> None:
    assert law_applies(region, HOME_REGION_DEFAULT, text) is holds


def test_an_article_of_a_law_that_holds_goes_before_another_city_s_regulation() -> None:
    q = "小区业主大会怎么成立"
    result = SearchResult(
        query=q,
        hits=[],
        confident=True,
        confidence=0.9,
        articles=[
            article_hit(QINGYUAN, QINGYUAN.articles[0], 0.95),
            article_hit(NATIONAL, NATIONAL.articles[0], 0.9),
        ],
    )
    laws = {d.id: d for d in (QINGYUAN, NATIONAL)}
    picked = best_article(q, result, laws.get)
    assert picked is not None and picked[1].id == QINGYUAN.id  # on the evidence alone
    here = best_article(q, result, laws.get, applies=lambda d: law_applies(d.region, HOME_REGION_DEFAULT, q))
    assert here is not None and here[1].id == NATIONAL.id
    # the person asking about 清远 gets 清远's regulation
    named = "清远的" + q
    there = best_article(
        named, result, laws.get, applies=lambda d: law_applies(d.region, HOME_REGION_DEFAULT, named)
    )
    assert there is not None and there[1].id == QINGYUAN.id


def test_a_person_naming_the_province_gets_its_regulation_before_a_close_national_one() -> None:
    """ "广东法规怎么规定的": of two close articles of laws that both hold here, the one of the place named."""
    province = PolicyDocument(
        id="law-sample-gd",
        title="广东省物业管理条例（示例）",
        level="省",
        region="广东省",
        articles=[
            Article(
                number="第八条",
                text="同一个物业管理区域内的业主，应当在物业所在地的县级人民政府房地产行政主管部门或者街道办事处的"
                "指导下成立业主大会，并选举产生业主委员会。",
            )
        ],
    )
    q = "小区业主大会怎么成立"
    laws = {d.id: d for d in (province, NATIONAL)}
    applies = lambda d: law_applies(d.region, HOME_REGION_DEFAULT, q)  # noqa: E731

    def picked(national_score: float, named: bool):
        result = article_result(
            q,
            article_hit(NATIONAL, NATIONAL.articles[0], national_score),
            article_hit(province, province.articles[0], 0.85),
        )
        theirs = (lambda d: law_of_place(d.region, "广东")) if named else None
        got = best_article(q, result, laws.get, applies=applies, named_law=theirs)
        return got[1].id if got else None

    assert picked(0.9, named=False) == NATIONAL.id  # the evidence alone
    assert picked(0.9, named=True) == province.id  # nearly as close, and of the place named
    assert picked(3.0, named=True) == NATIONAL.id  # far behind: the evidence decides


def test_only_a_law_in_force_here_may_go_before_a_guide_of_here() -> None:
    """An article that is to answer instead of the home region's guides must be of a law in force here: another
    city's regulation alone gives nothing (the guides are answered or offered instead)."""
    q = "小区业主大会怎么成立"
    applies = lambda d: law_applies(d.region, HOME_REGION_DEFAULT, q)  # noqa: E731
    laws = {d.id: d for d in (QINGYUAN, NATIONAL)}
    only_there = article_result(q, article_hit(QINGYUAN, QINGYUAN.articles[0], 0.95))
    assert best_article(q, only_there, laws.get, applies=applies) is not None  # labelled, as a last resort
    assert best_article(q, only_there, laws.get, applies=applies, in_force_only=True) is None
    both = only_there.model_copy(
        update={"articles": [*only_there.articles, article_hit(NATIONAL, NATIONAL.articles[0], 0.9)]}
    )
    picked = best_article(q, both, laws.get, applies=applies, in_force_only=True)
    assert picked is not None and picked[1].id == NATIONAL.id


def test_another_city_s_regulation_is_quoted_with_whose_it_is(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[QINGYUAN], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="qy"), "小区业主大会怎么成立").reply
    assert [c.id for c in reply.citations] == ["policy:law-sample-qingyuan#第二十条"]
    head = reply.text.split("\n")[0]
    assert "清远市的地方性法规" in head and "不是广东省广州市花都区的规定" in head
    assert "相关法规的规定如下" not in reply.text
    # asked about 清远 itself: quoted as that place's rule, without the note
    named = m.handle(DialogueState(session_id="qy2"), "清远小区业主大会怎么成立").reply
    assert named.citations and "不是广东省广州市花都区的规定" not in named.text


def test_the_law_path_puts_a_close_law_that_holds_here_first_and_labels_another_city_s(
    tmp_path: Path,
) -> None:
    """The statute path (a policy first in the search): of two close laws, the one that holds here is quoted;
    alone, another city's regulation comes with whose it is, also without the "no guide found" lead."""
    from retrieval.types import DocKind, Hit

    m = build_manager([], {}, tmp_path / "idx", policies=[QINGYUAN, NATIONAL], embedder=HashEmbedder())
    q = "小区业主大会怎么成立"

    def law_hit(doc: PolicyDocument, score: float) -> Hit:
        return Hit(doc.id, DocKind.POLICY, doc.title, score, [article_hit(doc, doc.articles[0], score)])

    both = SearchResult(
        query=q, hits=[law_hit(QINGYUAN, 1.0), law_hit(NATIONAL, 0.95)], confident=True, confidence=0.9
    )
    st = DialogueState(session_id="law")
    reply = m.answering._law_reply(st, q, both, [], fallback=False)
    assert reply is not None and reply.citations[0].id.startswith(f"policy:{NATIONAL.id}#")
    assert "地方性法规" not in reply.text
    alone = SearchResult(query=q, hits=[law_hit(QINGYUAN, 1.0)], confident=True, confidence=0.9)
    reply = m.answering._law_reply(st, q, alone, [], fallback=False)
    assert reply is not None and reply.text.startswith(
        "以下为清远市的地方性法规（不是广东省广州市花都区的规定）"
    )
    reply = m.answering._law_reply(st, q, alone, [], fallback=True)
    assert reply is not None and reply.text.startswith(
        "没有找到与您的问题直接对应的办事指南，以下为清远市的地方性法规"
    )


# sample data: an authored provincial article in the shape of the bundled land regulation
GUANGDONG_LAND = PolicyDocument(
    id="law-sample-gd-land",
    title="广东省土地管理条例（示例）",
    level="省",
    region="广东省",
    articles=[
        Article(
            number="第四十二条",
            text="农村村民一户只能拥有一处宅基地，宅基地面积最高标准为：平原地区和城市郊区每户不超过八十平方米，"
            "丘陵地区每户不超过一百二十平方米，山区每户不超过一百五十平方米。",
        )
    ],
)


def test_a_person_who_says_they_ask_here_gets_the_statute_in_force_here_before_another_province_s_answer(
    tmp_path: Path,
) -> None:
    """Hunan's 农村建房一件事 answers the area of a homestead with Hunan's own rule. Asked plainly, that official
    answer is given with whose it is; asked "花都…", the Guangdong article that answers comes first."""
    from knowledge.loaders.scenario import load_scenario_json

    hunan = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething" / "43TC2000100Y_muyun.json"
    guide = load_scenario_json(hunan).guides[0]
    m = build_manager([guide], {}, tmp_path / "idx", policies=[GUANGDONG_LAND], embedder=HashEmbedder())
    plain = m.handle(DialogueState(session_id="p"), "宅基地面积最高标准是多少").reply
    assert [c.id for c in plain.citations] == [f"guide:{guide.id}#faqs"]
    assert "不是广东省广州市花都区的规定" in plain.text
    here = m.handle(DialogueState(session_id="h"), "花都宅基地面积最高标准是多少").reply
    assert [c.id for c in here.citations] == ["policy:law-sample-gd-land#第四十二条"]
    assert "湖南" not in here.text
