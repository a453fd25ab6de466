"""Form filling over the bundled flows: one item at a time, validation, corrections, digressions, 预审, submit."""

from __future__ import annotations

import pytest

from assistant.nlg.answer import compose_guide_answer
from assistant.policy import form_flow as forms
from assistant.state import DialogueState
from guides.loader import load_flows, load_sample_guides
from guides.schema import Flow
from knowledge.schema import SAMPLE_MARK, ServiceGuide
from retrieval.aspects import Aspect

GOOD_ID = "11010519491231002X"  # GB 11643 example number, valid check digit
BAD_ID = "110105194912310021"  # same number, wrong check digit


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    return load_flows()


@pytest.fixture(scope="module")
def guides() -> dict[str, ServiceGuide]:
    return {g.id: g for g in load_sample_guides()}


class Session:
    """Drives forms.* like the manager does, keeping the state between messages."""

    def __init__(self, flow: Flow, guide: ServiceGuide | None) -> None:
        self.flow, self.guide = flow, guide
        self.state = DialogueState()

    def start(self, text: str = "") -> forms.FormOutcome:
        return forms.start_form(self.state, self.flow, self.guide, text)

    def say(self, text: str) -> forms.FormOutcome:
        out = forms.handle_form(self.state, self.flow, self.guide, text)
        assert out is not None, f"the form did not handle {text!r}"
        return out


@pytest.fixture
def card(flows: dict[str, Flow], guides: dict[str, ServiceGuide]) -> Session:
    flow = flows["shebaoka-buhuan"]
    return Session(flow, guides[flow.service_id])


def _to_confirm(s: Session, pickup: str = "到网点领取") -> None:
    s.start("我要补办社保卡")
    s.say(pickup)
    s.say("本人办理")
    s.say("我叫张三，手机号13800138000")
    s.say(GOOD_ID)
    s.say("遗失")
    if pickup == "邮寄到家":
        s.say("广东省广州市花都区新华街道迎宾大道1号")
    assert s.state.flow_stage == forms.STAGE_CONFIRM


def test_situation_questions_then_fields_one_at_a_time(card: Session) -> None:
    out = card.start("我要补办社保卡")
    assert card.state.flow_id == "shebaoka-buhuan"
    assert card.state.flow_stage == forms.STAGE_QUESTIONS and card.state.requested == "pickup"
    assert out.reply.choices == ["到网点领取", "邮寄到家"]
    assert SAMPLE_MARK in out.reply.text
    out = card.say("网点")  # a synonym
    assert card.state.answers == {"pickup": "网点领取"}
    assert card.state.requested == "agent" and out.reply.choices == ["本人办理", "委托他人代办"]
    out = card.say("1")  # by index
    assert card.state.answers["agent"] == "本人"
    assert card.state.flow_stage == forms.STAGE_FIELDS
    assert card.state.requested == "applicant_name"
    assert "请提供持卡人姓名" in out.reply.text
    assert "居民身份证" in out.reply.text  # the materials checklist for the chosen situation
    assert out.reply.form is not None and "持卡人姓名" in out.reply.form.missing
    out = card.say("张三")
    assert card.state.fields == {"applicant_name": "张三"}
    assert card.state.requested == "applicant_id_number"


def test_unmatched_choice_is_asked_again(card: Session) -> None:
    card.start()
    out = card.say("随便")
    assert card.state.requested == "pickup" and "pickup" not in card.state.answers
    assert out.reply.choices == ["到网点领取", "邮寄到家"]


def test_first_message_fills_known_items_which_are_skipped(card: Session) -> None:
    card.start("社保卡丢了，要补办")
    card.say("到网点领取")
    card.say("本人办理")
    assert card.state.fields.get("reason") == "遗失"
    card.say("张三")
    card.say("13800138000")
    card.say(GOOD_ID)
    assert card.state.flow_stage == forms.STAGE_CONFIRM  # 补换原因 was never asked


