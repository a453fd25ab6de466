"""The clerk's view of a 预审 application: the checklist with ticks, situations and conditions, labels."""

from __future__ import annotations

from ui import flows, render


def test_application_detail_shows_checklist_situations_and_generic_labels() -> None:
    app = {
        "id": "GA20261202-000001",
        "service_name": "高新技术企业认定",
        "status": "已提交",
        "flow_id": "g-11440000006939801C2442003005000",
        "materials": [
            {"name": "营业执照", "required": True, "provided": True},
            {"name": "企业人员情况材料", "required": True, "provided": False},
            {"name": "获奖证书（如有）", "required": False, "provided": False},
        ],
        "missing_materials": ["企业人员情况材料"],
        "fields": {"org_uscc": "91440114MA59UQ8X2L", "visit_date": "2026-12-07"},
        "summary": "请核对以下信息：\n【办理情形】\n- 请问您是以个人还是单位名义申请：单位申请\n"
        "- 受理条件：“按国家高企认定管理办法要求。”请问您符合这些条件吗：是，符合\n【填写信息】\n- x：y",
    }
    text = render.application_markdown(app, [], flows.field_labels(app["flow_id"]))
    assert "☑ 营业执照" in text and "☐ 企业人员情况材料" in text and "可选" in text
    assert "是，符合" in text and "单位申请" in text
    assert "统一社会信用代码：91440114MA59UQ8X2L" in text and "预约到现场办理日期：2026-12-07" in text
    assert "- x：y" not in text  # only the situations section of the summary


def test_flow_editor_info_and_version_rows() -> None:
    from ui.flow_editor import _info, _rows

    doc = {
        "flow_id": "g-1",
        "source": "record",
        "published_version": 2,
        "flow": {"title": "职业资格证书补发", "questions": [{}], "materials": [{}, {}], "form": [{}, {}, {}]},
    }
    text = _info(doc)
    assert "职业资格证书补发" in text and "已保存的流程记录，已发布第 2 版" in text
    assert "1 个情形问题，2 项材料，3 个填写项" in text
    rows = _rows(
        [
            {"version": 1, "published": False, "is_current": False, "actor": "a", "note": ""},
            {"version": 2, "published": True, "is_current": False, "actor": "b", "note": "x"},
            {"version": 3, "published": False, "is_current": True, "actor": "c", "note": "y"},
        ]
    )
    assert [r[1] for r in rows] == ["历史版本", "已发布", "最新草稿"]
