"""Pure functions that turn API JSON into Markdown/HTML for the UI panels (unit-tested without a browser)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

ROLE_NAMES = {"citizen": "市民", "clerk": "窗口工作人员", "editor": "内容运营", "admin": "管理员"}
STATUS_ICONS = {"已提交": "○", "已受理": "✔", "需补正": "⚠", "不予受理": "✘", "办结": "★"}

# Guide fields in the order an editor's field form shows them (scalar text fields only).
GUIDE_FORM_FIELDS: list[tuple[str, str]] = [
    ("name", "事项名称"),
    ("department", "实施部门"),
    ("consult_phone", "咨询电话"),
    ("complaint_phone", "监督投诉电话"),
    ("location", "办理地点"),
    ("conditions", "受理条件"),
    ("fees", "收费标准"),
    ("online_url", "网上办理地址"),
    ("legal_basis", "设定依据"),
]
GUIDE_FIELD_LABELS: dict[str, str] = {
    **dict(GUIDE_FORM_FIELDS),
    "materials": "申请材料",
    "legal_time_limit": "法定办结时限",
    "meta": "基本信息",
    "sample_note": "说明",
    "promised_time_limit": "承诺办结时限",
    "process": "办理流程",
    "faqs": "常见问题",
    "situations": "办理情形",
    "linked_items": "关联事项",
    "visits": "到现场次数",
    "audience": "服务对象",
    "type": "事项类型",
}


GUIDE_STATUS = {"published": "已发布", "draft": "草稿"}
POLICY_KINDS = {"law": "法律", "regulation": "法规", "policy": "政策文件", "report": "工作报告"}
SOURCE_NAMES = {
    "sample": "示例指南（示例数据，以官方发布为准）",
    "gdzwfw_2021": "广东政务服务网办事指南（2021 年采集）",
}


def esc(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def md_escape(text: Any) -> str:
    """Escape characters that would turn user or data text into Markdown markup."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", str(text if text is not None else ""))


def role_label(role: str | None) -> str:
    return ROLE_NAMES.get(role or "", role or "未登录")


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).startswith(("http://", "https://"))


# -- citizen chat -------------------------------------------------------------------------------------------


def citation_label(i: int, c: dict[str, Any]) -> str:
    """ "[1] 居住证申领 · 申请材料：居民身份证" — short enough for a radio button."""
    title = str(c.get("title") or c.get("id"))
    kind, _, part = parse_citation_id(str(c.get("id", "")))
    if kind == "guide" and part in GUIDE_FIELD_LABELS:
        title = f"{title} · {GUIDE_FIELD_LABELS[part]}"
    elif kind == "policy" and part and part not in title:
        title = f"{title} {part}"
    quote = re.sub(r"\s+", " ", str(c.get("quote") or "")).strip()
    if quote and kind == "guide":
        title = f"{title}：{quote[:14]}{'…' if len(quote) > 14 else ''}"
    return f"[{i}] {title}"


def reply_markdown(reply: str, citations: list[dict[str, Any]]) -> str:
    """The assistant's bubble: the reply text, then the distinct source titles."""
    if not citations:
        return reply
    titles = list(dict.fromkeys(str(c.get("title") or c.get("id")) for c in citations))
    return f"{reply}\n\n<sub>来源：{md_escape('；'.join(titles))}（共 {len(citations)} 处引用，见「引用来源」）</sub>"


def citation_panel(c: dict[str, Any], full_text: str | None = None) -> str:
    """The source text behind one citation: the quoted evidence, the full field/article when known, the link."""
    lines = [f"#### {md_escape(c.get('title') or c.get('id'))}"]
    quote = str(c.get("quote") or "").strip()
    if quote:
        lines.append("\n".join(f"> {md_escape(q)}" for q in quote.splitlines() if q.strip()))
    if full_text and full_text.strip() and full_text.strip() != quote:
        lines.append("**原文**\n\n" + md_escape(full_text.strip()))
    source = str(c.get("source") or "")
    if is_url(source):
        lines.append(f"来源链接：[{md_escape(source)}]({source})")
    elif source:
        lines.append(f"来源：{md_escape(SOURCE_NAMES.get(source, source))}")
    lines.append(f"<sub>引用编号：{md_escape(c.get('id'))}</sub>")
    return "\n\n".join(lines)


