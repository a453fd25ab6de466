"""内容运营 section: browse guides and policies, edit a guide (field form or JSON) into a new draft version,
versions and diff, publish (re-indexes only that guide), hit testing, the unanswered/thumbs-down queue,
and (admin) API tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui import render
from ui.client import ApiClient, ApiError
from ui.flow_editor import build_flow_editor

GUIDE_HEADERS = ["事项编码", "名称", "实施部门", "版本", "状态"]
POLICY_HEADERS = ["编号", "标题", "类型", "发布机关", "层级"]
VERSION_HEADERS = ["版本", "状态", "时间", "操作人", "说明"]
HIT_HEADERS = ["排名", "文档", "字段/条", "融合分", "BM25", "向量", "检索器", "片段"]
NEEDS_LOGIN = "请先用内容运营（editor）令牌登录。"
MULTILINE = {"conditions", "legal_basis", "location", "fees"}


@dataclass
class EditorSection:
    admin_box: gr.Accordion
    unanswered_md: gr.HTML


def _editor_token(auth: dict[str, Any] | None) -> str | None:
    auth = auth or {}
    return auth.get("token") if auth.get("role") in ("editor", "admin") else None


def _error_text(exc: ApiError) -> str:
    if exc.status == 422:
        lines = exc.error_lines()
        return "✘ 内容未通过校验：\n\n" + "\n".join(f"- {render.md_escape(x)}" for x in lines)
    return f"✘ {render.md_escape(exc.message)}"


_JSON_ERRORS = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号「,」",
    "Expecting ':' delimiter": "缺少冒号「:」",
    "Expecting property name enclosed in double quotes": "字段名必须用英文双引号括起来",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Extra data": "对象结束后还有多余内容",
    "Invalid control character at": "字符串中有非法控制字符（如换行）",
    "Invalid \\escape": "非法的转义字符",
}


def _json_error_text(msg: str) -> str:
    """Python's JSON error message in Chinese (the original is kept for anything unrecognised)."""
    return next((zh for en, zh in _JSON_ERRORS.items() if msg.startswith(en)), msg)


def _row_value(evt: gr.SelectData, rows: Any, col: int = 0) -> str | None:
    row_index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
    try:
        return str(rows[row_index][col])
    except (IndexError, KeyError, TypeError):
        return None


