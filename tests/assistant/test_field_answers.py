"""Field answers the way people type them (Mandarin, Cantonese, in words, with particles), through the form."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.nlu.normalize import canonical
from assistant.policy import form_flow as forms
from assistant.state import DialogueState
from guides.loader import load_flows

ORDER = [
    "applicant_name",
    "applicant_id_number",
    "phone",
    "hukou_address",
    "household_size",
    "monthly_income",
]
FILL = {
    "applicant_name": "张三",
    "applicant_id_number": "440114198306151496",
    "phone": "13622334455",
    "hukou_address": "花都区炭步镇文岗村二社18号",
    "household_size": "3",
    "monthly_income": "2000",
}


def _answer(field: str, text: str) -> dict[str, Any]:
    flow = load_flows()["dibao-shenqing"]
    state = DialogueState()
    forms.start_form(state, flow, None, "")
    for answer in ["没有", "没有", "本人", *[FILL[f] for f in ORDER[: ORDER.index(field)]]]:
        forms.handle_form(state, flow, None, answer)
    assert state.requested == field
    forms.handle_form(state, flow, None, canonical(text))  # the manager hands over normalised text
    return state.fields


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("applicant_name", "我姓陈，叫陈志强", "陈志强"),
        ("applicant_name", "我系陈志强", "陈志强"),
        ("applicant_name", "陈志强呀", "陈志强"),
        ("applicant_id_number", "身份证号码係 4401 1419 8306 1514 96", "440114198306151496"),
        ("applicant_id_number", "４４０１１４１９８３０６１５１４９６", "440114198306151496"),
        ("phone", "打呢个13622334455啦", "13622334455"),
        ("hukou_address", "我屋企喺花都区新华街道公益路12号", "花都区新华街道公益路12号"),
        ("hukou_address", "住在花都区秀全街道大华村三巷5号", "花都区秀全街道大华村三巷5号"),
        ("household_size", "屋企有四个人", 4),
        ("household_size", "我同老公两个", 2),
        ("monthly_income", "冇收入", 0.0),
        ("monthly_income", "大概一千五左右", 1500.0),
        ("monthly_income", "每个月千几蚊", 1000.0),
    ],
)
def test_field_answers_in_everyday_words(field: str, text: str, value: Any) -> None:
    assert _answer(field, text).get(field) == value
