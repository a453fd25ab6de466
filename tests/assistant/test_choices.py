"""Choice inference for 情形 questions: own words, cues / implications from the flow YAML, yes / no,
targeted confirmations; and the form asks a confirmation instead of "没有听明白"."""

from __future__ import annotations

import pytest

from assistant.nlu.choices import How, confirmation, cue_regex, implied_choice, infer_choice, vocab
from assistant.policy import form_flow as forms
from assistant.state import DialogueState
from guides.loader import load_flows
from guides.schema import Flow, Question


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    return load_flows()


def _q(flows: dict[str, Flow], flow_id: str, qid: str) -> Question:
    return next(q for q in flows[flow_id].questions if q.id == qid)


def test_every_cue_in_the_flows_compiles_with_known_word_classes(flows: dict[str, Flow]) -> None:
    cues = [cue for f in flows.values() for q in f.questions for c in q.choices for cue in c.cues]
    assert len(cues) >= 30
    for cue in cues:
        cue_regex(cue)
    assert "湖南" in vocab()["provinces_outside_guangdong"]


@pytest.mark.parametrize(
    ("flow_id", "qid", "text", "value"),
    [
        ("linghuo-jiuye-canbao", "hukou", "我户口在湖南", "否"),
        ("linghuo-jiuye-canbao", "hukou", "老家湖南，在广州打工", "否"),
        ("linghuo-jiuye-canbao", "hukou", "我是花都人", "是"),
        ("linghuo-jiuye-canbao", "hukou", "系啊", "是"),
        ("linghuo-jiuye-canbao", "hukou", "唔系", "否"),
        ("shebaoka-buhuan", "agent", "我帮我爸办", "代办"),
        ("shebaoka-buhuan", "agent", "帮我老窦办嘅", "代办"),
        ("shebaoka-buhuan", "agent", "我自己来办", "本人"),
        ("shebaoka-buhuan", "pickup", "寄到屋企", "邮寄"),
        ("shebaoka-buhuan", "pickup", "第二个", "邮寄"),
        ("dibao-shenqing", "income", "我老婆在超市上班", "是"),
        ("dibao-shenqing", "income", "冇收入", "否"),
        ("dibao-shenqing", "income", "我家三口人月收入两千", "是"),  # an income stated as an amount
        ("dibao-shenqing", "income", "收入0元", "否"),
        ("dibao-shenqing", "special", "我老爸中风瘫痪在床", "是"),
        ("dibao-shenqing", "special", "没有残疾的", "否"),
        ("juzhuzheng-shenling", "basis", "我在厂里打工", "就业"),
        ("juzhuzheng-shenling", "registered", "住了三年了", "是"),
        ("juzhuzheng-shenling", "registered", "刚来两个月", "否"),
    ],
)
def test_free_answers_map_onto_options_by_meaning(
    flows: dict[str, Flow], flow_id: str, qid: str, text: str, value: str
) -> None:
    inf = infer_choice(_q(flows, flow_id, qid), text)
    assert inf is not None and inf.sure and inf.value == value


def test_conflicting_evidence_is_confirmed_with_a_targeted_question(flows: dict[str, Flow]) -> None:
    q = _q(flows, "linghuo-jiuye-canbao", "hukou")
    inf = infer_choice(q, "是，我户口在湖南")  # says yes to "广州户籍吗" but names Hunan
    assert inf is not None and not inf.sure and inf.value == "否" and inf.how is How.CUE
    assert confirmation(q, inf) == "您是外地户籍（非广州市户籍），对吗？"


def test_no_evidence_gives_no_inference(flows: dict[str, Flow]) -> None:
    assert infer_choice(_q(flows, "shebaoka-buhuan", "pickup"), "随便") is None


def test_a_first_message_implies_answers_by_words_and_cues_only(flows: dict[str, Flow]) -> None:
    q = _q(flows, "shebaoka-buhuan", "agent")
    assert implied_choice(q, "我想帮我妈补办社保卡") == "代办"
    assert implied_choice(q, "是这样的，社保卡不见了") is None  # "是" is no answer here
    has_card = _q(flows, "canjiren-butie", "has_card")
    assert implied_choice(has_card, "我个仔智力残疾，有冇补贴可以申请？") is None  # asks, says no "没有"
    assert implied_choice(has_card, "我儿子还没有残疾人证，有没有补贴？") == "否"


def _start(flows: dict[str, Flow], flow_id: str) -> tuple[DialogueState, Flow]:
    state = DialogueState()
    flow = flows[flow_id]
    forms.start_form(state, flow, None, "")
    return state, flow


def test_form_confirms_an_unsure_answer_and_takes_yes_or_the_other_option(flows: dict[str, Flow]) -> None:
    state, flow = _start(flows, "linghuo-jiuye-canbao")
    out = forms.handle_form(state, flow, None, "是，我户口在湖南")
    assert out is not None and "对吗" in out.reply.text and "没有听明白" not in out.reply.text
    assert out.events[0].type == "confirm_asked" and "hukou" not in state.answers
    forms.handle_form(state, flow, None, "系啊")
    assert state.answers["hukou"] == "否"

    state, flow = _start(flows, "linghuo-jiuye-canbao")
    forms.handle_form(state, flow, None, "是，我户口在湖南")
    forms.handle_form(state, flow, None, "唔系")  # not 外地: the other of two options
    assert state.answers["hukou"] == "是"


def test_an_unknown_answer_is_reasked_without_a_bare_not_understood(flows: dict[str, Flow]) -> None:
    state, flow = _start(flows, "shebaoka-buhuan")
    out = forms.handle_form(state, flow, None, "随便")
    assert out is not None and "没有听明白" not in out.reply.text
    assert "新卡您想到网点领取还是邮寄到家" in out.reply.text and out.reply.choices == [
        "到网点领取",
        "邮寄到家",
    ]


def test_a_question_is_never_stored_as_an_answer(flows: dict[str, Flow]) -> None:
    state, flow = _start(flows, "dibao-shenqing")
    assert forms.handle_form(state, flow, None, "怎么知道家里有没有人算有收入？") is None
    assert state.answers == {} and state.requested == "income"


def test_an_amount_answer_is_not_taken_for_a_choice_word_inside_it(flows: dict[str, Flow]) -> None:
    state, flow = _start(flows, "gongjijin-zufang-tiqu")
    for text in ("已经备案了", "就我自己", "李四", "440114199007081074", "13788889999", "花都区新华街道云山大道88号"):
        forms.handle_form(state, flow, None, text)
    assert state.requested == "monthly_rent"
    forms.handle_form(state, flow, None, "每个月两千")  # 每个月 is also a word of 按月提取
    assert state.fields["monthly_rent"] == 2000 and "frequency" not in state.fields
