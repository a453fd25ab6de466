"""What a person types while a form is open: confirmations, cancels, resumes and questions in everyday
Mandarin and Cantonese."""

from __future__ import annotations

import pytest

from assistant.nlu.form_parse import is_cancel, is_confirm, is_question, is_resume


@pytest.mark.parametrize(
    "text",
    [
        "确认提交",
        "行，就这样交吧",
        "冇问题，交啦",
        "系啊",
        "得喇，交啦",
        "OK啦",
        "没错",
        "冇错",
        "好的，提交吧",
        "提交啦",
    ],
)
def test_everyday_confirmations_submit(text: str) -> None:
    assert is_confirm(text)


@pytest.mark.parametrize("text", ["先不要提交", "电话填错了", "不对", "要带什么材料？", "不办了", "唔系"])
def test_corrections_refusals_and_questions_do_not_submit(text: str) -> None:
    assert not is_confirm(text)


@pytest.mark.parametrize("text", ["算了，不办了", "唔办喇", "唔要喇", "迟啲再办", "取消申请"])
def test_cancels(text: str) -> None:
    assert is_cancel(text)


def test_a_question_about_cancelling_is_no_cancel() -> None:
    assert not is_cancel("取消了还能再申请吗？")


@pytest.mark.parametrize("text", ["继续刚才的", "继续刚才嗰个", "接住办", "继续啦", "刚才那个继续"])
def test_resumes(text: str) -> None:
    assert is_resume(text)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("怎么知道家里有没有人算有收入？", True),
        ("使唔使带相", True),
        ("得唔得", True),
        ("系咪要预约", True),
        ("几时可以攞", True),
        ("没有呢", False),
        ("还没呢", False),
        ("那护照呢", True),  # another matter asked about mid-form
        ("护照呢", True),
        ("点样交", True),
        ("有冇得优惠", True),
        ("三口人", False),
        ("我户口喺湖南", False),
    ],
)
def test_questions_are_told_from_answers(text: str, question: bool) -> None:
    assert is_question(text) is question
