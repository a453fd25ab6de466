"""一件事 scenario JSON (trimmed copy of the real Changsha newborn extract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.loaders.report import LoaderError
from knowledge.loaders.scenario import load_scenario_json, material_from_item

SCENARIO = Path(__file__).resolve().parents[1] / "fixtures" / "loaders" / "onething_newborn_trimmed.json"


def test_scenario_becomes_a_real_guide() -> None:
    [g] = load_scenario_json(SCENARIO).guides
    assert g.id == "43PCN0009225J0100"
    assert (g.name, g.region, g.department) == ("新生儿出生一件事", "湖南省长沙市", "长沙市卫生健康委员会")
    assert (g.region_path, g.level) == (["湖南省", "长沙市"], "市级")  # province from the code prefix "43"
    assert g.is_sample is False and g.sample_note is None
    assert g.source == "hunan_onething"
    assert g.source_url is not None and g.source_url.startswith(
        "https://zwfw-new.hunan.gov.cn/hnywtb/onething/"
    )
    assert g.conditions is not None and g.conditions.split("；")[0] == "六个月内在本省助产机构内出生的新生儿"
    assert g.promised_time_limit is not None and g.promised_time_limit.text == "5（单位未载明）"
    assert (g.consult_phone, g.complaint_phone) == ("0731-88665266", "0731-12345")
    assert g.process[0] == "监护人在湘易办APP或湖南省人民政府网站申请在线办理" and len(g.process) == 9
    assert g.location is not None and g.location.startswith(
        "长沙市各分娩机构（全市各分娩机构）；办理时间：法定工作日"
    )
    assert [f.question for f in g.faqs][0] == "《出生医学证明》是否可以邮寄？"
    assert [(i.name, i.promised_days, i.result) for i in g.linked_items][:2] == [
        ("出生医学证明首次签发", 5.0, "出生医学证明"),
        ("预防接种证办理", 1.0, None),
    ]
    assert g.online_url is not None and g.online_url.startswith("https://zwfw-new.hunan.gov.cn/onething/")
    assert g.co_departments == ["公安部门", "人社部门", "卫健部门", "医保部门"]


def test_conditional_materials() -> None:
    [g] = load_scenario_json(SCENARIO).guides
    by_name = {m.name: m for m in g.materials}
    ethnic = by_name["新生儿民族成份申请"]
    assert (ethnic.required, ethnic.situation, ethnic.source) == (False, "父母双方是不同民族时", "申请人自备")
    assert by_name["父母身份证"].required is True and by_name["父母身份证"].notes == "拍照上传，人脸认证"
    photo = by_name["个人照片"]
    assert (photo.source, photo.notes) == ("个人提供", "7岁以下可以不提供")
    assert "门诊产检发票（检查、化验费）和医疗费用发票" in by_name  # stray space inside the name removed


def test_material_without_condition_stays_required() -> None:
    m = material_from_item({"clmc": "诊断证明", "cllyqdsm": "医疗机构出具", "tbxz": "医疗机构盖章"})
    assert (m.required, m.situation, m.notes) == (True, None, "医疗机构盖章")


def test_scenario_without_name_is_an_error(tmp_path: Path) -> None:
    data = json.loads(SCENARIO.read_text(encoding="utf-8"))
    data["sxmc"] = ""
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoaderError, match="sxmc") as exc:
        load_scenario_json(p)
    assert exc.value.file == str(p)
