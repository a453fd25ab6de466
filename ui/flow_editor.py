"""内容运营 → 流程: a service's 预审 / 情形引导 flow as YAML. Load it (the saved record, or the flow that runs
now, generic ones included), edit (add a situation question with `when` conditions, mark a material
conditional, add form fields with validators), save a draft (field-level errors, nothing saved on error),
compare versions, publish; the next conversation about the service uses it."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui import render
from ui.client import ApiClient, ApiError

SOURCES = {
    "record": "已保存的流程记录",
    "authored": "随程序发布的流程",
    "generic": "根据办事指南自动生成（尚未保存）",
    "derived": "根据办事指南生成（该事项通常无需申请）",
}
VERSION_HEADERS = ["版本", "状态", "时间", "操作人", "说明"]
NEEDS_LOGIN = "请先用内容运营（editor）令牌登录。"


def _token(auth: dict[str, Any] | None) -> str | None:
    auth = auth or {}
    return auth.get("token") if auth.get("role") in ("editor", "admin") else None


def _error(exc: ApiError) -> str:
    if exc.status == 422:
        return "✘ 流程未通过校验，未保存：\n\n" + "\n".join(
            f"- {render.md_escape(x)}" for x in exc.error_lines()
        )
    return f"✘ {render.md_escape(exc.message)}"


def _rows(versions: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            v.get("version"),
            "已发布" if v.get("published") else ("最新草稿" if v.get("is_current") else "历史版本"),
            render.short_time(v.get("created_at")),
            v.get("actor", ""),
            v.get("note", ""),
        ]
        for v in versions
    ]


def _info(doc: dict[str, Any]) -> str:
    flow = doc.get("flow") or {}
    served = f"，已发布第 {doc['published_version']} 版" if doc.get("published_version") else ""
    return (
        f"**{render.md_escape(flow.get('title'))}** — 流程 `{render.md_escape(doc.get('flow_id'))}`，"
        f"来源：{SOURCES.get(doc.get('source', ''), doc.get('source'))}{served}；"
        f"{len(flow.get('questions') or [])} 个情形问题，{len(flow.get('materials') or [])} 项材料，"
        f"{len(flow.get('form') or [])} 个填写项"
    )


def build_flow_editor(client: ApiClient, auth: gr.State) -> None:
    with gr.Row():
        f_sid = gr.Textbox(label="事项编码", placeholder="办事指南的事项编码", scale=4, elem_id="flow-sid")
        f_load = gr.Button("载入流程", scale=1, min_width=80, elem_id="flow-load")
    f_info = gr.Markdown("", elem_id="flow-info")
    f_text = gr.Code(language="yaml", lines=20, max_lines=60, label="流程 YAML", elem_id="flow-text")
    with gr.Row():
        f_note = gr.Textbox(label="修改说明", scale=4, elem_id="flow-note")
        f_save = gr.Button("保存为草稿", variant="primary", scale=1, elem_id="flow-save")
    f_result = gr.Markdown("", elem_id="flow-result")
    f_versions = gr.Dataframe(
        headers=VERSION_HEADERS, value=[], type="array", interactive=False, elem_id="flow-versions"
    )
    with gr.Row():
        f_a = gr.Number(label="旧版本", precision=0, min_width=100, elem_id="flow-diff-a")
        f_b = gr.Number(label="新版本", precision=0, min_width=100, elem_id="flow-diff-b")
        f_diff = gr.Button("对比", min_width=80, elem_id="flow-diff")
        f_publish = gr.Button("发布最新草稿", variant="primary", elem_id="flow-publish")
    f_diff_md = gr.Markdown("", elem_id="flow-diff-result")

    def versions(token: str, sid: str) -> list[list[Any]]:
        try:
            return _rows(client.flow_versions(token, sid))
        except ApiError:
            return []  # no record saved yet

    def load(sid: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token, sid = _token(auth_v), (sid or "").strip()
        if not token:
            return NEEDS_LOGIN, gr.skip(), gr.skip()
        if not sid:
            return "请输入事项编码。", gr.skip(), gr.skip()
        try:
            doc = client.flow(token, sid)
        except ApiError as exc:
            return _error(exc), gr.skip(), gr.skip()
        return _info(doc), doc.get("text", ""), versions(token, sid)

    def info_now(token: str, sid: str) -> Any:
        try:
            return _info(client.flow(token, sid))
        except ApiError:
            return gr.skip()

    def save(sid: str, text: str, note: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token, sid = _token(auth_v), (sid or "").strip()
        if not token:
            return NEEDS_LOGIN, gr.skip(), gr.skip()
        try:
            saved = client.save_flow_draft(token, sid, text or "", note or "")
        except ApiError as exc:
            return _error(exc), gr.skip(), gr.skip()
        done = f"✔ 已保存为第 {saved.get('version')} 版草稿（发布后生效）。"
        return done, versions(token, sid), info_now(token, sid)

    def publish(sid: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token, sid = _token(auth_v), (sid or "").strip()
        if not token:
            return NEEDS_LOGIN, gr.skip(), gr.skip()
        try:
            done = client.publish_flow(token, sid)
        except ApiError as exc:
            return _error(exc), gr.skip(), gr.skip()
        text = f"✔ 已发布第 {done.get('version')} 版，新的对话即按此流程办理。"
        return text, versions(token, sid), info_now(token, sid)

    def diff(sid: str, a: float | None, b: float | None, auth_v: dict[str, Any]) -> str:
        token, sid = _token(auth_v), (sid or "").strip()
        if not token:
            return NEEDS_LOGIN
        if not a or not b:
            return "请填写要对比的两个版本号。"
        try:
            out = client.flow_diff(token, sid, int(a), int(b))
        except ApiError as exc:
            return _error(exc)
        return f"```diff\n{out.get('diff') or '（两个版本内容相同）'}\n```"

    f_load.click(load, [f_sid, auth], [f_info, f_text, f_versions])
    f_sid.submit(load, [f_sid, auth], [f_info, f_text, f_versions])
    f_save.click(save, [f_sid, f_text, f_note, auth], [f_result, f_versions, f_info])
    f_publish.click(publish, [f_sid, auth], [f_result, f_versions, f_info])
    f_diff.click(diff, [f_sid, f_a, f_b, auth], f_diff_md)
