"""A certificate asked to get ("办结婚证要带什么") is answered by the article on its procedure, not by one listing it
among the papers for another matter nor by one saying it is issued."""

from __future__ import annotations

from collections.abc import Callable

from answer_hits import article_hit, article_result

from assistant.policy.article_filters import certificate_applied_for, lists_as_paper, procedure_named
from assistant.policy.evidence import best_article
from knowledge.schema import Article, PolicyDocument
from retrieval.types import ChunkHit

# test data in the shape of 婚姻登记条例: the papers to register a marriage, the check that issues the certificate,
# and the papers for a divorce (which include the marriage certificate)
MARRIAGE = PolicyDocument(
    id="law-marriage",
    title="示例婚姻登记条例",
    articles=[
        Article(
            number="第五条",
            text="办理结婚登记的内地居民应当出具下列证件和证明材料：\n(一)本人的户口簿、身份证；\n(二)本人无配偶的签字声明。",
        ),
        Article(
            number="第七条",
            text="婚姻登记机关应当对结婚登记当事人出具的证件、证明材料进行审查。符合结婚条件的，应当当场予以登记，发给结婚证。",
        ),
        Article(
            number="第十一条",
            text="办理离婚登记的内地居民应当出具下列证件和证明材料：\n(一)本人的户口簿、身份证；\n(二)本人的结婚证。",
        ),
    ],
)


def _picker(law: PolicyDocument, found: list[ChunkHit]) -> Callable[[str], str | None]:
    """The article number best_article picks for a question, retrieval having found `found` of `law`."""

    def pick(q: str) -> str | None:
        best = best_article(q, article_result(q, *found), lambda _id: law)
        return best[0].chunk.field if best else None

    return pick


def test_the_certificate_asked_to_get_and_the_articles_listing_it_as_a_paper() -> None:
    assert certificate_applied_for("办结婚证要带什么") == "结婚证"
    assert certificate_applied_for("领个居住证要多久") == "居住证"
    assert certificate_applied_for("补办结婚证") is None  # a replacement, not getting one
    assert lists_as_paper("(二)本人的结婚证。", "结婚证")
    assert not lists_as_paper("结婚证、离婚证遗失或者损毁的，可以申请补领。", "结婚证")


def test_a_certificate_is_read_as_its_procedure_only_when_its_name_is_colloquial() -> None:
    assert procedure_named("办结婚证要带什么") == "办结婚登记要带什么"
    assert procedure_named("领个居住证要多久") == "领个居住证要多久"  # 居住登记 is another step
    assert procedure_named("办身份证要带什么") == "办身份证要带什么"  # 居民身份证 holds it


def test_getting_a_certificate_is_answered_by_the_article_on_its_procedure() -> None:
    # retrieval found the two articles saying 结婚证, not the one on registering
    found = [
        article_hit(MARRIAGE, MARRIAGE.articles[1], 0.6),
        article_hit(MARRIAGE, MARRIAGE.articles[2], 0.55),
    ]

    pick = _picker(MARRIAGE, found)

    assert pick("办结婚证要带什么") == "第五条"
    assert pick("离婚登记要带什么") == "第十一条"  # the divorce's own papers still answer a divorce


# test data in the shape of 广东省失业保险条例: the benefit's sum, and a transitional provision for those insured
# under the former scheme
JOBLESS = PolicyDocument(
    id="law-jobless",
    title="示例失业保险条例",
    articles=[
        Article(number="第十九条", text="失业保险金由社会保险经办机构按照最低工资标准的百分之九十按月计发。"),
        Article(
            number="第四十七条",
            text="本条例施行前参加失业保险的职工，失业保险金按照原标准按月计发。",
        ),
    ],
)


def test_a_transitional_provision_answers_only_a_question_about_the_old_rules() -> None:
    found = [
        article_hit(JOBLESS, JOBLESS.articles[1], 0.6),
        article_hit(JOBLESS, JOBLESS.articles[0], 0.5),
    ]

    pick = _picker(JOBLESS, found)

    assert pick("失业保险金一个月能领多少") == "第十九条"
    assert pick("条例施行前参保的，失业保险金按什么标准计发") == "第四十七条"