def parse_citation_id(cid: str) -> tuple[str, str, str]:
    """ "guide:<id>#<field>" -> ("guide", id, field); "policy:<id>#<article>" -> ("policy", id, article)."""
    kind, _, rest = cid.partition(":")
    doc_id, _, part = rest.partition("#")
    return kind, doc_id, part


def guide_field_text(guide: dict[str, Any], field: str) -> str:
    """Readable text of one guide field (as cited)."""
    value = guide.get(field)
    if value is None or value == [] or value == "":
        return ""
    if field == "materials" and isinstance(value, list):
        return "\n".join(
            f"{i}. {m.get('name')}{'' if m.get('required', True) else '（非必需）'}"
            + (f"（{m['situation']}）" if m.get("situation") else "")
            for i, m in enumerate(value, 1)
        )
    if isinstance(value, dict):
        return str(value.get("raw") or value.get("text") or json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, dict):
                parts.append("；".join(f"{k}：{x}" for k, x in v.items() if x not in (None, "", [])))
            else:
                parts.append(str(v))
        return "\n".join(parts)
    return str(value)


def policy_article_text(policy: dict[str, Any], number: str) -> str:
    for art in policy.get("articles") or []:
        if art.get("number") == number:
            chapter = f"{art['chapter']}　" if art.get("chapter") else ""
            return f"{chapter}{art.get('number')}　{art.get('text', '')}"
    return ""


def form_panel(
    form: dict[str, Any] | None, labels: dict[str, str] | None = None, *, submitted: bool = False
) -> str:
    """The side panel: service, 情形 answers, the form as it fills, what is still missing."""
    if not form:
        return "暂无办理中的事项。告诉我您想办什么，例如「我想办理……」。"
    labels = {**(labels or {}), **(form.get("labels") or {})}
    title = form.get("service_name") or form.get("title") or form.get("service_id")
    lines = [f"**办理事项：** {md_escape(title)}"]
    answers = form.get("answer_labels") or form.get("answers") or {}
    if answers:
        lines.append("**办理情形：** " + "；".join(md_escape(v) for v in answers.values()))
    fields = form.get("fields") or {}
    if fields:
        lines.append("**已填写：**")
        lines.extend(f"- {md_escape(labels.get(k, k))}：{md_escape(v)}" for k, v in fields.items())
    missing = form.get("missing") or []
    if submitted:
        lines.append("**申请已提交**，请保存回执中的申请编号。")
    elif missing:
        lines.append("**待填写：** " + "、".join(md_escape(m) for m in missing))
    elif fields:
        lines.append("**表单已填完**，请核对后确认提交。")
    return "\n\n".join(lines)


def materials_panel(form: dict[str, Any] | None) -> str:
    materials = (form or {}).get("materials") or []
    if not materials:
        return "选定办理情形后，这里会列出需要准备的材料。"
    lines = ["**材料清单**"]
    for m in materials:
        tick = "☑" if m.get("provided") else "☐"
        need = "必需" if m.get("required", True) else "可选"
        extra = f"（{md_escape(m['copies'])}）" if m.get("copies") else ""
        lines.append(f"- {tick} {md_escape(m.get('name'))} <sub>{need}</sub>{extra}")
    return "\n".join(lines)


def receipt_markdown(app: dict[str, Any] | None, app_id: str | None = None) -> str:
    app_id = (app or {}).get("id") or app_id
    if not app_id:
        return ""
    status = (app or {}).get("status") or "已提交"
    service = (app or {}).get("service_name") or ""
    lines = [
        "### 办件回执",
        f"**申请编号：** `{app_id}`",
        f"**状态：** {STATUS_ICONS.get(status, '')} {status}",
    ]
    if service:
        lines.insert(1, f"**事项：** {md_escape(service)}")
    lines.append("请保存申请编号，可在「办件查询」中查看办理进度。")
    return "\n\n".join(lines)


