"""One's situation told in everyday words is read as the words of a guide's conditions (收入, 家庭, 户籍)."""

from __future__ import annotations

from assistant.nlu.situation import asks_may, only_tells, situation_terms, tells_situation
from knowledge.schema import ServiceGuide

# test data in the shape of the sample 最低生活保障申请 guide
RELIEF = ServiceGuide(
    id="relief",
    name="示例最低生活保障申请",
    region="广东省",
    conditions="共同生活的家庭成员人均收入低于本市最低生活保障标准的本区户籍家庭。",
)


def test_everyday_words_for_one_s_situation() -> None:
    assert situation_terms("我老婆没工作，我一个月三千，两个小孩") == {"收入", "家庭", "就业", "配偶"}
    assert situation_terms("工资两千几") == {"收入"}
    assert situation_terms("我家三口人") == {"家庭"}
    assert situation_terms("我妈妈七十岁，肢体二级残疾") == {"家庭"}
    assert situation_terms("一个月能办好吗") == set()  # a time, not an income


def test_a_message_that_only_tells() -> None:
    assert only_tells("我老婆没工作，我一个月三千，两个小孩")
    assert not only_tells("我一个月三千可以申请吗")
    assert not only_tells("我一个月三千，有冇得领")
    assert asks_may("爸爸是外地户口可以上在妈妈这边吗") and not asks_may("要带什么")


def test_a_situation_is_about_the_conditions_in_their_words() -> None:
    assert tells_situation("我一个月三千，两个小孩", RELIEF)  # 收入, 家庭
    assert tells_situation("外地户口可以申请吗", RELIEF)  # 户口 -> 户籍
    assert not tells_situation("要带什么材料", RELIEF)
    assert not tells_situation("我一个月三千", RELIEF.model_copy(update={"conditions": ""}))


def test_going_in_another_s_place_oneself_asks_whether_someone_else_may() -> None:
    from assistant.nlu.normalize import canonical
    from assistant.nlu.residue import residue
    from retrieval.aspects import Aspect, detect_aspects

    for said in ("可唔可以我帮佢去办", "可以帮我妈去办吗", "我替我老婆领"):
        assert Aspect.PROXY in detect_aspects(canonical(said)), said
    assert detect_aspects("帮我办居住证") == []  # a wish to apply, not someone else going
    assert residue(canonical("可唔可以我帮佢去办")) == ""  # names no service: a follow-up
