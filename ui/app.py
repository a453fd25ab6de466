"""The web UI: one Gradio Blocks app with a 市民 page (default, anonymous token) and, after token login,
the 窗口 (clerk) and 内容运营 (editor) pages. It is a thin client of the HTTP API at `api_base`."""

from __future__ import annotations

import contextlib
from typing import Any

import gradio as gr

from ui import render
from ui.citizen import build_citizen
from ui.clerk import build_clerk
from ui.client import ApiClient, ApiError
from ui.common import AVATAR_PATH
from ui.editor import build_editor

TITLE = "花都区政务数字人"
FONT_STACK = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
#ga-header { display: flex; align-items: center; gap: 14px; padding: 10px 4px 4px; }
#ga-header .ga-avatar svg { width: 64px; height: 64px; display: block; }
#ga-header h1 { font-size: 1.5rem; margin: 0; color: #1d4f91; }
#ga-header p { margin: 2px 0 0; color: #555; font-size: .92rem; }
.ga-pulse { animation: ga-breathe 3s ease-in-out infinite; }
@keyframes ga-breathe { 0%, 100% { transform: translateY(0); } 50% { transform: translateY(-2px); } }
#ga-role { text-align: right; font-size: .9rem; }
.ga-choices { flex-wrap: wrap !important; gap: 6px !important; }
.ga-choices button { flex: 0 1 auto !important; }
.ga-examples button, .ga-tools button { flex: 0 1 auto !important; }
.ga-receipt { border: 2px solid #2e7d32; border-radius: 10px; padding: 6px 12px; background: #f1f8f1; }
.ga-card { padding: 8px 12px; }
.ga-typing { color: #1d4f91; font-size: .9rem; padding: 2px 8px; }
.ga-typing span { display: inline-block; animation: ga-blink 1.2s steps(3, end) infinite; }
@keyframes ga-blink { 0% { opacity: .2; } 50% { opacity: 1; } 100% { opacity: .2; } }
.ga-queue-item { border: 1px solid #dfe6f0; border-radius: 8px; padding: 6px 10px; margin: 6px 0; background: #fff; }
.ga-queue-item summary { cursor: pointer; }
.ga-tag { background: #fdecea; color: #b3261e; border-radius: 4px; padding: 0 6px; font-size: .8rem; }
.ga-tag-low_confidence { background: #fff4e5; color: #8a5300; }
.ga-conv { margin: 4px 0 0 1.2em; font-size: .9rem; }
.ga-sample-note { color: #8a6d3b; font-size: .8rem; }
footer { display: none !important; }
/* The chat's top-corner buttons (clear) get a strip of their own instead of covering the messages under them. */
#citizen-chat .bubble-wrap, #clerk-chat .bubble-wrap { margin-top: 52px; height: calc(100% - 52px); }
#citizen-chat .message-wrap, #clerk-chat .message-wrap { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  .gradio-container { padding: 4px !important; }
  #ga-header { padding: 4px 0; gap: 8px; }
  #ga-header .ga-avatar svg { width: 44px; height: 44px; }
  #ga-header h1 { font-size: 1.15rem; }
  #ga-header p { font-size: .8rem; }
  #citizen-chat { height: 58vh !important; }
  .ga-side { min-width: 100% !important; }
  button { min-height: 40px; }
}
"""


def _header_html() -> str:
    svg = AVATAR_PATH.read_text(encoding="utf-8") if AVATAR_PATH.exists() else ""
    return (
        '<div id="ga-header">'
        f'<div class="ga-avatar ga-pulse" aria-hidden="true">{svg}</div>'
        f"<div><h1>{TITLE}</h1>"
        "<p>办事指南问答 · 情形引导 · 边聊边办 —— 您身边的政务服务助手</p></div>"
        "</div>"
    )


def _role_text(auth: dict[str, Any]) -> str:
    role = auth.get("role") or "citizen"
    name = f"（{render.md_escape(auth['name'])}）" if auth.get("name") else ""
    suffix = "（匿名）" if role == "citizen" and not auth.get("token") else ""
    return f"当前身份：**{render.role_label(role)}{suffix}**{name}"


def theme() -> gr.themes.Base:
    """A theme using locally installed CJK fonts only (no web-font download: the service runs offline)."""
    return gr.themes.Soft(
        primary_hue="blue", font=FONT_STACK, font_mono=["Noto Sans Mono CJK SC", "monospace"]
    )


def mount_options() -> dict[str, Any]:
    """Keyword arguments for gr.mount_gradio_app / Blocks.launch (Gradio 6 takes theme and CSS there)."""
    return {"theme": theme(), "css": CSS}


def build_ui(api_base: str, *, client: ApiClient | None = None) -> gr.Blocks:
    """The whole UI over the API at `api_base` (e.g. http://127.0.0.1:8000)."""
    client = client or ApiClient(api_base)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        auth = gr.State({})  # {"citizen": token, "token": staff token, "role", "name"}
        with gr.Row(equal_height=True):
            with gr.Column(scale=3, min_width=280):
                gr.HTML(_header_html())
            with gr.Column(scale=2, min_width=260):
                role_md = gr.Markdown("当前身份：**市民**", elem_id="ga-role")
                with gr.Accordion("工作人员登录", open=False, elem_id="ga-login") as login_box:
                    token_box = gr.Textbox(
                        label="访问令牌",
                        type="password",
                        placeholder="粘贴 govassist token create 生成的令牌",
                        elem_id="login-token",
                    )
                    with gr.Row():
                        login_btn = gr.Button("登录", variant="primary", size="sm", elem_id="login-btn")
                        logout_btn = gr.Button("退出", size="sm", elem_id="logout-btn")
                    login_md = gr.Markdown("", elem_id="login-status")

        with gr.Tabs(elem_id="main-tabs") as tabs:
            with gr.Tab("市民服务", id="citizen", elem_id="tab-citizen"):
                build_citizen(client, auth)
            with gr.Tab("窗口助手", id="clerk", visible=False, elem_id="tab-clerk") as clerk_tab:
                clerk = build_clerk(client, auth)
            with gr.Tab("内容运营", id="editor", visible=False, elem_id="tab-editor") as editor_tab:
                editor = build_editor(client, auth)
        gr.Markdown(
            "<sub>本服务回答依据广东政务服务网办事指南（2021 年采集）及相关法规；标注「示例数据」的内容以官方发布为准。"
            "紧急或复杂事项请拨打 12345 政务服务便民热线。</sub>",
            elem_classes=["ga-sample-note"],
        )

        def init(auth_v: dict[str, Any], request: gr.Request) -> tuple[dict[str, Any], str]:
            auth_v = dict(auth_v or {})
            if not auth_v.get("citizen"):
                browser = request.client.host if request and request.client else None
                with contextlib.suppress(ApiError):  # retried on the first message
                    auth_v["citizen"] = client.citizen_token(browser)
            auth_v.setdefault("role", "citizen")
            return auth_v, _role_text(auth_v)

        demo.load(init, [auth], [auth, role_md])

        def login(token: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
            token = (token or "").strip()
            auth_v = dict(auth_v or {})
            if not token:
                return (gr.skip(), gr.skip(), "请输入令牌。", *(gr.skip(),) * 6)
            try:
                me = client.whoami(token)
            except ApiError as exc:
                return (gr.skip(), gr.skip(), f"登录失败：{exc.message}", *(gr.skip(),) * 6)
            role = str(me.get("role") or "citizen")
            if role == "citizen":
                auth_v.update(citizen=token, token=None, role="citizen", name=me.get("name") or "")
            else:
                auth_v.update(token=token, role=role, name=me.get("name") or "")
            is_clerk = role in ("clerk", "admin")
            is_editor = role in ("editor", "admin")
            selected = "clerk" if role == "clerk" else "editor" if role == "editor" else "citizen"
            return (
                auth_v,
                _role_text(auth_v),
                f"已登录：{render.role_label(role)}",
                "",
                gr.update(visible=is_clerk),
                gr.update(visible=is_editor),
                gr.update(visible=role == "admin"),
                gr.update(selected=selected),
                gr.update(open=False),
            )

        login_outputs = [
            auth,
            role_md,
            login_md,
            token_box,
            clerk_tab,
            editor_tab,
            editor.admin_box,
            tabs,
            login_box,
        ]
        login_events = [
            login_btn.click(login, [token_box, auth], login_outputs),
            token_box.submit(login, [token_box, auth], login_outputs),
        ]

        def after_login(auth_v: dict[str, Any], status: str) -> tuple[Any, str]:
            if (auth_v or {}).get("role") not in ("clerk", "admin"):
                return gr.skip(), gr.skip()
            return clerk.load_queue(status, auth_v)

        for event in login_events:
            event.then(after_login, [auth, clerk.status_filter], [clerk.queue, clerk.queue_md])

        def logout(auth_v: dict[str, Any]) -> tuple[Any, ...]:
            auth_v = {"citizen": (auth_v or {}).get("citizen"), "role": "citizen"}
            return (
                auth_v,
                _role_text(auth_v),
                "已退出登录。",
                "",
                gr.update(visible=False),
                gr.update(visible=False),
                gr.update(visible=False),
                gr.update(selected="citizen"),
                gr.skip(),
            )

        logout_btn.click(logout, [auth], login_outputs)

    demo.queue(default_concurrency_limit=8)
    return demo