def application_markdown(
    app: dict[str, Any], events: list[dict[str, Any]] | None = None, labels: dict[str, str] | None = None
) -> str:
    labels = labels or {}
    status = app.get("status", "")
    lines = [
        f"### 办件 {md_escape(app.get('id'))}",
        f"**事项：** {md_escape(app.get('service_name') or app.get('service_id'))}",
        f"**当前状态：** {STATUS_ICONS.get(status, '')} {md_escape(status)}",
    ]
    if app.get("created_at"):
        lines.append(f"**提交时间：** {short_time(app['created_at'])}")
    missing = app.get("missing_materials") or []
    if missing:
        lines.append("**预审缺少材料：** " + "、".join(md_escape(m) for m in missing))
    situations = _summary_section(app.get("summary") or "", "办理情形")
    if situations:
        lines.append("**办理情形与受理条件：**\n" + "\n".join(md_escape(x) for x in situations))
    materials = [m for m in app.get("materials") or [] if isinstance(m, dict) and m.get("name")]
    if materials:
        lines.append(
            "**材料清单（预审）：**\n"
            + "\n".join(
                f"- {'☑' if m.get('provided') else '☐'} {md_escape(m['name'])}"
                + ("" if m.get("required", True) else " <sub>可选</sub>")
                for m in materials
            )
        )
    fields = app.get("fields") or {}
    if fields:
        lines.append(
            "**申请信息：**\n"
            + "\n".join(f"- {md_escape(labels.get(k, k))}：{md_escape(v)}" for k, v in fields.items())
        )
    if events:
        lines.append("**办理记录：**")
        for ev in events:
            reason = f"（{md_escape(ev['reason'])}）" if ev.get("reason") else ""
            frm = f"{ev['from_status']} → " if ev.get("from_status") else ""
            lines.append(
                f"- {short_time(ev.get('at'))} {md_escape(frm)}{md_escape(ev.get('to_status'))}{reason}"
            )
    return "\n\n".join(lines)


def _summary_section(summary: str, name: str) -> list[str]:
    """The "- ..." lines under 【name】 in an application's read-back summary."""
    out: list[str] = []
    inside = False
    for line in summary.splitlines():
        if line.startswith("【"):
            inside = line.strip() == f"【{name}】"
        elif inside and line.startswith("- "):
            out.append(line)
    return out


def short_time(value: Any) -> str:
    text = str(value or "")
    return text.replace("T", " ")[:16]


# -- clerk ----------------------------------------------------------------------------------------------------


def preaudit_markdown(form: dict[str, Any] | None, ticked: list[str]) -> str:
    """预审: which required materials the clerk has not ticked yet."""
    materials = (form or {}).get("materials") or []
    if not materials:
        return ""
    required = [m.get("name") for m in materials if m.get("required", True)]
    missing = [n for n in required if n not in set(ticked)]
    if not missing:
        return f"✔ 预审通过：{len(required)} 项必需材料齐全。"
    return f"⚠ 预审：还缺 {len(missing)} 项必需材料 —— " + "、".join(md_escape(n) for n in missing)


def application_rows(apps: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            a.get("id", ""),
            a.get("service_name") or a.get("service_id", ""),
            a.get("status", ""),
            short_time(a.get("created_at")),
            len(a.get("missing_materials") or []),
        ]
        for a in apps
    ]


# -- editor ---------------------------------------------------------------------------------------------------


def guide_rows(guides: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            g.get("id", ""),
            g.get("name", ""),
            g.get("department") or "",
            g.get("version", ""),
            GUIDE_STATUS.get(g.get("status", ""), g.get("status", "")),
        ]
        for g in guides
    ]


def policy_rows(policies: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            p.get("id", ""),
            p.get("title", ""),
            POLICY_KINDS.get(p.get("kind", ""), p.get("kind", "")),
            p.get("issuer") or "",
            p.get("level") or "",
        ]
        for p in policies
    ]


def policy_markdown(p: dict[str, Any], limit: int = 80) -> str:
    meta = "　".join(
        f"{label}：{md_escape(p[key])}"
        for key, label in (("issuer", "发布机关"), ("doc_number", "文号"), ("published", "发布日期"))
        if p.get(key)
    )
    lines = [f"### {md_escape(p.get('title'))}", meta]
    if p.get("source_url"):
        lines.append(f"来源：[{md_escape(p['source_url'])}]({p['source_url']})")
    arts = p.get("articles") or []
    for art in arts[:limit]:
        lines.append(f"**{md_escape(art.get('number'))}** {md_escape(art.get('text'))}")
    if len(arts) > limit:
        lines.append(f"……（共 {len(arts)} 条，仅显示前 {limit} 条）")
    return "\n\n".join(x for x in lines if x)


def version_rows(versions: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            v.get("version", ""),
            f"{GUIDE_STATUS.get(v.get('status', ''), v.get('status', ''))}{'（最新）' if v.get('is_current') else ''}",
            short_time(v.get("updated_at") or v.get("created_at")),
            v.get("actor") or v.get("author") or "",
            v.get("note") or v.get("comment") or "",
        ]
        for v in versions
    ]


