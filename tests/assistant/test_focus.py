"""Focus across turns, through the real DialogueManager over a real hybrid index of the sample guides:
act on the service in focus, menu picks act, a form left aside resumes with its fields, follow-ups about the
application just submitted, own applications listed, Cantonese follow-ups, questions stay questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.manager import DialogueManager
from assistant.state import DialogueState, Intent, TurnResult
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides

GOOD_ID = "11010519491231002X"


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory) -> DialogueManager:
    from retrieval.embedders import HashEmbedder

    def status(app_id: str, _state: DialogueState) -> str | None:
        if not app_id:  # the app lists the acting person's own applications
            return "您名下共有1件申请：\n- GA20260101-0001：社会保障卡补换，已受理"
        return None

    index: Path = tmp_path_factory.mktemp("focus-index")
    return build_manager(
        load_sample_guides(), load_flows(), index, embedder=HashEmbedder(), status_lookup=status
    )


class Chat:
    def __init__(self, manager: DialogueManager) -> None:
        self.manager = manager
        self.state = DialogueState(session_id="focus")

    def __call__(self, text: str) -> TurnResult:
        res = self.manager.handle(self.state, text)
        self.state = res.state
        return res


@pytest.fixture
def chat(manager: DialogueManager) -> Chat:
    return Chat(manager)


def test_a_how_to_question_is_answered_then_help_me_apply_starts_that_service(chat: Chat) -> None:
    res = chat("居住证怎么申请")
    assert chat.state.flow_id is None and res.reply.intent is Intent.SERVICE_QUESTION
    assert "我要办居住证申领" in res.reply.choices
    res = chat("好，帮我办")
    assert chat.state.flow_id == "juzhuzheng-shenling" and res.reply.form is not None


def test_a_wish_with_a_question_is_answered_and_the_form_started_in_one_turn(chat: Chat) -> None:
    res = chat("我想办居住证，要带什么材料？")
    assert res.reply.citations and res.reply.form is not None
    assert chat.state.flow_id == "juzhuzheng-shenling"
    pure = Chat(chat.manager)
    pure("居住证要办多久？")  # a question alone never starts a form
    assert pure.state.flow_id is None


def test_facts_told_with_the_question_fill_the_form_the_offer_starts(chat: Chat) -> None:
    res = chat("我妈的社保卡丢了，怎么补办啊")
    assert chat.state.flow_id is None and "我要办社会保障卡补换" in res.reply.choices
    res = chat("好，帮我办")
    assert chat.state.flow_id == "shebaoka-buhuan"
    assert chat.state.fields.get("reason") == "遗失"  # said in the question, not asked again
    assert "补换原因" not in res.reply.text.splitlines()[-1]

    named = Chat(chat.manager)  # accepting by the offered words works the same
    named("我妈的社保卡丢了，怎么补办啊")
    named("我要办社会保障卡补换")
    assert named.state.fields.get("reason") == "遗失"

    other = Chat(chat.manager)  # what was said about another service fills nothing
    other("我妈的社保卡丢了，怎么补办啊")
    other("我要办居住证")
    assert other.state.flow_id == "juzhuzheng-shenling" and not other.state.fields


def test_a_wish_with_a_question_keeps_the_facts_around_the_question(chat: Chat) -> None:
    res = chat("我在花都打工，想办居住证，要不要先预约？")
    assert res.reply.form is not None and chat.state.answers.get("basis") == "就业"
    assert "要不要先预约" not in str(chat.state.fields.values())  # the question itself is no value


def test_an_a_not_a_question_is_no_answer_to_a_yes_no_item(chat: Chat) -> None:
    chat("我个仔智力残疾，有冇补贴可以申请？")  # "有没有补贴" is no "没有(残疾人证)"
    chat("好，帮我办")
    assert chat.state.flow_id == "canjiren-butie"
    assert "has_card" not in chat.state.answers


@pytest.mark.parametrize("asked", ["是不是要房东签名", "系咪要房东签名"])
def test_a_document_asked_without_a_question_cue_is_a_follow_up_on_the_service_in_focus(
    chat: Chat, asked: str
) -> None:
    chat("居住证怎么办")
    res = chat(asked)
    assert res.reply.citations and res.reply.citations[0].id.endswith("#materials")
    assert "没有列出“房东签名”" in res.reply.text


@pytest.mark.parametrize(
    ("opening", "follow_up", "field"),
    [
        ("灵活就业参保怎么办", "每个月交多少", "#fees"),  # how often one pays names no other service
        ("居住证怎么办", "房东不肯给合同怎么办", "#materials"),  # nor does a paper the landlord will not give
        ("新生儿出生一件事要带什么", "结婚证没有可以吗", "#materials"),  # nor a listed paper lacked
    ],
)
def test_a_follow_up_telling_how_often_or_who_withholds_a_paper_stays_on_the_service(
    chat: Chat, opening: str, follow_up: str, field: str
) -> None:
    chat(opening)
    res = chat(follow_up)
    assert res.reply.citations and res.reply.citations[0].id.endswith(field)


@pytest.mark.parametrize(
    ("opening", "asked", "service"),
    [
        ("残疾人两项补贴", "我个仔智力残疾，有冇得领", "sample-huadu-canjiren-butie"),
        ("居住证怎么办", "我系外地人，住咗一年，可唔可以办", "sample-huadu-juzhuzheng-shenling"),
        ("居住证怎么办", "低保能不能领", "sample-huadu-dibao-shenqing"),  # a service named is asked of
    ],
)
def test_whether_one_may_get_it_told_with_one_s_situation_is_asked_of_the_service_in_focus(
    chat: Chat, opening: str, asked: str, service: str
) -> None:
    chat(opening)
    res = chat(asked)
    assert res.reply.citations and res.reply.citations[0].id == f"guide:{service}#conditions"


def test_verb_and_service_alone_is_answered_and_the_form_started(chat: Chat) -> None:
    res = chat("办居住证")
    assert res.reply.citations and res.reply.form is not None
    assert chat.state.flow_id == "juzhuzheng-shenling"
    assert "回复“我要办" not in res.reply.text  # the offer is taken up, not repeated
    for question in ("办居住证要多久", "居住证", "申请低保的流程"):  # asked or named only: no form
        other = Chat(chat.manager)
        other(question)
        assert other.state.flow_id is None, question


def test_a_bare_yes_accepts_the_offer_and_just_this_one_acts_on_the_current_service(chat: Chat) -> None:
    chat("社保卡补办要带什么材料")
    chat("好的")
    assert chat.state.flow_id == "shebaoka-buhuan"

    other = Chat(chat.manager)
    other("低保要什么条件")
    other("谢谢")  # no longer an answer to the offer, but the service stays in focus
    other("就办这个")
    assert other.state.flow_id == "dibao-shenqing"


def test_a_pick_from_the_menu_starts_the_picked_service(chat: Chat) -> None:
    res = chat("我要办个东西")
    assert "社会保障卡补换" in res.reply.choices
    res = chat("社会保障卡补换")
    assert chat.state.flow_id == "shebaoka-buhuan" and res.reply.form is not None


def test_a_pick_from_the_greeting_menu_starts_that_form(chat: Chat) -> None:
    res = chat("你好")
    pick = res.reply.choices[0]
    res = chat(pick)
    assert res.reply.form is not None and res.reply.form.service_name == pick


def test_an_abandoned_form_resumes_with_its_fields(chat: Chat) -> None:
    chat("我要补办社保卡")
    chat("去网点拿")
    chat("我自己")
    chat("我叫张三")
    assert chat.state.fields.get("applicant_name") == "张三"
    res = chat("唔办喇")
    assert chat.state.flow_id is None and "继续刚才的" in res.reply.text
    chat("居住证在哪里办")
    res = chat("继续刚才的")
    assert chat.state.flow_id == "shebaoka-buhuan"
    assert chat.state.fields.get("applicant_name") == "张三" and chat.state.answers == {
        "pickup": "网点领取",
        "agent": "本人",
    }
    assert "持卡人姓名" in res.reply.text and res.reply.form is not None


def _submit_card(chat: Chat) -> None:
    chat("我要补办社保卡")
    for text in ["去网点拿", "我自己", "张三", GOOD_ID, "13800138000", "遗失"]:
        chat(text)
    res = chat("行，就这样交吧")
    assert res.submission is not None
    done = chat.manager.on_submitted(chat.state, "GA20260101-0009", res.submission)
    chat.state = done.state


def test_follow_ups_after_submitting_refer_to_that_application(chat: Chat) -> None:
    _submit_card(chat)
    res = chat("要补什么")
    assert "GA20260101-0009" in res.reply.text and "居民身份证" in res.reply.text
    res = chat("去哪里拿卡")
    assert res.reply.citations and all(
        c.id.startswith("guide:sample-huadu-shebaoka-buhuan#") for c in res.reply.citations
    )


def test_status_in_a_new_session_lists_own_applications(chat: Chat) -> None:
    res = chat("我的申请到哪一步了")
    assert res.reply.intent is Intent.APPLICATION_STATUS
    assert "GA20260101-0001" in res.reply.text and "编号" not in res.reply.text.split("\n")[0]


def test_cantonese_follow_ups_work_like_mandarin(chat: Chat) -> None:
    mandarin = Chat(chat.manager)
    a = mandarin("居住证在哪里办？")
    b = chat("居住证喺边度办？")
    assert b.reply.citations and [c.id for c in b.reply.citations] == [c.id for c in a.reply.citations]
    res = chat("使唔使钱？")
    assert res.reply.citations and all("juzhuzheng" in c.id for c in res.reply.citations)


@pytest.mark.parametrize(
    ("cantonese", "mandarin"),
    [
        ("点样办？", "怎么办？"),
        ("几耐先办好？", "多久才办好？"),
        ("喺边度办？", "在哪里办？"),
        ("使唔使交钱？", "需不需要交钱？"),
        ("几多钱？", "多少钱？"),
        ("冇身份证得唔得？", "没有身份证行不行？"),
        ("要带咩材料去？", "要带什么材料去？"),
    ],
)
def test_cantonese_follow_ups_answer_like_their_mandarin(
    manager: DialogueManager, cantonese: str, mandarin: str
) -> None:
    replies = []
    for text in (cantonese, mandarin):
        chat = Chat(manager)
        chat("社保卡补办要带什么材料")
        replies.append(chat(text).reply)
    yue, cmn = replies
    assert cmn.citations and [c.id for c in yue.citations] == [c.id for c in cmn.citations]
    assert yue.intent is cmn.intent and yue.confident == cmn.confident


def test_a_question_inside_a_form_is_answered_and_the_item_asked_again(chat: Chat) -> None:
    chat("我要申请低保")
    res = chat("怎么知道家里有没有人算有收入？")
    assert chat.state.answers == {} and chat.state.requested == "income"
    assert "我们继续办理「最低生活保障申请」" in res.reply.text


# --- the focus rules as pure functions ---------------------------------------------------------------

from assistant.policy import focus  # noqa: E402
from assistant.state import AppliedRecord, Reply, SuspendedForm  # noqa: E402


@pytest.mark.parametrize(
    "text", ["好，帮我办", "就办这个", "帮我办吧", "那就申请吧", "就这个", "好啊，在这里办", "开始办理"]
)
def test_act_on_focus_phrases(text: str) -> None:
    assert focus.wants_to_act(text)


@pytest.mark.parametrize("text", ["居住证要带什么材料", "帮我查一下进度", "办这个要多久？", "好的谢谢你"])
def test_questions_and_thanks_do_not_act(text: str) -> None:
    assert not focus.wants_to_act(text)


def test_a_bare_yes_accepts_only_short_agreements() -> None:
    assert focus.accepts_offer("好") and focus.accepts_offer("系啊") and focus.accepts_offer("可以啊")
    assert not focus.accepts_offer("好，那要带什么材料？") and not focus.accepts_offer("不用了")


def test_flow_in_focus_prefers_the_offer_then_the_current_service() -> None:
    flows = load_flows()
    st = DialogueState(current_service_id="sample-huadu-dibao-shenqing")
    assert focus.flow_in_focus(st, flows).id == "dibao-shenqing"  # type: ignore[union-attr]
    st.offered_flow_id = "juzhuzheng-shenling"
    assert focus.flow_in_focus(st, flows).id == "juzhuzheng-shenling"  # type: ignore[union-attr]
    assert focus.flow_in_focus(DialogueState(), flows) is None


def test_resume_needs_a_suspended_form_and_resume_words() -> None:
    flows = load_flows()
    st = DialogueState()
    assert focus.resume_target(st, "继续刚才的", flows) is None
    st.suspended = SuspendedForm(flow_id="shebaoka-buhuan", fields={"applicant_name": "张三"})
    assert focus.resume_target(st, "继续刚才嗰个", flows).id == "shebaoka-buhuan"  # type: ignore[union-attr]
    assert focus.resume_target(st, "居住证要多久", flows) is None


def test_application_follow_ups_need_a_submitted_application() -> None:
    st = DialogueState()
    assert not focus.about_last_application(st, "要补什么")
    st.last_application = AppliedRecord(application_id="GA1", flow_id="f", service_id="s")
    assert focus.about_last_application(st, "要补什么") and focus.about_last_application(st, "去边度攞证？")
    assert not focus.about_last_application(st, "低保要什么条件")


def test_the_offer_is_remembered_from_the_reply_choices() -> None:
    flows = load_flows()
    st = DialogueState()
    focus.remember_offer(
        st, Reply(text="…", choices=["我要办居住证申领"]), flows, "我喺厂度打工，居住证点办？"
    )
    assert st.offered_flow_id == "juzhuzheng-shenling"
    assert focus.told_before(st, flows["juzhuzheng-shenling"]) == "我喺厂度打工，居住证点办？"
    assert focus.told_before(st, flows["dibao-shenqing"]) == ""
    focus.remember_offer(st, Reply(text="…"), flows, "谢谢")
    assert st.offered_flow_id is None and st.offered_text is None


@pytest.mark.parametrize("text", ["办居住证", "申请低保", "补办社保卡", "麻烦办理居住证"])
def test_bare_wishes(text: str) -> None:
    assert focus.bare_wish(text)


@pytest.mark.parametrize(
    "text", ["居住证要带什么", "办居住证要多久", "居住证", "办居住证的材料", "我想问低保"]
)
def test_not_bare_wishes(text: str) -> None:
    assert not focus.bare_wish(text)


def test_help_me_apply_after_another_regions_guide_starts_the_same_named_flow(
    manager: DialogueManager,
) -> None:
    from knowledge.schema import ServiceGuide

    others = {
        "hunan-baby": ServiceGuide(id="hunan-baby", name="新生儿出生一件事", region="湖南省长沙市"),
        "notary": ServiceGuide(id="notary", name="出生公证指引", region="广东省"),
    }
    m = DialogueManager(
        retriever=manager.retriever,
        get_guide=lambda gid: others.get(gid) or manager.get_guide(gid),
        get_policy=manager.get_policy,
        flows=manager.flows,
    )
    res = m.handle(DialogueState(current_service_id="hunan-baby"), "好，帮我办")
    assert res.state.flow_id == "xinshenger-chusheng" and res.reply.form is not None
    res = m.handle(DialogueState(current_service_id="notary"), "好，帮我办")  # another service: no form
    assert res.state.flow_id is None
