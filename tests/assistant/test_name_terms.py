"""A long service name holding a term of the question names the matter, however little of the name the question
says; filler spans ("申请办理", "什么时候") are no term."""

from __future__ import annotations

from assistant.policy.name_words import TERM_CHARS, names_a_term

LONG_NAME = "伤残待遇申领（一次性伤残补助金、伤残津贴和生活护理费）"


def test_a_term_of_the_question_in_a_long_name() -> None:
    assert names_a_term("我想申请伤残津贴，交上去之后多少天能批", LONG_NAME)
    assert names_a_term("居住证申请要多久", "居住证申领")


def test_filler_and_short_spans_are_no_term() -> None:
    assert not names_a_term("申请办理要多久", "申请办理流程查询")  # "请办", "办理" are filler pairs
    assert not names_a_term("什么时候能领到", "什么时候开始申报")
    assert TERM_CHARS == 4 and not names_a_term("伤残要多久", LONG_NAME)  # three characters only