def diff_markdown(diff: Any) -> str:
    """A guide diff from the API: unified-diff text, or a list/dict of field changes."""
    if diff is None:
        return "两版无差异。"
    if isinstance(diff, dict) and "diff" in diff:
        diff = diff["diff"]
    if isinstance(diff, dict) and "changes" in diff:
        diff = diff["changes"]
    if isinstance(diff, str):
        return f"```\n{diff}\n```" if diff.strip() else "两版无差异。"
    if isinstance(diff, dict):
        diff = [{"field": k, **(v if isinstance(v, dict) else {"new": v})} for k, v in diff.items()]
    if not diff:
        return "两版无差异。"
    lines = ["| 字段 | 旧值 | 新值 |", "|---|---|---|"]
    for ch in diff:
        field = ch.get("field") or ch.get("path") or ""
        old = ch.get("old", ch.get("a", ch.get("before", "")))
        new = ch.get("new", ch.get("b", ch.get("after", "")))
        lines.append(
            f"| {md_escape(GUIDE_FIELD_LABELS.get(field, field))} | {md_escape(_cell(old))} | {md_escape(_cell(new))} |"
        )
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\n", " ")[:200]


def hit_rows(result: dict[str, Any]) -> list[list[Any]]:
    """Hit testing: one row per chunk, with its fused score and which retriever(s) found it."""
    rows: list[list[Any]] = []
    for rank, hit in enumerate(result.get("hits") or [], 1):
        for ch in hit.get("chunks") or []:
            scores = ch.get("scores") or {}
            retrievers = ch.get("retrievers") or [k for k, v in scores.items() if v]
            rows.append(
                [
                    rank,
                    hit.get("title", ""),
                    ch.get("field", ""),
                    round(float(ch.get("score", 0.0)), 4),
                    round(float(scores.get("bm25", 0.0)), 4),
                    round(float(scores.get("dense", 0.0)), 4),
                    "+".join(retrievers) or "—",
                    str(ch.get("text") or "")[:120],
                ]
            )
    return rows


def search_summary(result: dict[str, Any]) -> str:
    conf = float(result.get("confidence") or 0.0)
    verdict = "✔ 可信匹配" if result.get("confident") else "⚠ 无可信匹配（知识库可能答不了）"
    latency = result.get("latency_ms")
    extra = f"，耗时 {float(latency):.0f} ms" if latency is not None else ""
    hits = result.get("hits") or []
    top = "；".join(
        f"{i}. {md_escape(h.get('title'))}（{float(h.get('score', 0)):.3f}）" for i, h in enumerate(hits, 1)
    )
    return f"{verdict}，置信度 {conf:.3f}{extra}\n\n{top}"


def unanswered_html(items: list[dict[str, Any]]) -> str:
    """The content staff's queue: one collapsible entry per question, with the comment and the conversation."""
    if not items:
        return "<p>暂无待改进的问题。</p>"
    kinds = {"low_confidence": "低置信度", "thumbs_down": "差评反馈"}
    blocks = []
    for it in items:
        kind = kinds.get(it.get("kind", ""), it.get("kind", ""))
        conf = it.get("confidence")
        conf_txt = f" · 置信度 {float(conf):.2f}" if conf is not None else ""
        body = []
        if it.get("comment"):
            body.append(f"<p><b>用户意见：</b>{esc(it['comment'])}</p>")
        if it.get("reply"):
            body.append(f"<p><b>助手回答：</b>{esc(str(it['reply'])[:400])}</p>")
        conversation = it.get("conversation") or it.get("history") or []
        if conversation:
            turns = "".join(
                f"<li><b>{'市民' if t.get('role') in ('user', 'citizen') else '助手'}：</b>"
                f"{esc(str(t.get('text') or t.get('content') or '')[:300])}</li>"
                for t in conversation[-12:]
            )
            body.append(f"<p><b>对话记录：</b></p><ol class='ga-conv'>{turns}</ol>")
        blocks.append(
            "<details class='ga-queue-item'>"
            f"<summary><span class='ga-tag ga-tag-{esc(it.get('kind', ''))}'>{esc(kind)}</span> {esc(it.get('question'))} "
            f"<small>{esc(short_time(it.get('at')))}{esc(conf_txt)}</small></summary>"
            f"{''.join(body)}</details>"
        )
    return f"<p>共 {len(items)} 条待处理：</p>" + "".join(blocks)