def test_several_fields_in_one_message(card: Session) -> None:
    card.start()
    card.say("到网点领取")
    card.say("本人办理")
    out = card.say(f"我叫张三，身份证号{GOOD_ID}，手机13800138000")
    assert card.state.fields == {
        "applicant_name": "张三",
        "applicant_id_number": GOOD_ID,
        "phone": "13800138000",
    }
    assert "持卡人姓名、身份证号、手机号" in out.reply.text
    assert card.state.requested == "reason"
    assert out.reply.choices == ["遗失", "损坏", "信息变更", "到期换领"]


def test_invalid_value_says_exactly_what_is_wrong(card: Session) -> None:
    card.start()
    card.say("到网点领取")
    card.say("本人办理")
    card.say("张三")
    out = card.say(BAD_ID)
    assert "身份证号校验位不正确" in out.reply.text
    assert "applicant_id_number" not in card.state.fields
    assert card.state.requested == "applicant_id_number"
    assert any(e.type == "invalid" for e in out.events)
    out = card.say("1380013800")  # now a 10-digit phone for the ID field: still the ID is wrong
    assert "applicant_id_number" not in card.state.fields
    card.say(GOOD_ID)
    assert card.state.fields["applicant_id_number"] == GOOD_ID


def test_read_back_and_submission_draft(card: Session) -> None:
    _to_confirm(card)
    s = card.state
    out = card.say("身份证已经有了")
    assert s.provided_materials == ["居民身份证"]  # not 代办人居民身份证… (not required here anyway)
    text = out.reply.text
    assert text.startswith("好的，已标记为已备：居民身份证")
    assert "请核对以下信息" in text and "确认提交吗" in text
    for value in ("张三", GOOD_ID, "13800138000", "遗失", "到网点领取"):
        assert value in text
    assert "✓ 居民身份证" in text
    assert out.reply.choices == [forms.CONFIRM_LABEL, forms.EDIT_LABEL]
    out = card.say("确认提交")
    draft = out.submission
    assert draft is not None
    assert draft.service_id == "sample-huadu-shebaoka-buhuan" and draft.flow_id == "shebaoka-buhuan"
    assert draft.service_name == "社会保障卡补换"
    assert draft.answers == {"pickup": "网点领取", "agent": "本人"}
    assert draft.fields == {
        "applicant_name": "张三",
        "phone": "13800138000",
        "applicant_id_number": GOOD_ID,
        "reason": "遗失",
    }
    assert {m["name"]: m["provided"] for m in draft.materials} == {"居民身份证": True, "原社会保障卡": False}
    assert draft.missing_materials == []  # 原社会保障卡 is optional
    assert "张三" in draft.summary
    assert card.state.flow_stage == forms.STAGE_SUBMITTED


def test_missing_materials_are_reported_in_the_draft(card: Session) -> None:
    _to_confirm(card)
    out = card.say("确认")
    assert out.submission is not None
    assert out.submission.missing_materials == ["居民身份证"]


def test_all_materials_ticked_at_once(card: Session) -> None:
    _to_confirm(card)
    card.say("材料都齐了")
    assert set(card.state.provided_materials) == {"居民身份证", "原社会保障卡"}
    card.say("原社会保障卡还没有")
    assert card.state.provided_materials == ["居民身份证"]


def test_correction_with_a_value_revalidates_and_replaces(card: Session) -> None:
    _to_confirm(card)
    out = card.say("电话填错了，是13900139000")
    assert card.state.fields["phone"] == "13900139000"
    assert "手机号已改为“13900139000”" in out.reply.text
    assert "请核对以下信息" in out.reply.text  # back to the read-back
    out = card.say("手机号改成123")
    assert "手机号有误" in out.reply.text and "11位" in out.reply.text
    assert card.state.fields["phone"] == "13900139000"  # the old value is kept until a valid one comes


def test_correction_without_value_asks_again(card: Session) -> None:
    _to_confirm(card, pickup="邮寄到家")
    out = card.say("改一下地址")
    assert card.state.requested == "mailing_address"
    assert "请重新提供邮寄地址" in out.reply.text
    card.say("广东省广州市花都区新雅街道凤凰路9号")
    assert card.state.fields["mailing_address"] == "广东省广州市花都区新雅街道凤凰路9号"
    assert card.state.flow_stage == forms.STAGE_CONFIRM


