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


def test_a_long_question_saying_a_term_of_the_name_whole_gets_that_service(tmp_path) -> None:
    """ "…要参加实习期满考试，这是什么规定" says little of "大中型客货车驾驶人实习期满考试" as a share of its words, but
    the six characters of its term whole: the guide found answers with its overview, not "无法准确回答"."""
    from assistant.policy.evidence import Candidate
    from assistant.state import DialogueState
    from eval.dialogue import build_manager
    from guides.loader import load_flows, load_sample_guides
    from retrieval.embedders import HashEmbedder

    samples = load_sample_guides()
    exam = samples[0].model_copy(
        update={
            "id": "sample-test-shixiqi-kaoshi",
            "name": "大中型客货车驾驶人实习期满考试",
            "conditions": "实习期内驾驶大中型客货车的驾驶人，实习期满前应当参加考试。（示例数据）",
            "faqs": [],
        }
    )
    m = build_manager([exam, *samples[1:]], load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    q = "我刚拿A2一年，实习期快满了，人家说要参加实习期满考试，这是什么规定"
    events: list = []
    reply = m.answering._answer_from(
        DialogueState(session_id="t"), Candidate(exam, None, None, 1), [], q, events, [], []
    )
    assert any(c.id.startswith(f"guide:{exam.id}#") for c in reply.citations), reply.text
    assert not [e for e in events if type(e).__name__ == "NoFit"]
    # a question naming no term of it still gets no overview of it
    other = m.answering._answer_from(
        DialogueState(session_id="u"),
        Candidate(exam, None, None, 1),
        [],
        "朋友话要去考试，这是什么规定",
        [],
        [],
        [],
    )
    assert not other.citations
