"""市民 section: chat with the 数字人, choice buttons, the form side panel, receipt, status lookup, feedback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui import flows, render, tts
from ui.client import ApiClient, ApiError
from ui.common import (
    AVATAR_PATH,
    bot_message,
    chat_turn,
    choice_buttons,
    choice_updates,
    hidden_choices,
    progressive,
    user_message,
)

WELCOME = (
    "您好！我是花都区政务服务数字人。可以问我办事指南（要带什么材料、多久办结、在哪办），"
    "也可以直接说「我想办理……」，我会一步步帮您填好申请。"
)
EXAMPLES = ["新生儿出生要办哪些手续？", "我想办理居住证", "个体工商户怎么登记？"]


@dataclass
class CitizenSection:
    chatbot: gr.Chatbot
    message: gr.Textbox


def _citizen_token(client: ApiClient, auth: dict[str, Any]) -> str:
    token = auth.get("citizen")
    if not token:
        token = client.citizen_token()
        auth["citizen"] = token
    return str(token)


def build_citizen(client: ApiClient, auth: gr.State) -> CitizenSection:
    chat = gr.State({})  # {"session_id", "last_reply", "citations", "form", "application_id"}

    with gr.Row(equal_height=False, elem_classes=["ga-citizen"]):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(
                value=[bot_message(WELCOME)],
                label="政务数字人",
                show_label=False,
                avatar_images=(None, str(AVATAR_PATH)) if AVATAR_PATH.exists() else None,
                height=460,
                elem_id="citizen-chat",
                buttons=["copy"],
                feedback_options=("Like", "Dislike"),
                placeholder="请输入您的问题",
            )
            typing = gr.HTML(
                '<div class="ga-typing">数字人正在输入<span>…</span></div>',
                visible=False,
                elem_id="citizen-typing",
            )
            choices = choice_buttons("citizen-choices")
            with gr.Row(elem_classes=["ga-input-row"]):
                message = gr.Textbox(
                    placeholder="请输入您的问题，例如：办居住证要带什么材料？",
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    scale=5,
                    min_width=200,
                    elem_id="citizen-input",
                    autofocus=True,
                )
                send = gr.Button("发送", variant="primary", scale=1, min_width=72, elem_id="citizen-send")
            with gr.Row(elem_classes=["ga-examples"]):
                example_btns = [gr.Button(x, size="sm", min_width=100) for x in EXAMPLES]
            with gr.Row(elem_classes=["ga-tools"]):
                speak = gr.Button(
                    "▶ 朗读回答", size="sm", visible=tts.available(), elem_id="citizen-speak", min_width=100
                )
                new_chat = gr.Button("↻ 新对话", size="sm", min_width=90)
            audio = gr.Audio(
                label="朗读",
                type="filepath",
                autoplay=True,
                visible=False,
                interactive=False,
                buttons=["download"],
                elem_id="citizen-audio",
            )
            with gr.Accordion("回答没帮助？告诉我们", open=False, elem_id="citizen-feedback"):
                fb_comment = gr.Textbox(label="您的意见（可选）", lines=2, elem_id="feedback-comment")
                fb_send = gr.Button("提交反馈", size="sm", elem_id="feedback-send")
                fb_status = gr.Markdown("", elem_id="feedback-status")

        with gr.Column(scale=2, min_width=300, elem_classes=["ga-side"]):
            receipt = gr.Markdown("", visible=False, elem_id="citizen-receipt", elem_classes=["ga-receipt"])
            with gr.Group(elem_classes=["ga-card"]):
                gr.Markdown("#### 申请表", elem_classes=["ga-card-title"])
                form_md = gr.Markdown(render.form_panel(None), elem_id="citizen-form")
                materials_md = gr.Markdown(render.materials_panel(None), elem_id="citizen-materials")
            with gr.Accordion("引用来源（点击查看原文）", open=True, elem_id="citizen-citations"):
                cite_radio = gr.Radio(choices=[], show_label=False, elem_id="citation-list")
                cite_md = gr.Markdown("回答引用的办事指南或法规条文会列在这里。", elem_id="citation-source")
            with gr.Accordion("办件查询", open=False, elem_id="citizen-lookup"):
                lookup_id = gr.Textbox(
                    label="申请编号", placeholder="例如 GA20250101-123456", elem_id="lookup-id"
                )
                lookup_btn = gr.Button("查询进度", size="sm", elem_id="lookup-btn")
                lookup_md = gr.Markdown("", elem_id="lookup-result")

    turn_outputs = [
        message,
        chatbot,
        typing,
        *choices,
        form_md,
        materials_md,
        cite_radio,
        cite_md,
        receipt,
        lookup_id,
        chat,
        auth,
    ]

    def send_message(text: str, auth_v: dict[str, Any], chat_v: dict[str, Any]) -> Iterator[dict[Any, Any]]:
        # The history lives in the server-side State (never round-tripped through the browser).
        text = (text or "").strip()
        if not text:
            yield {}
            return
        auth_v = dict(auth_v or {})
        chat_v = dict(chat_v or {})
        history = [*(chat_v.get("history") or [bot_message(WELCOME)]), user_message(text)]
        history.append(bot_message("正在为您查询…"))
        hide = dict(zip(choices, hidden_choices(), strict=True))
        yield {message: "", chatbot: history, typing: gr.update(visible=True), **hide}

        def renew() -> str:
            auth_v.pop("citizen", None)
            return _citizen_token(client, auth_v)

        try:
            data, _ = chat_turn(client, auth_v.get("citizen"), text, chat_v.get("session_id"), renew)
        except ApiError as exc:
            history[-1] = bot_message(f"抱歉，服务暂时出错：{exc.message}")
            chat_v["history"] = history
            yield {chatbot: history, typing: gr.update(visible=False), chat: chat_v, auth: auth_v}
            return

        reply = str(data.get("reply") or "")
        citations = list(data.get("citations") or [])
        for part in progressive(reply):
            history[-1] = bot_message(part)
            yield {chatbot: history}
        history[-1] = bot_message(render.reply_markdown(reply, citations))

        form = flows.decorate(data.get("form"))
        app_id = data.get("application_id")
        chat_v.update(
            history=history,
            session_id=data.get("session_id") or chat_v.get("session_id"),
            last_reply=reply,
            citations=citations,
            form=None if app_id else (form or chat_v.get("form")),
        )
        labels = [render.citation_label(i, c) for i, c in enumerate(citations, 1)]
        out: dict[Any, Any] = {
            chatbot: history,
            typing: gr.update(visible=False),
            **dict(zip(choices, choice_updates(data.get("choices")), strict=True)),
            cite_radio: gr.update(choices=labels, value=labels[0] if labels else None),
            cite_md: render.citation_panel(citations[0]) if citations else "本次回答没有引用来源。",
            chat: chat_v,
            auth: auth_v,
        }
        if form:
            out[form_md] = render.form_panel(form)
            out[materials_md] = render.materials_panel(form)
        if app_id:
            chat_v["application_id"] = app_id
            if form:
                out[form_md] = render.form_panel(form, submitted=True)
            out[receipt] = gr.update(value=render.receipt_markdown(None, app_id), visible=True)
            out[lookup_id] = app_id
            if not form:
                out[form_md] = "申请已提交，受理进度可在「办件查询」中查看。"
        yield out

    turn_inputs = [auth, chat]
    send.click(send_message, [message, *turn_inputs], turn_outputs, concurrency_limit=16)
    message.submit(send_message, [message, *turn_inputs], turn_outputs, concurrency_limit=16)
    for btn in [*choices, *example_btns]:
        btn.click(send_message, [btn, *turn_inputs], turn_outputs, concurrency_limit=16)

    def show_citation(label: str | None, chat_v: dict[str, Any], auth_v: dict[str, Any]) -> str:
        citations = (chat_v or {}).get("citations") or []
        labels = [render.citation_label(i, c) for i, c in enumerate(citations, 1)]
        if not label or label not in labels:
            return gr.skip()
        c = citations[labels.index(label)]
        kind, doc_id, part = render.parse_citation_id(str(c.get("id", "")))
        full = ""
        token = (auth_v or {}).get("citizen")
        try:
            if kind == "guide" and doc_id:
                full = render.guide_field_text(client.guide(token, doc_id), part)
            elif kind == "policy" and doc_id:
                full = render.policy_article_text(client.policy(token, doc_id), part)
        except ApiError:
            full = ""  # the quote itself is still shown
        return render.citation_panel(c, full)

    cite_radio.input(show_citation, [cite_radio, chat, auth], cite_md)

    def lookup(app_id: str, auth_v: dict[str, Any]) -> str:
        app_id = (app_id or "").strip()
        if not app_id:
            return "请输入申请编号。"
        auth_v = auth_v or {}
        token = auth_v.get("citizen") or _citizen_token(client, dict(auth_v))
        try:
            app = client.application(token, app_id)
        except ApiError as exc:
            return "未找到该申请编号，或您无权查看。" if exc.status in (403, 404) else exc.message
        try:
            events = client.events(token, app_id)
        except ApiError:
            events = []
        return render.application_markdown(app, events, flows.field_labels(app.get("flow_id")))

    lookup_btn.click(lookup, [lookup_id, auth], lookup_md)
    lookup_id.submit(lookup, [lookup_id, auth], lookup_md)

    def send_feedback(comment: str, chat_v: dict[str, Any], auth_v: dict[str, Any]) -> tuple[str, Any]:
        session_id = (chat_v or {}).get("session_id")
        if not session_id:
            return "请先和数字人对话，再对回答进行评价。", gr.skip()
        try:
            client.feedback((auth_v or {}).get("citizen") or "", session_id, "down", comment or "")
        except ApiError as exc:
            return f"反馈提交失败：{exc.message}", gr.skip()
        return "已收到您的反馈，感谢！工作人员会据此改进回答。", ""

    fb_send.click(send_feedback, [fb_comment, chat, auth], [fb_status, fb_comment])

    def on_like(data: gr.LikeData, chat_v: dict[str, Any], auth_v: dict[str, Any]) -> str:
        session_id = (chat_v or {}).get("session_id")
        if not session_id:
            return gr.skip()
        rating = "up" if data.liked else "down"
        try:
            client.feedback((auth_v or {}).get("citizen") or "", session_id, rating, "")
        except ApiError as exc:
            return f"反馈提交失败：{exc.message}"
        return "感谢您的评价！" if rating == "up" else "已收到您的反馈，感谢！工作人员会据此改进回答。"

    chatbot.like(on_like, [chat, auth], fb_status)

    def read_aloud(chat_v: dict[str, Any]) -> Any:
        text = (chat_v or {}).get("last_reply") or WELCOME
        try:
            path = tts.synthesize(text)
        except Exception:  # a broken engine must not break the page
            path = None
        if path is None:
            return gr.update(visible=False)
        return gr.update(value=str(path), visible=True)

    speak.click(read_aloud, [chat], audio)

    def reset() -> tuple[Any, ...]:
        return (
            [bot_message(WELCOME)],
            {},
            *hidden_choices(),
            render.form_panel(None),
            render.materials_panel(None),
            gr.update(choices=[], value=None),
            "回答引用的办事指南或法规条文会列在这里。",
            gr.update(value="", visible=False),
            "",
        )

    reset_outputs = [chatbot, chat, *choices, form_md, materials_md, cite_radio, cite_md, receipt, fb_status]
    new_chat.click(reset, None, reset_outputs)
    chatbot.clear(reset, None, reset_outputs)
    return CitizenSection(chatbot=chatbot, message=message)