def test_edit_menu_from_the_read_back(card: Session) -> None:
    _to_confirm(card)
    out = card.say("修改")
    assert "持卡人姓名" in out.reply.choices
    card.say("持卡人姓名")
    assert card.state.requested == "applicant_name"
    card.say("李四")
    assert card.state.fields["applicant_name"] == "李四"
    assert card.state.flow_stage == forms.STAGE_CONFIRM


def test_changing_a_situation_answer_updates_conditional_fields(card: Session) -> None:
    _to_confirm(card)
    assert "mailing_address" not in card.state.fields
    out = card.say("领取方式改一下，邮寄到家")
    assert card.state.answers["pickup"] == "邮寄"
    assert card.state.requested == "mailing_address"  # a field that now applies
    assert "邮寄地址" in out.reply.text


def test_a_question_mid_form_is_never_a_value_and_is_answered_from_the_guide(card: Session) -> None:
    card.start()
    card.say("到网点领取")
    card.say("本人办理")
    card.say("张三")
    before = (card.state.flow_stage, card.state.requested, dict(card.state.fields))
    # the form does not take it: the manager's one digression path answers, then re-asks
    assert forms.handle_form(card.state, card.flow, card.guide, "要带什么材料？") is None
    assert (card.state.flow_stage, card.state.requested, card.state.fields) == before
    answered = forms.situation_answer(card.state, card.flow, card.guide, "要带什么材料？")
    assert answered is not None
    reply, events = answered
    assert "居民身份证" in reply.text and events[0].type == "digression"
    assert reply.citations and all(
        c.id.startswith("guide:sample-huadu-shebaoka-buhuan#") for c in reply.citations
    )
    prompt, _ = forms.resume_prompt(card.state, card.flow)
    assert prompt.rstrip().endswith("请提供身份证号。")
    assert forms.handle_form(card.state, card.flow, card.guide, "要多久") is None
    assert card.state.requested == "applicant_id_number"


def test_a_question_during_situation_questions_keeps_the_question(card: Session) -> None:
    card.start()
    assert forms.handle_form(card.state, card.flow, card.guide, "在哪里办？") is None
    assert card.state.requested == "pickup" and card.state.answers == {}
    _, choices = forms.resume_prompt(card.state, card.flow)
    assert choices == ["到网点领取", "邮寄到家"]


def test_cancel(card: Session) -> None:
    card.start()
    card.say("到网点领取")
    out = card.say("算了，不办了")
    assert out.submission is None
    assert "已取消" in out.reply.text
    s = card.state
    assert (s.flow_id, s.flow_stage, s.answers, s.fields, s.requested) == (None, None, {}, {}, None)


def test_receipt_after_submission(card: Session) -> None:
    _to_confirm(card)
    draft = card.say("确认提交").submission
    reply = forms.on_submitted(card.state, card.flow, "GA20250101-0001", draft)
    assert "GA20250101-0001" in reply.text
    for step in card.flow.next_steps:
        assert step in reply.text
    assert "居民身份证" in reply.text  # 预审: still missing
    assert card.state.flow_id is None and card.state.last_application_id == "GA20250101-0001"


