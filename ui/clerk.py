"""窗口 section (clerk copilot): turn what the citizen says into a matched service, 情形, 预审 and a prefilled
form, submit it through the chat API with the clerk's token, and work the queue of applications."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui import flows, render
from ui.client import ApiClient, ApiError
from ui.common import (
    AVATAR_PATH,
    bot_message,
    choice_buttons,
    choice_updates,
    hidden_choices,
    progressive,
    user_message,
)

STATUSES = ["已提交", "已受理", "需补正", "不予受理", "办结"]
ALL = "全部"
CONFIRM = "确认提交"
QUEUE_HEADERS = ["申请编号", "事项", "状态", "提交时间", "缺材料"]
NEEDS_LOGIN = "请先用窗口工作人员令牌登录。"


def _staff_token(auth: dict[str, Any] | None) -> str | None:
    auth = auth or {}
    return auth.get("token") if auth.get("role") in ("clerk", "admin") else None


@dataclass
class ClerkSection:
    status_filter: gr.Dropdown
    queue: gr.Dataframe
    queue_md: gr.Markdown
    load_queue: Callable[[str, dict[str, Any]], tuple[Any, str]]


def build_clerk(client: ApiClient, auth: gr.State) -> ClerkSection:
    copilot = gr.State({})  # {"session_id", "form", "choices", "application_id"}

    gr.Markdown("把市民说的话输入或粘贴到下面，助手会匹配事项、列出情形问题和材料清单，并预填申请表。")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(
                label="窗口助手",
                show_label=False,
                avatar_images=(None, str(AVATAR_PATH)) if AVATAR_PATH.exists() else None,
                height=380,
                elem_id="clerk-chat",
                feedback_options=None,
                buttons=["copy"],
            )
            typing = gr.HTML(
                '<div class="ga-typing">助手正在分析<span>…</span></div>',
                visible=False,
                elem_id="clerk-typing",
            )
            choices = choice_buttons("clerk-choices")
            with gr.Row():
                said = gr.Textbox(
                    placeholder="市民说：我想给刚出生的孩子办出生登记……",
                    show_label=False,
                    lines=2,
                    max_lines=6,
                    scale=5,
                    min_width=200,
                    elem_id="clerk-input",
                )
                send = gr.Button("发送", variant="primary", scale=1, min_width=72, elem_id="clerk-send")
            with gr.Row():
                submit = gr.Button("提交办件", variant="primary", size="sm", elem_id="clerk-submit")
                new_case = gr.Button("接待下一位", size="sm", elem_id="clerk-new")
            submit_md = gr.Markdown("", elem_id="clerk-submit-result")
        with gr.Column(scale=2, min_width=300, elem_classes=["ga-side"]):
            with gr.Group(elem_classes=["ga-card"]):
                service_md = gr.Markdown("**匹配事项：** 尚未识别", elem_id="clerk-service")
                form_md = gr.Markdown("", elem_id="clerk-form")
            with gr.Group(elem_classes=["ga-card"]):
                materials_cb = gr.CheckboxGroup(
                    choices=[], label="材料清单（收到原件后勾选，完成预审）", elem_id="clerk-materials"
                )
                preaudit_md = gr.Markdown("", elem_id="clerk-preaudit")

    gr.Markdown("### 办件队列")
    with gr.Row():
        status_filter = gr.Dropdown(
            [ALL, *STATUSES], value=ALL, label="按状态筛选", scale=2, min_width=140, elem_id="queue-filter"
        )
        refresh = gr.Button("↻ 刷新队列", scale=1, min_width=100, elem_id="queue-refresh")
    queue = gr.Dataframe(
        headers=QUEUE_HEADERS,
        value=[],
        type="array",
        interactive=False,
        wrap=True,
        max_height=320,
        elem_id="clerk-queue",
        label="点击一行查看办件",
    )
    queue_md = gr.Markdown("", elem_id="queue-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            app_id = gr.Textbox(
                label="申请编号", placeholder="点击队列中的一行，或输入编号", elem_id="clerk-app-id"
            )
            show = gr.Button("查看办件", size="sm", elem_id="clerk-show")
            detail_md = gr.Markdown("", elem_id="clerk-app-detail")
        with gr.Column(scale=2, min_width=280):
            reason = gr.Textbox(label="理由（需补正、不予受理时必填）", lines=2, elem_id="clerk-reason")
            with gr.Row():
                act_accept = gr.Button("受理", variant="primary", size="sm", elem_id="act-accept")
                act_fix = gr.Button("需补正", size="sm", elem_id="act-fix")
                act_reject = gr.Button("不予受理", variant="stop", size="sm", elem_id="act-reject")
                act_done = gr.Button("办结", size="sm", elem_id="act-done")
            action_md = gr.Markdown("", elem_id="clerk-action-result")

    # -- copilot ------------------------------------------------------------------------------------------

    turn_outputs = [
        said,
        chatbot,
        typing,
        *choices,
        service_md,
        form_md,
        materials_cb,
        preaudit_md,
        submit_md,
        copilot,
    ]

    def send_message(text: str, auth_v: dict[str, Any], state: dict[str, Any]) -> Iterator[dict[Any, Any]]:
        text = (text or "").strip()
        if not text:
            yield {}
            return
        token = _staff_token(auth_v)
        if not token:
            yield {submit_md: NEEDS_LOGIN}
            return
        state = dict(state or {})
        history = [*(state.get("history") or []), user_message(text), bot_message("正在分析…")]
        hide = dict(zip(choices, hidden_choices(), strict=True))
        yield {said: "", chatbot: history, typing: gr.update(visible=True), **hide}
        try:
            data = client.chat(token, text, state.get("session_id"))
        except ApiError as exc:
            history[-1] = bot_message(f"出错了：{exc.message}")
            state["history"] = history
            yield {chatbot: history, typing: gr.update(visible=False), copilot: state}
            return
        reply = str(data.get("reply") or "")
        for part in progressive(reply, steps=10):
            history[-1] = bot_message(part)
            yield {chatbot: history}
        citations = data.get("citations") or []
        history[-1] = bot_message(render.reply_markdown(reply, citations))
        form = flows.decorate(data.get("form")) or state.get("form")
        state.update(history=history, session_id=data.get("session_id") or state.get("session_id"), form=form)
        state["choices"] = list(data.get("choices") or [])
        if form:
            service = render.md_escape(form.get("service_name") or form.get("service_id"))
        else:
            service = render.md_escape(citations[0].get("title")) if citations else "尚未识别"
        materials = (form or {}).get("materials") or []
        names = [m.get("name") for m in materials if m.get("name")]
        ticked = [m.get("name") for m in materials if m.get("provided")]
        out: dict[Any, Any] = {
            chatbot: history,
            typing: gr.update(visible=False),
            **dict(zip(choices, choice_updates(state["choices"]), strict=True)),
            service_md: f"**匹配事项：** {service}",
            form_md: render.form_panel(form) if form else "",
            materials_cb: gr.update(choices=names, value=ticked),
            preaudit_md: render.preaudit_markdown(form, ticked),
            copilot: state,
        }
        submitted = data.get("application_id")
        if submitted:
            state["application_id"] = submitted
            out[submit_md] = render.receipt_markdown(None, submitted)
            if form:
                out[form_md] = render.form_panel(form, submitted=True)
        yield out

    turn_inputs = [auth, copilot]
    send.click(send_message, [said, *turn_inputs], turn_outputs, concurrency_limit=8)
    said.submit(send_message, [said, *turn_inputs], turn_outputs, concurrency_limit=8)
    for btn in choices:
        btn.click(send_message, [btn, *turn_inputs], turn_outputs, concurrency_limit=8)

    def confirm_text(state: dict[str, Any]) -> str:
        return CONFIRM if CONFIRM in ((state or {}).get("choices") or []) else ""

    def submit_hint(state: dict[str, Any]) -> Any:
        if CONFIRM in ((state or {}).get("choices") or []):
            return gr.skip()
        return "表单尚未填完或尚未核对，请先回答助手的问题；出现「确认提交」时再提交。"

    # The submit button sends the dialogue's own confirm choice, so the server-side flow stays authoritative.
    submit.click(confirm_text, [copilot], [said]).then(submit_hint, [copilot], [submit_md]).then(
        send_message, [said, *turn_inputs], turn_outputs
    )

    def tick_materials(
        ticked: list[str], auth_v: dict[str, Any], state: dict[str, Any]
    ) -> Iterator[dict[Any, Any]]:
        """预审: a newly ticked material is reported to the dialogue ("X已经有了"), which marks it provided."""
        form = (state or {}).get("form") or {}
        provided = {m.get("name") for m in form.get("materials") or [] if m.get("provided")}
        newly = [n for n in ticked or [] if n not in provided]
        if not newly:
            yield {preaudit_md: render.preaudit_markdown(form, ticked or [])}
            return
        for name in newly:
            for update in send_message(f"{name}已经有了", auth_v, state):
                if copilot in update:
                    state = update[copilot]
                yield update

    materials_cb.input(tick_materials, [materials_cb, auth, copilot], turn_outputs)

    def reset() -> tuple[Any, ...]:
        return (
            [],
            {},
            *hidden_choices(),
            "**匹配事项：** 尚未识别",
            "",
            gr.update(choices=[], value=[]),
            "",
            "",
        )

    reset_outputs = [chatbot, copilot, *choices, service_md, form_md, materials_cb, preaudit_md, submit_md]
    new_case.click(reset, None, reset_outputs)
    chatbot.clear(reset, None, reset_outputs)

    # -- queue --------------------------------------------------------------------------------------------

    def load_queue(status: str, auth_v: dict[str, Any]) -> tuple[Any, str]:
        token = _staff_token(auth_v)
        if not token:
            return gr.skip(), NEEDS_LOGIN
        try:
            apps = client.applications(token, None if status in (None, "", ALL) else status)
        except ApiError as exc:
            return gr.skip(), exc.message
        return render.application_rows(apps), f"共 {len(apps)} 件"

    refresh.click(load_queue, [status_filter, auth], [queue, queue_md])
    status_filter.change(load_queue, [status_filter, auth], [queue, queue_md])

    def detail(aid: str, auth_v: dict[str, Any]) -> str:
        token = _staff_token(auth_v)
        aid = (aid or "").strip()
        if not token:
            return NEEDS_LOGIN
        if not aid:
            return "请输入申请编号。"
        try:
            app = client.application(token, aid)
            events = client.events(token, aid)
        except ApiError as exc:
            return exc.message
        return render.application_markdown(app, events, flows.field_labels(app.get("flow_id")))

    def pick(evt: gr.SelectData, rows: Any, auth_v: dict[str, Any]) -> tuple[str, str]:
        row_index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        try:
            aid = str(rows[row_index][0])
        except (IndexError, KeyError, TypeError):
            return gr.skip(), gr.skip()
        return aid, detail(aid, auth_v)

    queue.select(pick, [queue, auth], [app_id, detail_md])
    show.click(detail, [app_id, auth], detail_md)
    app_id.submit(detail, [app_id, auth], detail_md)

    def make_action(target: str):  # noqa: ANN202 - a small handler factory
        def act(aid: str, why: str, status: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
            token = _staff_token(auth_v)
            aid = (aid or "").strip()
            if not token:
                return NEEDS_LOGIN, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if not aid:
                return "请先选择一个办件。", gr.skip(), gr.skip(), gr.skip(), gr.skip()
            # Whether a reason is required is the API's rule: its (Chinese) refusal is shown as is.
            try:
                client.transition(token, aid, target, (why or "").strip())
            except ApiError as exc:
                return f"操作失败：{exc.message}", gr.skip(), gr.skip(), gr.skip(), gr.skip()
            rows, count = load_queue(status, auth_v)
            return f"✔ 办件 {aid} 已改为「{target}」。", detail(aid, auth_v), rows, count, ""

        return act

    for btn, target in (
        (act_accept, "已受理"),
        (act_fix, "需补正"),
        (act_reject, "不予受理"),
        (act_done, "办结"),
    ):
        btn.click(
            make_action(target),
            [app_id, reason, status_filter, auth],
            [action_md, detail_md, queue, queue_md, reason],
        )

    return ClerkSection(status_filter=status_filter, queue=queue, queue_md=queue_md, load_queue=load_queue)
