"""The bundled flows: they load, are marked as sample, react to answers, and point at known guides."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.nlu.validators import VALIDATORS
from guides.loader import FLOWS_DIR, FlowError, load_flow, load_flows, load_sample_guides
from guides.schema import Flow
from knowledge.schema import SAMPLE_MARK

EXPECTED = {
    "xinshenger-chusheng",
    "geti-gongshanghu-sheli",
    "juzhuzheng-shenling",
    "shebaoka-buhuan",
    "linghuo-jiuye-canbao",
    "gongjijin-zufang-tiqu",
    "canjiren-butie",
    "dibao-shenqing",
}
SCENARIO_ID = "43PCN0009225J0100"  # the Changsha scenario, loaded by the scenario loader
REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    return load_flows()


@pytest.fixture(scope="module")
def real_ids() -> set[str]:
    path = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
    assert path.is_file(), f"real guides missing: {path} (set GOVASSIST_SHARED)"
    with path.open(encoding="utf-8") as fh:
        return {json.loads(line)["TASK_CODE"] for line in fh if line.strip()}


@pytest.fixture(scope="module")
def sample_ids() -> set[str]:
    return {g.id for g in load_sample_guides()}


def test_all_flows_load(flows: dict[str, Flow]) -> None:
    assert set(flows) >= EXPECTED
    assert {p.stem for p in FLOWS_DIR.glob("*.yaml")} == set(flows)


def test_flow_shape(flows: dict[str, Flow]) -> None:
    for fid, flow in flows.items():
        assert flow.id == fid
        assert flow.sample_note == SAMPLE_MARK
        assert len(flow.keywords) >= 3, fid
        assert 1 <= len(flow.questions) <= 3, fid
        assert 4 <= len(flow.form) <= 8, fid
        assert flow.next_steps, fid
        assert all(c.synonyms for q in flow.questions for c in q.choices), fid
        types = {f.type for f in flow.form}
        assert {"name", "id_number", "phone"} <= types, fid
        assert types <= set(VALIDATORS), fid


def test_newborn_is_a_onething_bundle(flows: dict[str, Flow]) -> None:
    flow = flows["xinshenger-chusheng"]
    assert flow.kind == "onething"
    assert flow.service_id == "sample-huadu-xinshenger-onething"
    assert flow.related_service_ids


def test_conditions_reference_known_questions_and_choices(flows: dict[str, Flow]) -> None:
    for flow in flows.values():
        choices = {q.id: {c.value for c in q.choices} for q in flow.questions}
        for item in [*flow.questions, *flow.materials, *flow.form]:
            for qid, allowed in (item.when or {}).items():
                assert qid in choices, (flow.id, qid)
                assert set(allowed) <= choices[qid], (flow.id, qid, allowed)


def test_every_question_changes_materials_or_fields(flows: dict[str, Flow]) -> None:
    for flow in flows.values():
        for q in flow.questions:
            outcomes = {
                (
                    tuple(m.name for m in flow.materials_for({q.id: c.value})),
                    tuple(f.name for f in flow.active_fields({q.id: c.value})),
                )
                for c in q.choices
            }
            assert len(outcomes) > 1, f"{flow.id}: question '{q.id}' changes nothing"


def test_materials_follow_answers(flows: dict[str, Flow]) -> None:
    newborn = flows["xinshenger-chusheng"]
    same = {m.name for m in newborn.materials_for({"same_ethnicity": "是", "hukou_follows": "父亲"})}
    mixed = {m.name for m in newborn.materials_for({"same_ethnicity": "否", "hukou_follows": "母亲"})}
    assert "新生儿民族成份申请" in mixed - same
    assert "父亲的居民户口簿" in same - mixed
    assert "母亲的居民户口簿" in mixed - same

    shop = flows["geti-gongshanghu-sheli"]
    rented = {m.name for m in shop.materials_for({"premises": "租用", "agent": "代办"})}
    assert "房屋租赁合同及出租方产权证明" in rented
    assert "委托书及代理人身份证" in rented
    assert "不动产权证书或购房合同" not in rented


def test_active_fields_follow_answers(flows: dict[str, Flow]) -> None:
    card = flows["shebaoka-buhuan"]
    assert "mailing_address" in {f.name for f in card.active_fields({"pickup": "邮寄"})}
    assert "mailing_address" not in {f.name for f in card.active_fields({"pickup": "网点领取"})}

    fund = flows["gongjijin-zufang-tiqu"]
    filed = {f.name for f in fund.active_fields({"contract": "是", "spouse": "是"})}
    plain = {f.name for f in fund.active_fields({"contract": "否", "spouse": "否"})}
    assert {"monthly_rent", "spouse_name"} <= filed - plain


def test_service_specific_fields(flows: dict[str, Flow]) -> None:
    shop = {f.name: f for f in flows["geti-gongshanghu-sheli"].form}
    assert shop["premises_address"].type == "address"
    assert shop["business_scope"].type == "text"
    assert shop["capital"].type == "amount"
    assert shop["organization"].type == "enum"
    assert {f.name: f.type for f in flows["gongjijin-zufang-tiqu"].form}["monthly_rent"] == "amount"
    assert {f.name: f.type for f in flows["shebaoka-buhuan"].form}["reason"] == "enum"


def test_service_ids_exist_in_the_knowledge_base(
    flows: dict[str, Flow], real_ids: set[str], sample_ids: set[str]
) -> None:
    known = real_ids | sample_ids | {SCENARIO_ID}
    assert load_flows(known_service_ids=known).keys() == flows.keys()
    for flow in flows.values():
        assert flow.service_id in known
        assert set(flow.related_service_ids) <= real_ids, flow.id  # linked items point at real guides


def test_sample_ids_do_not_shadow_real_ids(real_ids: set[str], sample_ids: set[str]) -> None:
    assert not real_ids & sample_ids


def _copy_flow(tmp_path: Path, name: str = "shebaoka-buhuan") -> Path:
    target = tmp_path / f"{name}.yaml"
    shutil.copy(FLOWS_DIR / f"{name}.yaml", target)
    return target


def _edit(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_broken_yaml_names_file_and_field(tmp_path: Path) -> None:
    path = _copy_flow(tmp_path)
    _edit(path, lambda d: d["questions"][0].update(choices=d["questions"][0]["choices"][:1]))
    with pytest.raises(FlowError) as err:
        load_flows(tmp_path)
    assert "shebaoka-buhuan.yaml" in str(err.value)
    assert "questions[0].choices" in str(err.value)


def test_unknown_key_and_bad_type_are_reported(tmp_path: Path) -> None:
    path = _copy_flow(tmp_path)
    _edit(path, lambda d: d["form"][3].update(type="color", lable="x"))
    message = str(pytest.raises(FlowError, load_flow, path).value)
    assert "form[3].type" in message
    assert "form[3].lable" in message
    assert "不允许的字段" in message


def test_condition_on_unknown_question_is_rejected(tmp_path: Path) -> None:
    path = _copy_flow(tmp_path)
    _edit(path, lambda d: d["materials"][0].update(when={"no_such_question": ["是"]}))
    message = str(pytest.raises(FlowError, load_flow, path).value)
    assert "shebaoka-buhuan.yaml" in message
    assert "no_such_question" in message


def test_syntax_error_top_level_and_stem_mismatch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nquestions: [\n", encoding="utf-8")
    assert "bad.yaml：YAML 格式错误" in str(pytest.raises(FlowError, load_flow, bad).value)
    bad.write_text("- 1\n- 2\n", encoding="utf-8")
    assert "顶层应为键值映射" in str(pytest.raises(FlowError, load_flow, bad).value)
    renamed = tmp_path / "other-name.yaml"
    shutil.copy(FLOWS_DIR / "dibao-shenqing.yaml", renamed)
    message = str(pytest.raises(FlowError, load_flow, renamed).value)
    assert "other-name.yaml：字段 id" in message


def test_missing_sample_note_is_rejected(tmp_path: Path) -> None:
    path = _copy_flow(tmp_path)
    _edit(path, lambda d: d.pop("sample_note"))
    assert "sample_note：缺少必填项" in str(pytest.raises(FlowError, load_flow, path).value)
    _edit(path, lambda d: d.update(sample_note="官方数据"))
    assert SAMPLE_MARK in str(pytest.raises(FlowError, load_flow, path).value)


def test_unknown_service_ids_are_rejected(tmp_path: Path) -> None:
    path = _copy_flow(tmp_path, "dibao-shenqing")
    flow = load_flow(path)
    everything = {flow.service_id, *flow.related_service_ids}
    assert load_flow(path, known_service_ids=everything).id == "dibao-shenqing"
    assert load_flow(path, known_service_ids=everything.__contains__).id == "dibao-shenqing"

    message = str(pytest.raises(FlowError, load_flows, tmp_path, known_service_ids=set()).value)
    assert "dibao-shenqing.yaml：字段 service_id" in message
    assert flow.service_id in message

    only_main = {flow.service_id}
    message = str(pytest.raises(FlowError, load_flow, path, known_service_ids=lambda s: s in only_main).value)
    assert "related_service_ids[0]" in message