def test_two_fields_of_one_type_are_kept_apart(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    flow = flows["xinshenger-chusheng"]
    s = Session(flow, guides[flow.service_id])
    s.start("新生儿出生一件事")
    s.say("是")
    s.say("随父亲")
    s.say("不报销")
    s.say("张伟")
    s.say(GOOD_ID)
    s.say("13800138000")
    out = s.say("张小宝")  # the baby's name: not the guardian's
    assert s.state.fields["guardian_name"] == "张伟"
    assert s.state.fields["baby_name"] == "张小宝"
    assert "性别" in out.reply.text and out.reply.choices == ["男", "女"]
    s.say("男孩")
    assert s.state.fields["baby_gender"] == "男"


def test_free_text_containing_a_label_word_is_kept_whole(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    flow = flows["xinshenger-chusheng"]
    s = Session(flow, guides[flow.service_id])
    s.start()
    for text in ["是", "随父亲", "不报销", "张伟", GOOD_ID, "13800138000", "张小宝", "男", "2024-03-01"]:
        s.say(text)
    s.say("广东省广州市花都区新华街道迎宾大道1号")
    assert s.state.requested == "hospital"
    s.say("花都区人民医院分院")  # contains the alias "医院"
    assert s.state.fields["hospital"] == "花都区人民医院分院"


@pytest.mark.parametrize("text", ["谢谢", "我要投诉", "我的申请办到哪了", "我要办居住证"])
def test_off_form_messages_are_not_taken_as_values(card: Session, text: str) -> None:
    card.start()
    card.say("到网点领取")
    card.say("本人办理")
    assert card.state.requested == "applicant_name"
    assert forms.handle_form(card.state, card.flow, card.guide, text) is None  # the manager answers it
    assert "applicant_name" not in card.state.fields


def test_volunteered_fields_during_questions_are_kept(card: Session) -> None:
    card.start()
    out = card.say("我叫张三，手机13800138000")
    assert card.state.fields == {"applicant_name": "张三", "phone": "13800138000"}
    assert card.state.requested == "pickup" and out.reply.choices == ["到网点领取", "邮寄到家"]


def test_values_told_with_a_situation_answer_are_kept_not_asked_again(flows: dict[str, Flow]) -> None:
    s = Session(flows["dibao-shenqing"], None)
    s.start("我想申请低保")
    out = s.say("我家三口人月收入两千")  # answers 有收入 and tells two form items
    assert s.state.answers["income"] == "是"
    assert s.state.fields == {"household_size": 3, "monthly_income": 2000.0}
    assert "家庭共同生活人数、家庭月总收入" in out.reply.text


def test_answer_that_names_a_material_answers_the_question(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    flow = flows["canjiren-butie"]
    s = Session(flow, guides[flow.service_id])
    s.start()
    s.say("护理补贴")
    assert s.state.requested == "has_card"
    s.say("有，已经办了")
    assert s.state.answers["has_card"] == "是"


def test_first_message_reports_invalid_values(card: Session) -> None:
    out = card.start(f"我要补办社保卡，身份证号{BAD_ID}")
    assert "身份证号校验位不正确" in out.reply.text
    assert "applicant_id_number" not in card.state.fields


def _residence_to_id(flows: dict[str, Flow], guides: dict[str, ServiceGuide]) -> Session:
    flow = flows["juzhuzheng-shenling"]
    s = Session(flow, guides[flow.service_id])
    s.start("我要办居住证")
    s.say("租房")
    s.say("是")
    s.say("张三")
    assert s.state.requested == "applicant_id_number"
    return s


def test_address_typed_for_the_id_number_is_kept_for_the_address_field(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    s = _residence_to_id(flows, guides)
    out = s.say("广州市花都区新华街道公益路1号")
    text = out.reply.text
    assert "看起来是地址，不是身份证号" in text and "18位" in text
    assert "当前为" not in text  # not a character count of the address
    assert "applicant_id_number" not in s.state.fields
    assert s.state.fields["residence_address"] == "广州市花都区新华街道公益路1号"
    assert s.state.requested == "applicant_id_number" and "请重新提供身份证号" in text
    # the address is not asked for again later
    s.say(GOOD_ID)
    s.say("13800138000")
    assert s.state.requested == "residence_since"


def test_address_typed_for_the_id_number_without_an_open_address_field(card: Session) -> None:
    card.start("我要补办社保卡")
    card.say("到网点领取")  # no mailing address in this branch
    card.say("本人办理")
    card.say("张三")
    card.say("13800138000")
    assert card.state.requested == "applicant_id_number"
    out = card.say("广州市花都区新华街道公益路1号")
    assert "看起来是地址，不是身份证号" in out.reply.text
    assert "mailing_address" not in card.state.fields and "applicant_id_number" not in card.state.fields
    assert card.state.requested == "applicant_id_number"


def test_a_real_id_number_is_still_validated_as_before(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    s = _residence_to_id(flows, guides)
    out = s.say(BAD_ID)
    assert "校验位" in out.reply.text and "地址" not in out.reply.text.split("\n")[0]
    assert "residence_address" not in s.state.fields


def test_form_view_carries_labels_and_the_service_name(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    s = _residence_to_id(flows, guides)
    view = s.say(GOOD_ID).reply.form
    assert view is not None
    assert view.service_name == "居住证申领"
    assert view.labels["applicant_name"] == "申请人姓名"
    assert view.labels["applicant_id_number"] == "身份证号"
    assert set(view.fields) <= set(view.labels)
    assert "employer" not in view.labels  # only fields of the chosen situation (住所, not 就业)


def test_every_aspect_asked_mid_form_gets_an_answer_from_the_guide(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    for flow in flows.values():
        guide = guides.get(flow.service_id)
        if guide is None:
            continue
        for aspect in Aspect:  # none raises (a proxy question used to: AttributeError, a 500 over HTTP)
            assert compose_guide_answer(guide, [aspect]).text, (flow.id, aspect)


def test_whether_someone_else_may_go_is_answered_mid_form(
    card: Session, flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    card.start()
    for asked in ("可以叫人帮我去办吗", "可以让我老婆去办吗", "本人不去可以吗"):
        assert forms.handle_form(card.state, card.flow, card.guide, asked) is None
        answered = forms.situation_answer(card.state, card.flow, card.guide, asked)
        assert answered is not None, asked
        reply, _ = answered
        # the card guide lists the proxy's papers: one may, with them
        assert "可以委托他人代办" in reply.text and "委托书" in reply.text, asked
        assert any(c.id.endswith("#materials") for c in reply.citations)
    permit = flows["juzhuzheng-shenling"]
    s = Session(permit, guides[permit.service_id])
    s.start()
    answered = forms.situation_answer(s.state, s.flow, s.guide, "可以找人代办吗")
    assert answered is not None and "未载明可否委托他人代办" in answered[0].text  # it lists none: said so


def test_a_document_asked_about_or_lacked_mid_form_gets_what_the_list_says_of_it(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    permit = flows["juzhuzheng-shenling"]
    s = Session(permit, guides[permit.service_id])
    s.start()
    for asked, said in (
        ("我没有租房合同怎么办", "房屋租赁合同（已登记备案）或不动产权证书等"),
        ("要带身份证吗", "需要。「居民身份证」在申请材料清单中"),
        ("要带户口本吗", "没有列出“户口本”"),
    ):
        assert forms.handle_form(s.state, s.flow, s.guide, asked) is None, asked
        answered = forms.situation_answer(s.state, s.flow, s.guide, asked)
        assert answered is not None and said in answered[0].text, asked
        assert "需要准备以下材料" not in answered[0].text  # not the whole list


def test_situations_told_in_the_first_message_are_echoed_with_their_questions(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    flow = flows["dibao-shenqing"]
    s = Session(flow, guides[flow.service_id])
    out = s.start("我想申请低保，家里就我和我妈，我妈有残疾")
    recorded = [q for q in flow.questions if q.id in s.state.answers]
    assert recorded  # the disability was told
    for q in recorded:
        assert f"{q.ask}{forms.label_of(q, s.state.answers[q.id])}" in out.reply.text  # not a bare "是，有"


def test_papers_asked_mid_form_leave_out_only_those_of_situations_ruled_out(
    flows: dict[str, Flow], guides: dict[str, ServiceGuide]
) -> None:
    flow = flows["juzhuzheng-shenling"]
    s = Session(flow, guides[flow.service_id])
    s.start()

    def papers() -> str:
        answered = forms.situation_answer(s.state, s.flow, s.guide, "要带什么")
        assert answered is not None
        return answered[0].text

    # before the 情形 question: the whole list, each situation's paper with its 适用情形 (not the common two alone)
    before = papers()
    assert "共5项" in before and "合法稳定就业证明" in before and "连续就读证明" in before
    s.say("有合法稳定住所")
    after = papers()  # (the flow names the paper more fully than the guide: "合法稳定住所证明（…）")
    assert "合法稳定住所证明" in after and "合法稳定就业证明" not in after and "连续就读证明" not in after
