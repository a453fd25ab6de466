"""The pure renderers behind the UI panels."""

from __future__ import annotations

from ui import render


def test_citation_label_names_the_guide_field_and_quote() -> None:
    c = {
        "id": "guide:g1#materials",
        "title": "居住证申领",
        "source": "sample",
        "quote": "合法稳定住所证明（登记备案的租赁合同）",
    }
    assert render.citation_label(2, c) == "[2] 居住证申领 · 申请材料：合法稳定住所证明（登记备案的…"
    law = {"id": "policy:law-1#第三条", "title": "居住证暂行条例", "source": "x.md", "quote": "…"}
    assert render.citation_label(1, law) == "[1] 居住证暂行条例 第三条"


def test_citation_panel_shows_quote_full_text_and_link() -> None:
    c = {
        "id": "guide:g1#consult_phone",
        "title": "社保卡",
        "source": "https://www.gdzwfw.gov.cn/x",
        "quote": "12333",
    }
    md = render.citation_panel(c, "12333（工作日）")
    assert "> 12333" in md
    assert "**原文**" in md and "12333（工作日）" in md
    assert "[https://www.gdzwfw.gov.cn/x](https://www.gdzwfw.gov.cn/x)" in md
    sample = render.citation_panel({**c, "source": "sample"})
    assert "示例数据" in sample and "原文" not in sample


def test_reply_markdown_lists_distinct_sources() -> None:
    cites = [
        {"id": "guide:a#x", "title": "甲"},
        {"id": "guide:a#y", "title": "甲"},
        {"id": "policy:b#1", "title": "乙"},
    ]
    md = render.reply_markdown("答复", cites)
    assert md.startswith("答复")
    assert "来源：甲；乙（共 3 处引用" in md
    assert render.reply_markdown("答复", []) == "答复"


def test_parse_citation_id() -> None:
    assert render.parse_citation_id("guide:114400#materials") == ("guide", "114400", "materials")
    assert render.parse_citation_id("policy:law-1#第十条") == ("policy", "law-1", "第十条")


def test_guide_field_and_policy_article_text() -> None:
    guide = {
        "materials": [
            {"name": "身份证", "required": True},
            {"name": "照片", "required": False, "situation": "首次"},
        ],
        "promised_time_limit": {"value": 1, "unit": "工作日", "raw": "1(工作日)"},
        "consult_phone": "12333",
    }
    assert render.guide_field_text(guide, "materials") == "1. 身份证\n2. 照片（非必需）（首次）"
    assert render.guide_field_text(guide, "promised_time_limit") == "1(工作日)"
    assert render.guide_field_text(guide, "consult_phone") == "12333"
    assert render.guide_field_text(guide, "fees") == ""
    policy = {"articles": [{"number": "第一条", "text": "为了……", "chapter": "第一章 总则"}]}
    assert render.policy_article_text(policy, "第一条") == "第一章 总则　第一条　为了……"
    assert render.policy_article_text(policy, "第二条") == ""


def test_form_and_materials_panels() -> None:
    form = {
        "service_id": "s",
        "service_name": "居住证申领",
        "labels": {"applicant_name": "申请人姓名"},
        "fields": {"applicant_name": "张三"},
        "missing": ["手机号"],
        "answer_labels": {"basis": "有合法稳定住所"},
        "materials": [
            {"name": "身份证", "required": True, "provided": True},
            {"name": "照片", "required": False},
        ],
    }
    md = render.form_panel(form)
    assert "居住证申领" in md and "申请人姓名：张三" in md and "待填写：** 手机号" in md
    assert "有合法稳定住所" in md
    mats = render.materials_panel(form)
    assert "☑ 身份证" in mats and "☐ 照片" in mats and "可选" in mats
    assert "暂无办理中的事项" in render.form_panel(None)
    assert "申请已提交" in render.form_panel(form, submitted=True)


def test_markdown_from_data_is_escaped() -> None:
    md = render.form_panel(
        {"service_name": "a*b", "fields": {"x": "<script>alert(1)</script>"}, "missing": []}
    )
    assert "<script>" not in md and "a\\*b" in md


def test_preaudit_counts_missing_required_materials() -> None:
    form = {"materials": [{"name": "身份证", "required": True}, {"name": "照片", "required": False}]}
    assert "还缺 1 项" in render.preaudit_markdown(form, [])
    assert "预审通过" in render.preaudit_markdown(form, ["身份证"])


def test_receipt_and_application() -> None:
    assert "GA20250101-123456" in render.receipt_markdown(None, "GA20250101-123456")
    assert render.receipt_markdown(None, None) == ""
    app = {
        "id": "GA1",
        "service_name": "居住证申领",
        "status": "已受理",
        "fields": {"phone": "138"},
        "flow_id": "f",
    }
    events = [{"at": "2025-01-01T08:00:00Z", "from_status": "已提交", "to_status": "已受理", "reason": ""}]
    md = render.application_markdown(app, events, {"phone": "手机号"})
    assert "已受理" in md and "手机号：138" in md and "已提交 → 已受理" in md


def test_tables_and_diff() -> None:
    assert render.version_rows(
        [{"version": 2, "status": "draft", "is_current": True, "actor": "e", "note": ""}]
    )[0][:2] == [2, "草稿（最新）"]
    assert (
        render.guide_rows([{"id": "g", "name": "n", "version": 1, "status": "published"}])[0][4] == "已发布"
    )
    diff = render.diff_markdown({"changes": [{"field": "consult_phone", "before": "1", "after": "2"}]})
    assert "| 咨询电话 | 1 | 2 |" in diff
    assert render.diff_markdown({"changes": []}) == "两版无差异。"


def test_hit_rows_name_the_retrievers() -> None:
    result = {
        "confident": True,
        "confidence": 0.9,
        "latency_ms": 3.0,
        "hits": [
            {
                "title": "社保卡",
                "score": 2.0,
                "chunks": [
                    {
                        "field": "name",
                        "score": 1.5,
                        "scores": {"bm25": 0.9, "dense": 0.0, "char": 0.5},
                        "text": "t",
                    }
                ],
            }
        ],
    }
    rows = render.hit_rows(result)
    assert rows == [[1, "社保卡", "name", 1.5, 0.9, 0.0, "bm25+char", "t"]]
    assert "可信匹配" in render.search_summary(result)


def test_unanswered_html_escapes_and_collapses() -> None:
    html = render.unanswered_html(
        [
            {
                "kind": "thumbs_down",
                "question": "<b>x</b>",
                "comment": "差",
                "conversation": [{"role": "user", "text": "问"}],
            }
        ]
    )
    assert "<details" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "差评反馈" in html and "市民" in html
    assert "暂无" in render.unanswered_html([])