def build_editor(client: ApiClient, auth: gr.State) -> EditorSection:
    guide_state = gr.State({})  # the guide JSON as last loaded from the API

    with gr.Tabs():
        # -- guides ---------------------------------------------------------------------------------------
        with gr.Tab("办事指南", id="ed-guides"):
            with gr.Row():
                g_q = gr.Textbox(
                    label="搜索办事指南", placeholder="名称、关键词或事项编码", scale=4, elem_id="guide-q"
                )
                g_search = gr.Button("搜索", scale=1, min_width=80, elem_id="guide-search")
            g_list = gr.Dataframe(
                headers=GUIDE_HEADERS,
                value=[],
                type="array",
                interactive=False,
                wrap=True,
                max_height=260,
                label="点击一行打开",
                elem_id="guide-list",
            )
            with gr.Row():
                g_id = gr.Textbox(label="事项编码", scale=4, elem_id="guide-id")
                g_open = gr.Button("打开", scale=1, min_width=80, elem_id="guide-open")
            g_title = gr.Markdown("", elem_id="guide-title")
            with gr.Tabs():
                with gr.Tab("表单编辑", id="ed-form"):
                    field_boxes = [
                        gr.Textbox(
                            label=label,
                            lines=3 if name in MULTILINE else 1,
                            max_lines=12,
                            elem_id=f"guide-field-{name}",
                        )
                        for name, label in render.GUIDE_FORM_FIELDS
                    ]
                    g_save_form = gr.Button("保存为新草稿", variant="primary", elem_id="guide-save-form")
                with gr.Tab("JSON 编辑", id="ed-json"):
                    g_json = gr.Code(
                        language="json",
                        lines=18,
                        max_lines=40,
                        label="ServiceGuide JSON",
                        elem_id="guide-json",
                    )
                    g_save_json = gr.Button(
                        "保存 JSON 为新草稿", variant="primary", elem_id="guide-save-json"
                    )
            g_save_md = gr.Markdown("", elem_id="guide-save-result")
            with gr.Accordion("版本、对比与发布", open=True):
                g_versions = gr.Dataframe(
                    headers=VERSION_HEADERS,
                    value=[],
                    type="array",
                    interactive=False,
                    elem_id="guide-versions",
                )
                with gr.Row():
                    diff_a = gr.Number(label="旧版本", precision=0, min_width=100, elem_id="diff-a")
                    diff_b = gr.Number(label="新版本", precision=0, min_width=100, elem_id="diff-b")
                    g_diff = gr.Button("对比", min_width=80, elem_id="guide-diff")
                diff_md = gr.Markdown("", elem_id="guide-diff-result")
                g_publish = gr.Button("发布最新草稿", variant="primary", elem_id="guide-publish")
                publish_md = gr.Markdown("", elem_id="guide-publish-result")

        # -- flows (预审 / 情形引导) ----------------------------------------------------------------------------
        with gr.Tab("流程", id="ed-flows"):
            build_flow_editor(client, auth)

        # -- policies -------------------------------------------------------------------------------------
        with gr.Tab("政策法规", id="ed-policies"):
            with gr.Row():
                p_q = gr.Textbox(label="搜索政策法规", scale=4, elem_id="policy-q")
                p_search = gr.Button("搜索", scale=1, min_width=80, elem_id="policy-search")
            p_list = gr.Dataframe(
                headers=POLICY_HEADERS,
                value=[],
                type="array",
                interactive=False,
                wrap=True,
                max_height=260,
                label="点击一行查看",
                elem_id="policy-list",
            )
            p_md = gr.Markdown("", elem_id="policy-view")

        # -- hit testing ----------------------------------------------------------------------------------
        with gr.Tab("命中测试", id="ed-search"):
            with gr.Row():
                s_q = gr.Textbox(label="输入一个市民可能问的问题", scale=4, elem_id="hit-q")
                s_k = gr.Slider(1, 20, value=5, step=1, label="返回条数", scale=2, min_width=160)
                s_go = gr.Button("测试", variant="primary", scale=1, min_width=80, elem_id="hit-go")
            s_md = gr.Markdown("", elem_id="hit-summary")
            s_rows = gr.Dataframe(
                headers=HIT_HEADERS, value=[], type="array", interactive=False, wrap=True, elem_id="hit-table"
            )

        # -- unanswered -----------------------------------------------------------------------------------
        with gr.Tab("待改进问题", id="ed-unanswered"):
            u_refresh = gr.Button("↻ 刷新", elem_id="unanswered-refresh")
            u_md = gr.HTML("", elem_id="unanswered-list")

    with gr.Accordion("令牌管理（管理员）", open=False, visible=False, elem_id="admin-tokens") as admin_box:
        with gr.Row():
            t_role = gr.Dropdown(
                ["citizen", "clerk", "editor", "admin"], value="clerk", label="角色", min_width=120
            )
            t_name = gr.Textbox(label="名称/备注", min_width=160)
            t_go = gr.Button("创建令牌", min_width=100, elem_id="token-create")
        t_out = gr.Textbox(
            label="新令牌（只显示一次，请妥善保存）", interactive=False, buttons=["copy"], elem_id="token-new"
        )

    # -- guide handlers -------------------------------------------------------------------------------------

    def search_guides(q: str, auth_v: dict[str, Any]) -> tuple[Any, str]:
        token = _editor_token(auth_v)
        if not token:
            return gr.skip(), NEEDS_LOGIN
        try:
            guides = client.guides(token, (q or "").strip())
        except ApiError as exc:
            return gr.skip(), _error_text(exc)
        return render.guide_rows(guides), f"找到 {len(guides)} 条办事指南。"

    g_search.click(search_guides, [g_q, auth], [g_list, g_title])
    g_q.submit(search_guides, [g_q, auth], [g_list, g_title])

    def load_guide(gid: str, auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token = _editor_token(auth_v)
        gid = (gid or "").strip()
        n = len(field_boxes)
        if not token or not gid:
            return (gr.skip(),) * (4 + n) + (NEEDS_LOGIN if not token else "请输入事项编码。", gr.skip())
        try:
            guide = client.guide(token, gid)
            versions = client.guide_versions(token, gid)
        except ApiError as exc:
            return (gr.skip(),) * (4 + n) + (_error_text(exc), gr.skip())
        status = render.GUIDE_STATUS.get(guide.get("status", ""), guide.get("status", ""))
        title = f"### {render.md_escape(guide.get('name'))}\n\n版本 v{guide.get('version', '?')}（{status}）"
        if guide.get("is_sample"):
            title += f"　※ {render.md_escape(guide.get('sample_note') or '示例数据')}"
        values = [str(guide.get(name) or "") for name, _ in render.GUIDE_FORM_FIELDS]
        return (
            guide,
            gid,
            title,
            json.dumps(guide, ensure_ascii=False, indent=2),
            *values,
            "",
            render.version_rows(versions),
        )

    load_outputs = [guide_state, g_id, g_title, g_json, *field_boxes, g_save_md, g_versions]
    g_open.click(load_guide, [g_id, auth], load_outputs)
    g_id.submit(load_guide, [g_id, auth], load_outputs)

    def pick_guide(evt: gr.SelectData, rows: Any, auth_v: dict[str, Any]) -> tuple[Any, ...]:
        gid = _row_value(evt, rows)
        if not gid:
            return (gr.skip(),) * len(load_outputs)
        return load_guide(gid, auth_v)

    g_list.select(pick_guide, [g_list, auth], load_outputs)

    def save(guide: dict[str, Any], auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token = _editor_token(auth_v)
        gid = str(guide.get("id") or "")
        if not token:
            return NEEDS_LOGIN, gr.skip(), gr.skip(), gr.skip()
        try:
            saved = client.save_guide(token, gid, guide)
            versions = client.guide_versions(token, gid)
        except ApiError as exc:
            return _error_text(exc), gr.skip(), gr.skip(), gr.skip()
        version = saved.get("version", "?")
        msg = f"✔ 已保存为草稿 v{version}。发布后市民端才会看到新内容。"
        current = {**guide, **saved} if saved else guide
        return msg, render.version_rows(versions), current, json.dumps(current, ensure_ascii=False, indent=2)

    save_outputs = [g_save_md, g_versions, guide_state, g_json]

    def save_form(guide: dict[str, Any], auth_v: dict[str, Any], *values: str) -> tuple[Any, ...]:
        if not guide:
            return "请先打开一条办事指南。", gr.skip(), gr.skip(), gr.skip()
        edited = dict(guide)
        for (name, _), value in zip(render.GUIDE_FORM_FIELDS, values, strict=True):
            text = (value or "").strip()
            edited[name] = text if text or name == "name" else None
        return save(edited, auth_v)

    g_save_form.click(save_form, [guide_state, auth, *field_boxes], save_outputs)

    def save_json(text: str, guide: dict[str, Any], auth_v: dict[str, Any]) -> tuple[Any, ...]:
        try:
            edited = json.loads(text or "")
        except json.JSONDecodeError as exc:
            return (
                f"✘ JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列，{_json_error_text(exc.msg)}。未保存。",
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
        if not isinstance(edited, dict):
            return "✘ JSON 必须是一个对象（ServiceGuide）。", gr.skip(), gr.skip(), gr.skip()
        if guide.get("id") and not edited.get("id"):
            edited["id"] = guide["id"]
        if not edited.get("id"):
            return "✘ 缺少 id（事项编码）。", gr.skip(), gr.skip(), gr.skip()
        return save(edited, auth_v)

    g_save_json.click(save_json, [g_json, guide_state, auth], save_outputs)

    def show_diff(a: float | None, b: float | None, guide: dict[str, Any], auth_v: dict[str, Any]) -> str:
        token = _editor_token(auth_v)
        if not token:
            return NEEDS_LOGIN
        if not guide.get("id") or a is None or b is None:
            return "请先打开指南并填写两个版本号。"
        try:
            return render.diff_markdown(client.guide_diff(token, str(guide["id"]), int(a), int(b)))
        except ApiError as exc:
            return _error_text(exc)

    g_diff.click(show_diff, [diff_a, diff_b, guide_state, auth], diff_md)

    def pick_version(evt: gr.SelectData, rows: Any) -> tuple[Any, Any]:
        v = _row_value(evt, rows)
        if v is None or not v.isdigit():
            return gr.skip(), gr.skip()
        # Compare the picked version with the one before it.
        return max(int(v) - 1, 1), int(v)

    g_versions.select(pick_version, [g_versions], [diff_a, diff_b])

    def publish(guide: dict[str, Any], auth_v: dict[str, Any]) -> tuple[Any, ...]:
        token = _editor_token(auth_v)
        gid = str((guide or {}).get("id") or "")
        if not token:
            return NEEDS_LOGIN, gr.skip()
        if not gid:
            return "请先打开一条办事指南。", gr.skip()
        try:
            result = client.publish_guide(token, gid)
            versions = client.guide_versions(token, gid)
        except ApiError as exc:
            return _error_text(exc), gr.skip()
        version = (result.get("guide") or {}).get("version", "")
        message = result.get("message") or "已发布"
        icon = "✔" if result.get("indexed") else "⚠"
        return f"{icon} v{version}：{render.md_escape(message)}", render.version_rows(versions)

    g_publish.click(publish, [guide_state, auth], [publish_md, g_versions])

    # -- policies -------------------------------------------------------------------------------------------

    def search_policies(q: str, auth_v: dict[str, Any]) -> tuple[Any, str]:
        token = _editor_token(auth_v)
        if not token:
            return gr.skip(), NEEDS_LOGIN
        try:
            items = client.policies(token, (q or "").strip())
        except ApiError as exc:
            return gr.skip(), _error_text(exc)
        return render.policy_rows(items), f"找到 {len(items)} 份政策法规，点击一行查看全文。"

    p_search.click(search_policies, [p_q, auth], [p_list, p_md])
    p_q.submit(search_policies, [p_q, auth], [p_list, p_md])

    def pick_policy(evt: gr.SelectData, rows: Any, auth_v: dict[str, Any]) -> str:
        pid = _row_value(evt, rows)
        token = _editor_token(auth_v)
        if not pid or not token:
            return gr.skip()
        try:
            return render.policy_markdown(client.policy(token, pid))
        except ApiError as exc:
            return _error_text(exc)

    p_list.select(pick_policy, [p_list, auth], p_md)

    # -- hit testing ----------------------------------------------------------------------------------------

    def hit_test(q: str, k: float, auth_v: dict[str, Any]) -> tuple[str, Any]:
        token = _editor_token(auth_v)
        if not token:
            return NEEDS_LOGIN, gr.skip()
        if not (q or "").strip():
            return "请输入问题。", gr.skip()
        try:
            result = client.search(token, q.strip(), int(k))
        except ApiError as exc:
            return _error_text(exc), gr.skip()
        return render.search_summary(result), render.hit_rows(result)

    s_go.click(hit_test, [s_q, s_k, auth], [s_md, s_rows])
    s_q.submit(hit_test, [s_q, s_k, auth], [s_md, s_rows])

    # -- unanswered -----------------------------------------------------------------------------------------

    def load_unanswered(auth_v: dict[str, Any]) -> str:
        token = _editor_token(auth_v)
        if not token:
            return f"<p>{NEEDS_LOGIN}</p>"
        try:
            return render.unanswered_html(client.unanswered(token))
        except ApiError as exc:
            return f"<p>✘ {render.esc(exc.message)}</p>"

    u_refresh.click(load_unanswered, [auth], u_md)

    # -- tokens (admin) -------------------------------------------------------------------------------------

    def create_token(role: str, name: str, auth_v: dict[str, Any]) -> str:
        auth_v = auth_v or {}
        if auth_v.get("role") != "admin":
            return "只有管理员可以创建令牌。"
        try:
            data = client.create_token(auth_v.get("token") or "", role, name or "")
        except ApiError as exc:
            return exc.message
        return str(data.get("token") or data)

    t_go.click(create_token, [t_role, t_name, auth], t_out)
    return EditorSection(admin_box=admin_box, unanswered_md=u_md)
