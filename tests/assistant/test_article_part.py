"""A long article is quoted up to the first paragraph for a group of applicants the question does not name;
the whole article stays in the citation's source panel (sample article text written for these tests)."""

from __future__ import annotations

from answer_hits import article_hit

from assistant.nlg.answer import compose_policy_answer
from assistant.nlg.article_part import ARTICLE_BRIEF, article_part, paragraphs
from knowledge.schema import Article, PolicyDocument
from retrieval.types import DocKind, Hit

FILLER = "并提交本人签字的书面声明，声明内容应当真实、完整、准确，不得隐瞒或者虚构有关情况"
RESIDENTS = f"办理示例登记的内地居民应当出具下列证件：\n(一)本人的户口簿、身份证；\n(二){FILLER}。"
HK = f"办理示例登记的香港居民、澳门居民、台湾居民应当出具下列证件：\n(一)本人的有效通行证、身份证；\n(二){FILLER}。"
OVERSEAS = f"办理示例登记的华侨应当出具下列证件：\n(一)本人的有效护照；\n(二){FILLER}。"
FOREIGN = f"办理示例登记的外国人应当出具下列证件：\n(一)本人的有效护照；\n(二){FILLER}。"
BY_GROUP = "\n".join([RESIDENTS, HK, OVERSEAS, FOREIGN])
# a long article whose later paragraphs qualify the first for everyone: never cut
EXTENDED = (
    f"机关应当自收到申请材料之日起十五日内作出决定，{FILLER}。\n"
    f"在偏远地区或者因特殊情况，不能按期作出决定的，经负责人批准，可以延长至三十日，{FILLER}。\n"
    f"申请人因合理紧急事由请求加急办理的，应当及时办理，{FILLER}。"
)
LAW = PolicyDocument(
    id="law-sample-part",
    title="示例登记条例",
    articles=[Article(number="第五条", text=BY_GROUP), Article(number="第六条", text=EXTENDED)],
    source_path="sample",
)


def test_items_belong_to_the_paragraph_that_introduces_them() -> None:
    assert paragraphs(BY_GROUP) == [RESIDENTS, HK, OVERSEAS, FOREIGN]


def test_a_resident_gets_the_paragraph_for_residents() -> None:
    assert len(BY_GROUP) > ARTICLE_BRIEF
    part = article_part(BY_GROUP, "去登记要带哪些证件")
    assert part.text == RESIDENTS and (part.shown, part.total) == (1, 4) and part.cut
    assert BY_GROUP.startswith(part.text)  # an exact prefix of the source


def test_a_question_naming_a_group_gets_the_whole_article() -> None:
    # the foreigner's paragraph comes after the Hong Kong one: nothing is cut for a person of any group
    assert article_part(BY_GROUP, "我是外国人，回来登记要带什么").text == BY_GROUP
    assert article_part(BY_GROUP, "香港居民来登记要带什么").text == BY_GROUP


def test_exceptions_for_everyone_and_short_articles_are_never_cut() -> None:
    assert article_part(EXTENDED, "最迟多少天作出决定").text == EXTENDED
    assert article_part(RESIDENTS, "要带什么").text == RESIDENTS  # short
    assert article_part(BY_GROUP, None).text == BY_GROUP
    # an article addressed to a group throughout answers in that group's terms
    both = "\n".join([OVERSEAS, FOREIGN])
    assert article_part(both, "定居后回来登记要带什么").text == both


def _hit(number: str) -> Hit:
    art = LAW.article(number)
    assert art is not None
    return Hit(LAW.id, DocKind.POLICY, LAW.title, 1.0, [article_hit(LAW, art, 1.0)])


def test_the_reply_quotes_the_part_and_says_where_the_rest_is() -> None:
    ans = compose_policy_answer([_hit("第五条")], {LAW.id: LAW}.get, question="去登记要带哪些证件")
    assert ans is not None
    [cite] = ans.citations
    assert cite.quote == RESIDENTS and f"“{RESIDENTS}”" in ans.text
    assert "香港居民" not in ans.text and "外国人" not in ans.text
    assert "该条共4款，这里摘录第1款，全文见「引用来源」" in ans.text


def test_an_article_asked_by_number_is_quoted_whole() -> None:
    ans = compose_policy_answer([_hit("第六条")], {LAW.id: LAW}.get, question="示例登记条例第五条怎么规定")
    assert ans is not None and ans.citations[0].quote == BY_GROUP and "这里摘录" not in ans.text
